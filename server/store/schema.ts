// Row types of the store's tables as Kysely sees them, one shape for both dialects. Timestamps the
// product shows are ISO 8601 text; leases are ms since the epoch by the database's clock. Integer
// columns that may grow past 2^31 are BIGINT, which `pg` returns as strings: readers use Number().
import type { Generated } from "kysely";

type Int = number | string;

export interface DataSourcesTable {
  id: string;
  org_id: string;
  type: string;
  name: string;
  queue_url: string;
  queue_region: string;
  role_arn: string;
  external_id: string;
  bucket: string;
  prefix: string;
  suffix: string;
  last_test: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConnectivityTestsTable {
  id: string;
  org_id: string;
  connection_hash: string;
  ok: number;
  checks: string;
  tested_at: string;
}

export interface TasksTable {
  id: string;
  org_id: string;
  name: string;
  data_source_id: string;
  created_at: string;
  file_format: Generated<string>;
  prefix: Generated<string>;
  suffix: Generated<string>;
  target_database: Generated<string>;
  target_table: Generated<string>;
  on_error: Generated<string>;
  purge: Generated<number>;
  updated_at: Generated<string>;
  desired_state: Generated<string>;
  status: Generated<string>;
  status_reason: string | null;
  status_reason_detail: string | null;
  worker_id: string | null;
  heartbeat_at: string | null;
  last_error: string | null;
  last_error_detail: string | null;
  last_batch_at: string | null;
  messages_received: Generated<Int>;
  messages_deleted: Generated<Int>;
  messages_skipped: Generated<Int>;
  objects_loaded: Generated<Int>;
  objects_duplicate: Generated<Int>;
  rows_loaded: Generated<Int>;
  errors: Generated<Int>;
  copy_statements: Generated<Int>;
  batches: Generated<Int>;
  /** Objects with nothing to load, objects quarantined as failed files (migration 12). */
  objects_empty: Generated<Int>;
  objects_failed: Generated<Int>;
  /** Minutes between reconciling listings; null: off (migration 9). */
  reconcile_every_minutes: number | null;
  /** The organization's warehouse the task loads into; null: its default (migration 10). */
  warehouse_id: string | null;
}

export interface TaskRunsTable {
  id: string;
  task_id: string;
  worker_id: string;
  started_at: string;
  ended_at: string;
  status: string;
  messages: Int;
  messages_deleted: Int;
  messages_skipped: Int;
  objects_loaded: Int;
  objects_duplicate: Int;
  /** Migration 12. */
  objects_empty: Generated<Int>;
  objects_failed: Generated<Int>;
  rows_loaded: Int;
  copy_statements: Int;
  skipped: string;
  errors: string;
  /** JSON RunSkip[] of deferred messages (migration 11); null when none. */
  deferred: string | null;
  more_skipped: Int;
  more_errors: Int;
  /** Event -> committed lag of the run's loaded objects (migration 8); null/0 when none is known. */
  lag_objects: Generated<Int>;
  lag_p50_ms: Int | null;
  lag_p95_ms: Int | null;
  lag_max_ms: Int | null;
  /** JSON LagSketch (lag-sketch.ts): bucket index -> objects. */
  lag_sketch: string | null;
}

/** Per version (key + ETag): claimed or loaded; the history a claim reads. */
export interface TaskObjectsTable {
  task_id: string;
  bucket: string;
  key: string;
  etag: string;
  sequencer: string;
  state: "claimed" | "loaded";
  worker_id: string;
  /** Unused since leases moved to task_claims (migration 4); kept for older rows. */
  lease_until: Int | null;
  rows: Int | null;
  run_id: string | null;
  message_id: string | null;
  updated_at: string;
}

/** Per key: who holds it and until when (one holder across ETags), and its latest loaded ETag. */
export interface TaskClaimsTable {
  task_id: string;
  bucket: string;
  key: string;
  etag: string;
  worker_id: string;
  lease_until: Int;
  loaded_etag: string | null;
  updated_at: string;
}

/** Per task and worker: the worker's heartbeats while it holds the task (migration 5). */
export interface TaskWorkersTable {
  task_id: string;
  worker_id: string;
  started_at: string;
  heartbeat_at: string;
  /** The last heartbeat in ms since the epoch by the database's clock (liveness and pruning). */
  seen_ms: Int;
}

/** Per backfill or reconcile job of a task: where its listing is and what it did (migration 9). */
export interface TaskBackfillsTable {
  id: string;
  task_id: string;
  kind: "backfill" | "reconcile";
  status: "running" | "completed" | "failed" | "cancelled";
  since: string | null;
  last_key: string | null;
  listed: Int;
  loaded: Int;
  skipped: Int;
  failed: Int;
  rows_loaded: Int;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  /** The worker holding the job, and until when (ms by the database's clock). */
  worker_id: string | null;
  lease_until: Int;
  error: string | null;
  error_detail: string | null;
}

export interface TaskDeletedMessagesTable {
  task_id: string;
  message_id: string;
  recorded_at: string;
}

export interface TaskMessageErrorsTable {
  task_id: string;
  message_id: string;
  first_seen: string;
}

/** The audit log (migration 7). */
export interface AuditEventsTable {
  id: string;
  org_id: string;
  at: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  resource_name: string | null;
  actor_user_id: string;
  actor_email: string;
  actor_via: string;
  actor_key_id: string | null;
  actor_key_name: string | null;
  outcome: string | null;
}

/** An organization's Databend warehouse (migration 10); the password sealed by secret-box.ts. */
export interface WarehousesTable {
  id: string;
  org_id: string;
  name: string;
  host: string;
  port: number;
  user: string;
  /** "" for no password; otherwise `v1:<key id>:<iv>:<tag>:<ciphertext>` (server/warehouses/secret-box.ts). */
  password_enc: string;
  database: string;
  tls: number;
  is_default: number;
  managed: number;
  created_at: string;
  updated_at: string;
}

/** A failed file (migration 12; contracts/failed-files.ts). `state` adds the internal `counting`. */
export interface FailedFilesTable {
  id: string;
  org_id: string;
  task_id: string;
  bucket: string;
  key: string;
  etag: string;
  version_id: string | null;
  size: Int | null;
  error_class: string;
  error_code: number | null;
  error_code_name: string | null;
  error: string;
  detail: string;
  file: string | null;
  line: number | null;
  column_name: string | null;
  value: string | null;
  attempts: number;
  first_failed_at: string;
  last_failed_at: string;
  state: string;
  dismiss_reason: string | null;
  dismissed_by: string | null;
  dismissed_at: string | null;
  cleared_at: string | null;
  event_name: string | null;
  event_time: string | null;
  sequencer: string | null;
  message_id: string | null;
}

export interface Database {
  failed_files: FailedFilesTable;
  warehouses: WarehousesTable;
  data_sources: DataSourcesTable;
  connectivity_tests: ConnectivityTestsTable;
  tasks: TasksTable;
  task_runs: TaskRunsTable;
  task_objects: TaskObjectsTable;
  task_claims: TaskClaimsTable;
  task_message_errors: TaskMessageErrorsTable;
  task_deleted_messages: TaskDeletedMessagesTable;
  task_workers: TaskWorkersTable;
  audit_events: AuditEventsTable;
  task_backfills: TaskBackfillsTable;
}
