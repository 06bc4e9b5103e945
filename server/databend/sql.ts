// The one place that writes SQL for Databend: every value is escaped and every identifier quoted
// here, so nothing a user or an S3 key carries can change a statement's meaning.
import { createHash } from "node:crypto";
import type { Compression, FileFormat, OnError } from "#contracts/task.ts";

/**
 * A Databend string literal. Databend unescapes backslash sequences inside '...' (as MySQL does;
 * `unescape_string` in src/query/ast/src/parser/unescape.rs: \b \f \n \r \t \' \" \\ \xHH
 * \uHHHH and octal), so the backslash is escaped first, then the quote, then control characters,
 * which keeps the literal on one line. tests/worker-copy-sql.test.ts reads every literal back
 * through Databend.
 */
export function sqlString(value: string): string {
  let out = "'";
  for (const ch of value) {
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\b":
        out += "\\b";
        break;
      case "\f":
        out += "\\f";
        break;
      default: {
        const code = ch.codePointAt(0)!;
        out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
      }
    }
  }
  return out + "'";
}

/** A name `sqlIdent` cannot write: the task contract refuses these before they get here. */
export class UnsafeIdentifierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeIdentifierError";
  }
}

/**
 * A quoted Databend identifier; case is kept as written. Databend's lexer reads a quoted
 * identifier as `` `[^`]*` `` (src/query/ast/src/parser/token.rs, `QuotedString`, v1.2.453):
 * nothing inside escapes a backtick, and on the engine `` `a``b` `` is a syntax error (1005), not a
 * doubled backtick. So a name with a backtick cannot be written at all and is refused.
 */
export function sqlIdent(name: string): string {
  if (name.length === 0) throw new UnsafeIdentifierError("An identifier cannot be empty");
  if (name.includes("\0")) throw new UnsafeIdentifierError("An identifier cannot contain a NUL character");
  if (name.includes("`")) {
    throw new UnsafeIdentifierError(`Databend cannot quote a name containing a backtick: ${JSON.stringify(name)}`);
  }
  return "`" + name + "`";
}

export function qualifiedTable(database: string, table: string): string {
  return `${sqlIdent(database)}.${sqlIdent(table)}`;
}

/** S3 access for one statement. Session credentials: never log the statement that carries them. */
export interface S3Connection {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** Only when an endpoint override is configured (a sandbox, an S3-compatible store). */
  endpointUrl?: string | undefined;
}

export interface CopyIntoSpec {
  database: string;
  table: string;
  bucket: string;
  /** Object keys relative to the bucket root, exactly as stored in S3 (already URL-decoded). */
  files: readonly string[];
  connection: S3Connection;
  fileFormat: FileFormat;
  onError: OnError;
  purge: boolean;
  /** Load even when Databend's load metadata knows the path (an overwritten object). */
  force?: boolean;
  /** Databend refuses a second statement with this label, so a retried FORCE load cannot load twice. */
  deduplicateLabel?: string | undefined;
  /** `load_file_metadata_expire_hours` for the metadata this statement writes. */
  metadataExpireHours?: number;
}

/**
 * COMPRESSION as a string literal: Databend's grammar takes `AUTO | NONE | GZIP | BZ2 | BROTLI |
 * ZSTD | DEFLATE | RAWDEFLATE | XZ` or a quoted string (src/query/ast/src/parser/stage.rs), so the
 * bare `RAW_DEFLATE` is a syntax error (1005) while `'RAW_DEFLATE'` is read by
 * `StageFileCompression::from_str` (src/meta/app/src/principal/user_stage.rs), which knows every
 * name in COMPRESSIONS, in any case.
 */
function compressionOption(compression: Compression): string {
  return `COMPRESSION = ${sqlString(compression.toUpperCase())}`;
}

/** The task's file format as Databend's options, one `NAME = value` each: the one definition of them. */
export function fileFormatOptions(format: FileFormat): string[] {
  switch (format.type) {
    case "csv":
      return [
        "TYPE = CSV",
        `FIELD_DELIMITER = ${sqlString(format.delimiter)}`,
        `QUOTE = ${sqlString(format.quote)}`,
        `SKIP_HEADER = ${format.header ? 1 : 0}`,
        compressionOption(format.compression),
      ];
    case "ndjson":
      return ["TYPE = NDJSON", compressionOption(format.compression)];
    case "parquet":
      return ["TYPE = PARQUET"];
  }
}

export function fileFormatClause(format: FileFormat): string {
  return fileFormatOptions(format).join(", ");
}

/** The S3 CONNECTION as Databend's options, one `NAME = value` each. */
export function connectionOptions(connection: S3Connection): string[] {
  const parts = [
    `REGION = ${sqlString(connection.region)}`,
    `ACCESS_KEY_ID = ${sqlString(connection.accessKeyId)}`,
    `SECRET_ACCESS_KEY = ${sqlString(connection.secretAccessKey)}`,
  ];
  if (connection.sessionToken) parts.push(`SESSION_TOKEN = ${sqlString(connection.sessionToken)}`);
  if (connection.endpointUrl) parts.push(`ENDPOINT_URL = ${sqlString(connection.endpointUrl)}`);
  return parts;
}

