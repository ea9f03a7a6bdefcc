import { errors } from "../errors.js";
import type { AgentRecord, AgentStore } from "../store/agent-store.js";
import {
  PERMISSIONS,
  type Agent,
  type AgentCreateInput,
  type AgentUpdateInput,
  type Role,
} from "./agent-schema.js";
import { randomUUID } from "node:crypto";
import { generateApiKey, hashApiKey, hashesEqual, visiblePrefix } from "./api-keys.js";
import { VersionCheck } from "../util/version-check.js";
import { roleForPermissions } from "./delega-permissions.js";

export interface AgentServiceOptions {
  store: AgentStore;
  pepper: string;
  now?: () => Date;
}

export function toAgent(record: AgentRecord, apiKey?: string): Agent {
  return {
    id: record.id,
    name: record.name,
    display_name: record.display_name,
    description: record.description,
    role: record.role,
    is_admin: record.role === "admin",
    permissions: PERMISSIONS[record.role],
    active: record.active,
    key_prefix: record.key_prefix,
    created_at: record.created_at,
    last_seen_at: record.last_seen_at,
    project_ids: record.project_ids,
    ...(apiKey ? { api_key: apiKey } : {}),
  };
}

/** The role asked for by `role`, `is_admin` or Delega's `permissions`; 422 if they disagree. */
export function roleOf(input: {
  role?: Role | undefined;
  is_admin?: boolean | undefined;
  permissions?: string[] | undefined;
}): Role | undefined {
  const named =
    input.role ??
    (input.is_admin === true ? "admin" : input.is_admin === false ? "worker" : undefined);
  if (input.permissions === undefined) return named;
  const granted = roleForPermissions(input.permissions);
  if (named !== undefined && named !== granted) {
    throw errors.unprocessable(
      "permissions_conflict",
      `permissions ${JSON.stringify(input.permissions)} mean role "${granted}", not "${named}": send one of them`,
      { field: "permissions" },
    );
  }
  return granted;
}

/** Identities and keys. Keys are shown once; only their keyed hash is kept. */
export class AgentService {
  readonly #store: AgentStore;
  readonly #pepper: string;
  readonly #now: () => Date;
  readonly #cache = new Map<string, AgentRecord>();
  /** The store's agents version the cache holds (another replica or the CLI may change agents). */
  readonly #version: VersionCheck;

  constructor(options: AgentServiceOptions) {
    this.#store = options.store;
    this.#version = new VersionCheck(() => this.#store.version());
    this.#pepper = options.pepper;
    this.#now = options.now ?? (() => new Date());
  }

  create(input: AgentCreateInput): { agent: Agent; apiKey: string } {
    if (this.#store.get(input.name)) {
      throw errors.conflict("agent_exists", `An agent named "${input.name}" already exists`);
    }
    const apiKey = generateApiKey();
    const at = this.#now().toISOString();
    const record: AgentRecord = {
      id: input.name,
      name: input.name,
      display_name: input.display_name ?? null,
      description: input.description ?? null,
      role: roleOf(input) ?? "worker",
      active: true,
      key_prefix: visiblePrefix(apiKey),
      key_hash: hashApiKey(apiKey, this.#pepper),
      created_at: at,
      updated_at: at,
      last_seen_at: null,
      project_ids: projectIds(input.project_ids) ?? null,
    };
    this.#store.insert(record);
    return { agent: toAgent(record, apiKey), apiKey };
  }

  /** The active agent holding this key, or undefined. Constant-time on the hash. */
  authenticate(apiKey: string): AgentRecord | undefined {
    const hash = hashApiKey(apiKey, this.#pepper);
    const record = this.#store.byKeyHash(hash);
    if (!record || !record.active || !hashesEqual(record.key_hash, hash)) return undefined;
    const now = this.#now();
    // Writing on every request would serialise reads on the database; once a minute is enough.
    if (!record.last_seen_at || now.getTime() - Date.parse(record.last_seen_at) > 60_000) {
      this.#store.touch(record.id, now.toISOString());
    }
    return record;
  }

  get(id: string): AgentRecord {
    const record = this.#store.get(id);
    if (!record) throw errors.notFound("agent_not_found", `No agent "${id}"`);
    return record;
  }

  /**
   * Cached: every task in a list names its agents. The cache is dropped when the store's agents
   * version moved (an agent created, changed, rotated or deactivated by another replica or the
   * CLI), read at most once per turn of the event loop: a request that arrives after the change
   * sees it, a list of a thousand tasks costs one read.
   */
  find(id: string): AgentRecord | undefined {
    this.#revalidate();
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const record = this.#store.get(id);
    if (record) this.#cache.set(id, record);
    return record;
  }

  #revalidate(): void {
    if (this.#version.moved()) this.#cache.clear();
  }

  /** The agent a task may be given to: it must exist and be active. */
  requireAssignable(id: string): AgentRecord {
    const record = this.find(id);
    if (!record)
      throw errors.unprocessable("unknown_agent", `No agent "${id}" to assign the task to`, {
        field: "assigned_to_agent_id",
      });
    if (!record.active)
      throw errors.unprocessable("agent_inactive", `Agent "${id}" is deactivated`, {
        field: "assigned_to_agent_id",
      });
    return record;
  }

  list(): AgentRecord[] {
    return this.#store.list();
  }

  update(id: string, input: AgentUpdateInput): AgentRecord {
    this.get(id);
    const role = roleOf(input);
    this.#cache.delete(id);
    return this.#store.update(id, {
      display_name: input.display_name === undefined ? undefined : input.display_name,
      description: input.description === undefined ? undefined : input.description,
      role,
      active: input.active,
      project_ids: projectIds(input.project_ids),
      ...(input.active === false ? { key_hash: revokedKeyHash() } : {}),
      updated_at: this.#now().toISOString(),
    })!;
  }

  /**
   * Deactivates: the key is revoked at once and for good (its hash is replaced, so reactivating the
   * agent does not revive it: a reactivated agent needs a new key from rotate-key). The id stays
   * reserved so history keeps its meaning.
   */
  deactivate(id: string): void {
    this.get(id);
    this.#cache.delete(id);
    this.#store.update(id, {
      active: false,
      key_hash: revokedKeyHash(),
      updated_at: this.#now().toISOString(),
    });
  }

  rotateKey(id: string): { agent: Agent; apiKey: string } {
    const record = this.get(id);
    if (!record.active) throw errors.conflict("agent_inactive", `Agent "${id}" is deactivated`);
    const apiKey = generateApiKey();
    this.#cache.delete(id);
    const updated = this.#store.update(id, {
      key_hash: hashApiKey(apiKey, this.#pepper),
      key_prefix: visiblePrefix(apiKey),
      updated_at: this.#now().toISOString(),
    })!;
    return { agent: toAgent(updated, apiKey), apiKey };
  }
}

/** A project list as stored: each id once, in order; undefined = unchanged, null = every project. */
const projectIds = (ids: number[] | null | undefined) =>
  ids == null ? ids : [...new Set(ids)].sort((a, b) => a - b);

/** A stored hash no key can ever match (unique, as the column requires). */
const revokedKeyHash = () => `revoked:${randomUUID()}`;
