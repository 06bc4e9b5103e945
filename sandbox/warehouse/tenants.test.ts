// The dev warehouse's tenants: users other than root made by POST /v1/dev/tenants (the API does
// this for each organization), each signed in with HTTP basic auth like any Databend user, each
// statement in that user's own tenant. Isolation is checked on the engine: catalogs, and COPY's
// load metadata of same-named tables over the same S3 key; and everything survives a restart.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Client, type Connection } from "databend-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFormatSchema } from "#contracts/task.ts";
import { buildCopyInto } from "../../server/databend/sql.ts";
import { startSandbox, type Sandbox } from "../aws/server.ts";
import { startWarehouse, warehouseStateDir, type Warehouse } from "./server.ts";

const BUCKET = "tenant-loads";
const ROOT = { authorization: `Basic ${Buffer.from("root:").toString("base64")}`, "content-type": "application/json" };
const A = { tenant: "org_a_1", user: "org_a", password: "a".repeat(8) + "0123456789abcdef0123456789" };
const B = { tenant: "org_b_1", user: "org_b", password: "b".repeat(8) + "0123456789abcdef0123456789" };

let dataDir: string;
let sandbox: Sandbox;
let wh: Warehouse;
const open: Connection[] = [];

function provision(body: unknown, headers: Record<string, string> = ROOT) {
  return fetch(`${wh.url}/v1/dev/tenants`, { method: "POST", headers, body: JSON.stringify(body) });
}

async function connect(who: { user: string; password: string }): Promise<Connection> {
  const conn = await new Client(`databend://${who.user}:${who.password}@127.0.0.1:${wh.port}/default?sslmode=disable`).getConn();
  open.push(conn);
  return conn;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a failure");
}

function copySql(table: string, key: string): string {
  return buildCopyInto({
    database: "default",
    table,
    bucket: BUCKET,
    files: [key],
    connection: { region: "us-east-1", accessKeyId: "test", secretAccessKey: "test", endpointUrl: sandbox.url },
    fileFormat: fileFormatSchema.parse({ type: "csv" }),
    onError: "abort",
    purge: false,
  });
}

async function count(conn: Connection, table: string): Promise<number> {
  return Number((await conn.queryRow(`SELECT count(*) FROM ${table}`))?.values()[0]);
}

async function rowsLoaded(conn: Connection, sql: string): Promise<number> {
  const rows = await conn.queryAll(sql);
  return rows.reduce((n, r) => n + Number((r.data() as Record<string, unknown>).Rows_loaded ?? 0), 0);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "warehouse-tenants-"));
  sandbox = await startSandbox({ port: 0, dataDir, reset: true, log: false, seed: false });
  const s3 = new S3Client({ endpoint: sandbox.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "same.csv", Body: "id,name\n1,x\n2,y\n" }));
  wh = await startWarehouse({ port: 0, dataDir });
});

