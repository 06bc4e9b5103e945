// SQLite store through node:sqlite. One file per DATA_DIR; WAL so the worker process can read
// while the API writes.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DATA_SOURCE_TYPE, type DataSourceRecord } from "../../src/contracts/data-source.ts";
import { connectionHash } from "./connection-hash.ts";
import { MIGRATIONS, migrate, type Migration } from "./migrations.ts";
import { DuplicateNameError, type Store, type StoredTest, type TaskRef } from "./types.ts";

export const STORE_FILE = "console.sqlite";

/** Tests older than this are pruned; the save gate only looks 15 minutes back. */
const TEST_RETENTION_MS = 24 * 60 * 60 * 1000;

interface DataSourceRow {
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

export interface SqliteStoreOptions {
  dataDir: string;
  migrations?: readonly Migration[];
  now?: () => Date;
}

export function openDatabase(file: string): DatabaseSync {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 5_000 });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
  return db;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message);
}

export function openSqliteStore({ dataDir, migrations = MIGRATIONS, now = () => new Date() }: SqliteStoreOptions): Store {
  const db = openDatabase(path.join(dataDir, STORE_FILE));
  migrate(db, migrations);

  const usedBy = (orgId: string, id: string): TaskRef[] =>
    db
      .prepare("SELECT id, name FROM tasks WHERE org_id = ? AND data_source_id = ? ORDER BY name")
      .all(orgId, id) as unknown as TaskRef[];

  const toRecord = (row: DataSourceRow): DataSourceRecord => ({
    id: row.id,
    type: DATA_SOURCE_TYPE,
    name: row.name,
    queue_url: row.queue_url,
    queue_region: row.queue_region,
    role_arn: row.role_arn,
    external_id: row.external_id,
    bucket: row.bucket,
    prefix: row.prefix,
    suffix: row.suffix,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_test: row.last_test ? (JSON.parse(row.last_test) as StoredTest) : null,
    used_by: usedBy(row.org_id, row.id),
  });

  const getRow = (orgId: string, id: string) =>
    db.prepare("SELECT * FROM data_sources WHERE org_id = ? AND id = ?").get(orgId, id) as DataSourceRow | undefined;

  const byName = (orgId: string, name: string) =>
    db.prepare("SELECT * FROM data_sources WHERE org_id = ? AND name = ? COLLATE NOCASE").get(orgId, name) as
      | DataSourceRow
      | undefined;

  return {
    async listDataSources(orgId) {
      const rows = db
        .prepare("SELECT * FROM data_sources WHERE org_id = ? ORDER BY created_at, id")
        .all(orgId) as unknown as DataSourceRow[];
      return rows.map(toRecord);
    },

    async getDataSource(orgId, id) {
      const row = getRow(orgId, id);
      return row ? toRecord(row) : null;
    },

    async findDataSourceByName(orgId, name) {
      const row = byName(orgId, name);
      return row ? toRecord(row) : null;
    },

    async createDataSource(orgId, input, lastTest) {
      const id = randomUUID();
      const at = now().toISOString();
      try {
        db.prepare(
          `INSERT INTO data_sources (id, org_id, type, name, queue_url, queue_region, role_arn, external_id,
             bucket, prefix, suffix, last_test, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          id, orgId, DATA_SOURCE_TYPE, input.name, input.queue_url, input.queue_region, input.role_arn,
          input.external_id, input.bucket, input.prefix, input.suffix,
          lastTest ? JSON.stringify(lastTest) : null, at, at,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateNameError(byName(orgId, input.name)?.name ?? input.name);
        throw error;
      }
      return toRecord(getRow(orgId, id)!);
    },

    async updateDataSource(orgId, id, input, lastTest) {
      if (!getRow(orgId, id)) return null;
      try {
        db.prepare(
          `UPDATE data_sources SET name = ?, queue_url = ?, queue_region = ?, role_arn = ?, external_id = ?,
             bucket = ?, prefix = ?, suffix = ?, last_test = ?, updated_at = ?
           WHERE org_id = ? AND id = ?`,
        ).run(
          input.name, input.queue_url, input.queue_region, input.role_arn, input.external_id,
          input.bucket, input.prefix, input.suffix, lastTest ? JSON.stringify(lastTest) : null,
          now().toISOString(), orgId, id,
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateNameError(byName(orgId, input.name)?.name ?? input.name);
        throw error;
      }
      return toRecord(getRow(orgId, id)!);
    },

    async deleteDataSource(orgId, id) {
      db.exec("BEGIN IMMEDIATE");
      try {
        if (!getRow(orgId, id)) {
          db.exec("COMMIT");
          return { status: "missing" };
        }
        const tasks = usedBy(orgId, id);
        if (tasks.length > 0) {
          db.exec("COMMIT");
          return { status: "in_use", tasks };
        }
        db.prepare("DELETE FROM data_sources WHERE org_id = ? AND id = ?").run(orgId, id);
        db.exec("COMMIT");
        return { status: "deleted" };
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },

    async createTask(orgId, task) {
      const id = randomUUID();
      db.prepare("INSERT INTO tasks (id, org_id, name, data_source_id, created_at) VALUES (?, ?, ?, ?, ?)").run(
        id, orgId, task.name, task.data_source_id, now().toISOString(),
      );
      return { id, name: task.name };
    },

    async recordConnectivityTest(orgId, connection, test) {
      db.prepare(
        "INSERT INTO connectivity_tests (id, org_id, connection_hash, ok, checks, tested_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(randomUUID(), orgId, connectionHash(connection), test.ok ? 1 : 0, JSON.stringify(test.checks), test.tested_at);
      const cutoff = new Date(now().getTime() - TEST_RETENTION_MS).toISOString();
      db.prepare("DELETE FROM connectivity_tests WHERE org_id = ? AND tested_at < ?").run(orgId, cutoff);
    },

    async latestConnectivityTest(orgId, connection) {
      const row = db
        .prepare(
          `SELECT ok, checks, tested_at FROM connectivity_tests
           WHERE org_id = ? AND connection_hash = ? ORDER BY tested_at DESC, rowid DESC LIMIT 1`,
        )
        .get(orgId, connectionHash(connection)) as { ok: number; checks: string; tested_at: string } | undefined;
      if (!row) return null;
      return { ok: row.ok === 1, tested_at: row.tested_at, checks: JSON.parse(row.checks) as StoredTest["checks"] };
    },

    close() {
      if (db.isOpen) db.close();
    },
  };
}
