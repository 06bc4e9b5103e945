// The SQL writer against Databend: every literal it writes must read back through the engine as
// exactly the value it was given, and every statement must be one Databend parses. The dev warehouse
// (sandbox/warehouse/server.ts) is Databend's engine behind its HTTP protocol, reached through the
// real databend-driver, so these checks are Databend's own rules, not a model of them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type Connection } from "databend-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFormatSchema } from "#contracts/task.ts";
import { scrubSecrets } from "../server/error-text.ts";
import { startWarehouse, type Warehouse } from "../sandbox/warehouse/server.ts";
import {
  UnsafeIdentifierError,
  buildCopyInto,
  buildCountRows,
  secretsOf,
  sqlIdent,
  sqlString,
  type CopyIntoSpec,
} from "../server/databend/sql.ts";

let dataDir: string;
let wh: Warehouse;
let conn: Connection;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "copy-sql-test-"));
  wh = await startWarehouse({ port: 0, dataDir });
  conn = await new Client(wh.dsn).getConn();
});

afterAll(async () => {
  await conn?.close();
  await wh?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** What Databend reads a literal as: `SELECT <literal>` must return the value unchanged. */
async function readBack(literal: string): Promise<unknown> {
  const row = await conn.queryRow(`SELECT ${literal} AS v`);
  return row?.values()[0];
}

const connection = {
  region: "us-east-1",
  accessKeyId: "ASIAEXAMPLEKEY",
  secretAccessKey: "s3cr3t/with'quote\\and+plus",
  sessionToken: "FwoGZXIvYXdzEJr//////////wEaDO+token==",
};
/** Statements the engine runs here only to prove they parse must not reach out to AWS: port 1 on loopback refuses at once. */
const loopback = { ...connection, endpointUrl: "http://127.0.0.1:1" };

function spec(over: Partial<CopyIntoSpec> = {}): CopyIntoSpec {
  return {
    database: "default",
    table: "events",
    bucket: "my-bucket",
    files: ["logs/a.csv"],
    connection,
    fileFormat: fileFormatSchema.parse({ type: "csv" }),
    onError: "abort",
    purge: false,
    ...over,
  };
}

/** S3 keys a bucket can hold (no NUL: S3 keys are UTF-8 text) that a literal must carry intact. */
const HOSTILE_KEYS = [
  "plain/key.csv",
  "it's/o'brien's.csv",
  "''",
  "\\",
  "\\'",
  "back\\slash\\",
  "ends with backslash\\",
  "\\n is not a newline",
  "\\x41\\u0041\\101",
  "new\nline",
  "carriage\rreturn\r\n",
  "tab\there",
  "bell\u0007 backspace\b formfeed\f vtab\u000b esc\u001b us\u001f del\u007f c1\u0085",
  "emoji 🚀/👩‍👩‍👧/🇯🇵.csv",
  "unicode ünïcødé 日本語 עברית العربية \u2028\u2029\u00a0\ufeff",
  "k".repeat(1024),
  "dir/" + "é".repeat(512) + ".csv",
  "100%/%41%2F%25.csv",
  "star*/glob?[a-z]{x,y}.csv",
  "$dollar/$$code$$/${x}.csv",
  "a+b c=d&e#f;g,h.csv",
  "'; DROP TABLE t; --",
  '"double" `back` quotes',
];

describe("sqlString", () => {
  for (const key of HOSTILE_KEYS) {
    it(`round-trips ${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…(${key.length})` : key)} through Databend`, async () => {
      const literal = sqlString(key);
      expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
      expect([...literal].some((ch) => ch.charCodeAt(0) < 0x20 || ch === "\u007f")).toBe(false);
      expect(await readBack(literal)).toBe(key);
    });
  }

  it("escapes by Databend's rules, not just by doubling quotes", () => {
    expect(sqlString("a'b")).toBe("'a\\'b'");
    expect(sqlString("a\\b")).toBe("'a\\\\b'");
    expect(sqlString("a\nb")).toBe("'a\\nb'");
  });
});

describe("sqlIdent", () => {
  it("quotes with backticks; Databend reads the name back unchanged, case kept", async () => {
    expect(sqlIdent("events")).toBe("`events`");
    for (const name of ['with "double" and space', "it's", "MixedCase", "日本 🚀", "a.b", "back\\slash"]) {
      const row = await conn.queryRow(`SELECT 1 AS ${sqlIdent(name)}`);
      expect(Object.keys(row!.data() as object)).toEqual([name]);
    }
  });

  it("refuses a backtick, which Databend cannot quote (`a``b` is a syntax error there)", async () => {
    expect(() => sqlIdent("we`ird")).toThrow(UnsafeIdentifierError);
    expect(() => sqlIdent("`")).toThrow(/backtick/);
    await expect(conn.queryRow("SELECT 1 AS `a``b`")).rejects.toThrow(/\[1005\]/);
  });

  it("refuses empty names and NUL", () => {
    expect(() => sqlIdent("")).toThrow(UnsafeIdentifierError);
    expect(() => sqlIdent("a\u0000b")).toThrow(UnsafeIdentifierError);
  });
});

