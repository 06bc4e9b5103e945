// One contract for every store adapter: the same tests run on SQLite (a temp file) and on
// PostgreSQL (a throwaway cluster from Debian's postgresql package, see tests/support/postgres.ts).
// Without PostgreSQL the PostgreSQL half fails with one sentence, unless SKIP_POSTGRES=1 skips it.
import { makeDataSourceInput } from "../../tests/support/fixtures.ts";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DataSourceInput } from "#contracts/data-source.ts";
import { MISSING, SKIP_POSTGRES, SKIP_REASON, postgresBinDir, startPostgres, type PostgresCluster } from "../../tests/support/postgres.ts";
import { sql } from "kysely";
import { dataSourceStore } from "./data-sources.ts";
import { taskVersionWithWarehouse } from "./task-records.ts";
import { openPostgresDb, openSqliteDb } from "./dialect.ts";
import { MIGRATIONS, migrate } from "./migrations.ts";
import { STORE_FILE, openStore, type Stores } from "./open.ts";
import { configColumns } from "./task-records.ts";
import type { LedgerObject, TaskConfig } from "./tasks.ts";
import { DuplicateNameError } from "./types.ts";
import { DuplicateWarehouseNameError } from "./warehouses.ts";

const ORG = "org-a";
const input: DataSourceInput = makeDataSourceInput(ORG);
const config = (name: string, dataSourceId: string): TaskConfig => ({
  name,
  data_source_id: dataSourceId,
  file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" } as TaskConfig["file_format"],
  prefix: "in/",
  suffix: ".csv",
  target: { database: "sales", table: "orders" },
  on_error: "abort",
  purge: false,
});
const obj = (key: string, etag = "e1"): LedgerObject => ({ bucket: "b", key, etag, sequencer: "01" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Adapter {
  name: string;
  skip: string | null;
  /** A fresh, empty store target. */
  target(): Promise<string>;
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

const dirs: string[] = [];
const sqlite: Adapter = {
  name: "sqlite",
  skip: null,
  async target() {
    const dir = mkdtempSync(path.join(tmpdir(), "store-"));
    dirs.push(dir);
    return dir;
  },
  async setup() {},
  async teardown() {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
};

let cluster: PostgresCluster | undefined;
const postgres: Adapter = {
  name: "postgres",
  skip: SKIP_POSTGRES ? SKIP_REASON : null,
  async target() {
    return cluster!.createDatabase();
  },
  async setup() {
    if (!postgresBinDir()) throw new Error(MISSING);
    cluster = await startPostgres();
  },
  async teardown() {
    await cluster?.stop();
  },
};

describe.each([sqlite, postgres])("store contract on $name", (adapter) => {
  const suite = adapter.skip ? describe.skip : describe;
  suite(adapter.skip ?? "ports", () => {
    let stores: Stores;
    let target: string;
    let taskId: string;
    let sourceId: string;
    beforeAll(() => adapter.setup(), 60_000);
    afterAll(() => adapter.teardown());
    beforeEach(async () => {
      target = await adapter.target();
      stores = await openStore(target);
      sourceId = (await stores.dataSources.createDataSource(ORG, input, null)).id;
      taskId = (await stores.tasks.create(ORG, config("load orders", sourceId))).id;
    });
    afterEach(() => stores.close());

    it("is the dialect asked for, migrated once (reopening applies nothing)", async () => {
      expect(stores.dialect).toBe(adapter.name);
      const again = await openStore(target);
      expect(await again.dataSources.listDataSources(ORG)).toHaveLength(1);
      await again.close();
    });

    it("data sources: UUID, org, UTC timestamps, names unique per org ignoring case, in use by tasks", async () => {
      const record = (await stores.dataSources.getDataSource(ORG, sourceId))!;
      expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(record.purges).toBe(false);
      expect(record.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(record).toMatchObject({ ...input, type: "amazon_sqs_s3_iam_role", last_test: null, used_by: [{ id: taskId, name: "load orders" }] });
      expect(await stores.dataSources.getDataSource("org-b", sourceId)).toBeNull();
      await expect(stores.dataSources.createDataSource(ORG, { ...input, name: "ORDERS" }, null)).rejects.toBeInstanceOf(DuplicateNameError);
      await expect(stores.dataSources.createDataSource("org-b", input, null)).resolves.toMatchObject({ name: "orders" });
      expect(await stores.dataSources.deleteDataSource(ORG, sourceId)).toMatchObject({ status: "in_use" });
      expect(await stores.dataSources.deleteDataSource(ORG, "nope")).toEqual({ status: "missing" });
      expect((await stores.dataSources.findDataSourceByName(ORG, "Orders"))?.id).toBe(sourceId);
    });

    it("a task saved under an older file-format rule still reads back in the list, by id and for the worker", async () => {
      // As an older store wrote it: a two-byte delimiter that today's input rule refuses.
      const older = JSON.stringify({ type: "csv", header: true, delimiter: "||", quote: '"', compression: "auto" });
      await stores.db.db.updateTable("tasks").set({ file_format: older }).where("id", "=", taskId).execute();
      expect((await stores.tasks.list(ORG)).map((t) => t.file_format)).toEqual([JSON.parse(older)]);
      expect((await stores.tasks.get(ORG, taskId))?.file_format).toMatchObject({ delimiter: "||" });
      await stores.tasks.setDesiredState(ORG, taskId, "running", 30_000);
      expect((await stores.tasks.listRunnable()).find((r) => r.id === taskId)?.config.file_format).toMatchObject({ delimiter: "||" });
    });

    it("warehouses: scoped per org, one default per org (moved in one step), sealed password kept when left out, in use by tasks", async () => {
      const w = stores.warehouses;
      const fields = { name: "main", host: "db.example.com", port: 8000, user: "u", database: "default", tls: false, is_default: false };
      await stores.tasks.setDesiredState(ORG, taskId, "running", 30_000);
      const versionOf = async () => (await stores.tasks.listRunnable()).find((r) => r.id === taskId)!.version;
      const withoutWarehouse = await versionOf();
      const first = await w.createWarehouse(ORG, { ...fields, id: "wh-1", password_enc: "sealed-1", managed: false });
      // The organization's first warehouse is its default whatever it asked; the task saved before takes it.
      expect(first).toMatchObject({ id: "wh-1", org_id: ORG, is_default: true, tls: false, managed: false, password_enc: "sealed-1" });
      // A task without a warehouse loads into the default: its version names the default's record
      // before and after the assignment, so the assignment restarts no runner (the worker fills the
      // warehouse part in the same way when its own resolving created the default).
      const beforeAssignment = await versionOf();
      expect(beforeAssignment).toBe(`${withoutWarehouse}${first.updated_at}`);
      expect(taskVersionWithWarehouse(withoutWarehouse, first.updated_at)).toBe(beforeAssignment);
      expect(await w.assignTasksWithoutWarehouse(ORG, "wh-1")).toBe(1);
      expect((await stores.tasks.get(ORG, taskId))?.warehouse_id).toBe("wh-1");
      expect(await versionOf()).toBe(beforeAssignment);
      await stores.tasks.setDesiredState(ORG, taskId, "stopped", 30_000);
      await expect(w.createWarehouse(ORG, { ...fields, name: "MAIN", id: "wh-x", password_enc: "", managed: false })).rejects.toBeInstanceOf(DuplicateWarehouseNameError);
      const second = await w.createWarehouse(ORG, { ...fields, name: "second", id: "wh-2", password_enc: "", managed: true, is_default: true });
      expect(second.is_default).toBe(true);
      expect((await w.listWarehouses(ORG)).map((x) => [x.id, x.is_default])).toEqual([["wh-2", true], ["wh-1", false]]);
      // Another organization sees none of them, and may use the same name.
      expect(await w.getWarehouse("org-b", "wh-1")).toBeNull();
      expect(await w.listWarehouses("org-b")).toEqual([]);
      await expect(w.createWarehouse("org-b", { ...fields, id: "wh-b", password_enc: "", managed: false })).resolves.toMatchObject({ is_default: true });
      // The schema refuses a second default should two writers race past the transaction.
      await expect(stores.db.db.insertInto("warehouses").values({ ...fields, id: "wh-3", org_id: ORG, password_enc: "", tls: 0, is_default: 1, managed: 0, created_at: "x", updated_at: "x" }).execute()).rejects.toSatisfy((e) => stores.db.isUniqueViolation(e));
      // A running task's version follows its warehouse, so a worker restarts it on the edited connection.
      await stores.tasks.setDesiredState(ORG, taskId, "running", 30_000);
      const versionBefore = (await stores.tasks.listRunnable()).find((r) => r.id === taskId)!.version;
      await sleep(2);
      const updated = await w.updateWarehouse(ORG, "wh-1", { port: 443, tls: true, is_default: true });
      const runnable = (await stores.tasks.listRunnable()).find((r) => r.id === taskId)!;
      expect(runnable.version).not.toBe(versionBefore);
      expect(runnable.config.warehouse_id).toBe("wh-1");
      await stores.tasks.setDesiredState(ORG, taskId, "stopped", 30_000);
      expect(updated).toMatchObject({ port: 443, tls: true, is_default: true, password_enc: "sealed-1" });
      expect((await w.defaultWarehouse(ORG))?.id).toBe("wh-1");
      expect(await w.updateWarehouse("org-b", "wh-1", { port: 1 })).toBeNull();
      // Deleting: in use by a task, the default while others exist, then gone.
      expect(await w.deleteWarehouse(ORG, "wh-1")).toMatchObject({ status: "in_use", tasks: [{ id: taskId }] });
      expect(await w.deleteWarehouse("org-b", "wh-2")).toEqual({ status: "missing" });
      await stores.tasks.update(ORG, taskId, { ...config("load orders", sourceId), warehouse_id: "wh-2" });
      expect(await w.deleteWarehouse(ORG, "wh-1")).toEqual({ status: "default" });
      await w.updateWarehouse(ORG, "wh-2", { is_default: true });
      expect(await w.deleteWarehouse(ORG, "wh-1")).toEqual({ status: "deleted" });
      expect(await w.resealPassword(ORG, "wh-2", "stale", "new")).toBe(false);
      expect((await w.listSealedPasswords()).map((r) => r.id)).toEqual([]);
    });

    it("connectivity tests: the latest of exactly these connection values", async () => {
      const ds = stores.dataSources;
      expect(await ds.latestConnectivityTest(ORG, input)).toBeNull();
      await ds.recordConnectivityTest(ORG, input, { ok: true, tested_at: "2030-01-01T00:00:00.000Z", checks: [] });
      await ds.recordConnectivityTest(ORG, input, { ok: false, tested_at: "2030-01-01T00:01:00.000Z", checks: [] });
      expect(await ds.latestConnectivityTest(ORG, input)).toMatchObject({ ok: false });
      expect(await ds.latestConnectivityTest("org-b", input)).toBeNull();
      expect(await ds.latestConnectivityTest(ORG, { ...input, suffix: ".json" })).toBeNull();
    });

    it("tasks: duplicate names, edits and deletes refused while meant to run, desired state", async () => {
      const t = stores.tasks;
      await expect(t.create(ORG, config("LOAD ORDERS", sourceId))).rejects.toMatchObject({ existingName: "load orders" });
      expect((await t.get(ORG, taskId))).toMatchObject({ status: "stopped", desired_state: "stopped", purge: false });
      expect((await t.setDesiredState(ORG, taskId, "running", 30_000))?.changed).toBe(true);
      // A repeated start (a double click) changes nothing and says so.
      expect(await t.setDesiredState(ORG, taskId, "running", 30_000)).toMatchObject({ record: { desired_state: "running" }, changed: false });
      expect(await t.update(ORG, taskId, config("renamed", sourceId))).toBe("running");
      expect(await t.delete(ORG, taskId)).toBe("running");
      expect((await t.listRunnable()).map((r) => r.id)).toEqual([taskId]);
      await t.reportRunning(taskId, "w1");
      await t.reportError(taskId, "boom");
      expect(await t.get(ORG, taskId)).toMatchObject({ status: "running", worker_id: "w1", last_error: "boom" });
      expect((await t.get(ORG, taskId))!.counters).toMatchObject({ errors: 1 });
      // A live worker reports on it: stopping waits for the worker to say so.
      expect(await t.setDesiredState(ORG, taskId, "stopped", 30_000)).toMatchObject({ record: { desired_state: "stopped", status: "running" }, changed: true });
      await t.reportStopped(taskId, "w1", null);
      expect(await t.get(ORG, taskId)).toMatchObject({ status: "stopped" });
      expect(await t.update(ORG, taskId, { ...config("renamed", sourceId), purge: true })).toMatchObject({ name: "renamed", purge: true });
      // A purging task makes its source's role need s3:DeleteObject (the AWS-side template reads this).
      expect((await stores.dataSources.getDataSource(ORG, sourceId))!.purges).toBe(true);
      await t.reportFailed(taskId, "w1", "no table");
      expect(await t.get(ORG, taskId)).toMatchObject({ status: "failed", status_reason: "no table", desired_state: "stopped" });
      expect(await t.delete(ORG, taskId)).toBe("deleted");
      expect(await t.delete(ORG, taskId)).toBe("missing");
    });

    it("tasks: the operator's sentence and the outside system's detail are kept apart, and cleared together", async () => {
      const t = stores.tasks;
      const raw = "APIError: QueryFailed: [1025]Unknown table 'gone'. [v0.33.7]";
      expect(await t.get(ORG, taskId)).toMatchObject({ status_reason_detail: null, last_error_detail: null });
      await t.setDesiredState(ORG, taskId, "running", 30_000);
      await t.reportRunning(taskId, "w1");
      await t.reportError(taskId, "Databend is not answering", "APIError: reqwest::Error [v0.33.7]");
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: "Databend is not answering", last_error_detail: "APIError: reqwest::Error [v0.33.7]" });
      // Cleared only while it is still that error: a later one stays.
      await t.clearError(taskId, "Databend answers");
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: "Databend is not answering" });
      await t.clearError(taskId, "Databend is not answering");
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: null, last_error_detail: null });
      await t.reportError(taskId, "Receiving failed"); // no detail: none is left over from before
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: "Receiving failed", last_error_detail: null });
      await t.reportFailed(taskId, "w1", "The target table does not exist in Databend.", raw);
      expect(await t.get(ORG, taskId)).toMatchObject({
        status: "failed",
        status_reason: "The target table does not exist in Databend.",
        status_reason_detail: raw,
        last_error: "The target table does not exist in Databend.",
        last_error_detail: raw,
      });
      // A stop report keeps a failure's reason and detail; starting again clears both.
      await t.reportStopped(taskId, "w1", null);
      expect(await t.get(ORG, taskId)).toMatchObject({ status: "failed", status_reason_detail: raw });
      await t.setDesiredState(ORG, taskId, "running", 30_000);
      expect(await t.get(ORG, taskId)).toMatchObject({ status: "stopped", status_reason: null, status_reason_detail: null });
      // A run's last error carries its detail to the task; a run without errors leaves both as they were.
      const run = { task_id: taskId, worker_id: "w1", status: "failed" as const, messages: 1, messages_deleted: 0, messages_skipped: 0,
        objects_loaded: 0, objects_duplicate: 0, rows_loaded: 0, copy_statements: 1, skipped: [], messages_received: 1,
        started_at: "2030-01-01T00:00:00.000Z", ended_at: "2030-01-01T00:00:01.000Z" };
      const recorded = await t.finishBatch({ ...run, errors: [{ key: "a.csv", error: "File 'a.csv' cannot be loaded.", detail: raw }] }, [], "w1");
      expect(recorded.errors).toEqual([{ key: "a.csv", error: "File 'a.csv' cannot be loaded.", detail: raw }]);
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: "File 'a.csv' cannot be loaded.", last_error_detail: raw });
      await t.finishBatch({ ...run, status: "succeeded", errors: [], started_at: "2030-01-01T00:01:00.000Z", ended_at: "2030-01-01T00:01:01.000Z" }, [], "w1");
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: "File 'a.csv' cannot be loaded.", last_error_detail: raw });
      await t.finishBatch({ ...run, errors: [{ error: "Not an S3 event notification" }], started_at: "2030-01-01T00:02:00.000Z", ended_at: "2030-01-01T00:02:01.000Z" }, [], "w1");
      expect(await t.get(ORG, taskId)).toMatchObject({ last_error: "Not an S3 event notification", last_error_detail: null });
      await t.reportRunning(taskId, "w1");
      expect(await t.get(ORG, taskId)).toMatchObject({ status: "running", status_reason_detail: null });
      await t.setDesiredState(ORG, taskId, "stopped", 30_000);
      await t.reportStopped(taskId, "w1", null);
      expect(await t.delete(ORG, taskId)).toBe("deleted");
      expect(await t.delete(ORG, taskId)).toBe("missing");
    });

    it("workers: each worker's heartbeat per task, live by the database's clock, dropped on stop or when long silent", async () => {
      const t = stores.tasks;
      await t.reportRunning(taskId, "w1"); // not meant to run yet: nothing recorded
      expect(await t.listWorkers(ORG, taskId, 30_000)).toEqual([]);
      await t.setDesiredState(ORG, taskId, "running", 30_000);
      await t.reportRunning(taskId, "w1");
      await sleep(5);
      await t.reportRunning(taskId, "w2");
      const first = (await t.listWorkers(ORG, taskId, 30_000))!;
      expect(first.map((w) => [w.worker_id, w.live])).toEqual([["w1", true], ["w2", true]]);
      expect(first[0]!.heartbeat_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      await sleep(5);
      await t.reportRunning(taskId, "w1");
      const again = (await t.listWorkers(ORG, taskId, 30_000))!;
      expect(again[0]!.started_at).toBe(first[0]!.started_at);
      expect(again[0]!.heartbeat_at > first[0]!.heartbeat_at).toBe(true);
      expect((await t.listWorkers(ORG, taskId, 0))!.every((w) => !w.live)).toBe(true);
      expect(await t.listWorkers("org-b", taskId, 30_000)).toBeNull();
      // A killed worker stays, no longer live, until it has been silent for a while.
      await stores.db.db.updateTable("task_workers").set({ seen_ms: Date.now() - 11 * 60_000 }).where("worker_id", "=", "w2").execute();
      expect((await t.listWorkers(ORG, taskId, 30_000))!.map((w) => [w.worker_id, w.live])).toEqual([["w1", true], ["w2", false]]);
      await t.reportRunning(taskId, "w1");
      expect((await t.listWorkers(ORG, taskId, 30_000))!.map((w) => w.worker_id)).toEqual(["w1"]);
      await t.reportRunning(taskId, "w3");
      await t.reportStopped(taskId, "w1", null);
      expect((await t.listWorkers(ORG, taskId, 30_000))!.map((w) => w.worker_id)).toEqual(["w3"]);
      await t.reportFailed(taskId, "w3", "no table");
      expect(await t.listWorkers(ORG, taskId, 30_000)).toEqual([]);
      await t.reportRunning(taskId, "w3"); // the task is no longer meant to run
      expect(await t.listWorkers(ORG, taskId, 30_000)).toEqual([]);
    });

    it("liveness is the database's clock: a worker whose host clock runs 10 minutes behind still holds its task when stopped", async () => {
      await stores.tasks.setDesiredState(ORG, taskId, "running", 30_000);
      const where = target.startsWith("postgres") ? { url: target } : { dataDir: target };
      const behind = await openStore({ ...where, now: () => new Date(Date.now() - 10 * 60_000) });
      try {
        await behind.tasks.reportRunning(taskId, "w-behind");
        expect(await stores.tasks.setDesiredState(ORG, taskId, "stopped", 30_000)).toMatchObject({ record: { status: "running" }, changed: true });
        expect((await stores.tasks.listWorkers(ORG, taskId, 30_000))!.map((w) => [w.worker_id, w.live])).toEqual([["w-behind", true]]);
      } finally {
        await behind.close();
      }
    });

    it("runs: finishBatch records the run, moves counters and marks the ledger; listRuns pages newest first", async () => {
      const t = stores.tasks;
      const base = { task_id: taskId, worker_id: "w1", status: "succeeded" as const, messages: 1, messages_deleted: 1, messages_skipped: 0,
        objects_loaded: 1, objects_duplicate: 0, rows_loaded: 7, copy_statements: 1, skipped: [], errors: [], messages_received: 1 };
      await t.finishBatch({ ...base, started_at: "2030-01-01T00:00:00.000Z", ended_at: "2030-01-01T00:00:01.000Z" }, [{ ...obj("a"), rows: 7 }], "w1");
      const second = await t.finishBatch(
        { ...base, started_at: "2030-01-01T00:01:00.000Z", ended_at: "2030-01-01T00:01:01.000Z", errors: [{ error: "bad" }] }, [], "w1");
      expect(second).toMatchObject({ rows_loaded: 7, errors: [{ error: "bad" }], more_errors: 0 });
      const runs = (await t.listRuns(ORG, taskId))!;
      expect(runs.map((r) => r.started_at)).toEqual(["2030-01-01T00:01:00.000Z", "2030-01-01T00:00:00.000Z"]);
      expect(await t.listRuns(ORG, taskId, 10, "2030-01-01T00:01:00.000Z")).toHaveLength(1);
      expect(await t.listRuns("org-b", taskId)).toBeNull();
      expect((await t.get(ORG, taskId))!.counters).toMatchObject({ rows_loaded: 14, batches: 2, errors: 1, objects_loaded: 2 });
      expect(await t.loadedAmong(taskId, [obj("x"), obj("a"), obj("a", "e2")])).toEqual(new Set([1]));
      // A version only claimed (its ledger row says so) is not loaded.
      expect((await t.claim(taskId, "w1", [obj("c")], 60_000)).claimed).toHaveLength(1);
      expect(await t.loadedAmong(taskId, [obj("c"), obj("a")])).toEqual(new Set([1]));
      expect(await t.claim(taskId, "w2", [obj("a")], 60_000)).toMatchObject({ claimed: [], loaded: [obj("a")], held: [] });
    });

    it("runs: a task's messages_deleted counts each message id once, whichever batch records it (a redelivery after a kill)", async () => {
      const t = stores.tasks;
      const base = { task_id: taskId, worker_id: "w1", status: "succeeded" as const, messages: 2, messages_skipped: 0, objects_loaded: 0,
        objects_duplicate: 0, rows_loaded: 0, copy_statements: 0, skipped: [], errors: [], messages_received: 2,
        started_at: "2030-01-01T00:00:00.000Z", ended_at: "2030-01-01T00:00:01.000Z" };
      await t.finishBatch({ ...base, messages_deleted: 2, deleted_message_ids: ["m1", "m2"] }, [], "w1");
      // m2 came back (its delete was cut off) and is deleted again with m3.
      const again = await t.finishBatch({ ...base, messages_deleted: 2, deleted_message_ids: ["m2", "m3", "m3"] }, [], "w2");
      expect(again.messages_deleted).toBe(2);
      expect((await t.get(ORG, taskId))!.counters.messages_deleted).toBe(3);
      // Pruned with the ledger: nothing here is older than an hour.
      await t.pruneLedger(3_600_000);
      await t.finishBatch({ ...base, messages_deleted: 1, deleted_message_ids: ["m1"] }, [], "w1");
      expect((await t.get(ORG, taskId))!.counters.messages_deleted).toBe(3);
    });

    it("runs: lag per run (exact nearest-rank p50/p95/max); activity merges recent runs' sketches and sums objects and rows per minute", async () => {
      const t = stores.tasks;
      const base = { task_id: taskId, worker_id: "w1", status: "succeeded" as const, messages: 1, messages_deleted: 1, messages_skipped: 0,
        objects_duplicate: 0, copy_statements: 1, skipped: [], errors: [], messages_received: 1 };
      // 20 objects lagging 1..20 s in one run, 1 object at 100 s in another, and one run with no lag known.
      const first = await t.finishBatch({ ...base, objects_loaded: 20, rows_loaded: 200, started_at: "2030-01-01T00:00:00.000Z",
        ended_at: "2030-01-01T00:00:30.000Z", lags_ms: Array.from({ length: 20 }, (_, i) => (20 - i) * 1000) }, [], "w1");
      expect(first.lag).toEqual({ objects: 20, p50_ms: 10_000, p95_ms: 19_000, max_ms: 20_000 });
      await t.finishBatch({ ...base, objects_loaded: 1, rows_loaded: 5, started_at: "2030-01-01T00:00:40.000Z",
        ended_at: "2030-01-01T00:00:50.000Z", lags_ms: [100_000] }, [], "w1");
      const none = await t.finishBatch({ ...base, objects_loaded: 0, rows_loaded: 0, started_at: "2030-01-01T00:01:10.000Z",
        ended_at: "2030-01-01T00:01:20.000Z" }, [], "w1");
      expect(none.lag).toBeNull();
      expect((await t.listRuns(ORG, taskId))!.map((r) => r.lag?.max_ms ?? null)).toEqual([null, 100_000, 20_000]);

      const activity = (await t.runActivity(ORG, taskId, { since: "2030-01-01T00:00:00.000Z", lagRuns: 50 }))!;
      expect(activity.minutes.sort((a, b) => a.minute.localeCompare(b.minute))).toEqual([
        { minute: "2030-01-01T00:00", objects_loaded: 21, rows_loaded: 205 },
        { minute: "2030-01-01T00:01", objects_loaded: 0, rows_loaded: 0 },
      ]);
      expect(activity.lag).toMatchObject({ runs: 2, objects: 21, since: "2030-01-01T00:00:30.000Z", max_ms: 100_000 });
      // The window: runs ended before `since` are not counted; lag takes the last `lagRuns` runs with lag.
      expect((await t.runActivity(ORG, taskId, { since: "2030-01-01T00:01:00.000Z", lagRuns: 1 }))!).toMatchObject({
        minutes: [{ minute: "2030-01-01T00:01", objects_loaded: 0, rows_loaded: 0 }],
        lag: { runs: 1, objects: 1, since: "2030-01-01T00:00:50.000Z", max_ms: 100_000 },
      });
      expect(await t.runActivity("org-b", taskId, { since: "2030-01-01T00:00:00.000Z", lagRuns: 50 })).toBeNull();
    });

    it("migration 0008 adds lag to a store with runs recorded before it: those runs have none, new ones do", async () => {
      const fresh = await adapter.target();
      const old = adapter.name === "sqlite" ? openSqliteDb(path.join(fresh, STORE_FILE)) : openPostgresDb(fresh);
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0008"));
      expect(await migrate(old.db, before)).toEqual(Object.keys(before));
      const now = () => new Date();
      const oldSource = (await dataSourceStore(old, now).createDataSource(ORG, input, null)).id;
      // The task as the store before migration 8 wrote it: without the columns later migrations add.
      const { reconcile_every_minutes: _later, warehouse_id: _later10, ...columns } = configColumns(config("old task", oldSource));
      const oldTask = "t-old";
      const at = now().toISOString();
      await old.db
        .insertInto("tasks")
        .values({ id: oldTask, org_id: ORG, created_at: at, updated_at: at, desired_state: "stopped", status: "stopped", ...columns })
        .execute();
      // A run as the store before migration 8 wrote it (no lag columns yet).
      await sql`insert into task_runs (id, task_id, worker_id, started_at, ended_at, status, messages, messages_deleted,
        messages_skipped, objects_loaded, objects_duplicate, rows_loaded, copy_statements, skipped, errors, more_skipped, more_errors)
        values ('r-old', ${oldTask}, 'w1', '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.000Z', 'succeeded', 1, 1, 0, 1, 0, 3, 1,
        '[]', '[]', 0, 0)`.execute(old.db);
      await old.db.destroy();

      const upgraded = await openStore(fresh);
      try {
        expect((await upgraded.tasks.listRuns(ORG, oldTask))!).toMatchObject([{ id: "r-old", rows_loaded: 3, lag: null }]);
        const next = await upgraded.tasks.finishBatch({ task_id: oldTask, worker_id: "w1", status: "succeeded", messages: 1, messages_deleted: 1,
          messages_skipped: 0, objects_loaded: 1, objects_duplicate: 0, rows_loaded: 2, copy_statements: 1, skipped: [], errors: [],
          messages_received: 1, started_at: "2030-01-01T00:00:02.000Z", ended_at: "2030-01-01T00:00:03.000Z", lags_ms: [1234] }, [], "w1");
        expect(next.lag).toEqual({ objects: 1, p50_ms: 1234, p95_ms: 1234, max_ms: 1234 });
        expect((await upgraded.tasks.runActivity(ORG, oldTask, { since: "2030-01-01T00:00:00.000Z", lagRuns: 50 }))!).toMatchObject({
          minutes: [{ minute: "2030-01-01T00:00", objects_loaded: 2, rows_loaded: 5 }],
          lag: { runs: 1, objects: 1, max_ms: 1234 },
        });
      } finally {
        await upgraded.close();
      }
    });

    it("claims: loaded per key+ETag, held per key across ETags, history none / crashed / other_version", async () => {
      const t = stores.tasks;
      const first = await t.claim(taskId, "w1", [obj("k", "e1"), obj("n", "e1")], 60_000);
      expect(first.claimed.map((c) => [c.key, c.history])).toEqual([["k", "none"], ["n", "none"]]);
      // Another worker: the key is held whatever the ETag, with the time its lease has left.
      const other = await t.claim(taskId, "w2", [obj("k", "e1"), obj("k", "e2")], 60_000);
      expect(other.claimed).toEqual([]);
      expect(other.held.map((h) => h.object.etag)).toEqual(["e1", "e2"]);
      for (const h of other.held) expect(h.leaseMsLeft).toBeGreaterThan(50_000);
      // The holder itself cannot take its live claim again (an event batch and a backfill page of
      // one worker never load one key together), whichever version it asks for.
      const again = await t.claim(taskId, "w1", [obj("k", "e1"), obj("k", "e2")], 60_000);
      expect(again.claimed).toEqual([]);
      expect(again.held.map((h) => h.object.etag)).toEqual(["e1", "e2"]);
      await t.finishBatch({ task_id: taskId, worker_id: "w1", started_at: "2030-01-01T00:00:00.000Z", ended_at: "2030-01-01T00:00:00.000Z",
        status: "succeeded", messages: 1, messages_deleted: 1, messages_skipped: 0, objects_loaded: 1, objects_duplicate: 0,
        rows_loaded: 1, copy_statements: 1, skipped: [], errors: [], messages_received: 1 }, [{ ...obj("k", "e1"), rows: 1 }], "w1");
      // Loaded: the version is loaded for everyone; a new ETag of the key is an overwrite.
      const after = await t.claim(taskId, "w2", [obj("k", "e1"), obj("k", "e2")], 60_000);
      expect(after.loaded).toEqual([obj("k", "e1")]);
      expect(after.claimed.map((c) => [c.etag, c.history])).toEqual([["e2", "other_version"]]);
    });

    it("claims: a lease ends by the database's clock; release hands the key over at once", async () => {
      const t = stores.tasks;
      await t.claim(taskId, "w1", [obj("k")], 300);
      expect((await t.claim(taskId, "w2", [obj("k")], 60_000)).held).toHaveLength(1);
      await t.extendClaims(taskId, "w1", [obj("k")], 600);
      await sleep(350);
      expect((await t.claim(taskId, "w2", [obj("k")], 60_000)).held).toHaveLength(1);
      await sleep(350);
      const taken = await t.claim(taskId, "w2", [obj("k")], 60_000);
      expect(taken.claimed.map((c) => c.history)).toEqual(["crashed"]);
      // Released by the worker that held it last: the version's claim row goes with it, as before.
      await t.releaseClaims(taskId, "w2", [obj("k")]);
      expect((await t.claim(taskId, "w3", [obj("k")], 60_000)).claimed.map((c) => c.history)).toEqual(["none"]);
    });

    it("claims: a host whose clock is an hour behind cannot take a live lease", async () => {
      const skewed = await openStore(typeof target === "string" && !target.startsWith("postgres")
        ? { dataDir: target, now: () => new Date(Date.now() - 3_600_000) }
        : { url: target, now: () => new Date(Date.now() - 3_600_000) });
      try {
        await stores.tasks.claim(taskId, "w1", [obj("k")], 60_000);
        expect((await skewed.tasks.claim(taskId, "w2", [obj("k")], 60_000)).held).toHaveLength(1);
        await skewed.tasks.claim(taskId, "w2", [obj("j")], 60_000);
        expect((await stores.tasks.claim(taskId, "w1", [obj("j")], 60_000)).held).toHaveLength(1);
      } finally {
        await skewed.close();
      }
    });

    it("claims: two connections racing for the same claims 1,000 times, exactly one winner each", async () => {
      const second = await openStore(target);
      try {
        let wins = 0;
        for (let i = 0; i < 1000; i++) {
          // Even rounds race for one version, odd rounds for two ETags of one key (held across ETags).
          const [a, b] = await Promise.all([
            stores.tasks.claim(taskId, "w1", [obj(`r${i}`, "e1")], 60_000),
            second.tasks.claim(taskId, "w2", [obj(`r${i}`, i % 2 ? "e2" : "e1")], 60_000),
          ]);
          const claimed = a.claimed.length + b.claimed.length;
          const held = a.held.length + b.held.length;
          if (claimed !== 1 || held !== 1) throw new Error(`round ${i}: ${claimed} claimed, ${held} held`);
          wins += a.claimed.length;
        }
        // Which one wins is the database's business (on SQLite, connections of one process take
        // turns on the file; other processes wait on SQLite's own write lock).
        expect(wins).toBeGreaterThanOrEqual(0);
      } finally {
        await second.close();
      }
    }, 120_000);

    it("claims: two processes claiming the same 1,000 keys from opposite ends, each key won once", async () => {
      // Separate processes: on SQLite this races SQLite's own file lock, not our in-process turn-taking.
      const racer = (worker: string, order: string) => {
        const child = spawn(process.execPath, [path.resolve("tests/support/claim-racer.ts"), target, taskId, worker, order], {
          stdio: ["pipe", "pipe", "inherit"],
        });
        let out = "";
        const ready = new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => ((out += d), out.includes("ready") && resolve())));
        const done = new Promise<string[]>((resolve, reject) =>
          child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.split("\n")[1]!) as string[]) : reject(new Error(`racer exited ${code}`)))),
        );
        return { child, ready, done };
      };
      const a = racer("w1", "up");
      const b = racer("w2", "down");
      await Promise.all([a.ready, b.ready]);
      a.child.stdin.end("go\n");
      b.child.stdin.end("go\n");
      const [wonA, wonB] = await Promise.all([a.done, b.done]);
      expect(wonA.length + wonB.length).toBe(1000);
      expect(new Set([...wonA, ...wonB]).size).toBe(1000);
    }, 120_000);

    it("failed files: attempts count per version and error code, quarantine at the limit, list paged and filtered, retry, dismiss, clear on a later load; scoped by org", async () => {
      const t = stores.tasks;
      const failure = (key: string, code: number | null = 1046, etag = "e1") => ({
        bucket: "b", key, etag, versionId: null, size: 10, errorClass: "file", errorCode: code, errorCodeName: code === null ? null : "BadBytes",
        error: `File '${key}' cannot be loaded`, detail: `[${code}] bad value at file '${key}', line 2`, file: key, line: 2, column: "id", value: "nope",
        eventName: "ObjectCreated:Put", eventTime: "2030-01-01T00:00:00.000Z", sequencer: "01", messageId: `m-${key}`,
      });
      expect(await t.recordFileFailure(ORG, taskId, failure("a.csv"), 3)).toEqual({ state: "counting", attempts: 1, newly: false });
      // Another way of failing starts over; the same way again counts.
      expect(await t.recordFileFailure(ORG, taskId, failure("a.csv", 1005), 3)).toMatchObject({ state: "counting", attempts: 1 });
      expect(await t.recordFileFailure(ORG, taskId, failure("a.csv", 1005), 3)).toMatchObject({ state: "counting", attempts: 2 });
      expect((await t.listFailedFiles(ORG, taskId, { page_size: 50 }))!.total).toBe(0);
      expect(await t.recordFileFailure(ORG, taskId, failure("a.csv", 1005), 3)).toEqual({ state: "failed", attempts: 3, newly: true });
      expect(await t.recordFileFailure(ORG, taskId, failure("a.csv", 1005), 3)).toMatchObject({ state: "failed", newly: false });
      await sleep(2);
      for (const k of ["b.csv", "c.csv", "d_%.csv"]) {
        await t.recordFileFailure(ORG, taskId, failure(k), 1);
        await sleep(2);
      }
      const first = (await t.listFailedFiles(ORG, taskId, { page_size: 2 }))!;
      expect(first).toMatchObject({ total: 4, counts: { failed: 4, retrying: 0, dismissed: 0, cleared: 0 } });
      expect(first.items.map((i) => i.key)).toEqual(["d_%.csv", "c.csv"]);
      const a = (await t.listFailedFiles(ORG, taskId, { page_size: 50, q: "a.csv" }))!.items;
      expect(a[0]).toMatchObject({ bucket: "b", etag: "e1", attempts: 4, error_code: 1005, line: 2, column: "id", value: "nope", state: "failed", event_name: "ObjectCreated:Put" });
      const second = (await t.listFailedFiles(ORG, taskId, { page_size: 2, cursor: first.next_cursor! }))!;
      expect(second.items.map((i) => i.key)).toEqual(["b.csv", "a.csv"]);
      expect(second.next_cursor).toBeNull();
      expect((await t.listFailedFiles(ORG, taskId, { page_size: 50, error_code: 1005 }))!.items.map((i) => i.key)).toEqual(["a.csv"]);
      expect((await t.listFailedFiles(ORG, taskId, { page_size: 50, q: "_%" }))!.items.map((i) => i.key)).toEqual(["d_%.csv"]);
      expect(first.errors).toEqual([{ error_code: 1046, error_code_name: "BadBytes", count: 3 }, { error_code: 1005, error_code_name: "BadBytes", count: 1 }]);
      // The alert rule's count: files in `failed` per task, the org's own tasks only.
      expect(await t.failedCountsByTask(ORG, [taskId, "no-such-task"])).toEqual(new Map([[taskId, 4]]));
      expect(await t.failedCountsByTask("org-b", [taskId])).toEqual(new Map());
      // Another organization sees nothing and changes nothing.
      expect(await t.listFailedFiles("org-b", taskId, { page_size: 50 })).toBeNull();
      expect(await t.retryFailedFiles("org-b", taskId, { all: true })).toBeNull();
      expect(await t.dismissFailedFiles("org-b", taskId, { all: true }, "no", "x")).toBeNull();
      expect(await t.retryingFiles("org-b", taskId, 10)).toEqual([]);

      const b = second.items[0]!;
      expect(await t.retryFailedFiles(ORG, taskId, { ids: [b.id, "nope"] })).toMatchObject({ updated: 1, counts: { failed: 3, retrying: 1 } });
      expect(await t.retryingFiles(ORG, taskId, 10)).toEqual([{ id: b.id, bucket: "b", key: "b.csv" }]);
      // A retried file that fails again goes straight back, whatever the limit.
      expect(await t.recordFileFailure(ORG, taskId, failure("b.csv"), 3)).toMatchObject({ state: "failed", newly: false });
      await t.retryFailedFiles(ORG, taskId, { ids: [b.id] });
      await t.retryEnded(ORG, taskId, b.id, { state: "failed", error: "gone" });
      expect((await t.listFailedFiles(ORG, taskId, { page_size: 50, q: "b.csv" }))!.items[0]).toMatchObject({ state: "failed", error: "gone" });
      expect(await t.dismissFailedFiles(ORG, taskId, { ids: [first.items[0]!.id] }, "bad export, replaced upstream", "ops@example.com")).toMatchObject({ updated: 1 });
      const dismissed = (await t.listFailedFiles(ORG, taskId, { page_size: 50, state: "dismissed" }))!.items;
      expect(dismissed).toMatchObject([{ key: "d_%.csv", dismiss_reason: "bad export, replaced upstream", dismissed_by: "ops@example.com" }]);
      // A later load of a key (any version) clears it, with the batch's record.
      const run = { task_id: taskId, worker_id: "w1", status: "succeeded" as const, messages: 1, messages_deleted: 1, messages_skipped: 0,
        objects_loaded: 1, objects_duplicate: 0, objects_empty: 2, objects_failed: 4, rows_loaded: 3, copy_statements: 1, skipped: [], errors: [], messages_received: 1,
        started_at: "2030-01-01T00:00:00.000Z", ended_at: "2030-01-01T00:00:01.000Z" };
      await t.recordFileFailure(ORG, taskId, failure("e.csv"), 3);
      await t.finishBatch(run, [{ ...obj("c.csv", "e2"), rows: 3 }, { ...obj("e.csv"), rows: 0, empty: true }, { ...obj("d_%.csv", "e2"), rows: 0, empty: true }], "w1");
      const after = (await t.listFailedFiles(ORG, taskId, { page_size: 50, state: "cleared" }))!;
      expect(after.items.map((i) => i.key)).toEqual(["d_%.csv", "c.csv"]);
      expect(after.counts).toEqual({ failed: 2, retrying: 0, dismissed: 0, cleared: 2 });
      expect((await stores.db.db.selectFrom("failed_files").select("key").where("state", "=", "counting").execute())).toEqual([]);
      expect((await t.get(ORG, taskId))!.counters).toMatchObject({ objects_loaded: 1, objects_empty: 2, objects_failed: 2 });
      // The counter is the list's failed + retrying + dismissed; the run keeps what it quarantined.
      expect((await t.listRuns(ORG, taskId))![0]).toMatchObject({ objects_empty: 2, objects_failed: 4 });
    });

    it("ledger: an invalid message is recorded once; pruning forgets old versions and claims", async () => {
      const t = stores.tasks;
      expect(await t.firstErrorFor(taskId, "m1")).toBe(true);
      expect(await t.firstErrorFor(taskId, "m1")).toBe(false);
      await t.claim(taskId, "w1", [obj("old")], 1);
      await sleep(20);
      expect(await t.pruneLedger(0)).toBeGreaterThanOrEqual(2);
      expect((await t.claim(taskId, "w2", [obj("old")], 60_000)).claimed.map((c) => c.history)).toEqual(["none"]);
    });
  });
});
