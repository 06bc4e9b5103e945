// One object read by Databend for the task wizard's preview: the first rows through the location
// table function with the task's own format options and the role session's keys (sql.ts,
// buildSampleRead), and the columns those rows have.
//
// Who types the columns. INFER_SCHEMA is Databend's schema inference, but it reads only a named
// stage: `INFER_SCHEMA(LOCATION => '{ internalStage | externalStage }', ...)` with no connection
// parameters (databend-docs, docs/en/sql-reference/20-sql-functions/17-table-functions/
// 01-infer-schema.md), so using it on a customer's bucket means storing the role's session keys in
// Databend's meta as a stage (CREATE STAGE ... CONNECTION = (...)) that anyone with access to the
// stage can read back. We do not. On the embedded engine (1.2.453) it is also Parquet-only
// (1006 "infer_schema is currently limited to format Parquet"), and `location => 's3://...'`
// ignores any connection: it signs for AWS's own endpoint (4000 "s3 endpoint_url
// https://s3.amazonaws.com is invalid or incomplete"), and `connection => (...)` is a syntax
// error (1005). So:
// - Parquet: Databend's own result schema for `SELECT *` over the file (what INFER_SCHEMA reads:
//   the file's footer), the same columns that guide's "Create Table from Inferred Schema" makes
//   with `CREATE TABLE ... AS SELECT * FROM @stage LIMIT 0`.
// - CSV and NDJSON: Databend reads every value (CSV fields as `VARCHAR NULL`, NDJSON rows as one
//   VARIANT each); the type of each column is inferred here from those values, by the rules
//   Databend's newer INFER_SCHEMA documents for text files: every column nullable, `column_<n>`
//   names without a header, and a column whose values disagree takes the widened type of
//   server/preview/column-types.ts (the one rule, also used across files).
import { PREVIEW_LIMITS, type JsonValue, type PreviewColumn, type PreviewSample } from "#contracts/preview.ts";
import type { FileFormat } from "#contracts/task.ts";
import { typeOfJsonValue, typeOfText, widenAll } from "../preview/column-types.ts";
import type { DatabendWarehouse } from "./client.ts";
import { buildSampleRead, secretsOf, type S3Connection } from "./sql.ts";

/** `Nullable(Int32)` (a driver field's dataType) as DESC writes it: `INT`, nullable. */
export function columnFromDatabendType(name: string, dataType: string): PreviewColumn {
  const nullable = /^Nullable\((.*)\)$/.exec(dataType.trim());
  const inner = (nullable ? nullable[1]! : dataType).trim();
  const simple: Record<string, string> = {
    Boolean: "BOOLEAN",
    Int8: "TINYINT",
    Int16: "SMALLINT",
    Int32: "INT",
    Int64: "BIGINT",
    UInt8: "TINYINT UNSIGNED",
    UInt16: "SMALLINT UNSIGNED",
    UInt32: "INT UNSIGNED",
    UInt64: "BIGINT UNSIGNED",
    Float32: "FLOAT",
    Float64: "DOUBLE",
    String: "VARCHAR",
    Binary: "BINARY",
    Date: "DATE",
    Timestamp: "TIMESTAMP",
    Variant: "VARIANT",
  };
  const decimal = /^Decimal\((\d+),\s*(\d+)\)$/.exec(inner);
  // Arrays, maps and tuples (nested Parquet) are kept whole in a VARIANT.
  const type = simple[inner] ?? (decimal ? `DECIMAL(${decimal[1]}, ${decimal[2]})` : "VARIANT");
  return { name, type, nullable: nullable !== null };
}

/** A column as one file shows it; `type` null when the file held no value in it (server/preview/column-types.ts). */
export interface FileColumn {
  name: string;
  type: string | null;
  nullable: boolean;
}

/** One object as Databend read it: its columns, every row read (unbounded: PREVIEW_LIMITS.typingRows at most), and what a load would refuse. */
export interface FileSample {
  key: string;
  columns: FileColumn[];
  rows: JsonValue[][];
  /** More CSV columns than were asked for. */
  cut: boolean;
  inferred_by: PreviewSample["inferred_by"];
  match_by: PreviewSample["match_by"];
  warnings: string[];
}

/** Names that are unique: a repeated one gets `_2`, `_3`, ...; an empty one `column_<n>`. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    const base = raw.trim() === "" ? `column_${i + 1}` : raw;
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}

/**
 * CSV rows as Databend read them ($1..$N, `VARCHAR NULL`, the header line first when the task says
 * there is one): the header's names or `column_<n>`, a type per column from its values, every
 * column nullable. A field past a line's end reads NULL, so the width is the longest line's.
 */
export function csvSample(raw: readonly (string | null)[][], header: boolean): { columns: FileColumn[]; rows: JsonValue[][]; cut: boolean } {
  const width = (row: readonly (string | null)[]) => {
    for (let i = row.length - 1; i >= 0; i--) if (row[i] !== null) return i + 1;
    return 0;
  };
  const head = header ? (raw[0] ?? []) : [];
  const body = header ? raw.slice(1) : raw;
  const n = Math.max(width(head), ...body.map(width), 0);
  const names = uniqueNames(Array.from({ length: n }, (_, i) => (header ? (head[i] ?? "") : `column_${i + 1}`)));
  const columns = names.map((name, i) => ({
    name,
    type: widenAll(body.map((row) => (row[i] === null || row[i] === undefined ? null : typeOfText(row[i])))),
    nullable: true,
  }));
  const cut = n >= PREVIEW_LIMITS.csvColumns;
  return { columns, rows: body.map((row) => Array.from({ length: n }, (_, i) => row[i] ?? null)), cut };
}

