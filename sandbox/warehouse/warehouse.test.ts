// The dev warehouse through the real databend-driver: connect, DDL, queries, errors, paging,
// persistence. COPY INTO has its own suite (copy.test.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type Connection } from "databend-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarehouse, type Warehouse } from "./server.ts";
import { tokenize } from "./sql/lexer.ts";
import { redactSql } from "./redact.ts";

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
  it("connects with the default DSN shape and answers SELECT 1 and version()", async () => {
    expect(wh.dsn).toBe(`databend://root:@127.0.0.1:${wh.port}/default?sslmode=disable`);
    const row = await conn.queryRow("SELECT 1");
    expect(row?.values()).toEqual([1]);
    expect(await conn.version()).toMatch(/^DatabendQuery v1\.2\.\d+/);
    const info = await conn.info();
    expect(info.database).toBe("default");
    expect(info.user).toBe("root");
  });

  it("rejects a wrong password like Databend (401 on login)", async () => {
    const msg = await errorOf(new Client(`databend://root:secret@127.0.0.1:${wh.port}/default?sslmode=disable`).getConn());
    expect(msg).toMatch(/AuthFailure|401|5100/);
  });

  it("rejects a DSN whose database does not exist", async () => {
    const msg = await errorOf(new Client(`databend://root:@127.0.0.1:${wh.port}/nosuchdb?sslmode=disable`).getConn());
    expect(msg).toContain("[1003]");
  });

  it("pages a large result through next_uri", async () => {
    await conn.exec("CREATE TABLE big (n BIGINT NOT NULL)");
    const inserted = await conn.exec(
      "INSERT INTO big WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 20000) SELECT n FROM s",
    );
    expect(inserted).toBe(20000);

    // The raw protocol: two pages of 10000, then the final uri ends the query.
    const auth = { authorization: `Basic ${Buffer.from("root:").toString("base64")}`, "content-type": "application/json" };
    const first = await (
      await fetch(`${wh.url}/v1/query`, { method: "POST", headers: auth, body: JSON.stringify({ sql: "SELECT n FROM big ORDER BY n" }) })
    ).json();
    expect(first.schema).toEqual([{ name: "n", type: "Int64" }]);
    expect(first.data).toHaveLength(10000);
    expect(first.next_uri).toMatch(/\/page\/1$/);
    const second = await (await fetch(wh.url + first.next_uri, { headers: auth })).json();
    expect(second.data).toHaveLength(10000);
    expect(second.data[9999]).toEqual(["20000"]);
    expect(second.next_uri).toBe(first.final_uri);
    const fin = await (await fetch(wh.url + second.next_uri, { headers: auth })).json();
    expect(fin.next_uri).toBeNull();
    expect((await fetch(wh.url + first.next_uri, { headers: auth })).status).toBe(404);

    // The driver follows the same pages.
    const rows = await conn.queryIter("SELECT n FROM big ORDER BY n");
    let count = 0;
    let last = 0;
    for (let row = await rows.next(); row !== null; row = await rows.next()) {
      if (row instanceof Error) throw row;
      count++;
      last = row.values()[0] as number;
    }
    expect(count).toBe(20000);
    expect(last).toBe(20000);
  });
});

describe("DDL", () => {
  it("creates, lists, describes and drops databases and tables", async () => {
    await conn.exec("CREATE DATABASE IF NOT EXISTS shop");
    await conn.exec("CREATE DATABASE IF NOT EXISTS shop");
    expect(await errorOf(conn.exec("CREATE DATABASE shop"))).toContain("[2301]");
    const dbs = (await conn.queryAll("SHOW DATABASES")).map((r) => r.values()[0]);
    expect(dbs).toEqual(expect.arrayContaining(["default", "shop"]));

    await conn.exec(`CREATE TABLE IF NOT EXISTS shop.orders (
      id INT NOT NULL, customer VARCHAR, amount DOUBLE, paid BOOLEAN, created_at TIMESTAMP,
      day DATE, meta VARIANT, note STRING NULL, big BIGINT, qty INTEGER, price FLOAT, label TEXT
    ) ENGINE = FUSE`);
    await conn.exec("CREATE TABLE IF NOT EXISTS shop.orders (x INT)");
    expect(await errorOf(conn.exec("CREATE TABLE shop.orders (x INT)"))).toContain("[2302]");
    expect((await conn.queryAll("SHOW TABLES FROM shop")).map((r) => r.values()[0])).toEqual(["orders"]);

    const desc = (await conn.queryAll("DESC shop.orders")).map((r) => r.values());
    expect(desc.slice(0, 7)).toEqual([
      ["id", "INT", "NO", "0", ""],
      ["customer", "VARCHAR", "YES", "NULL", ""],
      ["amount", "DOUBLE", "YES", "NULL", ""],
      ["paid", "BOOLEAN", "YES", "NULL", ""],
      ["created_at", "TIMESTAMP", "YES", "NULL", ""],
      ["day", "DATE", "YES", "NULL", ""],
      ["meta", "VARIANT", "YES", "NULL", ""],
    ]);

    await conn.exec("USE shop");
    expect((await conn.queryAll("SHOW TABLES")).map((r) => r.values()[0])).toEqual(["orders"]);
    expect((await conn.queryRow("SELECT database()"))?.values()).toEqual(["shop"]);
    await conn.exec("USE default");

    await conn.exec("DROP TABLE shop.orders");
    await conn.exec("DROP TABLE IF EXISTS shop.orders");
    expect(await errorOf(conn.exec("DROP TABLE shop.orders"))).toContain("[1025]");
    await conn.exec("DROP DATABASE shop");
    expect(await errorOf(conn.exec("USE shop"))).toContain("[1003]");
  });

  it("keeps quoted identifiers and folds unquoted ones to lower case", async () => {
    await conn.exec('CREATE TABLE "Mixed Case" (`Key` VARCHAR, Value INT)');
    await conn.exec("INSERT INTO `Mixed Case` VALUES ('k', 1)");
    const row = await conn.queryRow('SELECT "Key", VALUE FROM "Mixed Case"');
    expect(row?.data()).toEqual({ Key: "k", value: 1 });
    expect(await errorOf(conn.queryAll("SELECT * FROM mixed_case"))).toContain("[1025]");
  });
});

