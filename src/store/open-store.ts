import { SqliteClaimStore, type ClaimStore } from "./claim-store.js";
import { openDatabase, type Db } from "./database.js";
import { SqliteDependencyStore, type DependencyStore } from "./dependency-store.js";
import { localLock, type DistributedLock } from "./distributed-lock.js";
import { SqliteOutboxStore } from "./outbox-store.js";
import { PgClaimStore } from "./pg/pg-claim-store.js";
import { PgDatabase } from "./pg/pg-database.js";
import { PgDependencyStore } from "./pg/pg-dependency-store.js";
import { PgOutboxStore } from "./pg/pg-outbox-store.js";
import { pgWriteSlots } from "./pg/pg-write-slots.js";
import type { WriteSlots } from "../github/write-queue.js";
import { migratePg } from "./pg/pg-migrate.js";

export interface StoreLocation {
  /** SQLite file (the default). */
  path: string;
  /** `postgres://…`: PostgreSQL instead of the file. */
  url?: string;
  /** PostgreSQL schema (default `public`); tests give each run its own. */
  schema?: string;
}

/** Opens the configured store and brings its schema up to date (once, across replicas). */
export function openStore(location: StoreLocation): Db {
  if (!location.url) return openDatabase(location.path);
  const db = PgDatabase.open(location.url, location.schema);
  try {
    migratePg(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export const isPostgres = (db: Db): db is PgDatabase => db instanceof PgDatabase;

/** The lock every replica on this store respects; in process only, on SQLite. */
export const lockFor = (db: Db): DistributedLock => (isPostgres(db) ? db.locks : localLock);

/** Claims: atomic in SQLite's one write lock, or under the task's lock on PostgreSQL. */
export const claimStoreFor = (db: Db): ClaimStore =>
  isPostgres(db) ? new PgClaimStore(db) : new SqliteClaimStore(db);

/** Dependencies: each change decided in SQLite's one write lock, or under one lock on PostgreSQL. */
export const dependencyStoreFor = (db: Db): DependencyStore =>
  isPostgres(db) ? new PgDependencyStore(db) : new SqliteDependencyStore(db);

/** The outbox; on PostgreSQL each due delivery is taken by one replica (`leaseMs` at a time). */
export const outboxStoreFor = (db: Db, leaseMs?: number): SqliteOutboxStore =>
  isPostgres(db) ? new PgOutboxStore(db, leaseMs) : new SqliteOutboxStore(db);

/** The GitHub write budget: shared by the replicas on PostgreSQL, per process on SQLite. */
export const writeSlotsFor = (db: Db): WriteSlots | undefined =>
  isPostgres(db) ? pgWriteSlots(db) : undefined;
