/** Messages between the main thread and the PostgreSQL worker (pg-worker.ts). */
export type BridgeRequest =
  | { op: "open"; url: string; schema?: string }
  | { op: "query"; handle: number; sql: string; params: unknown[] }
  | { op: "close"; handle: number };

export interface BridgeResult {
  handle?: number;
  rows?: Record<string, unknown>[];
  rowCount?: number;
}