describe("queries", () => {
  beforeAll(async () => {
    await conn.exec(`CREATE TABLE events (
      id BIGINT NOT NULL, kind VARCHAR, amount DOUBLE, ok BOOLEAN, at TIMESTAMP, day DATE, payload VARIANT)`);
    await conn.exec(`INSERT INTO events VALUES
      (1, 'click', 1.5, true, '2024-03-01 10:00:00', '2024-03-01', '{"a":1}'),
      (2, 'view', 2.5, false, '2024-03-01T11:30:00Z', '2024-03-01', '[1,2]'),
      (3, 'click', 4.0, true, '2024-03-02 09:15:30.123456', '2024-03-02', NULL),
      (4, 'buy', NULL, NULL, NULL, NULL, NULL),
      (5, 'click', 10, false, '2024-03-03 00:00:00+02:00', '2024-03-02', '"s"')`);
  });

  it("maps result types to JS values", async () => {
    const row = await conn.queryRow("SELECT * FROM events WHERE id = 3");
    expect(row?.data()).toEqual({
      id: 3,
      kind: "click",
      amount: 4,
      ok: true,
      at: new Date("2024-03-02T09:15:30.123Z"),
      day: new Date("2024-03-02T00:00:00Z"),
      payload: null,
    });
    const nulls = await conn.queryRow("SELECT * FROM events WHERE id = 4");
    expect(nulls?.values()).toEqual([4, "buy", null, null, null, null, null]);
    const tz = await conn.queryRow("SELECT at FROM events WHERE id = 5");
    expect(tz?.values()[0]).toEqual(new Date("2024-03-02T22:00:00Z"));
    const v = await conn.queryRow("SELECT payload FROM events WHERE id = 1");
    expect(v?.values()[0]).toBe('{"a":1}');
  });

  it("runs WHERE, ORDER BY, LIMIT, GROUP BY, HAVING, aggregates and subqueries", async () => {
    const ids = (await conn.queryAll("SELECT id FROM events WHERE kind = 'click' AND amount > 1 ORDER BY amount DESC LIMIT 2")).map(
      (r) => r.values()[0],
    );
    expect(ids).toEqual([5, 3]);

    const groups = (
      await conn.queryAll("SELECT kind, count(*) AS n, sum(amount) AS total FROM default.events GROUP BY kind HAVING count(*) >= 1 ORDER BY kind")
    ).map((r) => r.data());
    expect(groups).toEqual([
      { kind: "buy", n: 1, total: null },
      { kind: "click", n: 3, total: 15.5 },
      { kind: "view", n: 1, total: 2.5 },
    ]);

    const sub = await conn.queryRow(
      "SELECT count(*) FROM events e WHERE e.amount > (SELECT avg(amount) FROM events) AND e.id IN (SELECT id FROM default.events WHERE ok)",
    );
    expect(sub?.values()).toEqual([0]);
    const cte = await conn.queryRow("WITH c AS (SELECT kind FROM events WHERE ok = true) SELECT count(*) AS n FROM c");
    expect(cte?.data()).toEqual({ n: 2 });
    const joined = await conn.queryRow("SELECT count(*) FROM events a JOIN events AS b ON a.id = b.id WHERE a.day = '2024-03-02'");
    expect(joined?.values()).toEqual([2]);
    const ts = await conn.queryRow("SELECT count(*) FROM events WHERE at >= '2024-03-02' AND kind LIKE 'cl%'");
    expect(ts?.values()).toEqual([2]);
  });

  it("deletes and truncates", async () => {
    await conn.exec("CREATE TABLE scratch (n INT)");
    await conn.exec("INSERT INTO scratch (n) VALUES (1), (2), (3)");
    expect(await conn.exec("DELETE FROM scratch WHERE n > 1")).toBe(2);
    expect((await conn.queryRow("SELECT count(*) FROM scratch"))?.values()).toEqual([1]);
    await conn.exec("TRUNCATE TABLE scratch");
    expect((await conn.queryRow("SELECT count(*) FROM scratch"))?.values()).toEqual([0]);
  });

  it("checks inserted values against column types", async () => {
    await conn.exec("CREATE TABLE typed (n INT NOT NULL, t TIMESTAMP)");
    expect(await errorOf(conn.exec("INSERT INTO typed VALUES ('abc', NULL)"))).toMatch(/\[1006\].*cannot convert 'abc' to INT/);
    expect(await errorOf(conn.exec("INSERT INTO typed VALUES (NULL, NULL)"))).toMatch(/null value for non-nullable column 'n'/);
    expect(await errorOf(conn.exec("INSERT INTO typed VALUES (1, 'yesterday')"))).toMatch(/TIMESTAMP/);
    expect(await errorOf(conn.exec("INSERT INTO typed VALUES (3000000000, NULL)"))).toMatch(/out of range/);
  });
});

