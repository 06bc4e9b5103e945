// Databend column types: parsing from CREATE TABLE, storage in SQLite, conversion of loaded
// values (with clear errors), and the string form the HTTP protocol returns.

import { Codes, WarehouseError } from "./errors.ts";

export type BaseType =
  | "String"
  | "Int8"
  | "Int16"
  | "Int32"
  | "Int64"
  | "UInt8"
  | "UInt16"
  | "UInt32"
  | "UInt64"
  | "Float32"
  | "Float64"
  | "Decimal"
  | "Boolean"
  | "Timestamp"
  | "Date"
  | "Variant";

export interface ColumnType {
  base: BaseType;
  precision?: number;
  scale?: number;
}

const TYPE_ALIASES: Record<string, BaseType> = {
  VARCHAR: "String",
  STRING: "String",
  TEXT: "String",
  CHAR: "String",
  CHARACTER: "String",
  NVARCHAR: "String",
  TINYINT: "Int8",
  INT8: "Int8",
  SMALLINT: "Int16",
  INT16: "Int16",
  INT: "Int32",
  INTEGER: "Int32",
  INT32: "Int32",
  BIGINT: "Int64",
  INT64: "Int64",
  UINT8: "UInt8",
  UINT16: "UInt16",
  UINT32: "UInt32",
  UINT64: "UInt64",
  FLOAT: "Float32",
  FLOAT32: "Float32",
  REAL: "Float32",
  DOUBLE: "Float64",
  FLOAT64: "Float64",
  DECIMAL: "Decimal",
  NUMERIC: "Decimal",
  BOOLEAN: "Boolean",
  BOOL: "Boolean",
  TIMESTAMP: "Timestamp",
  DATETIME: "Timestamp",
  DATE: "Date",
  VARIANT: "Variant",
  JSON: "Variant",
};

const UNSIGNED: Partial<Record<BaseType, BaseType>> = {
  Int8: "UInt8",
  Int16: "UInt16",
  Int32: "UInt32",
  Int64: "UInt64",
};

/** Resolves a type name (already upper-cased) and its arguments; undefined when unknown. */
export function resolveType(name: string, args: number[], unsigned: boolean): ColumnType | undefined {
  let base = TYPE_ALIASES[name];
  if (!base) return undefined;
  if (unsigned) base = UNSIGNED[base] ?? base;
  if (base === "Decimal") {
    const precision = args[0] ?? 18;
    const scale = args[1] ?? 0;
    if (precision < 1 || precision > 76 || scale < 0 || scale > precision) {
      throw new WarehouseError(Codes.IllegalDataType, `invalid DECIMAL(${precision}, ${scale})`);
    }
    return { base, precision, scale };
  }
  return { base };
}

export const KNOWN_TYPE_NAMES = Object.keys(TYPE_ALIASES);

/** The type name Databend's DESC shows. */
export function displayType(t: ColumnType): string {
  switch (t.base) {
    case "String":
      return "VARCHAR";
    case "Int8":
      return "TINYINT";
    case "Int16":
      return "SMALLINT";
    case "Int32":
      return "INT";
    case "Int64":
      return "BIGINT";
    case "UInt8":
      return "TINYINT UNSIGNED";
    case "UInt16":
      return "SMALLINT UNSIGNED";
    case "UInt32":
      return "INT UNSIGNED";
    case "UInt64":
      return "BIGINT UNSIGNED";
    case "Float32":
      return "FLOAT";
    case "Float64":
      return "DOUBLE";
    case "Decimal":
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case "Boolean":
      return "BOOLEAN";
    case "Timestamp":
      return "TIMESTAMP";
    case "Date":
      return "DATE";
    case "Variant":
      return "VARIANT";
  }
}

/** The type name in the HTTP protocol's schema (what databend-driver parses). */
export function protocolType(t: ColumnType, nullable: boolean): string {
  const inner = t.base === "Decimal" ? `Decimal(${t.precision}, ${t.scale})` : t.base;
  return nullable ? `Nullable(${inner})` : inner;
}

export function sqliteType(t: ColumnType): string {
  switch (t.base) {
    case "Float32":
    case "Float64":
    case "Decimal":
      return "REAL";
    case "String":
    case "Timestamp":
    case "Date":
    case "Variant":
      return "TEXT";
    default:
      return "INTEGER";
  }
}

export type Stored = string | number | bigint | null;

/** Thrown for a value that does not fit its column; the loader turns it into a row error. */
export class ConversionError extends Error {}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  Int8: [-128n, 127n],
  Int16: [-32768n, 32767n],
  Int32: [-2147483648n, 2147483647n],
  Int64: [-9223372036854775808n, 9223372036854775807n],
  UInt8: [0n, 255n],
  UInt16: [0n, 65535n],
  UInt32: [0n, 4294967295n],
  // SQLite stores signed 64-bit integers, so UInt64 is capped at Int64's maximum here.
  UInt64: [0n, 9223372036854775807n],
};

