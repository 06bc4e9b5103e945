// GET /api/warehouse/... through the real app against the dev warehouse (Databend's engine behind
// its HTTP protocol) and the real databend-driver: databases without Databend's own, tables with
// views marked, columns with types, nullability and declared defaults; names refused by the task
// target's rules (400 naming the path parameter), a missing database or table 404, and a stopped
// or silent Databend 503 with the driver's text only in `detail`.
import type { FastifyInstance } from "fastify";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TASK_MESSAGES } from "#contracts/task.ts";
import { WAREHOUSE_LIST_LIMIT, warehouseColumnsSchema, warehouseDatabasesSchema, warehouseTablesSchema } from "#contracts/warehouse.ts";
import { startWarehouse, type Warehouse } from "../sandbox/warehouse/server.ts";
import { buildApp } from "../server/api/app.ts";
import { listColumns, listDatabases, listTables } from "../server/databend/browse.ts";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { loadConfig } from "../server/config.ts";
import { openBlackhole } from "./blackhole.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";

const TIMEOUT_MS = 1500;
const dataDir = mkdtempSync(path.join(tmpdir(), "warehouse-browse-"));

let warehouse: Warehouse;
let wh: DatabendWarehouse;
let app: FastifyInstance;

/** DATABEND_DSN is the first organization's default once, so an app for another DSN gets a store of its own. */
async function appFor(dsn: string, dir = dataDir): Promise<FastifyInstance> {
  return buildApp({ authenticate: fixedPrincipal("org-browse"),
    config: loadConfig({ ORG_ID: "org-browse", DATA_DIR: dir, DATABEND_DSN: dsn, DATABEND_CHECK_TIMEOUT_MS: String(TIMEOUT_MS) }),
    logger: pino({ level: "silent" }),
  });
}

beforeAll(async () => {
  warehouse = await startWarehouse({ port: 0, dataDir, log: false });
  wh = new DatabendWarehouse(warehouse.dsn);
  await wh.exec("CREATE DATABASE `shop`");
  await wh.exec(
    "CREATE TABLE `shop`.`orders` (id INT NOT NULL, item VARCHAR NULL, price DECIMAL(10, 2) NOT NULL DEFAULT 0, placed_at TIMESTAMP NULL, note VARCHAR DEFAULT 'none')",
  );
  await wh.exec("CREATE VIEW `shop`.`big_orders` AS SELECT id, price FROM `shop`.`orders` WHERE price > 100");
  await wh.exec("CREATE TABLE `shop`.`Odd Name` (x INT)");
  app = await appFor(warehouse.dsn);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await wh?.close();
  await warehouse?.stop();
});

const get = (url: string) => app.inject({ method: "GET", url });

describe("GET /api/warehouse/databases", () => {
  it("lists Databend's databases, its own system databases left out", async () => {
    const res = await get("/api/warehouse/databases");
    expect(res.statusCode, res.body).toBe(200);
    const body = warehouseDatabasesSchema.parse(res.json());
    const names = body.items.map((d) => d.name);
    expect(names).toContain("default");
    expect(names).toContain("shop");
    expect(names).not.toContain("system");
    expect(names).not.toContain("information_schema");
    expect(body.truncated).toBe(false);
  });
});

describe("GET /api/warehouse/databases/:db/tables", () => {
  it("lists tables and views by name, views marked", async () => {
    const res = await get("/api/warehouse/databases/shop/tables");
    expect(res.statusCode, res.body).toBe(200);
    expect(warehouseTablesSchema.parse(res.json())).toEqual({
      items: [
        { name: "Odd Name", engine: "FUSE", is_view: false },
        { name: "big_orders", engine: "VIEW", is_view: true },
        { name: "orders", engine: "FUSE", is_view: false },
      ],
      truncated: false,
    });
  });

  it("answers an existing empty database with no items, and a missing one with 404", async () => {
    await wh.exec("CREATE DATABASE `empty_db`");
    const empty = await get("/api/warehouse/databases/empty_db/tables");
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toEqual({ items: [], truncated: false });

    const missing = await get("/api/warehouse/databases/nowhere/tables");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: expect.stringMatching(/^Databend has no database nowhere; /) });
  });

  it("refuses a name no task target may have (400 on the path parameter, with the target's message)", async () => {
    const res = await get(`/api/warehouse/databases/${encodeURIComponent("a`b")}/tables`);
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({ db: TASK_MESSAGES.identifierBacktick("database") });
    const control = await get(`/api/warehouse/databases/${encodeURIComponent("a\tb")}/tables`);
    expect(control.statusCode).toBe(400);
    expect(control.json().fields).toEqual({ db: TASK_MESSAGES.identifierControl("database") });
  });
});