/** NDJSON rows as Databend read them (one VARIANT per line, as JSON text): a column per key, in first-seen order. */
export function ndjsonSample(raw: readonly unknown[]): { columns: FileColumn[]; rows: JsonValue[][]; warnings: string[] } {
  const objects = raw.map((value): Record<string, JsonValue> => {
    const parsed = typeof value === "string" ? (JSON.parse(value) as JsonValue) : ((value ?? null) as JsonValue);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : { value: parsed };
  });
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const object of objects) {
    for (const key of Object.keys(object)) {
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
    }
  }
  const columns = keys.map((name) => ({
    name,
    type: widenAll(objects.map((o) => typeOfJsonValue(o[name]))),
    nullable: true,
  }));
  // A COPY of NDJSON into a table with a column the line lacks fails the line: Databend's default
  // MISSING_FIELD_AS is ERROR (only FIELD_DEFAULT lets the JSON reader's SchemaMatcher allow a missing
  // field, src/query/storages/stage/src/read/row_based/formats/ndjson in databendlabs/databend;
  // 1.2.453 answers 1046 "Missing value for column 1 (gone String NULL) at file ..., line 2").
  // A null value is fine; a missing key is not.
  const warnings = keys.flatMap((key) => {
    const lines = objects.flatMap((o, i) => (key in o ? [] : [i + 1]));
    if (lines.length === 0) return [];
    return [
      `Key "${key}" is missing from line${lines.length > 1 ? "s" : ""} ${lines.join(", ")} of the sample: a COPY into a table with a ${key} column ` +
        "refuses such a line (Databend's NDJSON loads require every column's key; write null instead, or leave the column out of the table).",
    ];
  });
  return { columns, rows: objects.map((o) => keys.map((k) => o[k] ?? null)), warnings };
}

/** A driver value as JSON: big integers as numbers while exact (else text), times as ISO text, bytes as hex. */
export function jsonOf(value: unknown, type: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (typeof value === "string" && type === "VARIANT") {
    try {
      return JSON.parse(value) as JsonValue;
    } catch {
      return value;
    }
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => jsonOf(v, ""));
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonOf(v, "")]));
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonOf(v, "")]));
  return String(value);
}

/**
 * Rows within PREVIEW_LIMITS: a value whose text is longer than `valueChars` is cut to that many
 * characters (a nested one becomes its cut JSON text), and rows stop before their JSON passes `rowsChars`.
 */
export function boundRows(rows: readonly JsonValue[][]): { rows: JsonValue[][]; truncated: boolean } {
  let truncated = false;
  let total = 2;
  const out: JsonValue[][] = [];
  for (const row of rows) {
    const bounded = row.map((value) => {
      const text = typeof value === "string" ? value : value !== null && typeof value === "object" ? JSON.stringify(value) : undefined;
      if (text === undefined || text.length <= PREVIEW_LIMITS.valueChars) return value;
      truncated = true;
      return `${text.slice(0, PREVIEW_LIMITS.valueChars)}…`;
    });
    const size = JSON.stringify(bounded).length + 1;
    if (total + size > PREVIEW_LIMITS.rowsChars) {
      truncated = true;
      break;
    }
    total += size;
    out.push(bounded);
  }
  return { rows: out, truncated };
}

/**
 * Reads one object with the task's format and the session keys, as a COPY of the same task would:
 * up to PREVIEW_LIMITS.typingRows rows, and the columns they show (server/preview/across-files.ts
 * joins several of these into the preview's sample). Throws the driver's failure as a
 * WarehouseError scrubbed of the keys (DatabendWarehouse.read).
 */
export async function readSample(
  warehouse: DatabendWarehouse,
  spec: { bucket: string; key: string; connection: S3Connection; fileFormat: FileFormat },
): Promise<FileSample> {
  const rowsToRead = PREVIEW_LIMITS.typingRows;
  const { setup, query } = buildSampleRead({
    bucket: spec.bucket,
    key: spec.key,
    connection: spec.connection,
    fileFormat: spec.fileFormat,
    rows: spec.fileFormat.type === "csv" && spec.fileFormat.header ? rowsToRead + 1 : rowsToRead,
    csvColumns: PREVIEW_LIMITS.csvColumns,
  });
  if (setup) await warehouse.exec(setup);
  const { fields, rows } = await warehouse.read(query, secretsOf(spec.connection));
  let columns: FileColumn[];
  let values: JsonValue[][];
  let cut = false;
  let warnings: string[] = [];
  switch (spec.fileFormat.type) {
    case "csv": {
      const csv = csvSample(
        rows.map((row) => row.map((v) => (v === null || v === undefined ? null : String(v)))),
        spec.fileFormat.header,
      );
      ({ columns, rows: values, cut } = csv);
      break;
    }
    case "ndjson":
      ({ columns, rows: values, warnings } = ndjsonSample(rows.map((row) => row[0])));
      break;
    case "parquet": {
      const typed = fields.map((f) => columnFromDatabendType(f.name, f.dataType));
      columns = typed;
      values = rows.map((row) => row.map((v, i) => jsonOf(v, typed[i]?.type ?? "")));
      break;
    }
  }
  return {
    key: spec.key,
    columns,
    rows: values,
    cut,
    inferred_by: spec.fileFormat.type === "parquet" ? "databend" : "sample",
    match_by: spec.fileFormat.type === "csv" ? "position" : "name",
    warnings,
  };
}