function describe(value: unknown): string {
  if (typeof value === "string") return `'${value.length > 60 ? value.slice(0, 60) + "…" : value}'`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

function fail(t: ColumnType, value: unknown, why?: string): never {
  throw new ConversionError(`cannot convert ${describe(value)} to ${displayType(t)}${why ? `: ${why}` : ""}`);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function formatUtc(ms: number, micros: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new ConversionError("timestamp out of range");
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(micros, 6)}`
  );
}

const TS_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses Databend-accepted timestamp text to UTC 'YYYY-MM-DD HH:MM:SS.ffffff'. */
export function parseTimestamp(text: string): string | undefined {
  const m = TS_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", tz] = m;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  if (tz && !/^(Z|UTC)$/i.test(tz)) {
    const tm = /^([+-])(\d{2}):?(\d{2})?$/.exec(tz)!;
    const offset = (Number(tm[2]) * 60 + Number(tm[3] ?? 0)) * (tm[1] === "-" ? -1 : 1);
    ms -= offset * 60_000;
  }
  const micros = Number(frac.padEnd(6, "0").slice(0, 6));
  return formatUtc(ms, micros);
}

function subSecondMicros(ms: number): number {
  return (((ms % 1000) + 1000) % 1000) * 1000;
}

function timestampFromNumber(n: number): string {
  // Databend reads an integer as seconds, milliseconds or microseconds by its magnitude.
  const abs = Math.abs(n);
  const micros = Math.round(abs < 1e11 ? n * 1e6 : abs < 1e14 ? n * 1e3 : n);
  const ms = Math.floor(micros / 1000);
  return formatUtc(ms, subSecondMicros(ms) + (micros - ms * 1000));
}

/** Converts a value read from a file (CSV text, JSON value, Parquet value) to its stored form. */
export function convertInput(
  t: ColumnType,
  value: unknown,
  opts: { disableVariantCheck?: boolean; jsonValues?: boolean } = {},
): Stored {
  if (value === null || value === undefined) return null;
  switch (t.base) {
    case "String":
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
      if (value instanceof Date) return formatUtc(value.getTime(), subSecondMicros(value.getTime()));
      if (value instanceof Uint8Array) return new TextDecoder().decode(value);
      return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    case "Int8":
    case "Int16":
    case "Int32":
    case "Int64":
    case "UInt8":
    case "UInt16":
    case "UInt32":
    case "UInt64": {
      let n: bigint;
      if (typeof value === "bigint") n = value;
      else if (typeof value === "number") {
        if (!Number.isInteger(value)) fail(t, value, "not an integer");
        n = BigInt(value);
      } else if (typeof value === "boolean") n = value ? 1n : 0n;
      else if (typeof value === "string") {
        const s = value.trim();
        if (!/^[+-]?\d+$/.test(s)) fail(t, value, "invalid digit");
        n = BigInt(s);
      } else fail(t, value);
      const [min, max] = INT_RANGES[t.base]!;
      if (n < min || n > max) fail(t, value, "number out of range");
      return n;
    }
    case "Float32":
    case "Float64":
    case "Decimal": {
      let n: number;
      if (typeof value === "number") n = value;
      else if (typeof value === "bigint") n = Number(value);
      else if (typeof value === "string") {
        const s = value.trim();
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) n = Number(s);
        else if (t.base !== "Decimal" && /^[+-]?(inf|infinity)$/i.test(s)) n = s.startsWith("-") ? -Infinity : Infinity;
        else if (t.base !== "Decimal" && /^nan$/i.test(s)) n = NaN;
        else fail(t, value, "invalid number");
      } else fail(t, value);
      if (t.base === "Decimal") {
        const limit = 10 ** ((t.precision ?? 18) - (t.scale ?? 0));
        if (Math.abs(n) >= limit) fail(t, value, "decimal overflow");
      }
      return n;
    }
    case "Boolean":
      if (typeof value === "boolean") return value ? 1n : 0n;
      if (typeof value === "number" || typeof value === "bigint") {
        if (Number(value) === 1 || Number(value) === 0) return BigInt(Number(value));
        fail(t, value);
      }
      if (typeof value === "string") {
        const s = value.trim().toLowerCase();
        if (s === "true" || s === "1") return 1n;
        if (s === "false" || s === "0") return 0n;
      }
      return fail(t, value);
    case "Timestamp": {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) fail(t, value);
        return formatUtc(value.getTime(), subSecondMicros(value.getTime()));
      }
      if (typeof value === "number" || typeof value === "bigint") return timestampFromNumber(Number(value));
      if (typeof value === "string") {
        const s = value.trim();
        if (/^[+-]?\d+$/.test(s)) return timestampFromNumber(Number(s));
        return parseTimestamp(s) ?? fail(t, value, "expected a timestamp like '2024-01-31 12:00:00'");
      }
      return fail(t, value);
    }
    case "Date": {
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      if (typeof value === "number" || typeof value === "bigint") {
        return new Date(Number(value) * 86_400_000).toISOString().slice(0, 10);
      }
      if (typeof value === "string") {
        const ts = parseTimestamp(value);
        if (ts) return ts.slice(0, 10);
      }
      return fail(t, value, "expected a date like '2024-01-31'");
    }
    case "Variant": {
      // A string from JSON (NDJSON) is a JSON string value; from text formats it is JSON text.
      if (typeof value === "string" && opts.jsonValues) return JSON.stringify(value);
      if (typeof value === "string") {
        try {
          return JSON.stringify(JSON.parse(value));
        } catch (e) {
          if (opts.disableVariantCheck) return null;
          fail(t, value, `invalid JSON: ${(e as Error).message}`);
        }
      }
      if (typeof value === "bigint") return value.toString();
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
    }
  }
}

/** A stored value in the string form Databend's JSON result format uses. */
export function formatOutput(t: ColumnType | undefined, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (t?.base === "Boolean") return Number(v) ? "1" : "0";
  if (t?.base === "Decimal") return Number(v).toFixed(t.scale ?? 0);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "inf";
    if (v === -Infinity) return "-inf";
  }
  return String(v);
}
