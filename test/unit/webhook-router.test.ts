import { describe, expect, it } from "vitest";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import type { GitHubWebhook } from "../../src/github/webhook-payloads.js";
import { EventEmitter } from "node:events";
import { ApiActivity } from "../../src/util/api-activity.js";
import { WebhookRouter, type WebhookRouterOptions } from "../../src/webhooks/router.js";
import { EXAMPLES_REPO, githubExample } from "../support/inbound-webhooks.js";

/** A router whose steps write what they were asked into one ordered log. */
function recordingRouter(
  fail: { caches?: boolean; relay?: boolean; chains?: boolean } = {},
  turn?: () => Promise<void>,
) {
  const calls: string[] = [];
  const seen: unknown[] = [];
  const step = (name: string, failing: boolean | undefined, what: string, issue?: unknown) => {
    calls.push(`${name}: ${what}`);
    if (issue) seen.push(issue);
    if (failing) throw new Error(`${name} failed`);
  };
  const issueStep = (name: string, failing?: boolean) => async (issue: GitHubIssue) =>
    step("chains", failing, `${name} #${issue.number}`, issue);
  // The block step answers the issue as Baton believes it: here, a copy with its own body.
  const believed = (issue: GitHubIssue) => ({ ...issue, body: `${issue.body ?? ""} (believed)` });
  const options: WebhookRouterOptions = {
    repository: EXAMPLES_REPO.toUpperCase(),
    blocks: {
      observe: (webhook) =>
        webhook.kind === "issue" ? { ...webhook, issue: believed(webhook.issue) } : webhook,
      edited: async (webhook) => {
        if (webhook.kind === "issue" && webhook.action === "edited")
          step("blocks", false, `edited #${webhook.issue.number}`, webhook.issue);
      },
    },
    caches: {
      reindex: async (issue) => step("caches", fail.caches, `reindex #${issue.number}`, issue),
      forget: (number) => step("caches", fail.caches, `forget #${number}`),
      forgetLabels: () => step("caches", fail.caches, "forget labels"),
      dependencyChanged: ({ added, blocked, blocker, sender }) =>
        step(
          "caches",
          fail.caches,
          `#${blocked.number} ${added ? "blocked by" : "no longer blocked by"} #${blocker.number} (${sender.login})`,
        ),
    },
    relay: {
      accept: async (delivery, webhook: GitHubWebhook) =>
        step(
          "relay",
          fail.relay,
          `${delivery.id} ${webhook.kind}${webhook.kind === "ignore" ? ` (${webhook.reason})` : ""}`,
          "issue" in webhook ? webhook.issue : undefined,
        ),
    },
    claims: {
      issueClosed: (issue, sender, reason) =>
        step("claims", false, `closed #${issue.number} ${reason} by ${sender.login}`, issue),
    },
    chains: {
      issueOpened: issueStep("opened", fail.chains),
      issueClosed: issueStep("closed", fail.chains),
      issueReopened: issueStep("reopened", fail.chains),
      linkChanged: async (link) => step("chains", fail.chains, `link ${JSON.stringify(link)}`),
    },
    refusals: {
      labelAdded: async (issue, change) =>
        step("refusals", false, `${change.label?.name} by ${change.sender.login} #${issue.number}`),
    },
    log: (message) => calls.push(`log: ${message}`),
    ...(turn ? { turn } : {}),
  };
  return { router: new WebhookRouter(options), calls, seen };
}

/** A recording router whose webhooks wait while `request` (an API request) is in flight. */
function heldRouter() {
  const activity = new ApiActivity({ maxWaitMs: 60_000 });
  const request = new EventEmitter();
  activity.track(request);
  return { ...recordingRouter({}, () => activity.quiet()), request };
}

function issuesWebhook(action: string) {
  const payload = githubExample("issues", action === "closed" ? "opened" : action);
  payload.action = action;
  return { id: `d-${action}`, name: "issues", payload };
}

