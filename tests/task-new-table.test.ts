// A task saved with the table it loads into (`create_table` on POST and PUT /api/tasks; issue 17,
// item 2), through the real app, the real databend-driver and Databend's engine (the dev
// warehouse): both are made, or neither. A task that cannot be saved after its table was made
// (its name taken by a request that raced it) leaves no table; a table that cannot be made (it
// exists, its database does not) leaves no task; the refusal names the field and the fix.
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskRecordSchema } from "#contracts/task.ts";
import { buildApp } from "../server/api/app.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import { loadConfig } from "../server/config.ts";
import type { TaskPort } from "../server/store/tasks.ts";
import { ORG_ID, startWorkerEnv, type Scenario, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
let app: FastifyInstance;
let a: Scenario;

beforeAll(async () => {
  env = await startWorkerEnv();
  a = await env.scenario("tnt-a");
  // The audit port of the same store, so the log can be read back.
  const { audit } = await env.openStoreAgain();
  app = await buildApp({
    authenticate: fixedPrincipal(ORG_ID),
    config: loadConfig({ ORG_ID, ...env.storeEnv, DATABEND_DSN: env.dsn, DATABEND_CHECK_TIMEOUT_MS: "5000" }),
    logger: pino({ level: "silent" }),
    stores: { dataSources: env.sources, tasks: env.store, warehouses: env.warehouses, audit },
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await env?.close();
});

const COLUMNS = [
  { name: "id", type: "BIGINT", nullable: false },
  { name: "amount", type: "DECIMAL(10, 2)", nullable: true },
];

const body = (name: string, table: string, over: Record<string, unknown> = {}) => ({
  name,
  data_source_id: a.dataSourceId,
  file_format: { type: "csv" },
  target: { database: "default", table },
  create_table: { columns: COLUMNS },
  ...over,
});

const post = (payload: unknown) => app.inject({ method: "POST", url: "/api/tasks", payload: payload as object });

/** The table as Databend's own catalog lists it (not through the API under test). */
async function tableExists(table: string, database = "default"): Promise<boolean> {
  const rows = await env.wh.query(`SELECT name FROM system.tables WHERE database = '${database}' AND name = '${table}'`);
  return rows.length === 1;
}
const taskNames = async () => (await env.store.list(ORG_ID)).map((t) => t.name);
async function tableAuditRows(table: string) {
  const page = await app.stores.audit.list(ORG_ID, { limit: 50, resource_type: "table" });
  return page!.items.filter((e) => e.resource_id === `default.${table}`);
}

/** Runs `during` once, inside the next task save, right before the store writes (a request racing this one). */
function raceTheNextSave(during: () => Promise<unknown>): void {
  const store = app.stores.tasks as TaskPort;
  const create = store.create.bind(store);
  store.create = async (orgId, config) => {
    store.create = create;
    await during();
    return create(orgId, config);
  };
}

describe("POST /api/tasks with create_table", () => {
  it("creates the table with its columns and the task (201), and records both in the audit log", async () => {
    const res = await post(body("orders with table", "tnt_orders"));
    expect(res.statusCode, res.body).toBe(201);
    const task = taskRecordSchema.parse(res.json());
    expect(task.target).toEqual({ database: "default", table: "tnt_orders" });
    const described = await env.wh.query("DESC `default`.`tnt_orders`");
    expect(described.map((r) => [r.Field, r.Type, r.Null])).toEqual([
      ["id", "BIGINT", "NO"],
      ["amount", "DECIMAL(10, 2)", "YES"],
    ]);
    const rows = await tableAuditRows("tnt_orders");
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([["created", "2 columns in warehouse Default warehouse"]]);
    const tasks = await app.stores.audit.list(ORG_ID, { limit: 50, resource_type: "task" });
    expect(tasks!.items.filter((e) => e.resource_id === task.id).map((e) => e.action)).toEqual(["created"]);
  });

  it("drops the table it made when the task cannot be saved after it (a racing request took the name): 409 on name, no table", async () => {
    raceTheNextSave(() => env.store.create(ORG_ID, { ...configLike("raced name"), target: { database: "default", table: "tnt_other" } }));
    const res = await post(body("raced name", "tnt_raced"));
    expect(res.statusCode, res.body).toBe(409);
    const { error, fields } = res.json();
    expect(fields).toEqual({ name: "A task named raced name already exists; choose another name" });
    expect(error).toBe("A task named raced name already exists. The table default.tnt_raced made for it was dropped again.");
    expect(await tableExists("tnt_raced")).toBe(false);
    expect(await tableAuditRows("tnt_raced")).toEqual([]);
    // Only the racing request's task exists; the name and the table are free to use again.
    expect((await taskNames()).filter((n) => n === "raced name")).toHaveLength(1);
    const again = await post(body("raced name 2", "tnt_raced"));
    expect(again.statusCode, again.body).toBe(201);
    expect(await tableExists("tnt_raced")).toBe(true);
  });

  it("refuses a name already taken before making any table (409 on name)", async () => {
    const res = await post(body("ORDERS WITH TABLE", "tnt_never"));
    expect(res.statusCode).toBe(409);
    expect(res.json().fields).toEqual({ name: "A task named orders with table already exists; choose another name" });
    expect(await tableExists("tnt_never")).toBe(false);
  });

  it("saves no task when the table exists already (409 on target.table, naming the fix), and leaves that table as it was", async () => {
    await env.wh.exec("CREATE TABLE `default`.`tnt_taken` (x VARCHAR)");
    const res = await post(body("onto a taken table", "tnt_taken"));
    expect(res.statusCode).toBe(409);
    const { error, fields } = res.json();
    expect(fields).toEqual({
      "target.table": 'A table named tnt_taken already exists in default; choose it under "An existing table", or give the new table another name',
    });
    expect(error).toMatch(/No task was saved\.$/);
    expect(await taskNames()).not.toContain("onto a taken table");
    const described = await env.wh.query("DESC `default`.`tnt_taken`");
    expect(described.map((r) => r.Field)).toEqual(["x"]);
  });

  it("saves no task when the database does not exist (400 on target.database)", async () => {
    const res = await post(body("into nowhere", "tnt_t", { target: { database: "tnt_nowhere", table: "tnt_t" } }));
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({ "target.database": "Databend has no database tnt_nowhere; choose one of its databases" });
    expect(await taskNames()).not.toContain("into nowhere");
  });

  it("checks the columns by the create-table rules before anything is made (400 naming the column)", async () => {
    const res = await post(body("bad column", "tnt_bad", { create_table: { columns: [{ name: "a", type: "MONEY" }] } }));
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().fields)).toEqual(["create_table.columns.0.type"]);
    expect(await tableExists("tnt_bad")).toBe(false);
    expect(await taskNames()).not.toContain("bad column");
  });

  it("two requests racing for one new table: one task and one table, the other refused on target.table", async () => {
    const [one, two] = await Promise.all([post(body("race one", "tnt_shared")), post(body("race two", "tnt_shared"))]);
    const codes = [one.statusCode, two.statusCode].sort();
    expect(codes).toEqual([201, 409]);
    const refused = one.statusCode === 409 ? one : two;
    expect(Object.keys(refused.json().fields)).toEqual(["target.table"]);
    const names = await taskNames();
    expect(names.filter((n) => n === "race one" || n === "race two")).toHaveLength(1);
    expect(await tableExists("tnt_shared")).toBe(true);
  });
});

describe("PUT /api/tasks/:id with create_table", () => {
  it("moves a stopped task onto a new table made with the change; a refused change drops that table", async () => {
    const created = taskRecordSchema.parse((await post(body("to move", "tnt_before"))).json());
    const put = (payload: unknown) => app.inject({ method: "PUT", url: `/api/tasks/${created.id}`, payload: payload as object });

    const moved = await put(body("to move", "tnt_after"));
    expect(moved.statusCode, moved.body).toBe(200);
    expect(taskRecordSchema.parse(moved.json()).target.table).toBe("tnt_after");
    expect(await tableExists("tnt_after")).toBe(true);

    // Renaming onto a name another task takes meanwhile: refused, and the new table goes with it.
    raceTheUpdate(() => env.store.create(ORG_ID, { ...configLike("taken meanwhile"), target: { database: "default", table: "tnt_other" } }));
    const refused = await put(body("taken meanwhile", "tnt_after_two"));
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatch(/dropped again\.$/);
    expect(await tableExists("tnt_after_two")).toBe(false);
    expect((await env.store.get(ORG_ID, created.id))!.target.table).toBe("tnt_after");
  });
});

/** A task configuration of data source a, for a request racing the one under test. */
function configLike(name: string) {
  return {
    name,
    data_source_id: a.dataSourceId,
    file_format: { type: "csv" as const, header: true, delimiter: ",", quote: '"', compression: "auto" as const },
    prefix: "",
    suffix: "",
    target: { database: "default", table: "tnt_other" },
    warehouse_id: null,
    on_error: "abort" as const,
    purge: false,
    reconcile_every_minutes: null,
  };
}

function raceTheUpdate(during: () => Promise<unknown>): void {
  const store = app.stores.tasks as TaskPort;
  const update = store.update.bind(store);
  store.update = async (orgId, id, config) => {
    store.update = update;
    await during();
    return update(orgId, id, config);
  };
}
