// The dev warehouse through the real databend-driver: Databend's embedded engine behind our
// HTTP protocol front. What is tested here is the front (login, paging, sessions, errors, state on
// disk); what statements mean is the engine's business and is never re-checked against our ideas.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type Connection } from "databend-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarehouse, type Warehouse } from "./server.ts";

let dataDir: string;
let wh: Warehouse;
let conn: Connection;

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the query to fail");
}

const auth = { authorization: `Basic ${Buffer.from("root:").toString("base64")}`, "content-type": "application/json" };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "warehouse-test-"));
  wh = await startWarehouse({ port: 0, dataDir });
  conn = await new Client(wh.dsn).getConn();
});

afterAll(async () => {
  await conn?.close();
  await wh?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("protocol", () => {
  it("connects with the default DSN shape; version() names Databend's engine", async () => {
    expect(wh.dsn).toBe(`databend://root:@127.0.0.1:${wh.port}/default?sslmode=disable`);
    expect((await conn.queryRow("SELECT 1"))?.values()).toEqual([1]);
    expect(await conn.version()).toMatch(/^Databend ?Query v1\.2\.\d+/);
    expect(wh.version).toBe(await conn.version());
  });

  it("rejects a wrong password (401, code 5100)", async () => {
    const msg = await errorOf(new Client(`databend://root:secret@127.0.0.1:${wh.port}/default?sslmode=disable`).getConn());
    expect(msg).toMatch(/401|5100/);
  });

  it("rejects a DSN whose database does not exist with the engine's code", async () => {
    const msg = await errorOf(new Client(`databend://root:@127.0.0.1:${wh.port}/nosuchdb?sslmode=disable`).getConn());
    expect(msg).toContain("[1003]");
  });

  it("pages a large result through next_uri, and the driver follows the pages", async () => {
    const first = await (
      await fetch(`${wh.url}/v1/query`, { method: "POST", headers: auth, body: JSON.stringify({ sql: "SELECT number FROM numbers(20000) ORDER BY number" }) })
    ).json();
    expect(first.schema).toEqual([{ name: "number", type: "UInt64" }]);
    expect(first.data).toHaveLength(10000);
    expect(first.next_uri).toMatch(/\/page\/1$/);
    const second = await (await fetch(wh.url + first.next_uri, { headers: auth })).json();
    expect(second.data[9999]).toEqual(["19999"]);
    expect(second.next_uri).toBe(first.final_uri);
    const fin = await (await fetch(wh.url + second.next_uri, { headers: auth })).json();
    expect(fin.next_uri).toBeNull();
    expect((await fetch(wh.url + first.next_uri, { headers: auth })).status).toBe(404);

    const rows = await conn.queryAll("SELECT number FROM numbers(25000)");
    expect(rows).toHaveLength(25000);
  });

  it("carries the session (current database, settings) from statement to statement", async () => {
    await conn.exec("CREATE DATABASE IF NOT EXISTS sess");
    await conn.exec("USE sess");
    expect((await conn.queryRow("SELECT currentDatabase()"))?.values()).toEqual(["sess"]);
    await conn.exec("SET max_threads = 1");
    expect((await conn.queryRow("SELECT value FROM system.settings WHERE name = 'max_threads'"))?.values()).toEqual(["1"]);
    await conn.exec("USE default");
  });

  it("passes the engine's error code and message through; HTTP 200 with state Failed", async () => {
    expect(await errorOf(conn.queryAll("SELECT * FROM no_such_table"))).toMatch(/\[1025\].*no_such_table/);
    expect(await errorOf(conn.queryAll("SELEC 1"))).toContain("[1005]");
    const raw = await (await fetch(`${wh.url}/v1/query`, { method: "POST", headers: auth, body: JSON.stringify({ sql: "SELECT * FROM nope" }) })).json();
    expect(raw.state).toBe("Failed");
    expect(raw.error.code).toBe(1025);
    expect(raw.error.message).not.toMatch(/\n\s+\d+: /); // no engine backtrace
    // 1.2.895 ends this one with "<Backtrace disabled by default…>", 1.2.453 with frames or nothing.
    const divide = await (await fetch(`${wh.url}/v1/query`, { method: "POST", headers: auth, body: JSON.stringify({ sql: "SELECT 1/0" }) })).json();
    expect(divide.error.code).toBe(1006);
    expect(divide.error.message).not.toMatch(/Backtrace|\n/);
  });

  it("maps engine types to values the driver understands", async () => {
    const row = await conn.queryRow(
      "SELECT 1::INT32 AS i, 'x' AS s, TRUE AS b, NULL AS n, to_date('2024-01-02') AS d, 1.50::DECIMAL(10,2) AS dec, parse_json('{\"a\":[1,2]}') AS v, [1,2] AS arr",
    );
    const data = row!.data() as Record<string, unknown>;
    expect(data.i).toBe(1);
    expect(data.s).toBe("x");
    expect(data.b).toBe(true);
    expect(data.n).toBeNull();
    expect(String(data.dec)).toBe("1.50");
    expect(JSON.parse(String(data.v))).toEqual({ a: [1, 2] });
    expect(data.arr).toEqual([1, 2]);
  });
});

describe("state on disk", () => {
  it("keeps databases, tables and rows across a restart; --reset starts clean", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "warehouse-restart-"));
    try {
      let w = await startWarehouse({ port: 0, dataDir: dir });
      let c = await new Client(w.dsn).getConn();
      await c.exec("CREATE DATABASE keep");
      await c.exec("CREATE TABLE keep.t (id INT, name VARCHAR)");
      await c.exec("INSERT INTO keep.t VALUES (7, 'seven')");
      await c.close();
      await w.stop();

      w = await startWarehouse({ port: 0, dataDir: dir });
      c = await new Client(w.dsn).getConn();
      expect((await c.queryAll("SELECT * FROM keep.t")).map((r) => r.data())).toEqual([{ id: 7, name: "seven" }]);
      await c.close();
      await w.stop();

      w = await startWarehouse({ port: 0, dataDir: dir, reset: true });
      c = await new Client(w.dsn).getConn();
      expect(await errorOf(c.queryAll("SELECT * FROM keep.t"))).toContain("[1003]");
      await c.close();
      await w.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
