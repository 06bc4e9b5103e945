// Integration tasks in the SQLite store: configuration and desired state (written by the API),
// actual state, heartbeat and counters (written by workers), run history and the load ledger.
// Opens its own connection to the store file (WAL), so API and worker processes share it.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { DataSourceRecord } from "../../src/contracts/data-source.ts";
import {
  fileFormatSchema,
  type DesiredState,
  type FileFormat,
  type OnError,
  type RunError,
  type RunSkip,
  type RunStatus,
  type TaskCounters,
  type TaskRecord,
  type TaskRun,
  type TaskStatus,
} from "../../src/contracts/task.ts";
import { migrate } from "./migrations.ts";
import { STORE_FILE, openDatabase } from "./sqlite.ts";

/** A task's configuration once validated and defaulted (what the API stores). */
export interface TaskConfig {
  name: string;
  data_source_id: string;
  file_format: FileFormat;
  prefix: string;
  suffix: string;
  target: { database: string; table: string };
  on_error: OnError;
  purge: boolean;
}

/** What a worker needs to run a task: the task, its data source and a version to notice edits. */
export interface RunnableTask {
  id: string;
  org_id: string;
  config: TaskConfig;
  source: Pick<DataSourceRecord, "id" | "queue_url" | "queue_region" | "role_arn" | "external_id" | "bucket" | "prefix" | "suffix">;
  /** Changes whenever the task or its data source is edited. */
  version: string;
}

export interface LedgerObject {
  bucket: string;
  key: string;
  etag: string;
  sequencer: string;
  message_id?: string;
}

/**
 * What the ledger knew of a key when we claimed one version of it. Databend's COPY skips a path
 * its load metadata knows, whatever the content, so this decides how the version is loaded:
 * - `none`: the key is new to this task; a plain COPY loads it.
 * - `crashed`: this very version was claimed before and never marked loaded (a worker died); if
 *   Databend now skips it, that worker's COPY committed.
 * - `other_version`: another ETag of the key was claimed or loaded; this one is an overwrite and
 *   needs FORCE (with a deduplicate label, so a retry cannot load it twice).
 */
export type KeyHistory = "none" | "crashed" | "other_version";

export interface ClaimedObject extends LedgerObject {
  history: KeyHistory;
}

export interface ClaimResult {
  claimed: ClaimedObject[];
  loaded: LedgerObject[];
  /** Claimed by another live worker; with the ms until its lease ends. */
  held: { object: LedgerObject; leaseMsLeft: number }[];
}

/** A run as the worker records it: the contract's run without the stored id and overflow counts. */
export interface RunInput extends Omit<TaskRun, "id" | "more_skipped" | "more_errors"> {
  /** Counter increments of the task beyond what the run itself says (messages received, etc.). */
  messages_received: number;
}

export type DeleteResult = "deleted" | "missing" | "running";

/** Entries kept per run for skipped messages and errors; the rest are counted. */
export const RUN_LIST_CAP = 50;
/** Runs kept per task; older ones are pruned as new ones arrive. */
export const RUNS_KEPT = 1000;

export class DuplicateTaskNameError extends Error {
  readonly existingName: string;
  constructor(existingName: string) {
    super(`A task named ${existingName} already exists`);
    this.existingName = existingName;
  }
}

interface TaskRow {
  id: string;
  org_id: string;
  name: string;
  data_source_id: string;
  data_source_name: string | null;
  file_format: string;
  prefix: string;
  suffix: string;
  target_database: string;
  target_table: string;
  on_error: string;
  purge: number;
  desired_state: string;
  status: string;
  status_reason: string | null;
  worker_id: string | null;
  heartbeat_at: string | null;
  last_error: string | null;
  last_batch_at: string | null;
  messages_received: number;
  messages_deleted: number;
  messages_skipped: number;
  objects_loaded: number;
  objects_duplicate: number;
  rows_loaded: number;
  errors: number;
  copy_statements: number;
  batches: number;
  created_at: string;
  updated_at: string;
}

interface RunRow {
  id: string;
  task_id: string;
  worker_id: string;
  started_at: string;
  ended_at: string;
  status: string;
  messages: number;
  messages_deleted: number;
  messages_skipped: number;
  objects_loaded: number;
  objects_duplicate: number;
  rows_loaded: number;
  copy_statements: number;
  skipped: string;
  errors: string;
  more_skipped: number;
  more_errors: number;
}

