// What type a preview proposes for a column: each value's own type, then one widening rule that
// joins two types into one that takes the values of both. The same rule joins the values of one
// file (server/databend/preview.ts) and the columns of several files (across-files.ts), so a
// column typed from five files follows exactly the rules of a column typed from one.
//
// A type is written as DESC writes it (contracts/warehouse.ts); `null` means "no value seen" (the
// column held only NULLs, or a file lacked it): it says nothing, so it widens to the other side.
//
// Why each join is one Databend's COPY INTO accepts for the file formats the preview reads:
// - CSV: every field is text, cast to the column's type as it is read. BIGINT and DOUBLE join as
//   DOUBLE (a text "1" is a valid DOUBLE; "10.5" into a BIGINT column is stored as 11 without a
//   word by 1.2.453 and 1.2.895 alike, tests/task-preview.test.ts); DATE and TIMESTAMP as TIMESTAMP
//   (a date's text is a valid timestamp, midnight; "2024-01-02 03:04:05" into DATE loses the time on 1.2.895);
//   anything else as VARCHAR, which takes any text.
// - NDJSON: Databend's JSON field decoder reads a JSON number into a float column
//   (`read_float`, `Value::Number(v) => v.as_f64()`), and a JSON number or boolean into a string
//   column as its text (`read_string`; databendlabs/databend
//   src/query/formats/src/field_decoder/json_ast.rs, since #15308 "NDJSON copy into allow cast bool
//   and number to string", April 2024, before 1.2.453). It refuses an object or an array into a
//   string ("Incorrect json value, must be string"), so a column where any file holds one is VARIANT,
//   which keeps any JSON value.
// - Parquet: the columns are typed by Databend from each file's own schema (columnFromDatabendType);
//   integers join as the wider integer, any two numbers as DOUBLE (an INT32 file and a DOUBLE file
//   each load into a DOUBLE column on both engines), other pairs as VARCHAR or VARIANT as for text
//   (not proven on the engine). One COPY of Parquet files whose types differ is refused whatever
//   the table, so the preview also warns about it (across-files.ts).

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
// Databend's CSV reader takes only these two spellings for a BOOLEAN column (1.2.453: "Incorrect
// boolean value, expect true or false" for FALSE), so only they make a column BOOLEAN.
const BOOLEAN = /^(true|false)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const INT64_MAX = 2n ** 63n - 1n;

function fitsInt64(text: string): boolean {
  const n = BigInt(text.replace(/^\+/, ""));
  return n <= INT64_MAX && n >= -INT64_MAX - 1n;
}

/**
 * One text value's type: a CSV field (`numbers`), or an NDJSON string (not `numbers`: a JSON
 * string "1" stays text, as the file wrote it). An integer past BIGINT is VARCHAR: a DOUBLE would
 * round it.
 */
export function typeOfText(value: string, options: { numbers: boolean } = { numbers: true }): string {
  if (options.numbers) {
    if (BOOLEAN.test(value)) return "BOOLEAN";
    if (INTEGER.test(value)) return fitsInt64(value) ? "BIGINT" : "VARCHAR";
    if (NUMBER.test(value)) return "DOUBLE";
  }
  if (DATE.test(value)) return "DATE";
  if (TIMESTAMP.test(value)) return "TIMESTAMP";
  return "VARCHAR";
}

/** One parsed NDJSON value's type (null: no value). */
export function typeOfJsonValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return "BOOLEAN";
  if (typeof value === "number") return Number.isSafeInteger(value) ? "BIGINT" : "DOUBLE";
  if (typeof value === "string") return typeOfText(value, { numbers: false });
  return "VARIANT";
}

const SIGNED = ["TINYINT", "SMALLINT", "INT", "BIGINT"];
const UNSIGNED = SIGNED.map((t) => `${t} UNSIGNED`);
const FLOATS = ["FLOAT", "DOUBLE"];

function isNumber(type: string): boolean {
  return SIGNED.includes(type) || UNSIGNED.includes(type) || FLOATS.includes(type) || type.startsWith("DECIMAL(");
}

/**
 * The type that takes the values of both: the one widening rule. Symmetric and associative, so
 * the order of values and files does not matter; null (nothing seen) is its identity.
 */
export function widenType(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  if (a === "VARIANT" || b === "VARIANT") return "VARIANT";
  for (const family of [SIGNED, UNSIGNED]) {
    if (family.includes(a) && family.includes(b)) return family[Math.max(family.indexOf(a), family.indexOf(b))]!;
  }
  if (isNumber(a) && isNumber(b)) return "DOUBLE";
  const pair = new Set([a, b]);
  if (pair.has("DATE") && pair.has("TIMESTAMP")) return "TIMESTAMP";
  return "VARCHAR";
}

/** The widened type of many (null when none says anything). */
export function widenAll(types: Iterable<string | null>): string | null {
  let out: string | null = null;
  for (const type of types) out = widenType(out, type);
  return out;
}

/** What a proposal says for a column that held no value anywhere: text, the type that takes anything a later file holds but a nested value. */
export const UNSEEN_TYPE = "VARCHAR";
