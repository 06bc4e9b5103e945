// Migrations of the integration task model (task issue). Appended to MIGRATIONS in migrations.ts;
// never edit a released one, add the next number.
import type { Migration } from "./migrations.ts";

export const TASK_MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    name: "integration tasks: configuration, state, counters, run history, load ledger",
    sql: `
      ALTER TABLE tasks ADD COLUMN file_format     TEXT NOT NULL DEFAULT '{"type":"csv","header":true,"delimiter":",","quote":"\\"","compression":"auto"}';
      ALTER TABLE tasks ADD COLUMN prefix          TEXT NOT NULL DEFAULT '';
      ALTER TABLE tasks ADD COLUMN suffix          TEXT NOT NULL DEFAULT '';
      ALTER TABLE tasks ADD COLUMN target_database TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE tasks ADD COLUMN target_table    TEXT NOT NULL DEFAULT '';
      ALTER TABLE tasks ADD COLUMN on_error        TEXT NOT NULL DEFAULT 'abort';
      ALTER TABLE tasks ADD COLUMN purge           INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN updated_at      TEXT NOT NULL DEFAULT '';
      -- Desired state is the API's; status, reason, worker and heartbeat are the worker's report.
      ALTER TABLE tasks ADD COLUMN desired_state   TEXT NOT NULL DEFAULT 'stopped';
      ALTER TABLE tasks ADD COLUMN status          TEXT NOT NULL DEFAULT 'stopped';
      ALTER TABLE tasks ADD COLUMN status_reason   TEXT;
      ALTER TABLE tasks ADD COLUMN worker_id       TEXT;
      ALTER TABLE tasks ADD COLUMN heartbeat_at    TEXT;
      ALTER TABLE tasks ADD COLUMN last_error      TEXT;
      ALTER TABLE tasks ADD COLUMN last_batch_at   TEXT;
      ALTER TABLE tasks ADD COLUMN messages_received INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN messages_deleted  INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN messages_skipped  INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN objects_loaded    INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN objects_duplicate INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN rows_loaded       INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN errors            INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN copy_statements   INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN batches           INTEGER NOT NULL DEFAULT 0;
      UPDATE tasks SET updated_at = created_at WHERE updated_at = '';
      CREATE INDEX tasks_desired_state ON tasks (desired_state);

      -- Run history: one row per batch.
      CREATE TABLE task_runs (
        id                TEXT PRIMARY KEY,
        task_id           TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        worker_id         TEXT NOT NULL,
        started_at        TEXT NOT NULL,
        ended_at          TEXT NOT NULL,
        status            TEXT NOT NULL,
        messages          INTEGER NOT NULL,
        messages_deleted  INTEGER NOT NULL,
        messages_skipped  INTEGER NOT NULL,
        objects_loaded    INTEGER NOT NULL,
        objects_duplicate INTEGER NOT NULL,
        rows_loaded       INTEGER NOT NULL,
        copy_statements   INTEGER NOT NULL,
        skipped           TEXT NOT NULL,   -- JSON [{message_id, key?, reason}], capped
        errors            TEXT NOT NULL,   -- JSON [{message_id?, key?, error}], capped
        more_skipped      INTEGER NOT NULL,
        more_errors       INTEGER NOT NULL
      );
      CREATE INDEX task_runs_task_started ON task_runs (task_id, started_at);

      -- Load ledger: objects a task claimed or loaded. A claim keeps two workers from loading the
      -- same object at once; a loaded row drops duplicates early. Databend's own load metadata is
      -- the final guard (COPY without FORCE skips files it already loaded).
      CREATE TABLE task_objects (
        task_id    TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        bucket     TEXT NOT NULL,
        key        TEXT NOT NULL,
        etag       TEXT NOT NULL,
        sequencer  TEXT NOT NULL DEFAULT '',
        state      TEXT NOT NULL,          -- claimed | loaded
        worker_id  TEXT NOT NULL,
        lease_until INTEGER,               -- ms since epoch, for claims
        rows       INTEGER,
        run_id     TEXT,
        message_id TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (task_id, bucket, key, etag)
      );
      CREATE INDEX task_objects_key ON task_objects (task_id, bucket, key);
      CREATE INDEX task_objects_updated ON task_objects (task_id, state, updated_at);

      -- Invalid messages already recorded in run history, so each is recorded once.
      CREATE TABLE task_message_errors (
        task_id    TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (task_id, message_id)
      );
    `,
  },
];
