// Who is who: the App's bot, the repo owner, collaborators and everyone else.
import { encodeNodeId } from "./node-id.ts";
import type { Urls } from "./urls.ts";

/** The identity a request acts as. "jwt" is the App itself (only for /app endpoints). */
export type Actor = { kind: "app" } | { kind: "user"; login: string } | { kind: "jwt" };

export type AuthorAssociation = "OWNER" | "COLLABORATOR" | "NONE";

export interface PeopleConfig {
  owner: string;
  collaborators: string[];
  appId: number;
  appSlug: string;
}

export class People {
  private readonly ids = new Map<string, number>();
  private nextId = 100;

  constructor(
    private readonly config: PeopleConfig,
    private readonly urls: Urls,
  ) {
    this.userId(config.owner);
  }

  get botLogin(): string {
    return `${this.config.appSlug}[bot]`;
  }

  loginOf(actor: Actor): string {
    return actor.kind === "user" ? actor.login : this.botLogin;
  }

  isBot(login: string): boolean {
    return login === this.botLogin;
  }

  userId(login: string): number {
    if (this.isBot(login)) return 41_000_000 + this.config.appId;
    let id = this.ids.get(login);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(login, id);
    }
    return id;
  }

  /** Bots get NONE, as issues opened by App installations do on github.com. */
  association(login: string): AuthorAssociation {
    if (login === this.config.owner) return "OWNER";
    if (this.config.collaborators.includes(login)) return "COLLABORATOR";
    return "NONE";
  }

  /** GitHub's "simple user" object. */
  user(login: string): Record<string, unknown> {
    const api = this.urls.userApi(login);
    const id = this.userId(login);
    const bot = this.isBot(login);
    return {
      login,
      id,
      node_id: encodeNodeId(bot ? "Bot" : "User", login),
      avatar_url: `${this.urls.web}/avatars/u/${id}?v=4`,
      gravatar_id: "",
      url: api,
      html_url: bot ? `${this.urls.web}/apps/${this.config.appSlug}` : this.urls.userWeb(login),
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: bot ? "Bot" : "User",
      user_view_type: "public",
      site_admin: false,
    };
  }
}
