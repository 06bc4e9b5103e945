// COPY INTO through the real databend-driver, reading objects from a real S3 API (fauxqs, on
// 127.0.0.1). fauxqs does not check credentials; copy-credentials.test.ts covers that against the
// project's AWS sandbox.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Client, type Connection } from "databend-driver";
import { buildApp } from "fauxqs";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarehouse, type Warehouse } from "./server.ts";

let dataDir: string;
let wh: Warehouse;
let conn: Connection;
let s3App: ReturnType<typeof buildApp>;
let s3: S3Client;
let endpoint: string;
const BUCKET = "landing";

async function put(key: string, body: string | Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

async function keys(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** Single-quoted Databend literal (backslash and quote escaped). */
function lit(s: string): string {
  return `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

function copySql(table: string, files: string[], format: string, extra = ""): string {
  return `COPY INTO ${table} FROM 's3://${BUCKET}/'
    CONNECTION = (ACCESS_KEY_ID = 'test', SECRET_ACCESS_KEY = 'test', REGION = 'us-east-1', ENDPOINT_URL = ${lit(endpoint)})
    FILES = (${files.map(lit).join(", ")})
    FILE_FORMAT = (${format}) ${extra}`;
}

async function copy(sql: string) {
  return (await conn.queryAll(sql)).map((r) => r.data());
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the statement to fail");
}

async function count(table: string): Promise<number> {
  return (await conn.queryRow(`SELECT count(*) FROM ${table}`))?.values()[0] as number;
}

beforeAll(async () => {
  s3App = buildApp({ logger: false });
  await s3App.listen({ host: "127.0.0.1", port: 0 });
  const addr = s3App.server.address();
  endpoint = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  s3 = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  dataDir = mkdtempSync(path.join(tmpdir(), "warehouse-copy-"));
  wh = await startWarehouse({ port: 0, dataDir });
  conn = await new Client(wh.dsn).getConn();
  await conn.exec("CREATE DATABASE ingest");
  await conn.exec("CREATE TABLE ingest.people (id INT NOT NULL, name VARCHAR, score DOUBLE, active BOOLEAN, seen TIMESTAMP)");
});

afterAll(async () => {
  await conn?.close();
  await wh?.stop();
  s3?.destroy();
  await s3App?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("COPY INTO from S3", () => {
  it("loads CSV with a header, a custom delimiter and quoted fields; reports one row per file", async () => {
    await put("csv/a.csv", 'id;name;score;active;seen\n1;"Smith; Anna";1.5;true;2024-05-01 10:00:00\n2;"say ""hi""";2;false;\\N\n');
    await put("csv/b.csv", "id;name;score;active;seen\n3;;3.25;1;2024-05-02T08:00:00Z\n");
    const result = await copy(copySql("ingest.people", ["csv/a.csv", "csv/b.csv"], "TYPE = CSV, FIELD_DELIMITER = ';', QUOTE = '\"', SKIP_HEADER = 1"));
    expect(result).toEqual([
      { File: "csv/a.csv", Rows_loaded: 2, Errors_seen: 0, First_error: null, First_error_line: null },
      { File: "csv/b.csv", Rows_loaded: 1, Errors_seen: 0, First_error: null, First_error_line: null },
    ]);
    const rows = (await conn.queryAll("SELECT * FROM ingest.people ORDER BY id")).map((r) => r.values());
    expect(rows).toEqual([
      [1, "Smith; Anna", 1.5, true, new Date("2024-05-01T10:00:00Z")],
      [2, 'say "hi"', 2, false, null],
      [3, null, 3.25, true, new Date("2024-05-02T08:00:00Z")],
    ]);
  });

  it("skips files already loaded into the table, and reloads them with FORCE = TRUE", async () => {
    const files = ["csv/a.csv", "csv/b.csv"];
    const fmt = "TYPE = CSV FIELD_DELIMITER = ';' SKIP_HEADER = 1";
    expect(await copy(copySql("ingest.people", files, fmt))).toEqual([]);
    expect(await conn.exec(copySql("ingest.people", files, fmt))).toBe(0);
    expect(await count("ingest.people")).toBe(3);

    const forced = await copy(copySql("ingest.people", files, fmt, "FORCE = TRUE"));
    expect(forced.map((r) => r.Rows_loaded)).toEqual([2, 1]);
    expect(await count("ingest.people")).toBe(6);

    // A file replaced with new content (new ETag) is a new file.
    await put("csv/b.csv", "id;name;score;active;seen\n4;x;1;true;2024-01-01\n");
    expect((await copy(copySql("ingest.people", files, fmt))).map((r) => [r.File, r.Rows_loaded])).toEqual([["csv/b.csv", 1]]);
    // Load metadata is per table.
    await conn.exec("CREATE TABLE ingest.people2 (id INT NOT NULL, name VARCHAR, score DOUBLE, active BOOLEAN, seen TIMESTAMP)");
    expect((await copy(copySql("ingest.people2", files, fmt))).map((r) => r.Rows_loaded)).toEqual([2, 1]);
  });

  it("loads NDJSON by column name, case-insensitively, with gzip", async () => {
    await conn.exec("CREATE TABLE ingest.events (id BIGINT, kind VARCHAR, payload VARIANT, at TIMESTAMP)");
    const lines = [
      { ID: 1, Kind: "click", payload: { x: [1, 2] }, at: "2024-06-01T00:00:00Z", extra: "ignored" },
      { id: 2, kind: "view", payload: null, at: null },
    ];
    await put("json/e1.ndjson", lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    await put("json/e2.ndjson.gz", gzipSync(JSON.stringify({ id: 3, kind: "buy", payload: "s", at: 1717200000 }) + "\n"));
    const result = await copy(copySql("ingest.events", ["json/e1.ndjson", "json/e2.ndjson.gz"], "TYPE = NDJSON"));
    expect(result.map((r) => [r.File, r.Rows_loaded, r.Errors_seen])).toEqual([
      ["json/e1.ndjson", 2, 0],
      ["json/e2.ndjson.gz", 1, 0],
    ]);
    const rows = (await conn.queryAll("SELECT id, kind, payload, at FROM ingest.events ORDER BY id")).map((r) => r.values());
    expect(rows).toEqual([
      [1, "click", '{"x":[1,2]}', new Date("2024-06-01T00:00:00Z")],
      [2, "view", null, null],
      [3, "buy", '"s"', new Date(1717200000 * 1000)],
    ]);
  });

  it("loads Parquet by column name", async () => {
    await conn.exec("CREATE TABLE ingest.metrics (host VARCHAR, value DOUBLE, n BIGINT, ok BOOLEAN)");
    const buf = parquetWriteBuffer({
      columnData: [
        { name: "Host", data: ["a", "b", "c"], type: "STRING" },
        { name: "value", data: [1.5, 2.5, 3.5], type: "DOUBLE" },
        { name: "n", data: [10n, 20n, 30n], type: "INT64" },
        { name: "ok", data: [true, false, true], type: "BOOLEAN" },
      ],
    });
    await put("parquet/m.parquet", new Uint8Array(buf));
    const result = await copy(copySql("ingest.metrics", ["parquet/m.parquet"], "TYPE = PARQUET"));
    expect(result).toEqual([{ File: "parquet/m.parquet", Rows_loaded: 3, Errors_seen: 0, First_error: null, First_error_line: null }]);
    const agg = await conn.queryRow("SELECT sum(value) AS s, max(n) AS m, count(*) AS c FROM ingest.metrics WHERE ok");
    expect(agg?.data()).toEqual({ s: 5, m: 30, c: 2 });
  });

  it("loads keys with spaces, '+' and non-ASCII characters", async () => {
    await conn.exec("CREATE TABLE ingest.odd (v VARCHAR)");
    const names = ["odd/with space.csv", "odd/plus+sign.csv", "odd/données-été.csv", "odd/quote'name.csv"];
    for (const [i, k] of names.entries()) await put(k, `row${i}\n`);
    const result = await copy(copySql("ingest.odd", names, "TYPE = CSV"));
    expect(result.map((r) => [r.File, r.Rows_loaded])).toEqual(names.map((k) => [k, 1]));
    expect(await count("ingest.odd")).toBe(4);
  });

  it("loads a whole prefix, or the files matching PATTERN, when FILES is absent", async () => {
    await conn.exec("CREATE TABLE ingest.listed (v VARCHAR)");
    await put("listed/x/1.csv", "a\n");
    await put("listed/x/2.csv", "b\n");
    await put("listed/x/3.txt", "c\n");
    const base = `COPY INTO ingest.listed FROM 's3://${BUCKET}/listed/x/' CONNECTION = (ACCESS_KEY_ID='test' SECRET_ACCESS_KEY='test' ENDPOINT_URL=${lit(endpoint)}) FILE_FORMAT = (TYPE = CSV)`;
    expect((await copy(`${base} PATTERN = '.*[.]csv'`)).map((r) => r.File)).toEqual(["listed/x/1.csv", "listed/x/2.csv"]);
    expect((await copy(base)).map((r) => r.File)).toEqual(["listed/x/3.txt"]);
  });

  it("PURGE = TRUE deletes the loaded objects only", async () => {
    await conn.exec("CREATE TABLE ingest.purged (v VARCHAR)");
    await put("purge/loaded.csv", "a\n");
    await put("purge/other.csv", "b\n");
    await put("purge/again.csv", "c\n");
    await copy(copySql("ingest.purged", ["purge/again.csv"], "TYPE = CSV"));
    await put("purge/again2.csv", "d\n");
    // again.csv is already loaded: skipped, so not purged either.
    const result = await copy(copySql("ingest.purged", ["purge/loaded.csv", "purge/again.csv"], "TYPE = CSV", "PURGE = TRUE"));
    expect(result.map((r) => r.File)).toEqual(["purge/loaded.csv"]);
    expect(await keys("purge/")).toEqual(["purge/again.csv", "purge/again2.csv", "purge/other.csv"]);
    expect(await count("ingest.purged")).toBe(2);
  });

  it("ON_ERROR = ABORT (the default) fails the statement and commits nothing", async () => {
    await conn.exec("CREATE TABLE ingest.strict (id INT NOT NULL, label VARCHAR)");
    await put("bad/good.csv", "1,a\n2,b\n");
    await put("bad/bad.csv", "3,c\nfour,d\n5,e\n");
    const msg = await errorOf(conn.queryAll(copySql("ingest.strict", ["bad/good.csv", "bad/bad.csv"], "TYPE = CSV")));
    expect(msg).toMatch(/\[1046\].*cannot convert 'four' to INT.*at file 'bad\/bad.csv', line 2/);
    expect(await count("ingest.strict")).toBe(0);
    // Nothing was recorded as loaded: fixing the file and retrying loads both.
    await put("bad/bad.csv", "3,c\n4,d\n5,e\n");
    const retry = await copy(copySql("ingest.strict", ["bad/good.csv", "bad/bad.csv"], "TYPE = CSV"));
    expect(retry.map((r) => r.Rows_loaded)).toEqual([2, 3]);
  });

  it("ON_ERROR = CONTINUE skips bad rows and reports the first error", async () => {
    await conn.exec("CREATE TABLE ingest.lenient (id INT NOT NULL, label VARCHAR)");
    await put("cont/mixed.csv", "1,a\nx,b\n3\n4,d\n");
    await put("cont/good.csv", "5,e\n");
    const result = await copy(copySql("ingest.lenient", ["cont/mixed.csv", "cont/good.csv"], "TYPE = CSV", "ON_ERROR = CONTINUE"));
    expect(result[0]).toMatchObject({ File: "cont/mixed.csv", Rows_loaded: 2, Errors_seen: 2, First_error_line: 2 });
    expect(result[0]!.First_error).toMatch(/cannot convert 'x' to INT/);
    expect(result[1]).toEqual({ File: "cont/good.csv", Rows_loaded: 1, Errors_seen: 0, First_error: null, First_error_line: null });
    expect(await conn.exec(copySql("ingest.lenient", ["cont/mixed.csv", "cont/good.csv"], "TYPE = CSV", "ON_ERROR = CONTINUE FORCE = TRUE"))).toBe(3);
    expect(await count("ingest.lenient")).toBe(6);
  });

  it("an unreadable file fails the statement under ABORT and is reported under CONTINUE", async () => {
    await conn.exec("CREATE TABLE ingest.pq (a INT)");
    await put("broken/x.parquet", "not a parquet file");
    expect(await errorOf(conn.queryAll(copySql("ingest.pq", ["broken/x.parquet"], "TYPE = PARQUET")))).toMatch(/\[1046\].*broken\/x.parquet/);
    const result = await copy(copySql("ingest.pq", ["broken/x.parquet"], "TYPE = PARQUET", "ON_ERROR = CONTINUE"));
    expect(result).toMatchObject([{ File: "broken/x.parquet", Rows_loaded: 0, Errors_seen: 1 }]);
  });

  it("reads many files at once yet reports results and errors in statement order, as one at a time would", async () => {
    await conn.exec("CREATE TABLE ingest.many (id INT NOT NULL)");
    // More files than the S3 requests a COPY keeps in flight.
    const names = Array.from({ length: 80 }, (_, i) => `many/f${String(i).padStart(2, "0")}.csv`);
    for (const [i, k] of names.entries()) await put(k, `${i}\n`);
    await put(names[10]!, "ten\n");
    await put(names[45]!, "forty-five\n");
    const withMissing = [...names.slice(0, 60), "many/missing.csv", ...names.slice(60)];
    // A file that cannot be stat'ed fails the statement before any content is read.
    expect(await errorOf(conn.queryAll(copySql("ingest.many", withMissing, "TYPE = CSV")))).toMatch(/\[3001\].*many\/missing.csv/);
    // The first bad file in FILES order is the one reported.
    expect(await errorOf(conn.queryAll(copySql("ingest.many", names, "TYPE = CSV")))).toMatch(/\[1046\].*'ten'.*many\/f10.csv/);
    expect(await count("ingest.many")).toBe(0);
    await put(names[10]!, "10\n");
    await put(names[45]!, "45\n");
    const result = await copy(copySql("ingest.many", names, "TYPE = CSV"));
    expect(result.map((r) => r.File)).toEqual(names);
    expect(await count("ingest.many")).toBe(80);
    // Already loaded: nothing read again (the recorded ETag is sent as If-None-Match), nothing added.
    expect(await copy(copySql("ingest.many", names, "TYPE = CSV"))).toEqual([]);
    await put(names[79]!, "79\n80\n");
    expect((await copy(copySql("ingest.many", names, "TYPE = CSV"))).map((r) => [r.File, r.Rows_loaded])).toEqual([[names[79], 2]]);
    expect(await count("ingest.many")).toBe(82);
  });

  it("reports missing files, unknown tables and bad statements as query errors", async () => {
    expect(await errorOf(conn.queryAll(copySql("ingest.people", ["nope/missing.csv"], "TYPE = CSV")))).toMatch(/\[3001\].*nope\/missing.csv/);
    expect(await errorOf(conn.queryAll(copySql("ingest.nope", ["csv/a.csv"], "TYPE = CSV")))).toContain("[1025]");
    expect(await errorOf(conn.queryAll(copySql("ingest.people", ["csv/a.csv"], "TYPE = XLSX")))).toContain("[1006]");
    expect(await errorOf(conn.queryAll("COPY INTO ingest.people FROM @my_stage"))).toContain("[1002]");
    expect(await errorOf(conn.queryAll("COPY INTO ingest.people FROM 's3://x/' FILES = ('a'"))).toContain("[1005]");
  });
});
