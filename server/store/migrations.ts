// Versioned schema migrations: numbered, applied in order, each in its own transaction, and
// recorded in schema_migrations. Never edit a released migration; append a new one.
import type { DatabaseSync } from "node:sqlite";
import { TASK_MIGRATIONS } from "./task-migrations.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "data sources and tasks",
    sql: `
      CREATE TABLE data_sources (
        id           TEXT PRIMARY KEY,
        org_id       TEXT NOT NULL,
        type         TEXT NOT NULL,
        name         TEXT NOT NULL,
        queue_url    TEXT NOT NULL,
        queue_region TEXT NOT NULL,
        role_arn     TEXT NOT NULL,
        external_id  TEXT NOT NULL,
        bucket       TEXT NOT NULL,
        prefix       TEXT NOT NULL DEFAULT '',
        suffix       TEXT NOT NULL DEFAULT '',
        last_test    TEXT,             -- JSON {ok, tested_at, checks} of the test that allowed the save
        created_at   TEXT NOT NULL,    -- UTC ISO 8601
        updated_at   TEXT NOT NULL
      );
      -- Names are unique per organization, ignoring ASCII case.
      CREATE UNIQUE INDEX data_sources_org_name ON data_sources (org_id, name COLLATE NOCASE);

      -- Minimal now; the task issue extends it with new migrations.
      CREATE TABLE tasks (
        id             TEXT PRIMARY KEY,
        org_id         TEXT NOT NULL,
        name           TEXT NOT NULL,
        data_source_id TEXT NOT NULL REFERENCES data_sources (id) ON DELETE RESTRICT,
        created_at     TEXT NOT NULL
      );
      CREATE INDEX tasks_org_data_source ON tasks (org_id, data_source_id);
    `,
  },
  {
    version: 2,
    name: "connectivity test outcomes",
    sql: `
      -- One row per Test Connectivity run, keyed by org and a hash of the connection fields;
      -- the save gate looks up the latest row for the values being saved.
      CREATE TABLE connectivity_tests (
        id              TEXT PRIMARY KEY,
        org_id          TEXT NOT NULL,
        connection_hash TEXT NOT NULL,
        ok              INTEGER NOT NULL,
        checks          TEXT NOT NULL,   -- JSON array of check results
        tested_at       TEXT NOT NULL
      );
      CREATE INDEX connectivity_tests_lookup ON connectivity_tests (org_id, connection_hash, tested_at);
    `,
  },
  ...TASK_MIGRATIONS,
];

/** Applies the pending migrations in version order; returns the versions applied now. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`Two migrations share version ${sorted[i]!.version}`);
    }
  }
  const applied: number[] = [];
  for (const migration of sorted) {
    // IMMEDIATE takes the write lock first, so two processes starting together cannot both apply one.
    db.exec("BEGIN IMMEDIATE");
    try {
      const done = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?").get(migration.version);
      if (done) {
        db.exec("COMMIT");
        continue;
      }
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
      db.exec("COMMIT");
      applied.push(migration.version);
    } catch (error) {
      db.exec("ROLLBACK");
      throw new Error(`Migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return applied;
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  return row.v ?? 0;
}
