// Error classification with texts Databend produced. ENGINE holds what Databend's engine (PyPI
// `databend` 1.2.453, the engine the dev warehouse runs) answered to COPY statements, captured
// against the AWS sandbox's S3 (SECRET_ACCESS_KEY 'test') and a local directory:
//   c = databend.SessionContext(tenant='default'); c.sql("COPY INTO t FROM ... ON_ERROR = ABORT")
// `text` is the error's display text (what Databend's HTTP handler returns as `message`,
// src/query/service/src/servers/http/v1/http_query_handlers.rs); `driver()` frames it the way
// databend-driver 0.33.7 reports a failed query (bendsql core/src/error.rs).
import { describe, expect, it } from "vitest";
import { WarehouseError, toWarehouseError } from "./client.ts";
import { DATABEND_ERROR_CODES, classifyDatabendError, databendErrorCode, failingFile } from "./errors.ts";
import { UnsafeIdentifierError } from "./sql.ts";

const ENGINE = {
  syntax_raw_deflate: { code: 1005, name: "SyntaxException", text: "error: \n  --> SQL:1:104\n  |\n1 | COPY INTO t FROM 'fs:///tmp/dbplay/cap/' FILES = ('good.csv') FILE_FORMAT = (TYPE = CSV, COMPRESSION = RAW_DEFLATE)\n  | ----                                                                                                   ^^^^^^^^^^^ unexpected `RAW_DEFLATE`, expecting `RAWDEFLATE`, `DEFLATE`, `BROTLI`, `AUTO`, `NONE`, `ZSTD`, <QuotedString>, `GZIP`, `BZ2`, or `XZ`\n  | |                                                                                                       \n  | while parsing `COPY\n                INTO { [<database_name>.]<table_name> { ( <columns> ) } }\n                FROM { internalStage | externalStage | externalLocation | ( <query> ) }\n                [ FILE_FORMAT = ( { TYPE = { CSV | JSON | PARQUET | TSV } [ formatTypeOptions ] } ) ]\n                [ FILES = ( '<file_name>' [ , '<file_name>' ] [ , ... ] ) ]\n                [ PATTERN = '<regex_pattern>' ]\n                [ VALIDATION_MODE = RETURN_ROWS ]\n                [ copyOptions ]`\n\n" },
  unknown_table: { code: 1025, name: "UnknownTable", text: "Unknown table 'nosuch'" },
  unknown_database: { code: 1003, name: "UnknownDatabase", text: "Unknown database 'nodb'" },
  bad_csv_s3: { code: 1046, name: "BadBytes", text: "Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number\nat file 'incoming/bad.csv', line 1" },
  missing_s3: { code: 3001, name: "StorageNotFound", text: "NotFound (persistent) at stat, context: { uri: http://127.0.0.1:4799/databend-demo-bucket/incoming/gone%20100%25%3F%23%E6%97%A5%E6%9C%AC%2Bx%2Cy.csv, response: Parts { status: 404, version: HTTP/1.1, headers: {\"x-amz-request-id\": \"D50AE436284B8F3F\", \"x-amz-id-2\": \"Yo54efwRH3z7Aup4vIM8rQJXnRIj+2GEFySiQOvnmYsuvUn4Sf1Xsc6Hyly1JIdX\", \"date\": \"Sun, 29 Nov 2026 23:16:25 GMT\", \"connection\": \"keep-alive\", \"keep-alive\": \"timeout=5\"} }, service: s3, path: incoming/gone 100%?#日本+x,y.csv }" },
  denied_s3: { code: 3002, name: "StoragePermissionDenied", text: "PermissionDenied (persistent) at stat, context: { uri: http://127.0.0.1:4799/databend-demo-bucket/incoming/good.csv, response: Parts { status: 403, version: HTTP/1.1, headers: {\"content-type\": \"application/xml\", \"x-amz-request-id\": \"864951E3169AFE90\", \"x-amz-id-2\": \"vaikCez494Z9VF+P0Q+mvez7f1p94BH0GeuyaH3fFULR56CWvAPxHvQH2msZhflo\", \"date\": \"Sun, 29 Nov 2026 23:16:25 GMT\", \"connection\": \"keep-alive\", \"keep-alive\": \"timeout=5\"} }, service: s3, path: incoming/good.csv }" },
  unreachable_s3: { code: 4000, name: "StorageOther", text: "Unexpected (persistent) at stat, context: { url: http://127.0.0.1:1/databend-demo-bucket/incoming/good.csv, called: http_util::Client::send, service: s3, path: incoming/good.csv } => send http request, source: error sending request for url (http://127.0.0.1:1/databend-demo-bucket/incoming/good.csv): error trying to connect: tcp connect error: Connection refused (os error 111)" },
  not_a_file_s3: { code: 1006, name: "BadArguments", text: "incoming/dir/ is not a file" },
  bad_delimiter: { code: 1006, name: "BadArguments", text: "Invalid CSV option value: FIELD_DELIMITER is currently set to '||'. Expecting a single one-byte, non-alphanumeric character." },
  bad_compression: { code: 2508, name: "IllegalFileFormat", text: "Unknown file compression type, must one of { auto | gzip | bz2 | brotli | zstd | deflate | raw_deflate | lzo | snappy | xz | none }" },
  quote_in_path: { code: 1046, name: "BadBytes", text: "Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number\nat file 'it's bad.csv', line 2" },
  corrupt_gzip: { code: 1076, name: "InvalidCompressionData", text: "compression data invalid: Invalid gzip header" },
  corrupt_parquet: { code: 1001, name: "FromStdError", text: "Parquet error: Invalid Parquet file. Corrupt footer" },
  parquet_type: { code: 1006, name: "BadArguments", text: "invalid digit found in string while evaluating function `to_int32('a')`" },
  parquet_columns: { code: 1065, name: "SemanticError", text: "column id doesn't exist" },
} as const;