describe("buildCopyInto", () => {
  it("writes one statement with connection, files, format and options", () => {
    const sql = buildCopyInto(spec({ files: ["logs/a.csv", "logs/b c.csv"] }));
    expect(sql).toBe(
      [
        "COPY INTO `default`.`events`",
        "FROM 's3://my-bucket/'",
        "CONNECTION = (REGION = 'us-east-1', ACCESS_KEY_ID = 'ASIAEXAMPLEKEY', SECRET_ACCESS_KEY = 's3cr3t/with\\'quote\\\\and+plus', SESSION_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDO+token==')",
        "FILES = ('logs/a.csv', 'logs/b c.csv')",
        "FILE_FORMAT = (TYPE = CSV, FIELD_DELIMITER = ',', QUOTE = '\"', SKIP_HEADER = 1, COMPRESSION = 'AUTO')",
        "ON_ERROR = ABORT",
      ].join("\n"),
    );
  });

  it("adds ENDPOINT_URL only when an endpoint is configured, PURGE only when asked", () => {
    const plain = buildCopyInto(spec());
    expect(plain).not.toContain("ENDPOINT_URL");
    expect(plain).not.toContain("PURGE");
    const sql = buildCopyInto(
      spec({ connection: { ...connection, endpointUrl: "http://127.0.0.1:4566" }, purge: true, onError: "continue" }),
    );
    expect(sql).toContain("ENDPOINT_URL = 'http://127.0.0.1:4566'");
    expect(sql).toContain("\nPURGE = TRUE\n");
    expect(sql.endsWith("ON_ERROR = CONTINUE")).toBe(true);
    expect(sql).not.toContain("FORCE");
  });

  it("formats NDJSON and Parquet, and CSV options", () => {
    expect(buildCopyInto(spec({ fileFormat: fileFormatSchema.parse({ type: "ndjson" }) }))).toContain(
      "FILE_FORMAT = (TYPE = NDJSON, COMPRESSION = 'AUTO')",
    );
    expect(buildCopyInto(spec({ fileFormat: fileFormatSchema.parse({ type: "parquet" }) }))).toContain(
      "FILE_FORMAT = (TYPE = PARQUET)",
    );
    const csv = fileFormatSchema.parse({ type: "csv", header: false, delimiter: "\t", quote: "'", compression: "gzip" });
    expect(buildCopyInto(spec({ fileFormat: csv }))).toContain(
      "FILE_FORMAT = (TYPE = CSV, FIELD_DELIMITER = '\\t', QUOTE = '\\'', SKIP_HEADER = 0, COMPRESSION = 'GZIP')",
    );
  });

  it("writes COMPRESSION as a string literal, so RAW_DEFLATE parses (the bare keyword is RAWDEFLATE)", () => {
    const raw = fileFormatSchema.parse({ type: "ndjson", compression: "raw_deflate" });
    expect(buildCopyInto(spec({ fileFormat: raw }))).toContain("FILE_FORMAT = (TYPE = NDJSON, COMPRESSION = 'RAW_DEFLATE')");
  });

  it("lists every hostile key as its literal, in order, and refuses a backtick in a name", () => {
    const sql = buildCopyInto(spec({ files: HOSTILE_KEYS, database: "d'b", table: 't "x" 日本' }));
    expect(sql).toContain(`FILES = (${HOSTILE_KEYS.map(sqlString).join(", ")})`);
    expect(sql.startsWith("COPY INTO `d'b`.`t \"x\" 日本`\n")).toBe(true);
    expect(() => buildCopyInto(spec({ table: "t`x" }))).toThrow(UnsafeIdentifierError);
  });

  it("refuses an empty batch", () => {
    expect(() => buildCopyInto(spec({ files: [] }))).toThrow();
  });

  it("carries the metadata lifetime and a deduplicate label as SET_VAR hints, and FORCE; Databend parses it", async () => {
    const sql = buildCopyInto(spec({ force: true, deduplicateLabel: "sqs-s3:t1:0123abcd:etag9", metadataExpireHours: 504 }));
    expect(sql.startsWith("COPY /*+ SET_VAR(load_file_metadata_expire_hours=504) SET_VAR(deduplicate_label='sqs-s3:t1:0123abcd:etag9') */ INTO `default`.`events`\n")).toBe(true);
    expect(sql).toContain("\nFORCE = TRUE\n");
    expect(() => buildCopyInto(spec({ deduplicateLabel: "x'; DROP TABLE t; --" }))).toThrow(/deduplicate label/);
    expect(() => buildCopyInto(spec({ metadataExpireHours: 0 }))).toThrow(/metadataExpireHours/);
    // The engine parses it: the error is about the unreachable bucket or missing table, not syntax.
    const err = await conn.queryAll(buildCopyInto(spec({ connection: loopback, force: true, deduplicateLabel: "sqs-s3:t1:0123abcd:etag9", metadataExpireHours: 504 }))).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(err).not.toContain("[1005]");
  });
});

