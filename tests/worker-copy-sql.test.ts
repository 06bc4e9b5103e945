import { describe, expect, it } from "vitest";
import { fileFormatSchema } from "../src/contracts/task.ts";
import { unescapeString, tokenize, significant } from "../sandbox/warehouse/sql/lexer.ts";
import { buildCopyInto, scrubSecrets, secretsOf, sqlIdent, sqlString, type CopyIntoSpec } from "../server/databend/sql.ts";

// The dev warehouse's lexer follows Databend's unescape rules; using it here checks that every
// literal the builder writes reads back as exactly the value it was given.
function readBack(literal: string): string {
  const tokens = significant(tokenize(literal));
  expect(tokens).toHaveLength(1);
  expect(tokens[0]!.kind).toBe("string");
  return tokens[0]!.value;
}

const connection = {
  region: "us-east-1",
  accessKeyId: "ASIAEXAMPLEKEY",
  secretAccessKey: "s3cr3t/with'quote\\and+plus",
  sessionToken: "FwoGZXIvYXdzEJr//////////wEaDO+token==",
};

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

describe("sqlString", () => {
  const values = [
    "plain",
    "it's",
    "back\\slash",
    "\\'",
    "''",
    "tab\tnew\nline\rcr",
    "nul\u0000bell\u0007",
    "unicode ünïcødé 日本語 🚀",
    "path/with spaces/and+plus/%41",
    "ends with backslash\\",
    "'; DROP TABLE t; --",
    "$$",
  ];
  for (const value of values) {
    it(`round-trips ${JSON.stringify(value)}`, () => {
      const literal = sqlString(value);
      expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
      expect(literal).not.toMatch(/[\n\r]/);
      expect(readBack(literal)).toBe(value);
    });
  }

  it("escapes by Databend's rules, not just by doubling quotes", () => {
    expect(sqlString("a'b")).toBe("'a\\'b'");
    expect(sqlString("a\\b")).toBe("'a\\\\b'");
    expect(unescapeString("a\\\\b", "'")).toBe("a\\b");
  });
});

describe("sqlIdent", () => {
  it("quotes with backticks and doubles a backtick", () => {
    expect(sqlIdent("events")).toBe("`events`");
    expect(sqlIdent("we`ird")).toBe("`we``ird`");
    expect(sqlIdent('with "double" and space')).toBe('`with "double" and space`');
    const tokens = significant(tokenize(sqlIdent("My`Table")));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.kind).toBe("quoted");
    expect(tokens[0]!.value).toBe("My`Table");
  });
  it("rejects empty names", () => {
    expect(() => sqlIdent("")).toThrow();
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
        "FILE_FORMAT = (TYPE = CSV, FIELD_DELIMITER = ',', QUOTE = '\"', SKIP_HEADER = 1, COMPRESSION = AUTO)",
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
      "FILE_FORMAT = (TYPE = NDJSON, COMPRESSION = AUTO)",
    );
    expect(buildCopyInto(spec({ fileFormat: fileFormatSchema.parse({ type: "parquet" }) }))).toContain(
      "FILE_FORMAT = (TYPE = PARQUET)",
    );
    const csv = fileFormatSchema.parse({ type: "csv", header: false, delimiter: "\t", quote: "'", compression: "gzip" });
    expect(buildCopyInto(spec({ fileFormat: csv }))).toContain(
      "FILE_FORMAT = (TYPE = CSV, FIELD_DELIMITER = '\\t', QUOTE = '\\'', SKIP_HEADER = 0, COMPRESSION = GZIP)",
    );
  });

  it("keeps hostile keys and names inside their literals", () => {
    const keys = ["x'); DROP TABLE t; --", "dir/ä ö/日本/🚀.csv", "back\\slash.csv", "a+b c.csv"];
    const sql = buildCopyInto(spec({ files: keys, database: "d`b", table: "t'x", bucket: "my-bucket" }));
    const tokens = significant(tokenize(sql));
    const strings = tokens.filter((t) => t.kind === "string").map((t) => t.value);
    for (const key of keys) expect(strings).toContain(key);
    const idents = tokens.filter((t) => t.kind === "quoted").map((t) => t.value);
    expect(idents).toEqual(["d`b", "t'x"]);
  });

  it("refuses an empty batch", () => {
    expect(() => buildCopyInto(spec({ files: [] }))).toThrow();
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