type Captured = (typeof ENGINE)[keyof typeof ENGINE];

function driver(e: Captured): string {
  return `APIError: QueryFailed: [${e.code}]${e.text} [v0.33.7]`;
}

/** Real databend-driver 0.33.7 texts: from the dev warehouse (Databend 1.2.453 behind its HTTP front). */
const DRIVER = {
  badCsv:
    "APIError: QueryFailed: [1046]Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number\nat file 'incoming/bad.csv', line 1.\n\n<Backtrace disabled by default. Please use RUST_BACKTRACE=1 to enable>. [v0.33.7]",
  unknownTable: "APIError: QueryFailed: [1025]Unknown table 'nosuch'. [v0.33.7]",
  missing:
    'APIError: QueryFailed: [3001]NotFound (persistent) at stat, context: { uri: http://127.0.0.1:4799/databend-demo-bucket/incoming/gone%20100%25%3F%23x.csv, response: Parts { status: 404, version: HTTP/1.1, headers: {"x-amz-request-id": "AEE60BFA21B4E828", "date": "Sun, 29 Nov 2026 23:20:56 GMT", "keep-alive": "timeout=5"} }, service: s3, path: incoming/gone 100%?#x.csv }. [v0.33.7]',
  refused:
    "APIError: [request_kind=login retry_times=2]: reqwest::Error: error sending request, source_chain=client error (Connect) -> tcp connect error -> Connection refused (os error 111) [v0.33.7]",
  authFailure:
    "APIError: [request_kind=login]: AuthFailure: [5100]wrong password or unknown user 'root' (the dev warehouse has only user root with an empty password) [v0.33.7]",
  loginUnknownDatabase: "APIError: [request_kind=login]: BadRequest:(400 Bad Request)[1003]Unknown database 'nosuchdb' [v0.33.7]",
};

describe("databendErrorCode", () => {
  it("reads the code from the driver's framing and from the engine's own", () => {
    expect(databendErrorCode(driver(ENGINE.unknown_table))).toBe(1025);
    expect(databendErrorCode(DRIVER.authFailure)).toBe(5100);
    expect(databendErrorCode(DRIVER.loginUnknownDatabase)).toBe(1003);
    expect(databendErrorCode("Error: UnknownTable. Code: 1025, Text = Unknown table 'nosuch'.")).toBe(1025);
    expect(databendErrorCode(DRIVER.refused)).toBeUndefined();
  });

  it("does not take a bracketed number in the text for the code", () => {
    const text = "APIError: QueryFailed: [1046]Invalid value\nat file 'in/[1025].csv', line 1 [v0.33.7]";
    expect(databendErrorCode(text)).toBe(1046);
    expect(databendErrorCode("reqwest::Error: error sending request for url (http://h/[1025])")).toBeUndefined();
  });
});