afterAll(async () => {
  for (const c of open) await c.close().catch(() => {});
  await wh?.stop();
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("POST /v1/dev/tenants", () => {
  it("needs root: 401 with Databend's 5100 without credentials or as another user", async () => {
    const anonymous = await provision(A, { "content-type": "application/json" });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe(5100);
    const wrongRoot = await provision(A, { ...ROOT, authorization: `Basic ${Buffer.from("root:guess").toString("base64")}` });
    expect(wrongRoot.status).toBe(401);
  });

  it("refuses a bad request with 400 naming the field", async () => {
    for (const [body, field] of [
      [{ ...A, tenant: "../etc" }, "tenant"],
      [{ ...A, tenant: "default" }, "tenant"],
      [{ ...A, user: "root" }, "user"],
      [{ ...A, user: "a b" }, "user"],
      [{ ...A, password: "short" }, "password"],
      [{ tenant: A.tenant, user: A.user }, "password"],
    ] as const) {
      const r = await provision(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((await r.json()).error.message).toContain(`'${field}'`);
    }
  });

  it("makes a user (201), replaces its password for the same tenant (200), refuses it for another (409)", async () => {
    const made = await provision({ ...A, password: "first-password-0123456789" });
    expect(made.status).toBe(201);
    expect(await made.json()).toEqual({ tenant: A.tenant, user: A.user });
    await connect({ user: A.user, password: "first-password-0123456789" }); // signed in (and remembered) once
    const again = await provision(A);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ tenant: A.tenant, user: A.user });
    const taken = await provision({ ...A, tenant: B.tenant });
    expect(taken.status).toBe(409);
    expect((await taken.json()).error).toMatchObject({ code: expect.any(Number), message: expect.stringContaining(A.user) });
    expect((await provision(B)).status).toBe(201);

    expect(await errorOf(connect({ user: A.user, password: "first-password-0123456789" }))).toMatch(/401|5100/);
    await connect(A);
  });

  it("keeps users in users.json (0600), with hashes and never a password", () => {
    const file = path.join(warehouseStateDir(dataDir), "users.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(A.password);
    expect(text).not.toContain(B.password);
    expect(JSON.parse(text).users[A.user].tenant).toBe(A.tenant);
  });
});

describe("signing in", () => {
  it("answers a wrong password or an unknown user with 401 and code 5100, naming no secret", async () => {
    expect(await errorOf(connect({ user: A.user, password: B.password }))).toMatch(/401|5100/);
    const raw = await fetch(`${wh.url}/v1/query`, {
      method: "POST",
      headers: { ...ROOT, authorization: `Basic ${Buffer.from(`${A.user}:${B.password}`).toString("base64")}` },
      body: JSON.stringify({ sql: "SELECT 1" }),
    });
    expect(raw.status).toBe(401);
    const body = await raw.json();
    expect(body.error.code).toBe(5100);
    expect(JSON.stringify(body)).not.toContain(B.password);
    const verify = await fetch(`${wh.url}/v1/verify`, { headers: { authorization: `Basic ${Buffer.from(`${A.user}:${A.password}`).toString("base64")}` } });
    expect(await verify.json()).toEqual({ tenant: A.tenant, user: A.user });
  });
});

describe("isolation", () => {
  it("a database and table of tenant A are invisible to tenant B and to root", async () => {
    const a = await connect(A);
    const b = await connect(B);
    const root = await new Client(wh.dsn).getConn();
    open.push(root);
    await a.exec("CREATE DATABASE only_a");
    await a.exec("CREATE TABLE only_a.t (id INT)");
    await a.exec("INSERT INTO only_a.t VALUES (1)");
    const names = async (c: Connection) => (await c.queryAll("SHOW DATABASES")).map((r) => String(r.values()[0]));
    expect(await names(a)).toContain("only_a");
    expect(await names(b)).not.toContain("only_a");
    expect(await names(root)).not.toContain("only_a");
    expect(await errorOf(b.queryAll("SELECT * FROM only_a.t"))).toContain("[1003]");
    expect(await errorOf(root.queryAll("SELECT * FROM only_a.t"))).toContain("[1003]");
  });

  it("COPY load metadata of A's table does not skip the same key for B's table of the same name", async () => {
    const a = await connect(A);
    const b = await connect(B);
    for (const c of [a, b]) await c.exec("CREATE TABLE `default`.`landing` (id INT, name VARCHAR)");
    expect(await rowsLoaded(a, copySql("landing", "same.csv"))).toBe(2);
    expect(await rowsLoaded(b, copySql("landing", "same.csv"))).toBe(2);
    // The metadata is there, in each tenant: the same key a second time loads nothing.
    expect(await rowsLoaded(a, copySql("landing", "same.csv"))).toBe(0);
    for (const c of [a, b]) expect(await count(c, "`default`.`landing`")).toBe(2);
  });

  it("keeps users, each tenant's tables, rows and load metadata across a restart", async () => {
    for (const c of open.splice(0)) await c.close();
    await wh.stop();
    wh = await startWarehouse({ port: 0, dataDir });
    const a = await connect(A);
    const b = await connect(B);
    expect(await count(a, "only_a.t")).toBe(1);
    expect(await errorOf(b.queryAll("SELECT * FROM only_a.t"))).toContain("[1003]");
    for (const c of [a, b]) {
      expect(await count(c, "`default`.`landing`")).toBe(2);
      expect(await rowsLoaded(c, copySql("landing", "same.csv"))).toBe(0);
    }
  });
});
