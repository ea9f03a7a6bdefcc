// Octokit clients for tests that talk to the double over real HTTP.
import { ProbotOctokit } from "probot";
import type { GitHubDouble } from "./types.ts";

export type TestOctokit = InstanceType<typeof ProbotOctokit>;

/** A ProbotOctokit pointed at the double; retries and throttling off so faults surface as-is. */
export function clientFor(double: GitHubDouble, token = "ghs_test"): TestOctokit {
  return new ProbotOctokit({
    auth: { token },
    baseUrl: `${double.url}/api/v3`,
    retry: { enabled: false },
    throttle: { enabled: false },
  });
}

/** A person acting on github.com, e.g. personFor(double, "alice"). */
export function personFor(double: GitHubDouble, login: string): TestOctokit {
  return clientFor(double, `user:${login}`);
}