export function connectionClause(connection: S3Connection): string {
  return connectionOptions(connection).join(", ");
}

/** Partitions whose S3 endpoints do not follow the global `s3.<region>.amazonaws.com` pattern. */
export function regionalS3Endpoint(region: string): string | undefined {
  if (region.startsWith("cn-")) return `https://s3.${region}.amazonaws.com.cn`;
  return undefined;
}

/**
 * The CONNECTION for a role session's keys: the bucket's Region (the data source's), and the
 * endpoint override (sandbox, S3-compatible store) or the partition's own endpoint. The worker's
 * COPY and the API's preview build it alike.
 */
export function s3ConnectionOf(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined },
  region: string,
  endpointOverride: string | undefined,
): S3Connection {
  return {
    region,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    endpointUrl: endpointOverride ?? regionalS3Endpoint(region),
  };
}

/**
 * One COPY INTO for a batch of objects in one bucket. Without FORCE, Databend skips files its
 * load metadata says this table already loaded, which is what makes a redelivered batch harmless.
 */
export function buildCopyInto(spec: CopyIntoSpec): string {
  if (spec.files.length === 0) throw new Error("COPY INTO needs at least one file");
  const files = spec.files.map((key) => sqlString(key)).join(", ");
  const lines = [
    `COPY ${statementHints(spec)}INTO ${qualifiedTable(spec.database, spec.table)}`,
    `FROM ${sqlString(`s3://${spec.bucket}/`)}`,
    `CONNECTION = (${connectionClause(spec.connection)})`,
    `FILES = (${files})`,
    `FILE_FORMAT = (${fileFormatClause(spec.fileFormat)})`,
  ];
  if (spec.purge) lines.push("PURGE = TRUE");
  if (spec.force) lines.push("FORCE = TRUE");
  lines.push(`ON_ERROR = ${spec.onError === "continue" ? "CONTINUE" : "ABORT"}`);
  return lines.join("\n");
}

/** Values that must never leave the process in a log line, an error or run history. */
export function secretsOf(connection: S3Connection): string[] {
  return [connection.secretAccessKey, connection.sessionToken ?? "", connection.accessKeyId].filter(
    (value) => value.length >= 4,
  );
}

/**
 * Per-statement settings as a SET_VAR hint (Databend: "Query Hints", `/*+ SET_VAR(name=value) *\/`
 * right after the statement keyword), so they hold for this statement alone on any connection.
 */
function statementHints(spec: Pick<CopyIntoSpec, "deduplicateLabel" | "metadataExpireHours">): string {
  const hints: string[] = [];
  if (spec.metadataExpireHours !== undefined) {
    if (!Number.isInteger(spec.metadataExpireHours) || spec.metadataExpireHours < 1) throw new Error("metadataExpireHours must be a positive whole number");
    hints.push(`SET_VAR(load_file_metadata_expire_hours=${spec.metadataExpireHours})`);
  }
  if (spec.deduplicateLabel !== undefined) {
    if (!/^[A-Za-z0-9:_-]{1,200}$/.test(spec.deduplicateLabel)) throw new Error("a deduplicate label is letters, digits, ':', '_' and '-'");
    hints.push(`SET_VAR(deduplicate_label=${sqlString(spec.deduplicateLabel)})`);
  }
  return hints.length > 0 ? `/*+ ${hints.join(" ")} */ ` : "";
}

export interface CountRowsSpec {
  bucket: string;
  key: string;
  connection: S3Connection;
  fileFormat: FileFormat;
  /** Name of the named file format a CSV count needs (Databend reads staged CSV only through one). */
  formatName: string;
}

/** `CREATE FILE FORMAT IF NOT EXISTS <name> <options>`: a named format holding the task's options. */
export function createFileFormat(name: string, format: FileFormat): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new Error("a file format name is letters, digits and '_'");
  return `CREATE FILE FORMAT IF NOT EXISTS ${name} ${fileFormatOptions(format).join(" ")}`;
}

/** A name for a named file format with exactly these options (the same options, the same name). */
export function fileFormatName(format: FileFormat): string {
  return `sqs_s3_format_${createHash("sha1").update(JSON.stringify(format)).digest("hex").slice(0, 16)}`;
}

/**
 * One object as a location table function: `'s3://bucket/' (CONNECTION => (...), FILE_FORMAT =>
 * '<name>', FILES => ('<key>'))`. Databend's "Querying & Transforming" guide (databend-docs,
 * docs/en/guides/40-load-data/04-transform/index.md) gives the parameters; FILE_FORMAT there is a
 * name (`'CSV | TSV | NDJSON | PARQUET | ... | <custom_format_name>'`), not inline options: on
 * 1.2.453 `FILE_FORMAT => (TYPE = CSV ...)` is a syntax error (1005, "expecting <QuotedString>").
 */
