// The target checks of /api/tasks (create, update, start) through the real app against the dev
// warehouse (Databend's engine behind its HTTP protocol) and the real databend-driver: a missing
// database or table is refused on its field, an unreachable or hanging Databend is a 503 with
// nothing saved or started, and two buckets are never loaded into one table.
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskRecordSchema } from "#contracts/task.ts";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import { openBlackhole } from "./blackhole.ts";
import { ORG_ID, startWorkerEnv, type Scenario, type WorkerEnv } from "./worker-env.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";

const TIMEOUT_MS = 1500;

let env: WorkerEnv;
let app: FastifyInstance;
let a: Scenario;
let a2: Scenario;
let b: Scenario;

async function appFor(dsn: string): Promise<FastifyInstance> {
  return buildApp({ authenticate: fixedPrincipal(ORG_ID),
    config: loadConfig({
      ORG_ID,
      ...env.storeEnv,
      DATABEND_DSN: dsn,
      DATABEND_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
    }),
    logger: pino({ level: "silent" }),
    stores: { dataSources: env.sources, tasks: env.store, warehouses: env.warehouses },
  });
}

beforeAll(async () => {
  env = await startWorkerEnv();
  // Two data sources on bucket wt-ttc-a (different prefixes), one on bucket wt-ttc-b.
  a = await env.scenario("ttc-a", { prefix: "one/" });
  a2 = await env.sources
    .createDataSource(
      ORG_ID,
      {
        name: "source ttc-a two",
        queue_url: a.queueUrl,
        queue_region: "us-east-1",
        role_arn: a.roleArn,
        external_id: ORG_ID,
        bucket: a.bucket,
        prefix: "two/",
        suffix: "",
      },
      null,
    )
    .then((source) => ({ ...a, name: "ttc-a-two", dataSourceId: source.id }));
  b = await env.scenario("ttc-b");
  app = await appFor(env.dsn);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await env?.close();
});

const body = (s: Scenario, table: string, name = `load ${s.name} ${table}`, database = "default") => ({
  name,
  data_source_id: s.dataSourceId,
  file_format: { type: "csv" },
  target: { database, table },
});

async function create(payload: ReturnType<typeof body>) {
  return app.inject({ method: "POST", url: "/api/tasks", payload });
}

async function names(): Promise<string[]> {
  return (await env.store.list(ORG_ID)).map((t) => t.name);
}

