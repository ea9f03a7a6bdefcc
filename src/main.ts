import { existsSync } from "node:fs";
import { pino } from "pino";
import { Probot, Server, run } from "probot";
import { ConfigError, loadConfig } from "./config.js";
import { createOctokitClass } from "./github/octokit.js";
import { envelopeAllErrors } from "./http/error-envelope-wrap.js";
import { createBatonApp } from "./index.js";
import { openStore, writeSlotsFor } from "./store/open-store.js";

/** `npm start`: reads the environment once, opens the store, serves the App. */
async function main(): Promise<void> {
  // Probot's setup flow writes the App's credentials to .env; variables already set win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  if (!config.github.appId || !config.github.privateKey) {
    // No App credentials yet: Probot's setup flow registers the App from app.yml.
    await run(() => undefined);
    return;
  }
  const db = openStore(config.store);
  const server = new Server({
    log: pino({ name: "baton", level: config.logLevel }),
    port: config.server.port,
    host: config.server.host,
    Probot: Probot.defaults({
      appId: config.github.appId,
      privateKey: config.github.privateKey,
      secret: config.github.webhookSecret,
      baseUrl: config.github.baseUrl,
      Octokit: createOctokitClass({ ...config.github, writeSlots: writeSlotsFor(db) }),
    }),
  });
  let listening!: () => void;
  const listened = new Promise<void>((resolve) => (listening = resolve));
  await server.load(createBatonApp(config, db, listened));
  // Probot's own answers (its webhook route, 404s) carry Baton's error envelope too.
  envelopeAllErrors(await server.start());
  listening();
  const stop = async () => {
    await server.stop().catch(() => undefined);
    db.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
