// URL builders in GitHub Enterprise Server layout: html at http://HOST/…, API at http://HOST/api/v3/….
export class Urls {
  readonly web: string;
  readonly api: string;

  constructor(
    readonly host: string,
    readonly owner: string,
    readonly name: string,
  ) {
    this.web = `http://${host}`;
    this.api = `http://${host}/api/v3`;
  }

  get repoApi(): string {
    return `${this.api}/repos/${this.owner}/${this.name}`;
  }

  get repoWeb(): string {
    return `${this.web}/${this.owner}/${this.name}`;
  }

  issueApi(n: number): string {
    return `${this.repoApi}/issues/${n}`;
  }

  issueWeb(n: number): string {
    return `${this.repoWeb}/issues/${n}`;
  }

  labelApi(name: string): string {
    return `${this.repoApi}/labels/${encodeURIComponent(name)}`;
  }

  commentApi(id: number): string {
    return `${this.repoApi}/issues/comments/${id}`;
  }

  commentWeb(issueNumber: number, id: number): string {
    return `${this.issueWeb(issueNumber)}#issuecomment-${id}`;
  }

  userApi(login: string): string {
    return `${this.api}/users/${encodeURIComponent(login)}`;
  }

  userWeb(login: string): string {
    return `${this.web}/${encodeURIComponent(login)}`;
  }
}
