import { readFileSync } from "node:fs";
import { z } from "zod";
import { dedupConfigFromEnv, type DedupConfig } from "./dedup/config.js";
import { ConfigError, parseEnv } from "./env.js";

export { ConfigError };

const repoSlug = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like owner/name");

/** Every environment variable Baton reads, in one place. */
const EnvSchema = z.object({
  APP_ID: z.coerce.number().int().positive().optional(),
  PRIVATE_KEY: z.string().min(1).optional(),
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  GHE_HOST: z.string().min(1).optional(),
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("localhost"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  BATON_REPO: repoSlug.optional(),
  BATON_DB: z.string().min(1).default("./data/baton.db"),
  // Set: the store is this PostgreSQL database (several replicas may share it); unset: BATON_DB.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL (unset it to use SQLite)")
    .optional(),
  BATON_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case PostgreSQL schema name")
    .optional(),
  // GitHub nests sub-issues 8 levels deep with the root as level 1: delegation depth ≤ 7.
  BATON_MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(1)
    .max(7, "must be at most 7 (GitHub allows 8 levels of sub-issues; a root is depth 0)")
    .default(5),
  BATON_WRITE_SPACING_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  BATON_GITHUB_RETRY_BUDGET_S: z.coerce.number().int().min(0).max(600).default(5),
  BATON_LEASE_MIN_S: z.coerce.number().int().min(1).max(86_400).default(30),
  BATON_LEASE_MAX_S: z.coerce.number().int().min(1).max(86_400).default(3600),
  BATON_LEASE_DEFAULT_S: z.coerce.number().int().min(1).max(86_400).default(300),
  BATON_LEASE_SWEEP_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  BATON_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  BATON_ANON_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  BATON_GITHUB_TIMEOUT_S: z.coerce.number().min(1).max(300).default(10),
  BATON_WRITE_QUEUE_WAIT_S: z.coerce.number().min(0).max(300).default(10),
  BATON_KEY_PEPPER: z.string().min(16).optional(),
  BATON_MAX_BODY: z
    .string()
    .regex(/^\d+(kb|mb)$/i)
    .default("1mb"),
  BATON_ALLOW_PRIVATE_WEBHOOKS: z.enum(["true", "false", "1", "0"]).default("false"),
  BATON_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(14),
  BATON_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(2000),
  BATON_WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  BATON_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  // PostgreSQL: how long a replica keeps a delivery it took (another retries it after, if it died).
  BATON_DELIVERY_LEASE_S: z.coerce.number().int().min(5).max(3600).default(60),
  // 0: catch up only at start. GitHub keeps deliveries for 3 days: at most a day between passes.
  BATON_CATCHUP_INTERVAL_S: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400, "must be at most 86400 (a day)")
    .default(300),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  github: {
    appId: number | undefined;
    privateKey: string | undefined;
    webhookSecret: string | undefined;
    /** REST base URL (`undefined` = api.github.com). */
    baseUrl: string | undefined;
    owner: string;
    repo: string;
    writeSpacingMs: number;
    /** How long (s) one API call may wait for GitHub's rate limits before answering 503. */
    retryBudgetSeconds: number;
    /** Deadline (s) of one GitHub call; past it the call is abandoned and the API answers 503. */
    timeoutSeconds: number;
    /** Longest (s) a write may wait for its turn in the write queue before the API answers 503. */
    writeQueueWaitSeconds: number;
  };
  server: {
    port: number;
    host: string;
    maxBody: string;
    rateLimitPerMinute: number;
    anonRateLimitPerMinute: number;
  };
  /** SQLite file, or PostgreSQL when `url` is set (DATABASE_URL; `schema` default public). */
  store: { path: string; url?: string; schema?: string };
  tasks: { maxDepth: number };
  /** Claim leases (issue #17): bounds in seconds, and how often ended leases are released. */
  claims: { minSeconds: number; maxSeconds: number; defaultSeconds: number; sweepMs: number };
  webhooks: {
    /** Loopback/private targets allowed (tests, demos); metadata addresses never are. */
    allowPrivate: boolean;
    maxAttempts: number;
    retryBaseMs: number;
    /** Consecutive failed deliveries (retries spent) that disable a subscription. */
    disableAfter: number;
    concurrency: number;
    /** Replicas (PostgreSQL): seconds a taken delivery stays with its replica. */
    leaseSeconds: number;
  };
  /** DESIGN §6a: seconds between passes asking GitHub what Baton missed (0 = only at start). */
  catchUp: { intervalSeconds: number };
  keyPepper: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  dedup: DedupConfig;
}

/** The store's settings alone, validated like the rest: the CLI's local commands need no more. */
export function loadStoreConfig(
  env: NodeJS.ProcessEnv = process.env,
): Pick<Config, "store" | "keyPepper"> {
  const e = parseEnv(
    EnvSchema.pick({
      BATON_DB: true,
      DATABASE_URL: true,
      BATON_DB_SCHEMA: true,
      BATON_KEY_PEPPER: true,
    }),
    env,
  );
  return { store: storeOf(e), keyPepper: e.BATON_KEY_PEPPER };
}

function storeOf(e: Pick<Env, "BATON_DB" | "DATABASE_URL" | "BATON_DB_SCHEMA">): Config["store"] {
  return { path: e.BATON_DB, url: e.DATABASE_URL, schema: e.BATON_DB_SCHEMA };
}

/** Reads the environment once. Throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  let privateKey = e.PRIVATE_KEY?.replace(/\\n/g, "\n");
  if (!privateKey && e.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(e.PRIVATE_KEY_PATH, "utf8");
    } catch {
      throw new ConfigError(`Invalid PRIVATE_KEY_PATH: cannot read ${e.PRIVATE_KEY_PATH}`);
    }
  }
  if (e.APP_ID && !e.WEBHOOK_SECRET) {
    throw new ConfigError("Missing WEBHOOK_SECRET: set it to the App's webhook secret");
  }
  if (e.APP_ID && !privateKey) {
    throw new ConfigError(
      "Missing PRIVATE_KEY: set PRIVATE_KEY or PRIVATE_KEY_PATH to the App's private key",
    );
  }
  if (e.APP_ID && !e.BATON_REPO) {
    throw new ConfigError(
      "Missing BATON_REPO: set it to the owner/name of the repository that holds the tasks",
    );
  }
  if (
    e.BATON_LEASE_MIN_S > e.BATON_LEASE_DEFAULT_S ||
    e.BATON_LEASE_DEFAULT_S > e.BATON_LEASE_MAX_S
  ) {
    throw new ConfigError(
      "Invalid BATON_LEASE_DEFAULT_S: it must lie between BATON_LEASE_MIN_S and BATON_LEASE_MAX_S",
    );
  }
  const [owner = "", repo = ""] = (e.BATON_REPO ?? "/").split("/");
  return {
    github: {
      appId: e.APP_ID,
      privateKey,
      webhookSecret: e.WEBHOOK_SECRET,
      baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : undefined,
      owner,
      repo,
      writeSpacingMs: e.BATON_WRITE_SPACING_MS,
      retryBudgetSeconds: e.BATON_GITHUB_RETRY_BUDGET_S,
      timeoutSeconds: e.BATON_GITHUB_TIMEOUT_S,
      writeQueueWaitSeconds: e.BATON_WRITE_QUEUE_WAIT_S,
    },
    server: {
      port: e.PORT,
      host: e.HOST,
      maxBody: e.BATON_MAX_BODY,
      rateLimitPerMinute: e.BATON_RATE_LIMIT_PER_MINUTE,
      anonRateLimitPerMinute: e.BATON_ANON_RATE_LIMIT_PER_MINUTE,
    },
    store: storeOf(e),
    tasks: { maxDepth: e.BATON_MAX_DEPTH },
    claims: {
      minSeconds: e.BATON_LEASE_MIN_S,
      maxSeconds: e.BATON_LEASE_MAX_S,
      defaultSeconds: e.BATON_LEASE_DEFAULT_S,
      sweepMs: e.BATON_LEASE_SWEEP_MS,
    },
    webhooks: {
      allowPrivate:
        e.BATON_ALLOW_PRIVATE_WEBHOOKS === "true" || e.BATON_ALLOW_PRIVATE_WEBHOOKS === "1",
      maxAttempts: e.BATON_WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.BATON_WEBHOOK_RETRY_BASE_MS,
      disableAfter: e.BATON_WEBHOOK_DISABLE_AFTER,
      concurrency: e.BATON_WEBHOOK_CONCURRENCY,
      leaseSeconds: e.BATON_DELIVERY_LEASE_S,
    },
    catchUp: { intervalSeconds: e.BATON_CATCHUP_INTERVAL_S },
    keyPepper: e.BATON_KEY_PEPPER,
    logLevel: e.LOG_LEVEL,
    dedup: dedupConfigFromEnv(env),
  };
}