function linkWebhook(action: string) {
  const opened = githubExample("issues", "opened");
  const issue = (number: number) => ({ ...(opened.issue as object), number, id: 1e6 + number });
  return {
    id: `d-${action}`,
    name: "sub_issues",
    payload: {
      action,
      parent_issue: issue(1),
      sub_issue: issue(2),
      parent_issue_repo: opened.repository,
      sub_issue_repo: opened.repository,
      sender: opened.sender,
    },
  };
}

function dependencyWebhook(action: string, repository?: string) {
  const opened = githubExample("issues", "opened");
  const issue = (number: number) => ({ ...(opened.issue as object), number, id: 1e6 + number });
  const repo = repository
    ? { ...(opened.repository as object), full_name: repository }
    : opened.repository;
  const side = action.startsWith("blocked_by") ? "blocking_issue_repo" : "blocked_issue_repo";
  return {
    id: `d-${action}`,
    name: "issue_dependencies",
    payload: {
      action,
      blocked_issue_id: 1e6 + 3,
      blocked_issue: issue(3),
      blocking_issue_id: 1e6 + 4,
      blocking_issue: issue(4),
      [side]: repo,
      repository: opened.repository,
      sender: opened.sender,
    },
  };
}

describe("WebhookRouter: one entry point, steps in a stated order", () => {
  it("a closed issue: index, relay, claims, then chain, each given the one parsed issue", async () => {
    const { router, calls, seen } = recordingRouter();
    await router.receive(issuesWebhook("closed"));
    expect(calls).toMatchInlineSnapshot(`
      [
        "caches: reindex #1",
        "relay: d-closed issue",
        "claims: closed #1 completed by Codertocat",
        "chains: closed #1",
      ]
    `);
    // Parsed once: every step holds the same object.
    expect(new Set(seen).size).toBe(1);
  });

  it("opened and reopened issues reach the chain step; an edit only the index and relay", async () => {
    const { router, calls } = recordingRouter();
    await router.receive(issuesWebhook("opened"));
    await router.receive(issuesWebhook("reopened"));
    await router.receive(issuesWebhook("edited"));
    expect(calls).toMatchInlineSnapshot(`
      [
        "caches: reindex #1",
        "relay: d-opened issue",
        "chains: opened #1",
        "caches: reindex #1",
        "relay: d-reopened issue",
        "chains: reopened #1",
        "caches: reindex #1",
        "relay: d-edited issue",
        "blocks: edited #1",
      ]
    `);
  });

  it("every step reads the issue as Baton believes it; the block step last, as GitHub sent it", async () => {
    const { router, calls, seen } = recordingRouter();
    const edited = issuesWebhook("edited");
    await router.receive(edited);
    expect(calls.at(-1)).toBe("blocks: edited #1");
    const bodies = (seen as GitHubIssue[]).map((issue) => issue.body);
    const sent = (edited.payload.issue as { body: string }).body;
    expect(bodies).toEqual([`${sent} (believed)`, `${sent} (believed)`, sent]);
  });

  it("a deleted issue leaves the index; a pinned one is recorded as seen and nothing more", async () => {
    const { router, calls } = recordingRouter();
    await router.receive(issuesWebhook("deleted"));
    await router.receive(issuesWebhook("pinned"));
    expect(calls).toMatchInlineSnapshot(`
      [
        "caches: forget #1",
        "relay: d-deleted issue",
        "claims: closed #1 deleted by Codertocat",
        "relay: d-pinned ignore (issues.pinned changes no task)",
      ]
    `);
  });

  it("GitHub's two reports of one link reach the index and the chain once; an unlink too", async () => {
    const { router, calls } = recordingRouter();
    await router.receive(linkWebhook("sub_issue_added"));
    await router.receive(linkWebhook("parent_issue_added"));
    await router.receive(linkWebhook("sub_issue_removed"));
    expect(calls).toMatchInlineSnapshot(`
      [
        "caches: reindex #1",
        "caches: reindex #2",
        "relay: d-sub_issue_added link",
        "chains: link {"added":true,"parent":1,"child":2}",
        "relay: d-parent_issue_added ignore (sub_issues.parent_issue_added repeats the link)",
        "caches: reindex #1",
        "caches: reindex #2",
        "relay: d-sub_issue_removed link",
        "chains: link {"added":false,"parent":1,"child":2}",
      ]
    `);
  });

  it("a dependency reaches the caches step from either side, and is not relayed", async () => {
    const { router, calls } = recordingRouter();
    await router.receive(dependencyWebhook("blocked_by_added"));
    await router.receive(dependencyWebhook("blocking_added"));
    await router.receive(dependencyWebhook("blocked_by_removed"));
    // A blocker in another repository is no task of this one.
    await router.receive(dependencyWebhook("blocked_by_added", "acme/other"));
    expect(calls).toMatchInlineSnapshot(`
      [
        "caches: #3 blocked by #4 (Codertocat)",
        "caches: #3 blocked by #4 (Codertocat)",
        "caches: #3 no longer blocked by #4 (Codertocat)",
      ]
    `);
  });

  it("a label added to an issue: index, relay, then the refusal step with who added it", async () => {
    const { router, calls } = recordingRouter();
    const labeled = issuesWebhook("labeled");
    labeled.payload.label = { id: 9, name: "agent:ghost" };
    await router.receive(labeled);
    expect(calls).toMatchInlineSnapshot(`
      [
        "caches: reindex #1",
        "relay: d-labeled issue",
        "refusals: agent:ghost by Codertocat #1",
      ]
    `);
  });

  it("a person's label edit empties the label cache; Baton's own does not; no relay", async () => {
    const { router, calls } = recordingRouter();
    const edited = githubExample("label", "edited");
    await router.receive({ id: "l-1", name: "label", payload: edited });
    const byBot = { ...edited, sender: { login: "baton[bot]", type: "Bot" } };
    await router.receive({ id: "l-2", name: "label", payload: byBot });
    expect(calls).toEqual(["caches: forget labels"]);
  });

  it("another repository's webhooks reach no step; other events are not relayed", async () => {
    const { router, calls } = recordingRouter();
    const elsewhere = issuesWebhook("closed");
    (elsewhere.payload.repository as { full_name: string }).full_name = "acme/other";
    await router.receive(elsewhere);
    await router.receive({ id: "p-1", name: "push", payload: {} });
    expect(calls).toEqual([]);
  });

  it("an unreadable payload is logged and recorded, so its redelivery is a duplicate", async () => {
    const { router, calls } = recordingRouter();
    await router.receive({ id: "bad", name: "issues", payload: { action: "opened" } });
    expect(calls).toMatchInlineSnapshot(`
      [
        "log: unreadable issues payload",
        "relay: bad ignore (unreadable issues payload)",
      ]
    `);
  });

  it("no step runs while an API request is in flight: the agent waiting on it goes first", async () => {
    const { router, calls, request } = heldRouter();
    const unheld = recordingRouter();
    const received = router.receive(issuesWebhook("closed"));
    const unheldReceived = unheld.router.receive(issuesWebhook("closed"));
    // The steps are in memory: by the next turn of the event loop, a router that is not held
    // has run every one of them, and the held one none.
    await new Promise((resolve) => setImmediate(resolve));
    const ranMeanwhile = [...unheld.calls];
    expect(ranMeanwhile).not.toEqual([]);
    expect(calls).toEqual([]);
    request.emit("close");
    await Promise.all([received, unheldReceived]);
    expect(unheld.calls).toEqual(ranMeanwhile);
    expect(calls).toEqual(unheld.calls);
  });

  it("a failing step does not stop the later ones; one failure is thrown as it is", async () => {
    const { router, calls } = recordingRouter({ caches: true });
    await expect(router.receive(issuesWebhook("closed"))).rejects.toThrow("caches failed");
    expect(calls).toHaveLength(4);
  });

  it("several failures are thrown together, once", async () => {
    const { router } = recordingRouter({ relay: true, chains: true });
    const error = await router.receive(issuesWebhook("closed")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map(String)).toMatchInlineSnapshot(`
      [
        "Error: relay failed",
        "Error: chains failed",
      ]
    `);
  });
});
