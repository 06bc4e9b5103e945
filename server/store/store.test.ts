// SQLite-only concerns of the store: migrations from the pre-Kysely layout, a failing migration,
// and the connection hash. The ports themselves are held by store-contract.test.ts on both dialects.
import { makeDataSourceInput } from "../../tests/support/fixtures.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { sql, type Migration } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataSourceInput } from "#contracts/data-source.ts";
import { connectionHash } from "./connection-hash.ts";
import { openSqliteDb } from "./dialect.ts";
import { MIGRATIONS, migrate } from "./migrations.ts";
import { STORE_FILE, openStore } from "./open.ts";

const input: DataSourceInput = makeDataSourceInput("org-a");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("migrations (SQLite)", () => {
  it("applies every migration in order on a fresh database, and none on reopening", async () => {
    const s = openSqliteDb(path.join(dir, STORE_FILE));
    expect(await migrate(s.db)).toEqual(Object.keys(MIGRATIONS));
    expect(await migrate(s.db)).toEqual([]);
    const tables = (await s.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["data_sources", "tasks", "connectivity_tests", "task_objects", "task_claims", "task_runs"]));
    await s.db.destroy();
  });

  it("rolls a failing run back entirely and names the migration", async () => {
    const s = openSqliteDb(path.join(dir, STORE_FILE));
    const broken: Record<string, Migration> = {
      "0001_ok": { up: async (db) => void (await sql`create table a (id text)`.execute(db)) },
      "0002_broken": { up: async (db) => void (await sql`insert into nope values (1)`.execute(db)) },
    };
    await expect(migrate(s.db, broken)).rejects.toThrow(/Migration 0002_broken failed/);
    const tables = (await s.db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain("a");
    await s.db.destroy();
  });

  it("adopts a store made before Kysely (schema_migrations 1..3) and keeps its rows", async () => {
    // The old layout, as the previous migrate() left it: versions 1-3 applied, one data source.
    const file = path.join(dir, STORE_FILE);
    const s = openSqliteDb(file);
    const three = Object.fromEntries(Object.entries(MIGRATIONS).slice(0, 3));
    await migrate(s.db, three);
    await s.db.destroy();
    const raw = new DatabaseSync(file);
    raw.exec(`DROP TABLE kysely_migration; DROP TABLE kysely_migration_lock;
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'a', ''), (2, 'b', ''), (3, 'c', '');
      INSERT INTO data_sources (id, org_id, type, name, queue_url, queue_region, role_arn, external_id, bucket, created_at, updated_at)
        VALUES ('ds1', 'org-a', 'amazon_sqs_s3_iam_role', 'kept', 'q', 'us-east-1', 'r', 'x', 'b', '2030', '2030');`);
    raw.close();
    const stores = await openStore({ dataDir: dir });
    expect((await stores.dataSources.listDataSources("org-a")).map((d) => d.name)).toEqual(["kept"]);
    await stores.tasks.create("org-a", {
      name: "t", data_source_id: "ds1", file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" } as never,
      prefix: "", suffix: "", target: { database: "d", table: "t" }, on_error: "abort", purge: false,
    });
    await stores.close();
  });

  it("refuses a DATABASE_URL that is not PostgreSQL, saying what it expects", async () => {
    await expect(openStore({ url: "mysql://x", dataDir: dir })).rejects.toThrow(/postgres:\/\//);
  });
});

describe("connectionHash", () => {
  it("ignores the name and changes with any connection field", () => {
    expect(connectionHash({ ...input, name: "other" } as DataSourceInput)).toBe(connectionHash(input));
    expect(connectionHash({ ...input, prefix: "in" })).not.toBe(connectionHash(input));
    expect(connectionHash({ ...input, prefix: "", suffix: "in/.csv" })).not.toBe(
      connectionHash({ ...input, prefix: "in/", suffix: ".csv" }),
    );
  });
});