describe("task target checks against Databend", () => {
  it("refuses a missing table on target.table, naming it and the fix; nothing is stored", async () => {
    const res = await create(body(a, "orders_missing"));
    expect(res.statusCode).toBe(400);
    const { error, fields } = res.json();
    expect(Object.keys(fields)).toEqual(["target.table"]);
    expect(fields["target.table"]).toMatch(/no table orders_missing in database default; create it first/);
    expect(fields["target.table"]).toContain("CREATE TABLE `default`.`orders_missing`");
    expect(error).toBe(fields["target.table"]);
    expect(await names()).toEqual([]);
  });

  it("refuses a missing database on target.database", async () => {
    const res = await create(body(a, "orders", undefined, "nowhere"));
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({
      "target.database": expect.stringMatching(/no database nowhere; create it first \(CREATE DATABASE `nowhere`\)/),
    });
  });

  it("creates the task once the table exists (201)", async () => {
    await env.wh.exec("CREATE TABLE `default`.`orders` (id INT NOT NULL, item VARCHAR)");
    const res = await create(body(a, "orders", "orders from a"));
    expect(res.statusCode, res.body).toBe(201);
    expect(taskRecordSchema.parse(res.json()).target).toEqual({ database: "default", table: "orders" });
  });

  it("compares names as Databend does for quoted identifiers: case-sensitively", async () => {
    // Our SQL quotes every identifier, so `Orders` is not `orders`: it does not exist yet...
    const res = await create(body(b, "Orders", "Orders from b"));
    expect(res.statusCode).toBe(400);
    expect(res.json().fields["target.table"]).toMatch(/no table Orders/);
    // ...and once created it is another table, which bucket b may load while a loads `orders`.
    await env.wh.exec("CREATE TABLE `default`.`Orders` (id INT NOT NULL, item VARCHAR)");
    expect((await create(body(b, "Orders", "Orders from b"))).statusCode).toBe(201);
  });

  it("refuses (409, target.table) a second bucket into a table another task loads, naming that task and bucket", async () => {
    const res = await create(body(b, "orders", "orders from b"));
    expect(res.statusCode).toBe(409);
    const message = res.json().fields["target.table"] as string;
    expect(message).toContain("Task orders from a already loads bucket wt-ttc-a into default.orders");
    expect(message).toContain("files from bucket wt-ttc-b with the same keys would be skipped as already loaded");
    expect(message).toMatch(/Choose another table for this task\.$/);
    expect(await names()).not.toContain("orders from b");
  });

  it("allows a second task on the same bucket and table (equal keys there are the same object)", async () => {
    const res = await create(body(a2, "orders", "orders from a, two/"));
    expect(res.statusCode, res.body).toBe(201);
  });

  it("only counts tasks of the same organization", async () => {
    const other = await env.sources.createDataSource(
      "another-org",
      {
        name: "elsewhere",
        queue_url: b.queueUrl,
        queue_region: "us-east-1",
        role_arn: b.roleArn,
        external_id: "another-org",
        bucket: "another-bucket",
        prefix: "",
        suffix: "",
      },
      null,
    );
    await env.store.create("another-org", {
      name: "theirs",
      data_source_id: other.id,
      file_format: taskRecordSchema.shape.file_format.parse({ type: "csv" }),
      prefix: "",
      suffix: "",
      target: { database: "default", table: "Orders" },
      on_error: "abort",
      purge: false,
    });
    // Bucket b already loads `Orders` in this org; the other org's task on another bucket is not ours to refuse.
    const res = await create(body(b, "Orders", "Orders from b again"));
    expect(res.statusCode, res.body).toBe(201);
  });

  it("checks an update the same way: a missing table (400) and another bucket's table (409) are refused", async () => {
    const task = (await env.store.list(ORG_ID)).find((t) => t.name === "Orders from b")!;
    const missing = await app.inject({ method: "PUT", url: `/api/tasks/${task.id}`, payload: body(b, "gone", task.name) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields["target.table"]).toMatch(/no table gone/);
    const taken = await app.inject({ method: "PUT", url: `/api/tasks/${task.id}`, payload: body(b, "orders", task.name) });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().fields["target.table"]).toContain("already loads bucket wt-ttc-a");
    expect((await env.store.get(ORG_ID, task.id))!.target.table).toBe("Orders");
    // Its own target is no collision with itself.
    const same = await app.inject({ method: "PUT", url: `/api/tasks/${task.id}`, payload: { ...body(b, "Orders", task.name), purge: true } });
    expect(same.statusCode, same.body).toBe(200);
  });

  it("start re-checks: a table dropped after the task was saved refuses the start (400) and leaves it stopped", async () => {
    await env.wh.exec("CREATE TABLE `default`.`short_lived` (id INT)");
    const created = await create(body(b, "short_lived"));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await env.wh.exec("DROP TABLE `default`.`short_lived`");
    const res = await app.inject({ method: "POST", url: `/api/tasks/${id}/start` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/no table short_lived in database default; create it first/);
    expect(res.json().fields).toHaveProperty("target.table");
    expect((await env.store.get(ORG_ID, id))!.desired_state).toBe("stopped");

    await env.wh.exec("CREATE TABLE `default`.`short_lived` (id INT)");
    const started = await app.inject({ method: "POST", url: `/api/tasks/${id}/start` });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json().desired_state).toBe("running");
    await app.inject({ method: "POST", url: `/api/tasks/${id}/stop` });
  });

  it("answers 503 when Databend is stopped, saving and starting nothing; works again once it is back", async () => {
    const stopped = (await env.store.list(ORG_ID)).find((t) => t.name === "orders from a")!;
    await env.stopWarehouse();
    try {
      const res = await create(body(a, "orders", "while down"));
      expect(res.statusCode).toBe(503);
      const address = new URL(env.dsn).host;
      expect(res.json().error).toMatch(
        new RegExp(`default\\.orders could not be checked: Databend at ${address.replace(/\./g, "\\.")} (did not answer|could not be reached).*so the task was not saved`),
      );
      expect(res.json().fields).toBeUndefined();
      expect(await names()).not.toContain("while down");

      const start = await app.inject({ method: "POST", url: `/api/tasks/${stopped.id}/start` });
      expect(start.statusCode).toBe(503);
      expect(start.json().error).toMatch(/so the task was not started/);
      expect((await env.store.get(ORG_ID, stopped.id))!.desired_state).toBe("stopped");
    } finally {
      await env.startWarehouseAgain();
    }
    const res = await create(body(a, "orders", "after restart"));
    expect(res.statusCode, res.body).toBe(201);
  });

  it("does not hang on a Databend that never answers: 503 after the check's timeout, without credentials", async () => {
    const blackhole = await openBlackhole();
    const port = Number(new URL(blackhole.url).port);
    // The organization's default warehouse is edited to point at it: the app's connections follow the edit.
    const current = (await env.warehouses.defaultWarehouse(ORG_ID))!;
    await env.warehouses.updateWarehouse(ORG_ID, current.id, { port });
    try {
      const started = Date.now();
      const res = await app.inject({ method: "POST", url: "/api/tasks", payload: body(a, "orders", "into the void") });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 3000);
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toContain(`Databend at 127.0.0.1:${port} did not answer within 1.5 s, so the task was not saved`);
      expect(res.body).not.toContain("root");
      expect(await names()).not.toContain("into the void");
    } finally {
      await env.warehouses.updateWarehouse(ORG_ID, current.id, { port: current.port });
      await blackhole.close();
    }
  });
});
