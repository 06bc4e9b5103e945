import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataSourceInput } from "../../src/contracts/data-source.ts";
import { connectionHash } from "./connection-hash.ts";
import { MIGRATIONS, migrate, schemaVersion, type Migration } from "./migrations.ts";
import { STORE_FILE, openDatabase, openSqliteStore } from "./sqlite.ts";
import { DuplicateNameError, type Store } from "./types.ts";

const input: DataSourceInput = {
  name: "orders",
  queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders",
  queue_region: "us-east-1",
  role_arn: "arn:aws:iam::000000000000:role/databend",
  external_id: "org-a",
  bucket: "orders-bucket",
  prefix: "in/",
  suffix: ".csv",
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("migrations", () => {
  it("applies every migration in order on a fresh database, and none on reopening", () => {
    const db = openDatabase(path.join(dir, STORE_FILE));
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(migrate(db)).toEqual([]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["schema_migrations", "data_sources", "tasks", "connectivity_tests"]),
    );
    db.close();
  });

  it("sorts by version whatever the list order", () => {
    const db = openDatabase(path.join(dir, STORE_FILE));
    const order: Migration[] = [
      { version: 2, name: "second", sql: "ALTER TABLE a ADD COLUMN b TEXT" },
      { version: 1, name: "first", sql: "CREATE TABLE a (id TEXT)" },
    ];
    expect(migrate(db, order)).toEqual([1, 2]);
    db.close();
  });

  it("rolls a failing migration back entirely and keeps the earlier ones", () => {
    const db = openDatabase(path.join(dir, STORE_FILE));
    const broken: Migration[] = [
      { version: 1, name: "ok", sql: "CREATE TABLE a (id TEXT)" },
      { version: 2, name: "broken", sql: "CREATE TABLE b (id TEXT); INSERT INTO nope VALUES (1);" },
    ];
    expect(() => migrate(db, broken)).toThrow(/Migration 2 \(broken\) failed/);
    expect(schemaVersion(db)).toBe(1);
    const b = db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get();
    expect(b).toBeUndefined();
    db.close();
  });

  it("refuses two migrations with one version", () => {
    const db = openDatabase(path.join(dir, STORE_FILE));
    expect(() =>
      migrate(db, [
        { version: 1, name: "a", sql: "" },
        { version: 1, name: "b", sql: "" },
      ]),
    ).toThrow(/share version 1/);
    db.close();
  });
});

describe("sqlite store", () => {
  let store: Store;
  beforeEach(() => {
    store = openSqliteStore({ dataDir: dir });
  });
  afterEach(() => store.close());

  it("creates records with a UUID, the org, UTC timestamps and no tasks", async () => {
    const record = await store.createDataSource("org-a", input, null);
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(record).toMatchObject({ ...input, type: "amazon_sqs_s3_iam_role", last_test: null, used_by: [] });
    expect(await store.getDataSource("org-a", record.id)).toEqual(record);
    expect(await store.getDataSource("org-b", record.id)).toBeNull();
    expect(await store.listDataSources("org-b")).toEqual([]);
  });

  it("keeps names unique per org, ignoring case", async () => {
    await store.createDataSource("org-a", input, null);
    await expect(store.createDataSource("org-a", { ...input, name: "ORDERS" }, null)).rejects.toBeInstanceOf(
      DuplicateNameError,
    );
    await expect(store.createDataSource("org-b", input, null)).resolves.toMatchObject({ name: "orders" });
  });

  it("refuses to delete a data source a task uses, and names the tasks", async () => {
    const record = await store.createDataSource("org-a", input, null);
    const task = await store.createTask("org-a", { name: "load orders", data_source_id: record.id });
    expect((await store.getDataSource("org-a", record.id))!.used_by).toEqual([task]);
    expect(await store.deleteDataSource("org-a", record.id)).toEqual({ status: "in_use", tasks: [task] });
    expect(await store.deleteDataSource("org-a", "nope")).toEqual({ status: "missing" });
  });

  it("returns the latest test of exactly these connection values", async () => {
    expect(await store.latestConnectivityTest("org-a", input)).toBeNull();
    await store.recordConnectivityTest("org-a", input, { ok: true, tested_at: "2030-01-01T00:00:00.000Z", checks: [] });
    await store.recordConnectivityTest("org-a", input, { ok: false, tested_at: "2030-01-01T00:01:00.000Z", checks: [] });
    expect(await store.latestConnectivityTest("org-a", input)).toMatchObject({ ok: false });
    expect(await store.latestConnectivityTest("org-b", input)).toBeNull();
    expect(await store.latestConnectivityTest("org-a", { ...input, suffix: ".json" })).toBeNull();
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
