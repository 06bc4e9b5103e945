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

/** Alerts (migration 13, server/store/migration-alerts.ts). */
export interface AlertRulesTable {
  id: string;
  org_id: string;
  name: string;
  condition: string;
  task_ids: string | null;
  quiet_minutes: number;
  enabled: number;
  destination_ids: string;
  created_at: string;
  updated_at: string;
}

export interface AlertDestinationsTable {
  id: string;
  org_id: string;
  name: string;
  format: string;
  url_enc: string;
  url_hint: string;
  secret_enc: string;
  secret_created_at: string;
  created_at: string;
  updated_at: string;
}

export interface AlertStatesTable {
  rule_id: string;
  task_id: string;
  org_id: string;
  holding_since_ms: Int | null;
  clear_since_ms: Int | null;
}

export interface AlertIncidentsTable {
  id: string;
  org_id: string;
  rule_id: string;
  rule_name: string;
  kind: string;
  task_id: string;
  task_name: string | null;
  summary: string;
  opened_at: string;
  resolved_at: string | null;
}

export interface AlertDeliveriesTable {
  id: string;
  org_id: string;
  destination_id: string;
  destination_name: string | null;
  event_type: string;
  incident_id: string | null;
  payload: string;
  status: string;
  attempts: Generated<number>;
  response_status: number | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
  due_ms: Int;
  claimed_until_ms: Generated<Int>;
  claimed_by: string | null;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  lease_until_ms: Int;
}

export interface Database {
  alert_rules: AlertRulesTable;
  alert_destinations: AlertDestinationsTable;
  alert_states: AlertStatesTable;
  alert_incidents: AlertIncidentsTable;
  alert_deliveries: AlertDeliveriesTable;
  job_leases: JobLeasesTable;
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