describe("classifyDatabendError by code, on real engine texts", () => {
  const cases: [keyof typeof ENGINE, string, string | undefined][] = [
    ["syntax_raw_deflate", "configuration", undefined],
    ["unknown_table", "configuration", undefined],
    ["unknown_database", "configuration", undefined],
    ["bad_delimiter", "configuration", undefined],
    ["bad_compression", "configuration", undefined],
    ["unreachable_s3", "transient", undefined],
    ["bad_csv_s3", "file", "incoming/bad.csv"],
    ["quote_in_path", "file", "it's bad.csv"],
    ["missing_s3", "file", "incoming/gone 100%?#日本+x,y.csv"],
    ["not_a_file_s3", "file", undefined],
    ["corrupt_gzip", "file", undefined],
    ["corrupt_parquet", "file", undefined],
    ["parquet_type", "file", undefined],
    ["parquet_columns", "file", undefined],
    ["denied_s3", "access", "incoming/good.csv"],
  ];
  for (const [label, errorClass, file] of cases) {
    it(`${label} (${ENGINE[label].code} ${ENGINE[label].name}) is ${errorClass}${file ? `, file ${file}` : ""}`, () => {
      const c = classifyDatabendError(driver(ENGINE[label]));
      expect(c.errorClass).toBe(errorClass);
      expect(c.code).toBe(ENGINE[label].code);
      expect(c.file).toBe(file);
      expect(c.detail).toBe(driver(ENGINE[label]));
      // The engine's own rendering classifies the same.
      const engineText = `Error: ${ENGINE[label].name}. Code: ${ENGINE[label].code}, Text = ${ENGINE[label].text}.`;
      expect(classifyDatabendError(engineText).errorClass).toBe(errorClass);
    });
  }

  it("reads the dev warehouse's driver texts the same way (trailing '.', backtrace notice)", () => {
    expect(classifyDatabendError(DRIVER.badCsv)).toMatchObject({ errorClass: "file", code: 1046, file: "incoming/bad.csv" });
    expect(classifyDatabendError(DRIVER.badCsv).sentence).toBe(
      "File 'incoming/bad.csv' (line 1) cannot be loaded (1046 BadBytes): Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number. Fix or replace the object; the other files are loaded.",
    );
    expect(classifyDatabendError(DRIVER.unknownTable).sentence).toMatch(/^The target table does not exist in Databend \(1025 UnknownTable\): Unknown table 'nosuch'\. Create/);
    expect(classifyDatabendError(DRIVER.missing, { bucket: "databend-demo-bucket" })).toMatchObject({
      errorClass: "file",
      code: 3001,
      file: "incoming/gone 100%?#x.csv",
    });
  });

  it("classifies driver failures without a code: unreachable is transient, a refused login is configuration", () => {
    expect(classifyDatabendError(DRIVER.refused)).toMatchObject({ errorClass: "transient", code: undefined });
    expect(classifyDatabendError(DRIVER.authFailure)).toMatchObject({ errorClass: "configuration", code: 5100 });
    expect(classifyDatabendError(DRIVER.loginUnknownDatabase)).toMatchObject({ errorClass: "configuration", code: 1003 });
    for (const text of [
      "APIError: [request_kind=query/start]: ResponseError: (503 Service Unavailable)no healthy upstream [v0.33.7]",
      "APIError: [request_kind=query/page]: QueryNotFound: query id not found [v0.33.7]",
      "APIError: reqwest::Error: error sending request, source_chain=operation timed out [v0.33.7]",
    ]) {
      expect(classifyDatabendError(text).errorClass, text).toBe("transient");
    }
    expect(classifyDatabendError("APIError: BadArgument: Invalid DSN: relative URL without a base [v0.33.7]").errorClass).toBe(
      "configuration",
    );
  });

  it("classifies codes that cannot be provoked on the embedded engine from the code alone", () => {
    const byCode = (code: number, text = "x") => classifyDatabendError(`APIError: QueryFailed: [${code}]${text} [v0.33.7]`).errorClass;
    expect(byCode(1063, "Permission denied: privilege [Insert] is required on 'default'.'default'.'t' for user 'u'@'%'")).toBe(
      "configuration",
    );
    expect(byCode(3903, "copy from insecure storage is not allowed")).toBe("configuration");
    expect(byCode(1051)).toBe("configuration");
    for (const code of [2009, 2011, 2014, 2015, 4001, 3901, 1122, 1043]) expect(byCode(code), String(code)).toBe("transient");
    for (const code of [1046, 1058, 1076, 1201, 1303]) expect(byCode(code), String(code)).toBe("file");
    expect(byCode(3002)).toBe("access");
    // A code the table does not know isolates files rather than fail the task or stall the batch.
    expect(byCode(1999)).toBe("file");
  });

  it("names every code it lists with Databend's name", () => {
    expect(DATABEND_ERROR_CODES[1025]).toEqual({ name: "UnknownTable", errorClass: "configuration" });
    expect(DATABEND_ERROR_CODES[2014]).toEqual({ name: "DuplicatedUpsertFiles", errorClass: "transient" });
    expect(DATABEND_ERROR_CODES[3001]).toEqual({ name: "StorageNotFound", errorClass: "file" });
    expect(DATABEND_ERROR_CODES[3002]).toEqual({ name: "StoragePermissionDenied", errorClass: "access" });
  });
});

