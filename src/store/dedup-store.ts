import { prepared, type Db } from "./database.js";

/** An open task as the dedup index stores it. */
export interface DedupTaskRow {
  taskId: number;
  url: string;
  content: string;
  description: string;
  projectId: string | null;
  contentHash: string;
}

interface RawTask {
  task_id: number;
  url: string;
  content: string;
  description: string;
  project_id: string | null;
  content_hash: string;
}

/** Persistence for the dedup index: open tasks and their embeddings per model (tables of migration 10). */
export class DedupStore {
  constructor(private readonly db: Db) {}

  listTasks(): DedupTaskRow[] {
    const rows = prepared(
      this.db,
      "SELECT task_id, url, content, description, project_id, content_hash FROM dedup_tasks ORDER BY task_id",
    ).all() as RawTask[];
    return rows.map((row) => ({
      taskId: row.task_id,
      url: row.url,
      content: row.content,
      description: row.description,
      projectId: row.project_id,
      contentHash: row.content_hash,
    }));
  }

  /** Inserts or updates a task; a changed content hash drops its now-stale vectors. */
  putTask(task: DedupTaskRow): void {
    this.db.transaction(() => {
      prepared(this.db, "DELETE FROM dedup_vectors WHERE task_id = ? AND content_hash <> ?").run(
        task.taskId,
        task.contentHash,
      );
      prepared(
        this.db,
        `INSERT INTO dedup_tasks (task_id, url, content, description, project_id, content_hash, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (task_id) DO UPDATE SET url = excluded.url, content = excluded.content,
             description = excluded.description, project_id = excluded.project_id,
             content_hash = excluded.content_hash, updated_at = excluded.updated_at`,
      ).run(
        task.taskId,
        task.url,
        task.content,
        task.description,
        task.projectId,
        task.contentHash,
        new Date().toISOString(),
      );
    })();
  }

  deleteTask(taskId: number): void {
    prepared(this.db, "DELETE FROM dedup_tasks WHERE task_id = ?").run(taskId);
  }

  /** Cached vectors of one model, only those still matching their task's content hash. */
  listVectors(model: string): Map<number, Float32Array> {
    const rows = prepared(
      this.db,
      "SELECT v.task_id, v.vector FROM dedup_vectors v JOIN dedup_tasks t ON t.task_id = v.task_id AND t.content_hash = v.content_hash WHERE v.model = ?",
    ).all(model) as { task_id: number; vector: Buffer }[];
    return new Map(rows.map((row) => [row.task_id, toFloat32(row.vector)]));
  }

  putVector(taskId: number, model: string, contentHash: string, vector: Float32Array): void {
    prepared(
      this.db,
      "INSERT INTO dedup_vectors (task_id, model, content_hash, vector) VALUES (?, ?, ?, ?) ON CONFLICT (task_id, model) DO UPDATE SET content_hash = excluded.content_hash, vector = excluded.vector",
    ).run(
      taskId,
      model,
      contentHash,
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
    );
  }
}

function toFloat32(buffer: Buffer): Float32Array {
  // Copy: SQLite's buffer may not be 4-byte aligned.
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}