export function locationOf(spec: { bucket: string; key: string; connection: S3Connection; formatName: string }): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(spec.formatName)) throw new Error("a file format name is letters, digits and '_'");
  const connection = connectionOptions(spec.connection).join(" ");
  return `${sqlString(`s3://${spec.bucket}/`)} (CONNECTION => (${connection}), FILE_FORMAT => ${sqlString(spec.formatName)}, FILES => (${sqlString(spec.key)}))`;
}

/**
 * The rows Databend reads from one file with the task's format: a `SELECT COUNT($1)` over the
 * file as a location. Databend queries staged files only with a named file format (not inline
 * options), so CSV first gets one, created once per distinct format; NDJSON and Parquet use the
 * built-in names. Used after a crash, for a file whose COPY committed but was never recorded.
 */
export function buildCountRows(spec: CountRowsSpec): { setup: string | undefined; query: string } {
  const format = spec.fileFormat.type === "csv" ? spec.formatName : spec.fileFormat.type.toUpperCase();
  const setup = spec.fileFormat.type === "csv" ? createFileFormat(spec.formatName, spec.fileFormat) : undefined;
  const query = `SELECT COUNT($1) AS n FROM ${locationOf({ bucket: spec.bucket, key: spec.key, connection: spec.connection, formatName: format })}`;
  return { setup, query };
}

/**
 * The first rows of one object as Databend reads them for a preview, with the task's options in a
 * named format (`setup`). How a location's columns are selected depends on the format (the same
 * guide, "Query File Data"): CSV by position only (`$1, $2, ...`, each `VARCHAR NULL`; on 1.2.453
 * `SELECT *` answers 1065 "Query from CSV file lacks column positions"), NDJSON as one VARIANT per
 * row (`$1`; on 1.2.453 `SELECT *` answers 1065 "select * from file only support Parquet format"),
 * Parquet by name (`*`, typed by the file's schema). A CSV is read with SKIP_HEADER = 0, so its
 * header line comes back as the first row; `$k` past a line's last field reads NULL.
 */
export function buildSampleRead(spec: {
  bucket: string;
  key: string;
  connection: S3Connection;
  fileFormat: FileFormat;
  rows: number;
  csvColumns: number;
}): { setup: string | undefined; query: string } {
  if (!Number.isInteger(spec.rows) || spec.rows < 1) throw new Error("rows must be a positive whole number");
  const read = spec.fileFormat.type === "csv" ? { ...spec.fileFormat, header: false } : spec.fileFormat;
  const named = read.type !== "parquet";
  const formatName = named ? fileFormatName(read) : "PARQUET";
  const from = locationOf({ bucket: spec.bucket, key: spec.key, connection: spec.connection, formatName });
  let select: string;
  if (read.type === "csv") {
    if (!Number.isInteger(spec.csvColumns) || spec.csvColumns < 1) throw new Error("csvColumns must be a positive whole number");
    select = Array.from({ length: spec.csvColumns }, (_, i) => `$${i + 1}`).join(", ");
  } else {
    select = read.type === "ndjson" ? "$1" : "*";
  }
  return { setup: named ? createFileFormat(formatName, read) : undefined, query: `SELECT ${select} FROM ${from} LIMIT ${spec.rows}` };
}

/** `CREATE TABLE <db>.<table> (<col> <type> [NOT] NULL, ...)`; types must already be whitelisted (contracts/warehouse.ts). */
export function buildCreateTable(spec: { database: string; table: string; columns: readonly { name: string; type: string; nullable: boolean }[] }): string {
  if (spec.columns.length === 0) throw new Error("a table needs at least one column");
  const columns = spec.columns.map((c) => {
    if (!/^[A-Z][A-Z ]*(\(\d{1,2}, \d{1,2}\))?$/.test(c.type)) throw new Error(`not a column type: ${c.type}`);
    return `${sqlIdent(c.name)} ${c.type} ${c.nullable ? "NULL" : "NOT NULL"}`;
  });
  return `CREATE TABLE ${qualifiedTable(spec.database, spec.table)} (${columns.join(", ")})`;
}

/**
 * DROP TABLE without IF EXISTS (a table gone meanwhile is Databend's 1025 and says so) and without
 * ALL: Databend keeps a dropped table restorable with UNDROP TABLE for its retention period
 * (databend-docs, sql-reference "UNDROP TABLE": 24 hours by default). Only for a table this
 * process has just created (see server/api/routes/task-new-table.ts).
 */
export function buildDropTable(spec: { database: string; table: string }): string {
  return `DROP TABLE ${qualifiedTable(spec.database, spec.table)}`;
}
