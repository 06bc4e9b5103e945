// /api/tasks through the real app (buildApp), the real SQLite store and the dev warehouse (the API
// checks each task's target table in Databend; those checks have their own suite,
// task-target-checks.test.ts).
import { makeDataSourceInput } from "./support/fixtures.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarehouse, type Warehouse } from "../sandbox/warehouse/server.ts";
import { taskRecordSchema, taskWorkersResponseSchema } from "#contracts/task.ts";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import type { TaskStore } from "../server/store/tasks.ts";
import type { DataSourceStore } from "../server/store/types.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";

const ORG = "api-org";
let dir: string;
let app: FastifyInstance;
let stores: Stores;
let store: DataSourceStore;
let taskStore: TaskStore;
let sourceId: string;
let warehouse: Warehouse;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "tasks-api-"));
  warehouse = await startWarehouse({ port: 0, dataDir: dir, log: false });
  const wh = new DatabendWarehouse(warehouse.dsn);
  await wh.exec("CREATE DATABASE sales");
  await wh.exec("CREATE TABLE sales.orders (id INT, item VARCHAR)");
  await wh.close();
  stores = await openStore(dir);
  store = stores.dataSources;
  taskStore = stores.tasks;
  const source = await store.createDataSource(
    ORG,
    makeDataSourceInput(ORG),
    null,
  );
  sourceId = source.id;
  app = await buildApp({ authenticate: fixedPrincipal(ORG),
    config: loadConfig({ ORG_ID: ORG, DATA_DIR: dir, DATABEND_DSN: warehouse.dsn }),
    logger: pino({ level: "silent" }),
    stores,
  });
});
afterAll(async () => {
  await app?.close();
  await stores?.close();
  await warehouse?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const valid = () => ({
  name: "load orders",
  data_source_id: sourceId,
  file_format: { type: "csv", header: true, delimiter: ";" },
  target: { database: "sales", table: "orders" },
});

describe("tasks API", () => {
  let id: string;

  it("creates a stopped task, applying the data source's scope and defaults", async () => {
    const res = await app.inject({ method: "POST", url: "/api/tasks", payload: valid() });
    expect(res.statusCode).toBe(201);
    const task = taskRecordSchema.parse(res.json());
    id = task.id;
    expect(task).toMatchObject({
      name: "load orders",
      data_source_id: sourceId,
      data_source_name: "orders",
      file_format: { type: "csv", header: true, delimiter: ";", quote: '"', compression: "auto" },
      prefix: "in/",
      suffix: ".csv",
      target: { database: "sales", table: "orders" },
      on_error: "abort",
      purge: false,
      desired_state: "stopped",
      status: "stopped",
      status_reason: null,
    });
    expect(task.counters.rows_loaded).toBe(0);
    const list = await app.inject({ method: "GET", url: "/api/tasks" });
    expect(list.json().items.map((t: { id: string }) => t.id)).toEqual([id]);
  });

  it("names every bad field (400 {error, fields})", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { name: " ", file_format: { type: "xml" }, target: { table: "" }, on_error: "ignore", extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBeTruthy();
    expect(Object.keys(body.fields)).toEqual(
      expect.arrayContaining(["name", "data_source_id", "file_format.type", "target.table", "on_error", "extra"]),
    );
  });

  it("checks the data source exists and the prefix/suffix lie within its scope", async () => {
    const missing = await app.inject({ method: "POST", url: "/api/tasks", payload: { ...valid(), name: "x", data_source_id: "nope" } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields.data_source_id).toMatch(/No data source/);
    const scope = await app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { ...valid(), name: "y", prefix: "out/", suffix: ".json" },
    });
    expect(scope.statusCode).toBe(400);
    expect(scope.json().fields.prefix).toMatch(/"in\/"/);
    expect(scope.json().fields.suffix).toMatch(/"\.csv"/);
    const narrower = await app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { ...valid(), name: "z", prefix: "in/2024/", suffix: "-final.csv" },
    });
    expect(narrower.statusCode).toBe(201);
    await app.inject({ method: "DELETE", url: `/api/tasks/${narrower.json().id}` });
  });

  it("refuses a duplicate name with 409 and the field", async () => {
    const res = await app.inject({ method: "POST", url: "/api/tasks", payload: { ...valid(), name: "LOAD ORDERS" } });
    expect(res.statusCode).toBe(409);
    expect(res.json().fields.name).toMatch(/already exists/);
  });

  it("reads, updates, answers 404 for unknown ids", async () => {
    expect((await app.inject({ method: "GET", url: `/api/tasks/${id}` })).json().id).toBe(id);
    expect((await app.inject({ method: "GET", url: "/api/tasks/unknown" })).statusCode).toBe(404);
    const put = await app.inject({
      method: "PUT",
      url: `/api/tasks/${id}`,
      payload: { ...valid(), file_format: { type: "parquet" }, on_error: "continue", purge: true },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ file_format: { type: "parquet" }, on_error: "continue", purge: true });
    expect((await app.inject({ method: "PUT", url: "/api/tasks/unknown", payload: valid() })).statusCode).toBe(404);
  });

  it("start sets the desired state; edits and deletes are refused (409) while it should run; stop takes effect at once without a worker", async () => {
    const started = await app.inject({ method: "POST", url: `/api/tasks/${id}/start` });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ desired_state: "running", status: "stopped" });
    expect((await app.inject({ method: "PUT", url: `/api/tasks/${id}`, payload: valid() })).statusCode).toBe(409);
    expect((await app.inject({ method: "DELETE", url: `/api/tasks/${id}` })).statusCode).toBe(409);
    // The data source is in use.
    expect((await app.inject({ method: "DELETE", url: `/api/data-sources/${sourceId}` })).statusCode).toBe(409);
    // A worker reports it running...
    await taskStore.reportRunning(id, "w1");
    expect((await app.inject({ method: "GET", url: `/api/tasks/${id}` })).json()).toMatchObject({ status: "running", worker_id: "w1" });
    // ...and so does a second one: each holds the task with its own heartbeat.
    await taskStore.reportRunning(id, "w2");
    const workers = await app.inject({ method: "GET", url: `/api/tasks/${id}/workers` });
    expect(workers.statusCode).toBe(200);
    expect(taskWorkersResponseSchema.parse(workers.json()).items.map((w) => [w.worker_id, w.live])).toEqual([["w1", true], ["w2", true]]);
    expect((await app.inject({ method: "GET", url: "/api/tasks/unknown/workers" })).statusCode).toBe(404);
    await taskStore.reportStopped(id, "w2", "Worker shut down; the task resumes when a worker runs");
    await taskStore.reportRunning(id, "w1");
    // ...stop asks the worker; the worker reports stopped.
    const stopped = await app.inject({ method: "POST", url: `/api/tasks/${id}/stop` });
    expect(stopped.json()).toMatchObject({ desired_state: "stopped", status: "running" });
    await taskStore.reportStopped(id, "w1", null);
    expect((await app.inject({ method: "GET", url: `/api/tasks/${id}` })).json().status).toBe("stopped");
    expect((await app.inject({ method: "POST", url: "/api/tasks/unknown/start" })).statusCode).toBe(404);
  });

  it("clears a failure on start", async () => {
    await taskStore.reportFailed(id, "w1", "Target table sales.orders is not usable: Unknown table");
    const failed = (await app.inject({ method: "GET", url: `/api/tasks/${id}` })).json();
    expect(failed).toMatchObject({ status: "failed", desired_state: "stopped" });
    expect(failed.status_reason).toMatch(/Unknown table/);
    const restarted = (await app.inject({ method: "POST", url: `/api/tasks/${id}/start` })).json();
    expect(restarted).toMatchObject({ desired_state: "running", status: "stopped", status_reason: null });
    await app.inject({ method: "POST", url: `/api/tasks/${id}/stop` });
  });

  it("a double click is one action: two starts at once both succeed with one audit row; two backfills at once answer the same job", async () => {
    const audited = async (action: string) => (await stores.audit.list(ORG, { limit: 200 }))!.items.filter((e) => e.action === action && e.resource_id === id).length;
    const startsBefore = await audited("started");
    const starts = await Promise.all([1, 2].map(() => app.inject({ method: "POST", url: `/api/tasks/${id}/start` })));
    expect(starts.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(starts.map((r) => r.json().desired_state)).toEqual(["running", "running"]);
    expect(await audited("started")).toBe(startsBefore + 1);
    // Again later (a retry): still success, still one row.
    expect((await app.inject({ method: "POST", url: `/api/tasks/${id}/start` })).statusCode).toBe(200);
    expect(await audited("started")).toBe(startsBefore + 1);

    const backfillsBefore = await audited("backfill_started");
    const backfills = await Promise.all([1, 2].map(() => app.inject({ method: "POST", url: `/api/tasks/${id}/backfill`, payload: {} })));
    expect(backfills.map((r) => r.statusCode).sort()).toEqual([200, 202]);
    // One job, one audit row: the second request was the same action.
    expect(await audited("backfill_started")).toBe(backfillsBefore + 1);
    const [a, b] = backfills.map((r) => r.json());
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ kind: "backfill", status: "running" });

    const stopsBefore = await audited("stopped");
    await Promise.all([1, 2].map(() => app.inject({ method: "POST", url: `/api/tasks/${id}/stop` })));
    expect(await audited("stopped")).toBe(stopsBefore + 1);
  });

  it("lists run history newest first", async () => {
    for (const [i, status] of (["succeeded", "partial"] as const).entries()) {
      await taskStore.finishBatch(
        {
          task_id: id,
          worker_id: "w1",
          started_at: `2024-01-01T00:00:0${i}.000Z`,
          ended_at: `2024-01-01T00:00:0${i}.500Z`,
          status,
          messages: 2,
          messages_deleted: 2 - i,
          messages_skipped: 0,
          objects_loaded: 2 - i,
          objects_duplicate: 0,
          rows_loaded: 10,
          copy_statements: 1,
          skipped: [],
          errors: i ? [{ message_id: "m1", key: "in/bad.csv", error: "bad row" }] : [],
          messages_received: 2,
        },
        [],
        "w1",
      );
    }
    const res = await app.inject({ method: "GET", url: `/api/tasks/${id}/runs?limit=10` });
    expect(res.statusCode).toBe(200);
    const runs = res.json().items;
    expect(runs.map((r: { status: string }) => r.status)).toEqual(["partial", "succeeded"]);
    expect(runs[0].errors).toEqual([{ message_id: "m1", key: "in/bad.csv", error: "bad row" }]);
    expect((await app.inject({ method: "GET", url: `/api/tasks/${id}/runs?limit=0` })).statusCode).toBe(400);
    expect((await app.inject({ method: "GET", url: "/api/tasks/unknown/runs" })).statusCode).toBe(404);
    const task = (await app.inject({ method: "GET", url: `/api/tasks/${id}` })).json();
    expect(task.counters).toMatchObject({ rows_loaded: 20, objects_loaded: 3, batches: 2, errors: 1 });
    expect(task.last_error).toBe("bad row");
  });

  it("deletes a stopped task with its history", async () => {
    const res = await app.inject({ method: "DELETE", url: `/api/tasks/${id}` });
    expect(res.statusCode).toBe(204);
    expect((await app.inject({ method: "GET", url: `/api/tasks/${id}` })).statusCode).toBe(404);
    expect((await app.inject({ method: "DELETE", url: `/api/tasks/${id}` })).statusCode).toBe(404);
    expect((await app.inject({ method: "DELETE", url: `/api/data-sources/${sourceId}` })).statusCode).toBe(204);
  });
});