describe("operator sentences", () => {
  it("say what happened and what to do, with Databend's reason, never its framing", () => {
    expect(classifyDatabendError(driver(ENGINE.unknown_table)).sentence).toBe(
      "The target table does not exist in Databend (1025 UnknownTable): Unknown table 'nosuch'. Create it or edit the task's target table, then start the task again.",
    );
    expect(classifyDatabendError(driver(ENGINE.unknown_database)).sentence).toMatch(
      /^The target database does not exist in Databend \(1003 UnknownDatabase\): Unknown database 'nodb'\. Create it/,
    );
    expect(classifyDatabendError(driver(ENGINE.syntax_raw_deflate)).sentence).toMatch(
      /^Databend could not parse the load statement \(1005 SyntaxException\): unexpected `RAW_DEFLATE`, expecting `RAWDEFLATE`/,
    );
    expect(classifyDatabendError(driver(ENGINE.bad_delimiter)).sentence).toMatch(
      /^Databend refused the task's file format \(1006 BadArguments\): Invalid CSV option value: FIELD_DELIMITER .*Edit the task's file format/,
    );
    expect(classifyDatabendError(driver(ENGINE.bad_csv_s3)).sentence).toBe(
      "File 'incoming/bad.csv' (line 1) cannot be loaded (1046 BadBytes): Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number. Fix or replace the object; the other files are loaded.",
    );
    expect(classifyDatabendError(driver(ENGINE.missing_s3)).sentence).toBe(
      "Object 'incoming/gone 100%?#日本+x,y.csv' is not in the bucket any more (3001 StorageNotFound); there is nothing to load.",
    );
    expect(classifyDatabendError("APIError: QueryFailed: [1076]compression data invalid: unexpected end of file [v0.33.7]").sentence).toMatch(
      /\(1076 InvalidCompressionData\): compression data invalid: unexpected end of file\. /,
    );
    expect(classifyDatabendError(driver(ENGINE.corrupt_parquet)).sentence).toMatch(
      /^The load failed on a file Databend does not name \(1001 Internal\): Parquet error: Invalid Parquet file\. Corrupt footer\. Files are loaded in smaller groups/,
    );
    expect(classifyDatabendError(driver(ENGINE.denied_s3)).sentence).toMatch(
      /^S3 refused Databend access to 'incoming\/good\.csv' \(3002 StoragePermissionDenied\)\. Check that the role allows s3:GetObject/,
    );
    expect(classifyDatabendError(driver(ENGINE.unreachable_s3)).sentence).toBe(
      "Databend could not read from S3 this time (4000 StorageOther): Unexpected (persistent) at stat => send http request, source: error sending request for url (http://127.0.0.1:1/databend-demo-bucket/incoming/good.csv): error trying to connect: tcp connect error: Connection refused (os error 111). The batch stays in the queue and is retried.",
    );
    expect(classifyDatabendError(DRIVER.refused).sentence).toBe(
      "Databend is unavailable: connection refused. The batch stays in the queue and is retried.",
    );
    expect(classifyDatabendError(DRIVER.authFailure).sentence).toMatch(/Correct the user and password of the task's warehouse on Organization → Warehouses/);
    // At login, a refusal is about DATABEND_DSN, not the task's target.
    expect(classifyDatabendError(DRIVER.loginUnknownDatabase, { during: "connect" }).sentence).toBe(
      "Databend refused the worker's connection (1003 UnknownDatabase): Unknown database 'nosuchdb'. Correct the task's warehouse (user, password, database) on Organization → Warehouses, then start the task again.",
    );
    expect(classifyDatabendError(DRIVER.refused, { during: "connect" }).sentence).toMatch(/^Databend is unavailable/);
  });

  it("keep secrets out of the sentence and the detail", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const raw = `APIError: QueryFailed: [1005]error:\n  --> SQL:3:1\n  |\n3 | CONNECTION = (SECRET_ACCESS_KEY = '${secret}', SESSION_TOKEN = 'tok') FILEZ\n  |                                                                        ^^^^^ unexpected \`FILEZ\` [v0.33.7]`;
    const c = classifyDatabendError(raw, { secrets: [secret] });
    expect(c.detail).not.toContain(secret);
    expect(c.detail).not.toContain("'tok'");
    expect(c.sentence).not.toContain(secret);
    expect(c.sentence).toMatch(/unexpected `FILEZ`/);
  });
});