const COUNTERS = [
  "messages_received",
  "messages_deleted",
  "messages_skipped",
  "objects_loaded",
  "objects_duplicate",
  "rows_loaded",
  "errors",
  "copy_statements",
  "batches",
] as const satisfies readonly (keyof TaskCounters)[];

const TASK_SELECT = `SELECT t.*, d.name AS data_source_name FROM tasks t LEFT JOIN data_sources d ON d.id = t.data_source_id`;

function toRecord(row: TaskRow): TaskRecord {
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c])])) as TaskCounters;
  return {
    id: row.id,
    name: row.name,
    data_source_id: row.data_source_id,
    data_source_name: row.data_source_name,
    file_format: fileFormatSchema.parse(JSON.parse(row.file_format)),
    prefix: row.prefix,
    suffix: row.suffix,
    target: { database: row.target_database, table: row.target_table },
    on_error: row.on_error as OnError,
    purge: row.purge === 1,
    desired_state: row.desired_state as DesiredState,
    status: row.status as TaskStatus,
    status_reason: row.status_reason,
    heartbeat_at: row.heartbeat_at,
    worker_id: row.worker_id,
    last_error: row.last_error,
    last_batch_at: row.last_batch_at,
    counters,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toRun(row: RunRow): TaskRun {
  return {
    id: row.id,
    task_id: row.task_id,
    worker_id: row.worker_id,
    started_at: row.started_at,
    ended_at: row.ended_at,
    status: row.status as RunStatus,
    messages: row.messages,
    messages_deleted: row.messages_deleted,
    messages_skipped: row.messages_skipped,
    objects_loaded: row.objects_loaded,
    objects_duplicate: row.objects_duplicate,
    rows_loaded: row.rows_loaded,
    copy_statements: row.copy_statements,
    skipped: JSON.parse(row.skipped) as RunSkip[],
    errors: JSON.parse(row.errors) as RunError[],
    more_skipped: row.more_skipped,
    more_errors: row.more_errors,
  };
}

export interface TaskStoreOptions {
  dataDir: string;
  now?: () => Date;
}

export class TaskStore {
  readonly db: DatabaseSync;
  private readonly now: () => Date;

  constructor({ dataDir, now = () => new Date() }: TaskStoreOptions) {
    this.db = openDatabase(path.join(dataDir, STORE_FILE));
    migrate(this.db);
    this.now = now;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private tx<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  // ---- API side -------------------------------------------------------------------------------

  async list(orgId: string): Promise<TaskRecord[]> {
    const rows = this.db
      .prepare(`${TASK_SELECT} WHERE t.org_id = ? ORDER BY t.created_at, t.id`)
      .all(orgId) as unknown as TaskRow[];
    return rows.map(toRecord);
  }

  async get(orgId: string, id: string): Promise<TaskRecord | null> {
    const row = this.db.prepare(`${TASK_SELECT} WHERE t.org_id = ? AND t.id = ?`).get(orgId, id) as TaskRow | undefined;
    return row ? toRecord(row) : null;
  }

  private nameTaken(orgId: string, name: string, exceptId: string | null): string | null {
    const row = this.db
      .prepare("SELECT name FROM tasks WHERE org_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?")
      .get(orgId, name, exceptId) as { name: string } | undefined;
    return row?.name ?? null;
  }

  /** A new task is stopped. Throws DuplicateTaskNameError when the name is taken in the org. */
  async create(orgId: string, config: TaskConfig): Promise<TaskRecord> {
    const id = randomUUID();
    const at = this.iso();
    this.tx(() => {
      const taken = this.nameTaken(orgId, config.name, null);
      if (taken) throw new DuplicateTaskNameError(taken);
      this.db
        .prepare(
          `INSERT INTO tasks (id, org_id, name, data_source_id, created_at, updated_at, file_format, prefix, suffix,
             target_database, target_table, on_error, purge, desired_state, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'stopped', 'stopped')`,
        )
        .run(
          id, orgId, config.name, config.data_source_id, at, at, JSON.stringify(config.file_format),
          config.prefix, config.suffix, config.target.database, config.target.table, config.on_error,
          config.purge ? 1 : 0,
        );
    });
    return (await this.get(orgId, id))!;
  }

  /** Replaces the configuration; refused ("running") while the task is meant to run. */
  async update(orgId: string, id: string, config: TaskConfig): Promise<TaskRecord | "missing" | "running"> {
    const result = this.tx(() => {
      const row = this.db.prepare("SELECT desired_state FROM tasks WHERE org_id = ? AND id = ?").get(orgId, id) as
        | { desired_state: string }
        | undefined;
      if (!row) return "missing" as const;
      if (row.desired_state === "running") return "running" as const;
      const taken = this.nameTaken(orgId, config.name, id);
      if (taken) throw new DuplicateTaskNameError(taken);
      this.db
        .prepare(
          `UPDATE tasks SET name = ?, data_source_id = ?, file_format = ?, prefix = ?, suffix = ?,
             target_database = ?, target_table = ?, on_error = ?, purge = ?, updated_at = ?
           WHERE org_id = ? AND id = ?`,
        )
        .run(
          config.name, config.data_source_id, JSON.stringify(config.file_format), config.prefix, config.suffix,
          config.target.database, config.target.table, config.on_error, config.purge ? 1 : 0, this.iso(), orgId, id,
        );
      return "ok" as const;
    });
    if (result !== "ok") return result;
    return (await this.get(orgId, id))!;
  }

  async delete(orgId: string, id: string): Promise<DeleteResult> {
    return this.tx(() => {
      const row = this.db.prepare("SELECT desired_state FROM tasks WHERE org_id = ? AND id = ?").get(orgId, id) as
        | { desired_state: string }
        | undefined;
      if (!row) return "missing";
      if (row.desired_state === "running") return "running";
      this.db.prepare("DELETE FROM tasks WHERE org_id = ? AND id = ?").run(orgId, id);
      return "deleted";
    });
  }

  /**
   * Sets the desired state. Starting clears a failure's reason (the worker reports `running` once
   * it picks the task up). Stopping a task no live worker reports on marks it stopped at once.
   */
  async setDesiredState(orgId: string, id: string, desired: DesiredState, staleAfterMs: number): Promise<TaskRecord | null> {
    const at = this.iso();
    const changed = this.tx(() => {
      const row = this.db.prepare("SELECT heartbeat_at, status FROM tasks WHERE org_id = ? AND id = ?").get(orgId, id) as
        | { heartbeat_at: string | null; status: string }
        | undefined;
      if (!row) return false;
      if (desired === "running") {
        this.db
          .prepare(
            "UPDATE tasks SET desired_state = 'running', status_reason = NULL, status = CASE WHEN status = 'failed' THEN 'stopped' ELSE status END WHERE id = ?",
          )
          .run(id);
      } else {
        const live = row.heartbeat_at !== null && Date.parse(at) - Date.parse(row.heartbeat_at) < staleAfterMs;
        if (live && row.status === "running") {
          this.db.prepare("UPDATE tasks SET desired_state = 'stopped' WHERE id = ?").run(id);
        } else {
          this.db
            .prepare(
              "UPDATE tasks SET desired_state = 'stopped', status = CASE WHEN status = 'failed' THEN 'failed' ELSE 'stopped' END WHERE id = ?",
            )
            .run(id);
        }
      }
      return true;
    });
    return changed ? this.get(orgId, id) : null;
  }

  /** The scope and name of a data source in the org, for validating a task against it. */
  async sourceFor(orgId: string, id: string): Promise<{ id: string; name: string; bucket: string; prefix: string; suffix: string } | null> {
    const row = this.db
      .prepare("SELECT id, name, bucket, prefix, suffix FROM data_sources WHERE org_id = ? AND id = ?")
      .get(orgId, id) as { id: string; name: string; bucket: string; prefix: string; suffix: string } | undefined;
    return row ?? null;
  }

  async listRuns(orgId: string, taskId: string, limit = 100, before?: string): Promise<TaskRun[] | null> {
    const exists = this.db.prepare("SELECT 1 FROM tasks WHERE org_id = ? AND id = ?").get(orgId, taskId);
    if (!exists) return null;
    const rows = (
      before
        ? this.db
            .prepare("SELECT * FROM task_runs WHERE task_id = ? AND started_at < ? ORDER BY started_at DESC, rowid DESC LIMIT ?")
            .all(taskId, before, limit)
        : this.db.prepare("SELECT * FROM task_runs WHERE task_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?").all(taskId, limit)
    ) as unknown as RunRow[];
    return rows.map(toRun);
  }

  // ---- Worker side ----------------------------------------------------------------------------

  /** Every task meant to run, with its data source, across organizations. */
  listRunnable(): RunnableTask[] {
    const rows = this.db
      .prepare(
        `SELECT t.*, d.name AS data_source_name, d.queue_url, d.queue_region, d.role_arn, d.external_id,
                d.bucket, d.prefix AS source_prefix, d.suffix AS source_suffix, d.updated_at AS source_updated_at
         FROM tasks t JOIN data_sources d ON d.id = t.data_source_id
         WHERE t.desired_state = 'running'`,
      )
      .all() as unknown as (TaskRow & {
      queue_url: string;
      queue_region: string;
      role_arn: string;
      external_id: string;
      bucket: string;
      source_prefix: string;
      source_suffix: string;
      source_updated_at: string;
    })[];
    return rows.map((row) => {
      const record = toRecord(row);
      return {
        id: row.id,
        org_id: row.org_id,
        config: {
          name: record.name,
          data_source_id: record.data_source_id,
          file_format: record.file_format,
          prefix: record.prefix,
          suffix: record.suffix,
          target: record.target,
          on_error: record.on_error,
          purge: record.purge,
        },
        source: {
          id: row.data_source_id,
          queue_url: row.queue_url,
          queue_region: row.queue_region,
          role_arn: row.role_arn,
          external_id: row.external_id,
          bucket: row.bucket,
          prefix: row.source_prefix,
          suffix: row.source_suffix,
        },
        version: `${row.updated_at}|${row.source_updated_at}`,
      };
    });
  }

  /** The worker's heartbeat: running, by whom, when. Ignored once the task is no longer meant to run. */
  reportRunning(taskId: string, workerId: string): void {
    this.db
      .prepare(
        `UPDATE tasks SET status = 'running', status_reason = NULL, worker_id = ?, heartbeat_at = ?
         WHERE id = ? AND desired_state = 'running'`,
      )
      .run(workerId, this.iso(), taskId);
  }

  /** The worker stopped the task because it was asked to (or is shutting down). */
  reportStopped(taskId: string, workerId: string, reason: string | null): void {
    this.db
      .prepare(
        `UPDATE tasks SET status = CASE WHEN status = 'failed' THEN status ELSE 'stopped' END,
           status_reason = CASE WHEN status = 'failed' THEN status_reason ELSE ? END, heartbeat_at = ?
         WHERE id = ? AND (worker_id = ? OR worker_id IS NULL OR desired_state = 'stopped')`,
      )
      .run(reason, this.iso(), taskId, workerId);
  }

  /** A task-wide failure (role, queue or target missing): stop it and say why. */
  reportFailed(taskId: string, workerId: string, reason: string): void {
    this.db
      .prepare(
        `UPDATE tasks SET status = 'failed', status_reason = ?, last_error = ?, desired_state = 'stopped',
           worker_id = ?, heartbeat_at = ? WHERE id = ?`,
      )
      .run(reason, reason, workerId, this.iso(), taskId);
  }

  /** Last error seen (shown on the task), without changing its state. */
  reportError(taskId: string, message: string): void {
    this.db.prepare("UPDATE tasks SET last_error = ?, errors = errors + 1 WHERE id = ?").run(message, taskId);
  }

  addCounters(taskId: string, counters: Partial<TaskCounters>): void {
    const entries = Object.entries(counters).filter(
      ([k, v]) => (COUNTERS as readonly string[]).includes(k) && typeof v === "number" && v !== 0,
    );
    if (entries.length === 0) return;
    const sets = entries.map(([k]) => `${k} = ${k} + ?`).join(", ");
    this.db.prepare(`UPDATE tasks SET ${sets} WHERE id = ?`).run(...entries.map(([, v]) => v as number), taskId);
  }

  /**
   * Claims objects for loading. An object already loaded is reported as such; one that another
   * worker claimed and whose lease is still running is reported as held; the rest become ours.
   */
  claim(taskId: string, workerId: string, objects: readonly LedgerObject[], leaseMs: number): ClaimResult {
    const nowMs = this.now().getTime();
    const at = new Date(nowMs).toISOString();
    return this.tx(() => {
      const loadedStmt = this.db.prepare(
        "SELECT 1 FROM task_objects WHERE task_id = ? AND bucket = ? AND key = ? AND etag = ? AND state = 'loaded'",
      );
      const heldStmt = this.db.prepare(
        `SELECT lease_until FROM task_objects WHERE task_id = ? AND bucket = ? AND key = ? AND state = 'claimed'
           AND worker_id <> ? AND lease_until > ? ORDER BY lease_until DESC LIMIT 1`,
      );
      const upsert = this.db.prepare(
        `INSERT INTO task_objects (task_id, bucket, key, etag, sequencer, state, worker_id, lease_until, message_id, updated_at)
         VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?, ?, ?)
         ON CONFLICT (task_id, bucket, key, etag) DO UPDATE SET state = 'claimed', worker_id = excluded.worker_id,
           lease_until = excluded.lease_until, sequencer = excluded.sequencer, message_id = excluded.message_id,
           updated_at = excluded.updated_at`,
      );
      const historyStmt = this.db.prepare("SELECT etag, state FROM task_objects WHERE task_id = ? AND bucket = ? AND key = ?");
      const result: ClaimResult = { claimed: [], loaded: [], held: [] };
      for (const o of objects) {
        if (loadedStmt.get(taskId, o.bucket, o.key, o.etag)) {
          result.loaded.push(o);
          continue;
        }
        const held = heldStmt.get(taskId, o.bucket, o.key, workerId, nowMs) as { lease_until: number } | undefined;
        if (held) {
          result.held.push({ object: o, leaseMsLeft: Number(held.lease_until) - nowMs });
          continue;
        }
        const rows = historyStmt.all(taskId, o.bucket, o.key) as { etag: string; state: string }[];
        const history: KeyHistory = rows.some((r) => r.etag !== o.etag)
          ? "other_version"
          : rows.some((r) => r.etag === o.etag && r.state === "claimed")
            ? "crashed"
            : "none";
        upsert.run(taskId, o.bucket, o.key, o.etag, o.sequencer, workerId, nowMs + leaseMs, o.message_id ?? null, at);
        result.claimed.push({ ...o, history });
      }
      return result;
    });
  }

  /** Extends our claims while a load runs. */
  extendClaims(taskId: string, workerId: string, objects: readonly LedgerObject[], leaseMs: number): void {
    const until = this.now().getTime() + leaseMs;
    const stmt = this.db.prepare(
      `UPDATE task_objects SET lease_until = ? WHERE task_id = ? AND bucket = ? AND key = ? AND etag = ?
         AND state = 'claimed' AND worker_id = ?`,
    );
    this.tx(() => {
      for (const o of objects) stmt.run(until, taskId, o.bucket, o.key, o.etag, workerId);
    });
  }

  /** Gives up our claims (the load failed or was not attempted). */
  releaseClaims(taskId: string, workerId: string, objects: readonly LedgerObject[]): void {
    const stmt = this.db.prepare(
      `DELETE FROM task_objects WHERE task_id = ? AND bucket = ? AND key = ? AND etag = ? AND state = 'claimed' AND worker_id = ?`,
    );
    this.tx(() => {
      for (const o of objects) stmt.run(taskId, o.bucket, o.key, o.etag, workerId);
    });
  }

  /** Which of these objects the ledger says are loaded (for dropping duplicates early). */
  loadedAmong(taskId: string, objects: readonly LedgerObject[]): Set<number> {
    const stmt = this.db.prepare(
      "SELECT 1 FROM task_objects WHERE task_id = ? AND bucket = ? AND key = ? AND etag = ? AND state = 'loaded'",
    );
    const out = new Set<number>();
    objects.forEach((o, i) => {
      if (stmt.get(taskId, o.bucket, o.key, o.etag)) out.add(i);
    });
    return out;
  }

  /** Whether this message's error was already recorded; records it if not. */
  firstErrorFor(taskId: string, messageId: string): boolean {
    const r = this.db
      .prepare("INSERT OR IGNORE INTO task_message_errors (task_id, message_id, first_seen) VALUES (?, ?, ?)")
      .run(taskId, messageId, this.iso());
    return Number(r.changes) > 0;
  }

  /**
   * Ends a batch in one transaction: the loaded objects enter the ledger, the run is recorded and
   * the task's counters move.
   */
  finishBatch(
    run: RunInput,
    loaded: readonly (LedgerObject & { rows: number })[],
    workerId: string,
  ): TaskRun {
    const id = randomUUID();
    const at = this.iso();
    const skipped = run.skipped.slice(0, RUN_LIST_CAP);
    const errors = run.errors.slice(0, RUN_LIST_CAP);
    this.tx(() => {
      const mark = this.db.prepare(
        `INSERT INTO task_objects (task_id, bucket, key, etag, sequencer, state, worker_id, lease_until, rows, run_id, message_id, updated_at)
         VALUES (?, ?, ?, ?, ?, 'loaded', ?, NULL, ?, ?, ?, ?)
         ON CONFLICT (task_id, bucket, key, etag) DO UPDATE SET state = 'loaded', worker_id = excluded.worker_id,
           lease_until = NULL, rows = excluded.rows, run_id = excluded.run_id, updated_at = excluded.updated_at`,
      );
      for (const o of loaded) {
        mark.run(run.task_id, o.bucket, o.key, o.etag, o.sequencer, workerId, o.rows, id, o.message_id ?? null, at);
      }
      this.db
        .prepare(
          `INSERT INTO task_runs (id, task_id, worker_id, started_at, ended_at, status, messages, messages_deleted,
             messages_skipped, objects_loaded, objects_duplicate, rows_loaded, copy_statements, skipped, errors,
             more_skipped, more_errors)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id, run.task_id, run.worker_id, run.started_at, run.ended_at, run.status, run.messages, run.messages_deleted,
          run.messages_skipped, run.objects_loaded, run.objects_duplicate, run.rows_loaded, run.copy_statements,
          JSON.stringify(skipped), JSON.stringify(errors), run.skipped.length - skipped.length,
          run.errors.length - errors.length,
        );
      const lastError = run.errors.at(-1)?.error ?? null;
      this.db
        .prepare(
          `UPDATE tasks SET messages_received = messages_received + ?, messages_skipped = messages_skipped + ?,
             objects_loaded = objects_loaded + ?, objects_duplicate = objects_duplicate + ?, rows_loaded = rows_loaded + ?,
             errors = errors + ?, copy_statements = copy_statements + ?, batches = batches + 1, last_batch_at = ?,
             last_error = COALESCE(?, last_error)
           WHERE id = ?`,
        )
        .run(
          run.messages_received, run.messages_skipped, run.objects_loaded, run.objects_duplicate, run.rows_loaded,
          run.errors.length, run.copy_statements, run.ended_at, lastError, run.task_id,
        );
      const count = this.db.prepare("SELECT COUNT(*) AS n FROM task_runs WHERE task_id = ?").get(run.task_id) as { n: number };
      if (Number(count.n) > RUNS_KEPT + 100) {
        this.db
          .prepare(
            `DELETE FROM task_runs WHERE task_id = ? AND id NOT IN
               (SELECT id FROM task_runs WHERE task_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?)`,
          )
          .run(run.task_id, run.task_id, RUNS_KEPT);
      }
    });
    return toRun(this.db.prepare("SELECT * FROM task_runs WHERE id = ?").get(id) as unknown as RunRow);
  }

  /** Forgets loaded objects older than Databend's load-metadata window, and expired claims. */
  pruneLedger(olderThanMs: number): number {
    const cutoff = new Date(this.now().getTime() - olderThanMs).toISOString();
    const r = this.db
      .prepare("DELETE FROM task_objects WHERE (state = 'loaded' AND updated_at < ?) OR (state = 'claimed' AND lease_until < ?)")
      .run(cutoff, this.now().getTime() - olderThanMs);
    return Number(r.changes);
  }
}
