// Transactions over Databend's HTTP protocol, through the dev warehouse's front: the session JSON
// carries txn_state / need_sticky / internal as Databend's handler writes them
// (src/query/service/src/servers/http/v1/query/http_query.rs), one engine session holds a
// transaction across /v1/query calls, a failed statement leaves it Fail until ROLLBACK (4002), and
// an abandoned one expires after idle_transaction_timeout_secs (4003) and is rolled back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type Connection } from "databend-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabendWarehouse } from "../../server/databend/client.ts";
import { startWarehouse, type Warehouse } from "./server.ts";

let dataDir: string;
let wh: Warehouse;
let client: Client;
let conn: Connection;
let other: Connection;

const auth = { authorization: `Basic ${Buffer.from("root:").toString("base64")}`, "content-type": "application/json" };

interface RawResponse {
  id: string;
  state: string;
  error: { code: number; message: string } | null;
  session: { txn_state?: string; need_sticky?: boolean; internal?: string; database?: string };
  next_uri: string | null;
}

/** One /v1/query call as the driver makes it: the last response's session goes back as is. */
async function raw(sql: string, session: RawResponse["session"] = {}): Promise<RawResponse> {
  const res = await fetch(`${wh.url}/v1/query`, { method: "POST", headers: auth, body: JSON.stringify({ sql, session }) });
  expect(res.status).toBe(200);
  return (await res.json()) as RawResponse;
}

async function count(c: Connection, table: string): Promise<number> {
  return Number((await c.queryRow(`SELECT count(*) FROM ${table}`))!.values()[0]);
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the statement to fail");
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "warehouse-txn-test-"));
  wh = await startWarehouse({ port: 0, dataDir });
  client = new Client(wh.dsn);
  conn = await client.getConn();
  other = await client.getConn();
});

afterAll(async () => {
  await conn?.close();
  await other?.close();
  await wh?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the session JSON of a transaction", () => {
  it("says AutoCommit, then Active with need_sticky and this node, then AutoCommit after COMMIT", async () => {
    await raw("CREATE OR REPLACE TABLE raw_t (a INT)");
    const plain = await raw("SELECT 1");
    expect(plain.session.txn_state).toBe("AutoCommit");
    expect(plain.session.need_sticky).toBe(false);

    const begun = await raw("BEGIN", plain.session);
    expect(begun.state).toBe("Succeeded");
    expect(begun.session.txn_state).toBe("Active");
    expect(begun.session.need_sticky).toBe(true);
    const internal = JSON.parse(begun.session.internal!) as { last_query_ids: string[]; last_node_id: string };
    expect(internal.last_query_ids).toEqual([begun.id]);
    expect(internal.last_node_id).toMatch(/^dev-warehouse-/);

    const inserted = await raw("INSERT INTO raw_t VALUES (1), (2)", begun.session);
    expect(inserted.session.txn_state).toBe("Active");
    expect((await raw("SELECT count(*) FROM raw_t")).state).toBe("Succeeded");
    expect(await count(other, "raw_t")).toBe(0); // not visible outside the transaction yet

    const committed = await raw("COMMIT", inserted.session);
    expect(committed.session.txn_state).toBe("AutoCommit");
    expect(committed.session.need_sticky).toBe(false);
    expect(await count(other, "raw_t")).toBe(2);
  });

  it("refuses an Active session whose transaction is not kept here (4003) and answers Fail", async () => {
    const begun = await raw("BEGIN");
    const internal = JSON.parse(begun.session.internal!) as Record<string, unknown>;
    const forged = { ...begun.session, internal: JSON.stringify({ ...internal, last_query_ids: ["0000"] }) };
    const refused = await raw("SELECT 1", forged);
    expect(refused.state).toBe("Failed");
    expect(refused.error?.code).toBe(4003);
    expect(refused.session.txn_state).toBe("Fail");
    expect((await raw("ROLLBACK", begun.session)).session.txn_state).toBe("AutoCommit");
  });
});

