// COPY INTO against the project's AWS sandbox, which checks SigV4 signatures, keys and role
// permissions: wrong credentials fail the statement as they would in Databend, ROLE_ARN +
// EXTERNAL_ID is assumed, and a purge the role may not do leaves the load in place.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Client, type Connection } from "databend-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../aws/server.ts";
import { startWarehouse, type Warehouse } from "./server.ts";

let dir: string;
let sandbox: Sandbox;
let wh: Warehouse;
let conn: Connection;
let s3: S3Client;
let bucket: string;

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the statement to fail");
}

function copySql(connection: string, file: string, extra = ""): string {
  return `COPY INTO creds FROM 's3://${bucket}/' CONNECTION = (${connection}, REGION = 'us-east-1', ENDPOINT_URL = '${sandbox.url}')
    FILES = ('${file}') FILE_FORMAT = (TYPE = CSV) ${extra}`;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "warehouse-creds-"));
  sandbox = await startSandbox({ port: 0, dataDir: dir, seed: true });
  bucket = sandbox.seedValues.bucket;
  s3 = new S3Client({
    endpoint: sandbox.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "creds/a.csv", Body: "1\n2\n" }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "creds/b.csv", Body: "3\n" }));
  wh = await startWarehouse({ port: 0, dataDir: dir });
  conn = await new Client(wh.dsn).getConn();
  await conn.exec("CREATE TABLE creds (n INT)");
});

afterAll(async () => {
  await conn?.close();
  await wh?.stop();
  s3?.destroy();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("COPY INTO credentials (AWS sandbox)", () => {
  it("fails with a wrong secret key or an unknown access key, loading nothing", async () => {
    const wrongSecret = await errorOf(conn.queryAll(copySql("ACCESS_KEY_ID = 'test', SECRET_ACCESS_KEY = 'wrong'", "creds/a.csv")));
    expect(wrongSecret).toMatch(/\[3002\].*SignatureDoesNotMatch/);
    const unknownKey = await errorOf(conn.queryAll(copySql("ACCESS_KEY_ID = 'nobody', SECRET_ACCESS_KEY = 'x'", "creds/a.csv")));
    expect(unknownKey).toMatch(/\[3002\].*InvalidAccessKeyId/);
    expect((await conn.queryRow("SELECT count(*) FROM creds"))?.values()).toEqual([0]);
  });

  it("loads with the right keys", async () => {
    const rows = await conn.queryAll(copySql("ACCESS_KEY_ID = 'test', SECRET_ACCESS_KEY = 'test'", "creds/a.csv"));
    expect(rows.map((r) => r.data())).toMatchObject([{ File: "creds/a.csv", Rows_loaded: 2 }]);
  });

  it("assumes ROLE_ARN with EXTERNAL_ID; a purge the role may not do keeps the load", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    // The warehouse's own identity (Databend's, in production) is the platform load role's keys.
    process.env.AWS_ACCESS_KEY_ID = "platform-load";
    process.env.AWS_SECRET_ACCESS_KEY = "platform-load";
    try {
      const role = `ROLE_ARN = '${sandbox.seedValues.roleArn}', EXTERNAL_ID = '${sandbox.seedValues.externalId}'`;
      const wrongId = await errorOf(conn.queryAll(copySql(`ROLE_ARN = '${sandbox.seedValues.roleArn}', EXTERNAL_ID = 'other-org'`, "creds/b.csv")));
      expect(wrongId).toMatch(/\[3002\].*AccessDenied/);
      // The seeded role has no s3:DeleteObject: the purge fails, the rows stay.
      const rows = await conn.queryAll(copySql(role, "creds/b.csv", "PURGE = TRUE"));
      expect(rows.map((r) => r.data())).toMatchObject([{ File: "creds/b.csv", Rows_loaded: 1, Errors_seen: 0 }]);
      expect((await conn.queryRow("SELECT sum(n) FROM creds"))?.values()).toEqual([6]);
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "creds/b.csv" }));
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
