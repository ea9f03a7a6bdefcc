import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

/** The repository the examples' payloads come from. */
export const EXAMPLES_REPO = "Codertocat/Hello-World";

/** Real payloads from `@octokit/webhooks-examples` (api.github.com). */
export function githubExample(name: string, action: string): Record<string, unknown> {
  const groups = require("@octokit/webhooks-examples") as ExampleGroup[];
  const example = groups.find((g) => g.name === name)?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no ${name}.${action} example`);
  return structuredClone(example);
}

/** POSTs a webhook to the App as GitHub does: signed with the App's webhook secret. */
export async function sendWebhook(
  baseUrl: string,
  secret: string,
  name: string,
  payload: unknown,
  deliveryId: string = randomUUID(),
): Promise<number> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${baseUrl}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * An `issues.opened` payload (the real example) for issue `number`, opened by an OWNER who hands
 * it to Baton with the `baton:task` label (without it, a person's issue is no task).
 */
export function openedPayload(number: number): Record<string, unknown> {
  const payload = githubExample("issues", "opened");
  const issue = payload.issue as Record<string, unknown>;
  Object.assign(issue, {
    number,
    id: 5_000_000 + number,
    title: `Task ${number}`,
    updated_at: new Date().toISOString(),
    labels: [{ id: 77, name: "baton:task" }],
  });
  return payload;
}
