// Schema migrations for both dialects, run by Kysely's Migrator (recorded in kysely_migration,
// serialized by its lock: an advisory lock on PostgreSQL, the write lock on SQLite). Written with
// Kysely's schema builder so one definition serves SQLite and PostgreSQL. Never edit a released
// migration; append the next number.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

const CSV_DEFAULT = JSON.stringify({ type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" });

// Kysely<any>: a migration describes the schema of its own time, not today's row types.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

const m0001: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable("data_sources")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("queue_url", "text", (c) => c.notNull())
      .addColumn("queue_region", "text", (c) => c.notNull())
      .addColumn("role_arn", "text", (c) => c.notNull())
      .addColumn("external_id", "text", (c) => c.notNull())
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("prefix", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("suffix", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("last_test", "text") // JSON {ok, tested_at, checks} of the test that allowed the save
      .addColumn("created_at", "text", (c) => c.notNull()) // UTC ISO 8601
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    // Names are unique per organization, ignoring case (lower() exists in both dialects).
    await db.schema.createIndex("data_sources_org_name").on("data_sources").unique().expression(sql`org_id, lower(name)`).execute();
    await db.schema
      .createTable("tasks")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("data_source_id", "text", (c) => c.notNull().references("data_sources.id").onDelete("restrict"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("tasks_org_data_source").on("tasks").columns(["org_id", "data_source_id"]).execute();
  },
};

const m0002: Migration = {
  async up(db: Db) {
    // One row per Test Connectivity run, keyed by org and a hash of the connection fields.
    await db.schema
      .createTable("connectivity_tests")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("connection_hash", "text", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("checks", "text", (c) => c.notNull()) // JSON array of check results
      .addColumn("tested_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("connectivity_tests_lookup")
      .on("connectivity_tests")
      .columns(["org_id", "connection_hash", "tested_at"])
      .execute();
  },
};

const m0003: Migration = {
  async up(db: Db) {
    // One ALTER per column: SQLite adds one column per statement.
    const text: [string, string | null][] = [
      ["file_format", CSV_DEFAULT], ["prefix", ""], ["suffix", ""], ["target_database", "default"],
      ["target_table", ""], ["on_error", "abort"], ["updated_at", ""], ["desired_state", "stopped"], ["status", "stopped"],
      ["status_reason", null], ["worker_id", null], ["heartbeat_at", null], ["last_error", null], ["last_batch_at", null],
    ];
    for (const [name, fallback] of text) {
      await db.schema
        .alterTable("tasks")
        .addColumn(name, "text", (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
        .execute();
    }
    await db.schema.alterTable("tasks").addColumn("purge", "integer", (c) => c.notNull().defaultTo(0)).execute();
    const counters = [
      "messages_received", "messages_deleted", "messages_skipped", "objects_loaded", "objects_duplicate",
      "rows_loaded", "errors", "copy_statements", "batches",
    ];
    for (const name of counters) {
      await db.schema.alterTable("tasks").addColumn(name, "bigint", (c) => c.notNull().defaultTo(0)).execute();
    }
    await db.updateTable("tasks").set({ updated_at: sql.ref("created_at") }).where("updated_at", "=", "").execute();
    await db.schema.createIndex("tasks_desired_state").on("tasks").column("desired_state").execute();

    // Run history: one row per batch.
    await db.schema
      .createTable("task_runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("messages", "integer", (c) => c.notNull())
      .addColumn("messages_deleted", "integer", (c) => c.notNull())
      .addColumn("messages_skipped", "integer", (c) => c.notNull())
      .addColumn("objects_loaded", "integer", (c) => c.notNull())
      .addColumn("objects_duplicate", "integer", (c) => c.notNull())
      .addColumn("rows_loaded", "bigint", (c) => c.notNull())
      .addColumn("copy_statements", "integer", (c) => c.notNull())
      .addColumn("skipped", "text", (c) => c.notNull()) // JSON [{message_id, key?, reason}], capped
      .addColumn("errors", "text", (c) => c.notNull()) // JSON [{message_id?, key?, error}], capped
      .addColumn("more_skipped", "integer", (c) => c.notNull())
      .addColumn("more_errors", "integer", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("task_runs_task_started").on("task_runs").columns(["task_id", "started_at"]).execute();

    // Load ledger per version: claimed or loaded. Databend's load metadata is the final guard.
    await db.schema
      .createTable("task_objects")
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("etag", "text", (c) => c.notNull())
      .addColumn("sequencer", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("state", "text", (c) => c.notNull()) // claimed | loaded
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("lease_until", "bigint")
      .addColumn("rows", "bigint")
      .addColumn("run_id", "text")
      .addColumn("message_id", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("task_objects_pk", ["task_id", "bucket", "key", "etag"])
      .execute();
    await db.schema.createIndex("task_objects_key").on("task_objects").columns(["task_id", "bucket", "key"]).execute();
    await db.schema.createIndex("task_objects_updated").on("task_objects").columns(["task_id", "state", "updated_at"]).execute();

    // Invalid messages already recorded in run history, so each is recorded once.
    await db.schema
      .createTable("task_message_errors")
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("first_seen", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("task_message_errors_pk", ["task_id", "message_id"])
      .execute();
  },
};

const m0004: Migration = {
  async up(db: Db) {
    // Claims per key, so that taking one is a single INSERT ... ON CONFLICT (key) DO UPDATE ...
    // WHERE the lease expired or is ours: atomic under PostgreSQL's concurrency, not only under
    // SQLite's single writer. loaded_etag guards the race with a load committing meanwhile.
    await db.schema
      .createTable("task_claims")
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("etag", "text", (c) => c.notNull())
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("lease_until", "bigint", (c) => c.notNull()) // ms since epoch, the database's clock
      .addColumn("loaded_etag", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("task_claims_pk", ["task_id", "bucket", "key"])
      .execute();
    // Live claims of the old per-version ledger carry over (one per key), so an upgrade mid-run
    // does not hand a held object to a second worker.
    await sql`insert into task_claims (task_id, bucket, key, etag, worker_id, lease_until, loaded_etag, updated_at)
      select task_id, bucket, key, etag, worker_id, coalesce(lease_until, 0), null, updated_at
      from task_objects where state = 'claimed'
      on conflict (task_id, bucket, key) do nothing`.execute(db);
    // Task names unique per organization in the schema too: on PostgreSQL two API processes may
    // create the same name at once, and a check-then-insert would let both through.
    await db.schema.createIndex("tasks_org_name").on("tasks").unique().expression(sql`org_id, lower(name)`).execute();
  },
};

const m0005: Migration = {
  async up(db: Db) {
    // One row per worker holding a task: several workers may consume one queue, and the console
    // shows each with its last heartbeat. seen_ms is the database's clock, like leases.
    await db.schema
      .createTable("task_workers")
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("heartbeat_at", "text", (c) => c.notNull())
      .addColumn("seen_ms", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("task_workers_pk", ["task_id", "worker_id"])
      .execute();
  },
};

const m0006: Migration = {
  async up(db: Db) {
    // The outside system's text (Databend's or AWS's, scrubbed) behind status_reason and
    // last_error, which hold only the operator's sentence.
    for (const name of ["status_reason_detail", "last_error_detail"]) {
      await db.schema.alterTable("tasks").addColumn(name, "text").execute();
    }
  },
};

const m0007: Migration = {
  async up(db: Db) {
    // The audit log: one row per action on the organization's records, people and keys. Actors and
    // records are named by id and name only, never by a secret (contracts/audit.ts).
    await db.schema
      .createTable("audit_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull()) // UTC ISO 8601
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("resource_type", "text", (c) => c.notNull())
      .addColumn("resource_id", "text")
      .addColumn("resource_name", "text")
      .addColumn("actor_user_id", "text", (c) => c.notNull())
      .addColumn("actor_email", "text", (c) => c.notNull())
      .addColumn("actor_via", "text", (c) => c.notNull()) // session | api_key
      .addColumn("actor_key_id", "text")
      .addColumn("actor_key_name", "text")
      .addColumn("outcome", "text")
      .execute();
    // Newest first per organization, paged by (at, id).
    await db.schema.createIndex("audit_events_org_at").on("audit_events").columns(["org_id", "at", "id"]).execute();
  },
};

const m0008: Migration = {
  async up(db: Db) {
    // Event -> committed lag of each run's loaded objects (server/store/lag-sketch.ts): exact
    // figures of the run, and a log-bucketed histogram (JSON) that merges across runs into honest
    // percentiles. Null on runs that loaded nothing with a known event time, and on older runs.
    await db.schema.alterTable("task_runs").addColumn("lag_objects", "integer", (c) => c.notNull().defaultTo(0)).execute();
    for (const name of ["lag_p50_ms", "lag_p95_ms", "lag_max_ms"]) {
      await db.schema.alterTable("task_runs").addColumn(name, "bigint").execute();
    }
    await db.schema.alterTable("task_runs").addColumn("lag_sketch", "text").execute();
    // Throughput per minute reads a task's runs by when they ended.
    await db.schema.createIndex("task_runs_task_ended").on("task_runs").columns(["task_id", "ended_at"]).execute();
  },
};

const m0009: Migration = {
  async up(db: Db) {
    // A task's reconcile schedule (minutes; null: off).
    await db.schema.alterTable("tasks").addColumn("reconcile_every_minutes", "integer").execute();
    // Backfill and reconcile jobs: where the listing is (last_key) and what it did, so a job
    // resumes after a worker restart; one worker holds a running job through its lease.
    await db.schema
      .createTable("task_backfills")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("since", "text")
      .addColumn("last_key", "text")
      .addColumn("listed", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("loaded", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("skipped", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("failed", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("rows_loaded", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .addColumn("worker_id", "text")
      .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("error", "text")
      .addColumn("error_detail", "text")
      .execute();
    // At most one running job per task (a second start is refused by this index, atomically).
    await db.schema.createIndex("task_backfills_one_running").on("task_backfills").column("task_id").unique().where(sql.ref("status"), "=", "running").execute();
    await db.schema.createIndex("task_backfills_task_kind").on("task_backfills").columns(["task_id", "kind", "started_at"]).execute();
  },
};

const m0010: Migration = {
  async up(db: Db) {
    // An organization's Databend warehouses (issue 16): each organization loads into and browses
    // its own. The password is stored encrypted (server/warehouses/secret-box.ts), never in clear.
    await db.schema
      .createTable("warehouses")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("host", "text", (c) => c.notNull())
      .addColumn("port", "integer", (c) => c.notNull())
      .addColumn("user", "text", (c) => c.notNull())
      .addColumn("password_enc", "text", (c) => c.notNull()) // "" when no password; else secret-box's sealed text
      .addColumn("database", "text", (c) => c.notNull())
      .addColumn("tls", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("managed", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("warehouses_org_name").on("warehouses").unique().expression(sql`org_id, lower(name)`).execute();
    // Exactly one default per organization at most, kept by the schema (two API processes may race).
    await db.schema.createIndex("warehouses_one_default").on("warehouses").column("org_id").unique().where(sql.ref("is_default"), "=", 1).execute();
    // The warehouse a task loads into; null on tasks saved before, which take their organization's
    // default (filled in once the organization has one: server/warehouses/connections.ts).
    await db.schema.alterTable("tasks").addColumn("warehouse_id", "text").execute();
    await db.schema.createIndex("tasks_org_warehouse").on("tasks").columns(["org_id", "warehouse_id"]).execute();
  },
};

const m0011: Migration = {
  async up(db: Db) {
    // Messages a recorded batch settled as deleted, once per message id: the task's
    // messages_deleted counts each message once, in the batch's own transaction, before its delete
    // goes out (a kill after the delete cannot lose the count; a redelivered message that a later
    // batch deletes again is not counted twice). Pruned with the ledger.
    await db.schema
      .createTable("task_deleted_messages")
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("task_deleted_messages_pk", ["task_id", "message_id"])
      .execute();
    await db.schema.createIndex("task_deleted_messages_recorded").on("task_deleted_messages").column("recorded_at").execute();
    // A run's deferred messages and why (JSON, capped like skipped and errors); null when none.
    await db.schema.alterTable("task_runs").addColumn("deferred", "text").execute();
  },
};

const m0012: Migration = {
  async up(db: Db) {
    // Failed files (contracts/failed-files.ts): one row per object version that failed to load
    // with a file error. `counting` rows are versions below WORKER_FILE_ATTEMPTS (internal, never
    // listed); `failed` ones are quarantined (their messages deleted); `retrying`, `dismissed`,
    // `cleared` as the contract says. The attempt count lives here, not in a worker's memory, so it
    // survives restarts and is shared by every worker of the task.
    await db.schema
      .createTable("failed_files")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("etag", "text", (c) => c.notNull())
      .addColumn("version_id", "text")
      .addColumn("size", "bigint")
      .addColumn("error_class", "text", (c) => c.notNull())
      .addColumn("error_code", "integer")
      .addColumn("error_code_name", "text")
      .addColumn("error", "text", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull())
      .addColumn("file", "text")
      .addColumn("line", "integer")
      .addColumn("column_name", "text")
      .addColumn("value", "text")
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("first_failed_at", "text", (c) => c.notNull())
      .addColumn("last_failed_at", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("dismiss_reason", "text")
      .addColumn("dismissed_by", "text")
      .addColumn("dismissed_at", "text")
      .addColumn("cleared_at", "text")
      .addColumn("event_name", "text")
      .addColumn("event_time", "text")
      .addColumn("sequencer", "text")
      .addColumn("message_id", "text")
      .execute();
    await db.schema.createIndex("failed_files_version").on("failed_files").unique().columns(["task_id", "bucket", "key", "etag"]).execute();
    await db.schema.createIndex("failed_files_list").on("failed_files").columns(["org_id", "task_id", "state", "last_failed_at"]).execute();
    // Objects with nothing to load, and objects quarantined: failed + loaded + skipped = seen.
    for (const name of ["objects_empty", "objects_failed"]) {
      await db.schema.alterTable("tasks").addColumn(name, "bigint", (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable("task_runs").addColumn(name, "integer", (c) => c.notNull().defaultTo(0)).execute();
    }
  },
};

export const MIGRATIONS: Record<string, Migration> = {
  "0001_data_sources_and_tasks": m0001,
  "0002_connectivity_tests": m0002,
  "0003_integration_tasks": m0003,
  "0004_claims_per_key": m0004,
  "0005_task_workers": m0005,
  "0006_error_details": m0006,
  "0007_audit_events": m0007,
  "0008_run_lag": m0008,
  "0009_backfills": m0009,
  "0010_warehouses": m0010,
  "0011_deleted_messages": m0011,
  "0012_failed_files": m0012,
};

/** Stores made before Kysely kept their versions in schema_migrations (1..3); adopt them once. */
async function adoptLegacyVersions(db: Db, migrations: Record<string, Migration>): Promise<void> {
  const legacy = await db.introspection.getTables();
  if (!legacy.some((t) => t.name === "schema_migrations") || legacy.some((t) => t.name === "kysely_migration")) return;
  const rows = await db.selectFrom("schema_migrations").select("version").execute();
  const done = new Set(rows.map((r: { version: number }) => Number(r.version)));
  await db.schema
    .createTable("kysely_migration")
    .ifNotExists()
    .addColumn("name", "varchar(255)", (c) => c.notNull().primaryKey())
    .addColumn("timestamp", "varchar(255)", (c) => c.notNull())
    .execute();
  for (const name of Object.keys(migrations)) {
    if (done.has(Number(name.slice(0, 4)))) {
      await db
        .insertInto("kysely_migration")
        .values({ name, timestamp: new Date().toISOString() })
        .onConflict((oc: any) => oc.column("name").doNothing()) // another process adopted them first
        .execute();
    }
  }
}

/** Applies the pending migrations; returns their names. Throws with the failing one's name. */
export async function migrate(db: Db, migrations: Record<string, Migration> = MIGRATIONS): Promise<string[]> {
  await adoptLegacyVersions(db, migrations);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "a migration";
    throw new Error(`Migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