describe("a transaction through databend-driver", () => {
  it("keeps a transaction on one connection: ROLLBACK leaves nothing, COMMIT leaves all", async () => {
    await conn.exec("CREATE OR REPLACE TABLE drv_t (a INT)");
    await conn.exec("BEGIN");
    await conn.exec("INSERT INTO drv_t VALUES (1)");
    expect(await count(conn, "drv_t")).toBe(1);
    expect(await count(other, "drv_t")).toBe(0);
    await conn.exec("ROLLBACK");
    expect(await count(conn, "drv_t")).toBe(0);

    await conn.exec("BEGIN");
    await conn.exec("INSERT INTO drv_t VALUES (2)");
    await conn.exec("INSERT INTO drv_t VALUES (3)");
    await conn.exec("COMMIT");
    expect(await count(other, "drv_t")).toBe(2);
  });

  it("a failed statement leaves the transaction Fail: later statements get 4002 until ROLLBACK, nothing commits", async () => {
    await conn.exec("CREATE OR REPLACE TABLE fail_t (a INT)");
    await conn.exec("BEGIN");
    await conn.exec("INSERT INTO fail_t VALUES (1)");
    expect(await errorOf(conn.exec("INSERT INTO no_such_table VALUES (1)"))).toContain("[1025]");
    const aborted = await errorOf(conn.exec("INSERT INTO fail_t VALUES (2)"));
    expect(aborted).toContain("[4002]");
    expect(aborted).toContain("Current transaction is aborted, commands ignored until end of transaction block");
    await conn.exec("ROLLBACK");
    expect(await count(conn, "fail_t")).toBe(0);
    // COMMIT of a failed transaction commits nothing either, and ends it.
    await conn.exec("BEGIN");
    await conn.exec("INSERT INTO fail_t VALUES (3)");
    await errorOf(conn.exec("SELECT * FROM no_such_table"));
    await conn.exec("COMMIT");
    expect(await count(other, "fail_t")).toBe(0);
    await conn.exec("INSERT INTO fail_t VALUES (4)");
    expect(await count(other, "fail_t")).toBe(1);
  });

  it("an abandoned transaction expires after idle_transaction_timeout_secs and is rolled back (4003)", async () => {
    const c = await client.getConn();
    try {
      await c.exec("CREATE OR REPLACE TABLE idle_t (a INT)");
      await c.exec("SET idle_transaction_timeout_secs = 1");
      await c.exec("BEGIN");
      await c.exec("INSERT INTO idle_t VALUES (1)");
      // The expiry is a span of time, so time is what this waits for (1 s timeout, 1.5 s here).
      await new Promise((r) => setTimeout(r, 1500));
      expect(await errorOf(c.exec("INSERT INTO idle_t VALUES (2)"))).toContain("[4003]");
      expect(await errorOf(c.exec("SELECT 1"))).toContain("[4002]");
      await c.exec("ROLLBACK");
      expect(await count(c, "idle_t")).toBe(0);
    } finally {
      await c.close();
    }
  });
});

describe("DatabendWarehouse.transaction (server/databend/transaction.ts)", () => {
  it("commits or rolls back as the body decides, rolls back a failed statement, and its pool goes on working", async () => {
    const pool = new DatabendWarehouse(wh.dsn, { maxIdle: 1 });
    try {
      await pool.exec("CREATE OR REPLACE TABLE pool_t (a INT)");
      const kept = await pool.transaction(async (tx) => {
        await tx.exec("INSERT INTO pool_t VALUES (1)");
        return { commit: true, value: (await tx.query("SELECT count(*) AS n FROM pool_t"))[0]!.n };
      }, []);
      expect(Number(kept)).toBe(1);
      await pool.transaction(async (tx) => {
        await tx.exec("INSERT INTO pool_t VALUES (2)");
        return { commit: false, value: undefined };
      }, []);
      const failed = await pool
        .transaction(async (tx) => {
          await tx.exec("INSERT INTO pool_t VALUES (3)");
          await tx.exec("INSERT INTO no_such_table VALUES (3)");
          return { commit: true, value: undefined };
        }, [])
        .then(() => "committed", (e: Error) => e.message);
      expect(failed).toContain("no_such_table");
      // The same pooled connection, back in auto-commit: the failed transaction left nothing.
      expect(Number((await pool.query("SELECT count(*) AS n FROM pool_t"))[0]!.n)).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
