// /api/org/warehouses against the real dev warehouse (Databend's engine behind its HTTP front):
// records scoped to the organization, one default, the password write-only and sealed at rest,
// Test connection's words for each failure the driver and Databend report, and the /api/warehouse
// routes' ?warehouse= selector. Every response, log line, audit event and the store's file are
// searched for the password.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFormatSchema } from "#contracts/task.ts";
import { warehouseConnectionSchema, warehouseTestResultSchema } from "#contracts/warehouse-connection.ts";
import { buildApp } from "../server/api/app.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import { loadConfig } from "../server/config.ts";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import { startWarehouse, type Warehouse } from "../sandbox/warehouse/server.ts";
import { openBlackhole } from "./blackhole.ts";
import { freePort } from "./support/net.ts";

const ORG = "org-wh-a";
const OTHER = "org-wh-b";
const PASSWORD = "pw-Zq7!never-shown-" + "x".repeat(8);
const logLines: string[] = [];
const bodies: string[] = [];

let dir: string;
let stores: Stores;
let dev: Warehouse;
let wh: DatabendWarehouse;
let app: FastifyInstance;
let other: FastifyInstance;

const makeApp = (org: string, role: "admin" | "operator" | "viewer" = "admin") =>
  buildApp({
    authenticate: fixedPrincipal(org, role),
    config: loadConfig({ ORG_ID: ORG, DATA_DIR: dir, DATABEND_DSN: dev.dsn, DATABEND_CHECK_TIMEOUT_MS: "4000" }),
    logger: pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) }),
    stores,
  });

async function call(a: FastifyInstance, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) {
  const res = await a.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  bodies.push(res.body);
  return res;
}

