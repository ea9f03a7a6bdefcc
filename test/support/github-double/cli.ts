// Runs the double as its own process; prints one JSON line {url, host, port} once listening.
import { parseArgs } from "node:util";
import { startGitHubDouble } from "./index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    repo: { type: "string" },
    "webhook-url": { type: "string" },
    "webhook-secret": { type: "string" },
    "latency-ms": { type: "string" },
    collaborators: { type: "string" },
    "app-id": { type: "string" },
    "app-slug": { type: "string" },
    "installation-id": { type: "string" },
  },
  strict: true,
});

if (!values.repo) {
  console.error(
    "usage: cli.ts --repo owner/name [--port N] [--webhook-url URL] [--webhook-secret S] [--latency-ms N] [--collaborators a,b] [--app-id N]",
  );
  process.exit(2);
}

const optionalNumber = (value: string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);

const double = await startGitHubDouble({
  port: Number(values.port),
  repo: values.repo,
  ...(values["webhook-url"] ? { webhookUrl: values["webhook-url"] } : {}),
  ...(values["webhook-secret"] !== undefined ? { webhookSecret: values["webhook-secret"] } : {}),
  ...(values["latency-ms"] !== undefined ? { latencyMs: Number(values["latency-ms"]) } : {}),
  ...(values.collaborators
    ? { collaborators: values.collaborators.split(",").map((c) => c.trim()) }
    : {}),
  ...(optionalNumber(values["app-id"]) !== undefined ? { appId: Number(values["app-id"]) } : {}),
  ...(values["app-slug"] ? { appSlug: values["app-slug"] } : {}),
  ...(optionalNumber(values["installation-id"]) !== undefined
    ? { installationId: Number(values["installation-id"]) }
    : {}),
});

process.stdout.write(
  `${JSON.stringify({ url: double.url, host: double.host, port: double.port })}\n`,
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void double.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