describe("failingFile", () => {
  it("reads `at file '<path>'`, quotes in the path included", () => {
    expect(failingFile(ENGINE.bad_csv_s3.text)).toBe("incoming/bad.csv");
    expect(failingFile(ENGINE.quote_in_path.text)).toBe("it's bad.csv");
    expect(failingFile("Invalid value\nat file '/in/x.csv', line 3")).toBe("in/x.csv");
  });

  it("reads a storage error's uri, percent-decoded, path-style or virtual-host style", () => {
    expect(failingFile(ENGINE.missing_s3.text)).toBe("incoming/gone 100%?#日本+x,y.csv");
    expect(failingFile(ENGINE.missing_s3.text, "databend-demo-bucket")).toBe("incoming/gone 100%?#日本+x,y.csv");
    expect(failingFile(ENGINE.denied_s3.text, "databend-demo-bucket")).toBe("incoming/good.csv");
    expect(failingFile("NotFound (persistent) at stat, context: { uri: https://my-bucket.s3.us-east-1.amazonaws.com/in/a%20b.csv, response: Parts { status: 404 } }", "my-bucket")).toBe(
      "in/a b.csv",
    );
    expect(failingFile("NotFound (persistent) at stat, context: { uri: https://s3.amazonaws.com/my-bucket/in/a.csv, response: x }", "my-bucket")).toBe("in/a.csv");
  });

  it("falls back to the context's path when there is no uri, and is undefined when nothing names a file", () => {
    const fs = "NotFound (persistent) at blocking_stat, context: { service: fs, path: missing.csv } => entity not found";
    expect(failingFile(fs)).toBe("missing.csv");
    expect(failingFile(ENGINE.corrupt_gzip.text)).toBeUndefined();
    expect(failingFile(ENGINE.unknown_table.text)).toBeUndefined();
  });
});

describe("toWarehouseError (the worker's entry point)", () => {
  it("classifies the driver's text by Databend's code, and a refused connection as transient", () => {
    const classOf = (e: Captured) => toWarehouseError(new Error(driver(e))).errorClass;
    expect(classOf(ENGINE.unknown_table)).toBe("configuration");
    expect(classOf(ENGINE.syntax_raw_deflate)).toBe("configuration");
    expect(classOf(ENGINE.unknown_database)).toBe("configuration");
    expect(classOf(ENGINE.unreachable_s3)).toBe("transient");
    expect(classOf(ENGINE.bad_csv_s3)).toBe("file");
    expect(classOf(ENGINE.missing_s3)).toBe("file");
    expect(classOf(ENGINE.denied_s3)).toBe("access");
    expect(toWarehouseError(new Error(DRIVER.refused)).errorClass).toBe("transient");
  });

  it("keeps message as the driver's text on one line, and adds the sentence, class, code, detail and file", () => {
    const e = toWarehouseError(new Error(driver(ENGINE.missing_s3)), [], "databend-demo-bucket");
    expect(e).toBeInstanceOf(WarehouseError);
    expect(e).toMatchObject({
      errorClass: "file",
      code: 3001,
      codeName: "StorageNotFound",
      file: "incoming/gone 100%?#日本+x,y.csv",
      detail: driver(ENGINE.missing_s3),
    });
    expect(e.sentence).toMatch(/^Object 'incoming\/gone 100%\?#日本\+x,y\.csv' is not in the bucket any more/);
    expect(e.message).toBe(driver(ENGINE.missing_s3).replace(/\s+/g, " "));
    const csv = toWarehouseError(new Error(DRIVER.badCsv));
    expect(csv.message).toBe(
      "APIError: QueryFailed: [1046]Invalid value 'x' for column 0 (id Int32 NULL): invalid text for number at file 'incoming/bad.csv', line 1. <Backtrace disabled by default. Please use RUST_BACKTRACE=1 to enable>. [v0.33.7]",
    );
    expect(csv.detail).toBe(DRIVER.badCsv);
  });

  it("passes a WarehouseError through and turns an unquotable name into a configuration error", () => {
    const own = new WarehouseError("access", "Cannot assume the data source's role: AccessDenied");
    expect(toWarehouseError(own)).toBe(own);
    expect(own).toMatchObject({ errorClass: "access", detail: own.message, sentence: own.message, code: undefined });
    const ident = toWarehouseError(new UnsafeIdentifierError('Databend cannot quote a name containing a backtick: "t`x"'));
    expect(ident).toMatchObject({ errorClass: "configuration" });
    expect(ident.sentence).toMatch(/^The task's target cannot be written in SQL: .*backtick.*Edit the task's target/);
    expect(ident.message).toMatch(/^Databend cannot quote a name containing a backtick/);
  });
});