describe("buildCountRows", () => {
  it("counts through a named format for CSV and the built-in names otherwise; Databend parses both", async () => {
    const csv = buildCountRows({ bucket: "b", key: "k'1.csv", connection: loopback, fileFormat: fileFormatSchema.parse({ type: "csv" }), formatName: "sqs_s3_count_abc" });
    expect(csv.setup).toBe("CREATE FILE FORMAT IF NOT EXISTS sqs_s3_count_abc TYPE = CSV FIELD_DELIMITER = ',' QUOTE = '\"' SKIP_HEADER = 1 COMPRESSION = 'AUTO'");
    expect(csv.query).toContain("FILE_FORMAT => 'sqs_s3_count_abc', FILES => ('k\\'1.csv')");
    await conn.exec(csv.setup!);
    const nd = buildCountRows({ bucket: "b", key: "x.ndjson", connection: loopback, fileFormat: fileFormatSchema.parse({ type: "ndjson" }), formatName: "unused" });
    expect(nd.setup).toBeUndefined();
    expect(nd.query).toContain("FILE_FORMAT => 'NDJSON'");
    for (const q of [csv.query, nd.query]) {
      const err = await conn.queryAll(q).then(
        () => "",
        (e: Error) => e.message,
      );
      expect(err).not.toContain("[1005]");
    }
    expect(() => buildCountRows({ bucket: "b", key: "k", connection, fileFormat: fileFormatSchema.parse({ type: "csv" }), formatName: "x; DROP" })).toThrow();
  });
});

describe("scrubSecrets", () => {
  it("removes credentials echoed in an error, raw or escaped, and any credential assignment", () => {
    const sql = buildCopyInto(spec());
    const error = `QueryFailed: [1006] cannot read: ${sql}`;
    const scrubbed = scrubSecrets(error, secretsOf(connection));
    expect(scrubbed).not.toContain(connection.secretAccessKey);
    expect(scrubbed).not.toContain("s3cr3t");
    expect(scrubbed).not.toContain(connection.sessionToken);
    expect(scrubbed).not.toContain(connection.accessKeyId);
    expect(scrubbed).toContain("QueryFailed");
    expect(scrubSecrets("SESSION_TOKEN = 'abc\\'def' rest")).toBe("SESSION_TOKEN = '[redacted]' rest");
  });
});
