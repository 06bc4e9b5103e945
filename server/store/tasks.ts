// The integration-task ports of the store and the types they speak: task configuration and
// desired state (the API's), status reports (the workers'), the load ledger with claims, and run
// history. Implemented once over Kysely for SQLite and PostgreSQL (task-records.ts,
// task-status.ts, ledger.ts, runs.ts); open them with openStore() in open.ts.
import type { LagSketch } from "./lag-sketch.ts";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import type {
  DesiredState,
  FileFormat,
  OnError,
  TaskRecord,
  TaskRun,
  TaskWorker,
} from "#contracts/task.ts";
import type { BackfillPort, BackfillProgress } from "./backfills.ts";
import type { FailedFilesPort } from "./failed-files.ts";

/** A task's configuration once validated and defaulted (what the API stores). */
export interface TaskConfig {
  name: string;
  data_source_id: string;
  file_format: FileFormat;
  prefix: string;
  suffix: string;
  target: { database: string; table: string };
  /** The organization's warehouse (resolved by the API to its default when the input names none). */
  warehouse_id?: string | null;
  on_error: OnError;
  purge: boolean;
  /** Minutes between reconciling listings; null: off. */
  reconcile_every_minutes?: number | null;
}

/** What a worker needs to run a task: the task, its data source and a version to notice edits. */
export interface RunnableTask {
  id: string;
  org_id: string;
  config: TaskConfig;
  source: Pick<DataSourceRecord, "id" | "queue_url" | "queue_region" | "role_arn" | "external_id" | "bucket" | "prefix" | "suffix">;
  /** Changes whenever the task, its data source or its warehouse is edited. */
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

/** A version a batch settled: loaded with its rows, or (`empty`) with nothing to load; both enter the ledger. */
export interface LoadedObject extends LedgerObject {
  rows: number;
  /** Zero bytes, or no rows: counted in objects_empty, not objects_loaded. */
  empty?: boolean;
}

export interface ClaimedObject extends LedgerObject {
  history: KeyHistory;
}

export interface ClaimResult {
  claimed: ClaimedObject[];
  loaded: LedgerObject[];
  /** Claimed by another live worker; with the ms until its lease ends. */
  held: { object: LedgerObject; leaseMsLeft: number }[];
}

/** A run as the worker records it: the contract's run without the stored id, overflow counts and lag summary. */
export interface RunInput extends Omit<TaskRun, "id" | "more_skipped" | "more_errors" | "lag" | "objects_empty" | "objects_failed"> {
  /** Objects with nothing to load (zero bytes, no rows); 0 when absent. */
  objects_empty?: number;
  /** Objects quarantined as failed files; 0 when absent. */
  objects_failed?: number;
  /** Counter increments of the task beyond what the run itself says (messages received, etc.). */
  messages_received: number;
  /** Event -> committed lag (ms) of each loaded object whose event time is known; the store keeps a summary and a sketch. */
  lags_ms?: readonly number[];
  /**
   * Ids of the messages this batch settled as deleted (their deletes go out once the run is
   * recorded): the task's messages_deleted counts each id once, whichever batch records it first.
   */
  deleted_message_ids?: readonly string[];
}

/** What the runs say about a task's recent activity (the API adds the queue's backlog). */
export interface RunActivity {
  /** Lag over the last `lagRuns` runs that recorded it. */
  lag: { runs: number; objects: number; since: string | null; max_ms: number | null; sketch: LagSketch };
  /** Objects and rows of the runs that ended at or after `since`, per minute ("YYYY-MM-DDTHH:MM", UTC) that had any. */
  minutes: { minute: string; objects_loaded: number; rows_loaded: number }[];
}

export type DeleteResult = "deleted" | "missing" | "running";

/** Entries kept per run for skipped messages and errors; the rest are counted. */
export const RUN_LIST_CAP = 50;
/**
 * Runs kept per task; older ones are pruned as new ones arrive, except those of the last
 * RUNS_KEPT_MS (the activity's per-minute throughput reads an hour of runs, and a busy task with
 * several workers ends more than RUNS_KEPT runs an hour).
 */
export const RUNS_KEPT = 1000;
export const RUNS_KEPT_MS = 61 * 60_000;
/** A worker not heard from for this long (a killed one) drops out of a task's workers. */
export const WORKERS_FORGOTTEN_AFTER_MS = 10 * 60_000;

export class DuplicateTaskNameError extends Error {
  readonly existingName: string;
  constructor(existingName: string) {
    super(`A task named ${existingName} already exists`);
    this.existingName = existingName;
  }
}

/** API side: configuration and desired state. */
export interface TaskPort {
  list(orgId: string): Promise<TaskRecord[]>;
  get(orgId: string, id: string): Promise<TaskRecord | null>;
  /** A new task is stopped. Throws DuplicateTaskNameError when the name is taken in the org. */
  create(orgId: string, config: TaskConfig): Promise<TaskRecord>;
  /** Replaces the configuration; refused ("running") while the task is meant to run. */
  update(orgId: string, id: string, config: TaskConfig): Promise<TaskRecord | "missing" | "running">;
  delete(orgId: string, id: string): Promise<DeleteResult>;
  /**
   * Sets the desired state. Starting clears a failure's reason (the worker reports `running` once
   * it picks the task up). Stopping a task no live worker reports on marks it stopped at once.
   * `changed` is false when the task already had that desired state (a repeated start or stop).
   */
  setDesiredState(orgId: string, id: string, desired: DesiredState, staleAfterMs: number): Promise<{ record: TaskRecord; changed: boolean } | null>;
  /** The scope and name of a data source in the org, for validating a task against it. */
  sourceFor(orgId: string, id: string): Promise<{ id: string; name: string; bucket: string; prefix: string; suffix: string } | null>;
  /** Every task meant to run, with its data source, across organizations (the workers' view). */
  listRunnable(): Promise<RunnableTask[]>;
}

/** API side: the workers holding a task. */
export interface TaskWorkersPort {
  /**
   * The workers whose heartbeats hold the task, first to pick it up first; `live` when the last
   * heartbeat is younger than staleAfterMs by the database's clock. Null when the task is not in the org.
   */
  listWorkers(orgId: string, taskId: string, staleAfterMs: number): Promise<TaskWorker[] | null>;
}

/** Worker side: what a worker says about the task it runs. */
export interface TaskStatusPort {
  /**
   * The worker's heartbeat: running, by whom, when; recorded per worker too (several may hold a
   * task), and workers not heard from for WORKERS_FORGOTTEN_AFTER_MS are dropped. Ignored once the
   * task is no longer meant to run.
   */
  reportRunning(taskId: string, workerId: string): Promise<void>;
  /** The worker stopped the task because it was asked to (or is shutting down); it no longer holds it. */
  reportStopped(taskId: string, workerId: string, reason: string | null): Promise<void>;
  /**
   * A task-wide failure (role, queue or target missing): stop it and say why; the worker no longer
   * holds it. `reason` is the operator's sentence; `detail` the outside system's text behind it.
   */
  reportFailed(taskId: string, workerId: string, reason: string, detail?: string): Promise<void>;
  /** Last error seen (shown on the task), without changing its state; `detail` as for reportFailed. */
  reportError(taskId: string, message: string, detail?: string): Promise<void>;
  /**
   * A last error that no longer holds (Databend answers again, the task stopped while it did not):
   * cleared, with its detail, only while it is still this message (a later error stays). Run
   * history keeps its errors.
   */
  clearError(taskId: string, message: string): Promise<void>;
}

/** Worker side: which versions are loaded, and who may load which now. */
export interface LoadLedgerPort {
  /**
   * Claims objects for loading. A version already loaded is reported as `loaded`; a key another
   * worker holds (whatever the ETag) with a lease still running by the database's clock is `held`;
   * the rest become ours, each taken by one atomic statement, with what the ledger knew of its key.
   */
  claim(taskId: string, workerId: string, objects: readonly LedgerObject[], leaseMs: number): Promise<ClaimResult>;
  /** Extends our claims while a load runs. */
  extendClaims(taskId: string, workerId: string, objects: readonly LedgerObject[], leaseMs: number): Promise<void>;
  /**
   * Right before a load's COMMIT: whether this worker still holds every one of these claims (same
   * ETag, lease running by the database's clock), extending each it holds by `leaseMs`. Each key's
   * check and extension are one atomic statement (one per chunk of keys), so a claim another worker
   * took over is never taken back.
   */
  confirmClaims(taskId: string, workerId: string, objects: readonly LedgerObject[], leaseMs: number): Promise<boolean>;
  /** Gives up our claims (the load failed or was not attempted). */
  releaseClaims(taskId: string, workerId: string, objects: readonly LedgerObject[]): Promise<void>;
  /** Which of these objects the ledger says are loaded (indexes into `objects`). */
  loadedAmong(taskId: string, objects: readonly LedgerObject[]): Promise<Set<number>>;
  /** Whether this message's error was not recorded yet; records it. */
  firstErrorFor(taskId: string, messageId: string): Promise<boolean>;
  /** Forgets loaded versions and claims older than Databend's load-metadata window. */
  pruneLedger(olderThanMs: number): Promise<number>;
}

/** Worker side writes, API side reads: one entry per batch. */
export interface RunHistoryPort {
  /**
   * Ends a batch in one transaction: loaded versions enter the ledger, the run is recorded, counters
   * move, and a backfill's batch moves its job's position and counts (with `leaseMs` more lease).
   */
  finishBatch(
    run: RunInput,
    loaded: readonly LoadedObject[],
    workerId: string,
    backfill?: { progress: BackfillProgress; leaseMs: number },
  ): Promise<TaskRun>;
  /** Newest first; null when the task is not in the org. */
  listRuns(orgId: string, taskId: string, limit?: number, before?: string): Promise<TaskRun[] | null>;
  /** Lag and per-minute throughput from the runs; null when the task is not in the org. */
  runActivity(orgId: string, taskId: string, options: { since: string; lagRuns: number }): Promise<RunActivity | null>;
}

export interface TaskStore extends TaskPort, TaskWorkersPort, TaskStatusPort, LoadLedgerPort, RunHistoryPort, BackfillPort, FailedFilesPort {}