describe("errors", () => {
  it("reports unknown tables, databases and columns with Databend codes", async () => {
    expect(await errorOf(conn.queryAll("SELECT * FROM nope"))).toMatch(/\[1025\]Unknown table 'default'\.'nope'/);
    expect(await errorOf(conn.queryAll("SELECT * FROM nodb.t"))).toMatch(/\[1003\]Unknown database 'nodb'/);
    expect(await errorOf(conn.queryAll("SELECT missing_col FROM events"))).toContain("[1065]");
  });

  it("reports syntax errors and unsupported statements clearly", async () => {
    expect(await errorOf(conn.queryAll("SELEC 1"))).toContain("[1005]");
    expect(await errorOf(conn.queryAll("SELECT * FROM events WHERE"))).toContain("[1005]");
    expect(await errorOf(conn.queryAll("SELECT 'unterminated"))).toContain("[1005]");
    expect(await errorOf(conn.exec("ALTER TABLE events ADD COLUMN x INT"))).toMatch(/\[1002\]Statement ALTER TABLE EVENTS is not supported/);
    expect(await errorOf(conn.exec("SELECT 1; SELECT 2"))).toContain("[1005]");
    // The connection still works after errors.
    expect((await conn.queryRow("SELECT 2"))?.values()).toEqual([2]);
  });
});

describe("SQL text", () => {
  it("unescapes strings as Databend does", async () => {
    const row = await conn.queryRow(String.raw`SELECT 'it''s', 'a\'b', 'tab\there', 'back\\slash', 'x\qy', 'é\u00e9'`);
    expect(row?.values()).toEqual(["it's", "a'b", "tab\there", "back\\slash", "x\\qy", "éé"]);
    expect(tokenize("`a``b` \"c\"\"d\"").filter((t) => t.kind === "quoted").map((t) => t.value)).toEqual(["a`b", 'c"d']);
  });

  it("redacts credentials from logged SQL", () => {
    const sql = "COPY INTO t FROM 's3://b/' CONNECTION = (ACCESS_KEY_ID = 'AKIA', SECRET_ACCESS_KEY='s3cr\\'et', SESSION_TOKEN = 'tok', REGION='us-east-1')";
    const out = redactSql(sql);
    expect(out).not.toMatch(/AKIA|s3cr|tok'/);
    expect(out).toContain("REGION='us-east-1'");
  });
});

describe("persistence", () => {
  it("keeps databases, tables and rows across a restart", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "warehouse-restart-"));
    try {
      let w = await startWarehouse({ port: 0, dataDir: dir });
      let c = await new Client(w.dsn).getConn();
      await c.exec("CREATE DATABASE keep");
      await c.exec("CREATE TABLE keep.t (id INT, name VARCHAR NOT NULL DEFAULT 'none')");
      await c.exec("INSERT INTO keep.t (id) VALUES (7)");
      await c.close();
      await w.stop();

      w = await startWarehouse({ port: 0, dataDir: dir });
      c = await new Client(w.dsn).getConn();
      expect((await c.queryAll("SELECT * FROM keep.t")).map((r) => r.data())).toEqual([{ id: 7, name: "none" }]);
      await c.close();
      await w.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