describe("GET /api/warehouse/databases/:db/tables/:table/columns", () => {
  it("lists a table's columns in order with type, nullability and declared default", async () => {
    const res = await get("/api/warehouse/databases/shop/tables/orders/columns");
    expect(res.statusCode, res.body).toBe(200);
    expect(warehouseColumnsSchema.parse(res.json())).toEqual({
      items: [
        { name: "id", type: "INT", nullable: false },
        { name: "item", type: "VARCHAR", nullable: true },
        { name: "price", type: "DECIMAL(10, 2)", nullable: false, default: "0.00" },
        { name: "placed_at", type: "TIMESTAMP", nullable: true },
        { name: "note", type: "VARCHAR", nullable: true, default: "'none'" },
      ],
      truncated: false,
    });
  });

  it("reads names with spaces and case as written (quoted identifiers), and a view's columns", async () => {
    const odd = await get(`/api/warehouse/databases/shop/tables/${encodeURIComponent("Odd Name")}/columns`);
    expect(odd.statusCode, odd.body).toBe(200);
    expect(odd.json().items).toEqual([{ name: "x", type: "INT", nullable: true }]);
    const view = await get("/api/warehouse/databases/shop/tables/big_orders/columns");
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().items.map((c: { name: string }) => c.name)).toEqual(["id", "price"]);
  });

  it("answers 404 for a missing table or database, naming it", async () => {
    const table = await get("/api/warehouse/databases/shop/tables/ORDERS/columns");
    expect(table.statusCode).toBe(404);
    expect(table.json().error).toMatch(/^Databend has no table ORDERS in database shop; /);
    const db = await get("/api/warehouse/databases/nowhere/tables/orders/columns");
    expect(db.statusCode).toBe(404);
    expect(db.json().error).toMatch(/^Databend has no database nowhere; /);
  });

  it("refuses a bad table name on the table parameter", async () => {
    const res = await get(`/api/warehouse/databases/shop/tables/${encodeURIComponent("x`y")}/columns`);
    expect(res.statusCode).toBe(400);
    expect(res.json().fields).toEqual({ table: TASK_MESSAGES.identifierBacktick("table") });
  });
});

describe("when Databend does not answer", () => {
  it("answers 503 while the warehouse is stopped, the driver's text only in detail; works again after", async () => {
    const port = warehouse.port;
    await warehouse.stop();
    try {
      for (const url of ["/api/warehouse/databases", "/api/warehouse/databases/shop/tables", "/api/warehouse/databases/shop/tables/orders/columns"]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(503);
        const { error, detail, fields } = res.json();
        expect(error).toMatch(new RegExp(`^Could not list .*: Databend at 127\\.0\\.0\\.1:${port} (could not be reached|did not answer within 1\\.5 s)\\. Try again once Databend answers\\.$`));
        expect(error).not.toMatch(/APIError|error sending request|Connection refused|\[v\d/i);
        expect(fields).toBeUndefined();
        if (detail !== undefined) expect(detail).not.toBe(error);
      }
    } finally {
      warehouse = await startWarehouse({ port, dataDir, log: false });
    }
    const res = await get("/api/warehouse/databases/shop/tables");
    expect(res.statusCode, res.body).toBe(200);
  }, 60_000);

  it("answers 503 within the timeout from a Databend that never answers, without credentials", async () => {
    const blackhole = await openBlackhole();
    const port = new URL(blackhole.url).port;
    const hanging = await appFor(`databend://root:s3cret@127.0.0.1:${port}/default?sslmode=disable`, mkdtempSync(path.join(tmpdir(), "warehouse-browse-hanging-")));
    try {
      const started = Date.now();
      const res = await hanging.inject({ method: "GET", url: "/api/warehouse/databases" });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 3000);
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toBe(`Could not list the databases: Databend at 127.0.0.1:${port} did not answer within 1.5 s. Try again once Databend answers.`);
      expect(res.body).not.toContain("s3cret");
    } finally {
      await hanging.close();
      await blackhole.close();
    }
  });
});

describe("bounds and quoting (a recording warehouse, no engine)", () => {
  /** Answers every query with `rows`, and records the statements. */
  function recording(rows: Record<string, unknown>[]) {
    const statements: string[] = [];
    const fake = {
      statements,
      query: async (sql: string) => {
        statements.push(sql);
        return rows;
      },
      exec: async () => {},
      copyInto: async () => [],
      transaction: async () => {
        throw new Error("browsing runs no transaction");
      },
      close: async () => {},
    };
    return fake;
  }

  it("cuts a list at WAREHOUSE_LIST_LIMIT and says truncated", async () => {
    const fake = recording(Array.from({ length: WAREHOUSE_LIST_LIMIT + 1 }, (_, i) => ({ name: `db${i}`, engine: "FUSE" })));
    const dbs = await listDatabases(fake);
    expect(dbs).toMatchObject({ status: "ok", truncated: true });
    expect(dbs.status === "ok" && dbs.items.length).toBe(WAREHOUSE_LIST_LIMIT);
    expect(fake.statements[0]).toContain(`LIMIT ${WAREHOUSE_LIST_LIMIT + 1}`);
    const exact = await listTables(recording(Array.from({ length: WAREHOUSE_LIST_LIMIT }, (_, i) => ({ name: `t${i}`, engine: "FUSE" }))), "d");
    expect(exact).toMatchObject({ status: "ok", truncated: false });
  });

  it("writes names only as quoted identifiers and escaped literals", async () => {
    const fake = recording([]);
    const name = "it's \\ a `name";
    await listTables(fake, "o'k").catch(() => {});
    expect(fake.statements[0]).toContain("database = 'o\\'k'");
    await expect(listColumns(fake, "shop", name)).rejects.toThrow(/backtick/);
    await listColumns(fake, "sh'op", "Odd Name");
    expect(fake.statements.at(-2)).toBe("DESC `sh'op`.`Odd Name`");
    expect(fake.statements.at(-1)).toContain("database = 'sh\\'op' AND table = 'Odd Name'");
  });
});