const connection = (over: Record<string, unknown> = {}) => ({ name: "second", host: "127.0.0.1", port: dev.port, user: "root", password: "", ...over });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "org-warehouses-"));
  dev = await startWarehouse({ port: 0, dataDir: dir, log: false });
  wh = new DatabendWarehouse(dev.dsn);
  await wh.exec("CREATE DATABASE IF NOT EXISTS `shop`");
  await wh.exec("CREATE TABLE `shop`.`orders` (id INT, note VARCHAR, doc VARIANT)");
  await wh.exec(`INSERT INTO \`shop\`.\`orders\` VALUES (1, 'one', parse_json('{"a":1}')), (2, NULL, NULL), (3, '${"y".repeat(1500)}', NULL)`);
  stores = await openStore(dir);
  app = await makeApp(ORG);
  other = await makeApp(OTHER);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await other?.close();
  await wh?.close();
  await stores?.close();
  await dev?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("an organization's warehouses", () => {
  it("the first organization's default comes from DATABEND_DSN; another organization starts with none", async () => {
    const list = await call(app, "GET", "/api/org/warehouses");
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toMatchObject([{ name: "Default warehouse", host: "127.0.0.1", port: dev.port, user: "root", database: "default", tls: false, is_default: true, has_password: false, managed: true }]);
    // Managed by the variable: its connection is the operator's, not an admin's, to change.
    const edit = await call(app, "PUT", `/api/org/warehouses/${list.json().items[0].id}`, { port: 1 });
    expect(edit.statusCode).toBe(400);
    expect(edit.json().fields.port).toMatch(/^This warehouse is DATABEND_DSN's/);
    expect((await call(other, "GET", "/api/org/warehouses")).json()).toEqual({ items: [] });
    const none = await call(other, "GET", "/api/warehouse/databases");
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatch(/no warehouse yet: an admin adds one on Organization → Warehouses/);
  });

  it("adds, reads, edits (password kept when left out) and deletes; the password never comes back and is sealed at rest", async () => {
    const made = await call(app, "POST", "/api/org/warehouses", connection({ name: "with password", password: PASSWORD }));
    expect(made.statusCode, made.body).toBe(201);
    const record = warehouseConnectionSchema.strict().parse(made.json());
    expect(record).toMatchObject({ has_password: true, is_default: false, managed: false });
    const dup = await call(app, "POST", "/api/org/warehouses", connection({ name: "WITH PASSWORD" }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().fields.name).toMatch(/already exists/);
    const bad = await call(app, "POST", "/api/org/warehouses", connection({ host: "http://x/y", port: 70000 }));
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().fields).sort()).toEqual(["host", "port"]);

    const renamed = await call(app, "PUT", `/api/org/warehouses/${record.id}`, { name: "renamed" });
    expect(renamed.json()).toMatchObject({ name: "renamed", port: dev.port, has_password: true, is_default: false });
    const stored = (await stores.warehouses.getWarehouse(ORG, record.id))!;
    expect(stored.password_enc).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(stored.password_enc).not.toContain(PASSWORD);

    // Another organization cannot see, edit, test or delete it.
    for (const [method, url, payload] of [
      ["GET", `/api/org/warehouses/${record.id}`],
      ["PUT", `/api/org/warehouses/${record.id}`, { name: "taken over" }],
      ["POST", `/api/org/warehouses/${record.id}/test`],
      ["DELETE", `/api/org/warehouses/${record.id}`],
      ["GET", `/api/warehouse/databases?warehouse=${record.id}`],
    ] as const) {
      const res = await call(other, method, url, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
    }

    const unsetDefault = await call(app, "PUT", `/api/org/warehouses/${(await stores.warehouses.defaultWarehouse(ORG))!.id}`, { is_default: false });
    expect(unsetDefault.statusCode).toBe(400);
    expect(unsetDefault.json().fields.is_default).toMatch(/make another one the default/);
    // A managed warehouse (the product's tenant) takes only a name and the default.
    const managed = await stores.warehouses.createWarehouse(ORG, { id: "wh-managed", name: "tenant", host: "127.0.0.1", port: dev.port, user: "org_x", database: "default", tls: false, is_default: false, password_enc: "", managed: true });
    const moved = await call(app, "PUT", `/api/org/warehouses/${managed.id}`, { host: "elsewhere.example.com", password: "x" });
    expect(moved.statusCode).toBe(400);
    expect(Object.keys(moved.json().fields).sort()).toEqual(["host", "password"]);
    expect((await call(app, "PUT", `/api/org/warehouses/${managed.id}`, { name: "tenant renamed" })).json()).toMatchObject({ name: "tenant renamed", managed: true });
    expect((await call(app, "DELETE", `/api/org/warehouses/${managed.id}`)).statusCode).toBe(204);
    const gone = await call(app, "DELETE", `/api/org/warehouses/${record.id}`);
    expect(gone.statusCode).toBe(204);
    expect((await call(app, "GET", `/api/org/warehouses/${record.id}`)).statusCode).toBe(404);
  });

  it("test connection says in words what failed: ok, wrong password, no such database, unreachable, TLS", async () => {
    const test = async (over: Record<string, unknown>) => {
      const res = await call(app, "POST", "/api/org/warehouses/test", connection(over));
      expect(res.statusCode, res.body).toBe(200);
      return warehouseTestResultSchema.parse(res.json());
    };
    expect(await test({})).toMatchObject({ ok: true, status: "ok", message: expect.stringMatching(/^Signed in to 127\.0\.0\.1:\d+ as root and opened database default$/) });
    const auth = await test({ password: PASSWORD });
    expect(auth).toMatchObject({ ok: false, status: "auth", message: expect.stringMatching(/refused user root \(5100 AuthenticateFailure\): the user does not exist or the password is wrong/) });
    expect(await test({ database: "nowhere" })).toMatchObject({ ok: false, status: "database", message: expect.stringMatching(/has no database nowhere \(1003 UnknownDatabase\)/) });
    const closed = await test({ port: await freePort() });
    expect(closed).toMatchObject({ ok: false, status: "unreachable", message: expect.stringMatching(/^Could not reach 127\.0\.0\.1:\d+; check the host and port/) });
    const tls = await test({ tls: true });
    expect(tls, JSON.stringify(tls)).toMatchObject({ ok: false, status: "tls", message: expect.stringMatching(/TLS handshake with 127\.0\.0\.1:\d+ failed; turn TLS off/) });
    const blackhole = await openBlackhole();
    try {
      const silent = await test({ port: Number(new URL(blackhole.url).port) });
      expect(silent).toMatchObject({ ok: false, status: "unreachable", message: expect.stringMatching(/did not answer within 4 s/) });
    } finally {
      await blackhole.close();
    }
    // The stored default, as an operator may.
    const operator = await makeApp(ORG, "operator");
    try {
      const id = (await stores.warehouses.defaultWarehouse(ORG))!.id;
      const stored = await call(operator, "POST", `/api/org/warehouses/${id}/test`);
      expect(stored.json()).toMatchObject({ ok: true, status: "ok" });
      expect((await call(operator, "POST", "/api/org/warehouses/test", connection())).statusCode).toBe(403);
    } finally {
      await operator.close();
    }
  }, 60_000);

  it("?warehouse= picks one of the organization's warehouses; rows are bounded and values text", async () => {
    const second = (await call(app, "POST", "/api/org/warehouses", connection({ name: "same engine" }))).json();
    const dbs = await call(app, "GET", `/api/warehouse/databases?warehouse=${second.id}`);
    expect(dbs.json().items.map((d: { name: string }) => d.name)).toContain("shop");
    const unknown = await call(app, "GET", "/api/warehouse/databases?warehouse=wh-nope");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: expect.stringMatching(/No warehouse with id wh-nope in your organization/), fields: { warehouse: expect.any(String) } });

    const rows = await call(app, "GET", `/api/warehouse/databases/shop/tables/orders/rows?warehouse=${second.id}&limit=2`);
    expect(rows.statusCode, rows.body).toBe(200);
    const body = rows.json();
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(["id", "note", "doc"]);
    expect(body.rows).toHaveLength(2);
    expect(body.truncated).toBe(true);
    const all = (await call(app, "GET", "/api/warehouse/databases/shop/tables/orders/rows?limit=100")).json();
    const byId = new Map(all.rows.map((r: (string | null)[]) => [r[0], r]));
    expect(byId.get("1")).toEqual(["1", "one", '{"a":1}']);
    expect(byId.get("2")).toEqual(["2", null, null]);
    expect((byId.get("3") as string[])[1]).toHaveLength(1000);
    expect(all.truncated).toBe(true);
    expect((await call(app, "GET", "/api/warehouse/databases/shop/tables/orders/rows?limit=101")).statusCode).toBe(400);
    expect((await call(app, "GET", "/api/warehouse/databases/shop/tables/nope/rows")).statusCode).toBe(404);
  });

  it("a task names its warehouse (the default when left out); another organization's warehouse is 404", async () => {
    const source = await stores.dataSources.createDataSource(ORG, {
      name: "src", queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/q", queue_region: "us-east-1",
      role_arn: "arn:aws:iam::000000000000:role/r", external_id: ORG, bucket: "b", prefix: "", suffix: "",
    }, null);
    const task = { name: "t1", data_source_id: source.id, file_format: fileFormatSchema.parse({ type: "csv" }), target: { database: "shop", table: "orders" } };
    const created = await call(app, "POST", "/api/tasks", task);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().warehouse_id).toBe((await stores.warehouses.defaultWarehouse(ORG))!.id);
    const theirs = await stores.warehouses.createWarehouse(OTHER, { id: "wh-theirs", name: "b's", host: "127.0.0.1", port: dev.port, user: "root", database: "default", tls: false, is_default: true, password_enc: "", managed: false });
    const foreign = await call(app, "POST", "/api/tasks", { ...task, name: "t2", warehouse_id: theirs.id });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().fields.warehouse_id).toMatch(/No warehouse with id wh-theirs in your organization/);
    const preview = await call(app, "POST", "/api/tasks/preview", { data_source_id: source.id, file_format: { type: "csv" }, warehouse_id: theirs.id });
    expect(preview.statusCode).toBe(404);
    // In use: not deleted.
    const inUse = await call(app, "DELETE", `/api/org/warehouses/${created.json().warehouse_id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error).toMatch(/Tasks load into this warehouse: t1/);
  });

  it("test connection is limited per client (10 a minute), so it cannot scan ports or guess passwords", async () => {
    const closed = await freePort();
    let refused: { statusCode: number; body: string } | undefined;
    for (let i = 0; i < 12 && !refused; i++) {
      const res = await call(app, "POST", "/api/org/warehouses/test", connection({ port: closed, password: PASSWORD }));
      if (res.statusCode === 429) refused = res;
      else expect(res.statusCode).toBe(200);
    }
    expect(refused?.body).toMatch(/Too many connection tests: you may run 10 per minute; try again in \d+ s/);
  });

  it("never shows the password: not in a response, a log line, an audit event or the store's files", async () => {
    const audit = await stores.audit.list(ORG, { limit: 200 });
    expect(audit!.items.filter((e) => e.resource_type === "warehouse").map((e) => e.action)).toEqual(expect.arrayContaining(["created", "edited", "deleted", "tested"]));
    const haystacks = [...bodies, ...logLines, JSON.stringify(audit)];
    for (const file of readdirSync(dir)) {
      if (file.startsWith("console.sqlite")) haystacks.push(readFileSync(path.join(dir, file)).toString("latin1"));
    }
    for (const text of haystacks) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    }
  });
});