/** Driver text with a real engine backtrace (RUST_BACKTRACE=1 on the server). */
const WITH_BACKTRACE =
  "APIError: QueryFailed: [1025]Unknown table 'nosuch'.\n\n" +
  "   0: databend_common_exception::exception_code::<impl databend_common_exception::exception::ErrorCode>::UnknownTable\n" +
  "             at /workspace/src/common/exception/src/exception_code.rs:36:66\n" +
  "   1: databend_query::sessions::query_ctx::QueryContext::get_table::{{closure}}\n" +
  "             at /workspace/src/query/service/src/sessions/query_ctx.rs:812:9 [v0.33.7]";

/** What must never reach an operator-facing field: the driver's framing, its version, a backtrace. */
function expectOperatorText(text: string, label = text): void {
  expect(text, label).not.toMatch(/APIError|QueryFailed|AuthFailure|BadRequest:|\[v0\.|Backtrace|request_kind|reqwest::/);
  expect(text, label).not.toMatch(/^\s*\d+: \S+::/m); // a backtrace frame
  expect(text, label).not.toMatch(/\.rs:\d+/); // a backtrace location
  expect(text.trim(), label).not.toBe("");
}

describe("operator sentence vs detail", () => {
  const samples: [string, string][] = [
    ...Object.entries(ENGINE).map(([label, e]): [string, string] => [label, driver(e)]),
    ...Object.entries(DRIVER),
    ["backtrace", WITH_BACKTRACE],
    ["503", "APIError: [request_kind=query/start]: ResponseError: (503 Service Unavailable)no healthy upstream [v0.33.7]"],
    ["lost query", "APIError: [request_kind=query/page]: QueryNotFound: query id not found [v0.33.7]"],
    ["timeout", "APIError: reqwest::Error: error sending request, source_chain=operation timed out [v0.33.7]"],
    ["bad dsn", "APIError: BadArgument: Invalid DSN: relative URL without a base [v0.33.7]"],
  ];

  it("the sentence never carries the driver's framing, version or a backtrace; the detail keeps the text", () => {
    for (const [label, raw] of samples) {
      for (const during of ["statement", "connect"] as const) {
        const c = classifyDatabendError(raw, { during, bucket: "databend-demo-bucket" });
        expectOperatorText(c.sentence, `${label} (${during}): ${c.sentence}`);
        expect(c.detail, label).toBe(raw.trim());
      }
      const e = toWarehouseError(new Error(raw));
      expectOperatorText(e.sentence, label);
      expect(e.detail, label).toBe(raw.trim());
    }
  });

  it("says in words why Databend did not answer", () => {
    const sentence = (raw: string) => classifyDatabendError(raw).sentence;
    expect(sentence(WITH_BACKTRACE)).toBe(
      "The target table does not exist in Databend (1025 UnknownTable): Unknown table 'nosuch'. Create it or edit the task's target table, then start the task again.",
    );
    expect(sentence(samples.find(([l]) => l === "503")![1])).toMatch(/^Databend is unavailable: it answered HTTP 503\. /);
    expect(sentence(samples.find(([l]) => l === "lost query")![1])).toMatch(/^Databend is unavailable: it lost the query/);
    expect(sentence(samples.find(([l]) => l === "timeout")![1])).toMatch(/^Databend is unavailable: no answer in time\. /);
    expect(sentence(samples.find(([l]) => l === "bad dsn")![1])).toBe(
      "The worker cannot run the load: Invalid DSN: relative URL without a base. Correct the task or its warehouse (Organization → Warehouses), then start the task again.",
    );
  });
});

