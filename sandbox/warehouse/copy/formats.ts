// File formats for COPY INTO: CSV/TSV (csv-parse), NDJSON (JSON.parse per line), Parquet
// (hyparquet). Each reader yields, per record, the values for the target columns (CSV by position,
// NDJSON and Parquet by name, case-insensitively) or a record error with its line number.

import { parse as parseCsv } from "csv-parse/sync";
import { parquetReadObjects, parquetSchema, parquetMetadata } from "hyparquet";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, zstdDecompressSync } from "node:zlib";
import { Codes, unsupported, WarehouseError } from "../errors.ts";

/** A field the file does not have (NDJSON key or Parquet column missing). */
export const MISSING = Symbol("missing");

export type RecordResult = { line: number; fields: unknown[] } | { line: number; error: string };

export interface FileFormat {
  type: "CSV" | "TSV" | "NDJSON" | "PARQUET";
  fieldDelimiter: string;
  recordDelimiter: string | undefined;
  quote: string;
  escape: string | undefined;
  skipHeader: number;
  nullDisplay: string;
  emptyFieldAs: "NULL" | "STRING" | "FIELD_DEFAULT";
  errorOnColumnCountMismatch: boolean;
  compression: string;
  missingFieldAs: "ERROR" | "NULL" | "FIELD_DEFAULT";
  nullFieldAs: "NULL" | "FIELD_DEFAULT";
}

const FORMAT_KEYS: Record<string, string[]> = {
  CSV: ["TYPE", "FIELD_DELIMITER", "RECORD_DELIMITER", "QUOTE", "ESCAPE", "SKIP_HEADER", "NULL_DISPLAY", "NAN_DISPLAY", "EMPTY_FIELD_AS", "ERROR_ON_COLUMN_COUNT_MISMATCH", "COMPRESSION", "OUTPUT_HEADER", "BINARY_FORMAT", "TRIM_SPACE"],
  TSV: ["TYPE", "FIELD_DELIMITER", "RECORD_DELIMITER", "SKIP_HEADER", "COMPRESSION", "NULL_DISPLAY", "NAN_DISPLAY"],
  NDJSON: ["TYPE", "COMPRESSION", "MISSING_FIELD_AS", "NULL_FIELD_AS", "ALLOW_DUPLICATE_KEYS"],
  PARQUET: ["TYPE", "COMPRESSION", "MISSING_FIELD_AS"],
};

function bool(v: string): boolean {
  if (/^(true|1)$/i.test(v)) return true;
  if (/^(false|0)$/i.test(v)) return false;
  throw new WarehouseError(Codes.BadArguments, `invalid boolean '${v}'`);
}

export function normalizeFormat(raw: Record<string, string>): FileFormat {
  if (raw.FORMAT_NAME) throw unsupported("FILE_FORMAT = (FORMAT_NAME = ...) named file formats");
  let type = (raw.TYPE ?? "PARQUET").toUpperCase();
  if (type === "JSON") type = "NDJSON";
  if (!(type in FORMAT_KEYS)) {
    if (["ORC", "AVRO", "XML"].includes(type)) throw unsupported(`FILE_FORMAT TYPE = ${type}`);
    throw new WarehouseError(Codes.BadArguments, `unknown file format type '${raw.TYPE}'`);
  }
  for (const key of Object.keys(raw)) {
    if (!FORMAT_KEYS[type]!.includes(key)) {
      throw new WarehouseError(Codes.BadArguments, `invalid option ${key} for file format ${type}`);
    }
  }
  const fmt: FileFormat = {
    type: type as FileFormat["type"],
    fieldDelimiter: raw.FIELD_DELIMITER ?? (type === "TSV" ? "\t" : ","),
    recordDelimiter: raw.RECORD_DELIMITER,
    quote: raw.QUOTE ?? '"',
    escape: raw.ESCAPE || undefined,
    skipHeader: Number(raw.SKIP_HEADER ?? 0),
    nullDisplay: raw.NULL_DISPLAY ?? "\\N",
    emptyFieldAs: (raw.EMPTY_FIELD_AS ?? "NULL").toUpperCase() as FileFormat["emptyFieldAs"],
    errorOnColumnCountMismatch: bool(raw.ERROR_ON_COLUMN_COUNT_MISMATCH ?? "true"),
    compression: (raw.COMPRESSION ?? "AUTO").toUpperCase(),
    missingFieldAs: (raw.MISSING_FIELD_AS ?? "ERROR").toUpperCase() as FileFormat["missingFieldAs"],
    nullFieldAs: (raw.NULL_FIELD_AS ?? "NULL").toUpperCase() as FileFormat["nullFieldAs"],
  };
  if (!Number.isInteger(fmt.skipHeader) || fmt.skipHeader < 0) {
    throw new WarehouseError(Codes.BadArguments, `invalid SKIP_HEADER '${raw.SKIP_HEADER}'`);
  }
  if (fmt.fieldDelimiter.length === 0) throw new WarehouseError(Codes.BadArguments, "FIELD_DELIMITER must not be empty");
  if (fmt.quote.length > 1) throw new WarehouseError(Codes.BadArguments, "QUOTE must be one character");
  if (!["NULL", "STRING", "FIELD_DEFAULT"].includes(fmt.emptyFieldAs)) {
    throw new WarehouseError(Codes.BadArguments, `invalid EMPTY_FIELD_AS '${raw.EMPTY_FIELD_AS}'`);
  }
  if (!["ERROR", "NULL", "FIELD_DEFAULT"].includes(fmt.missingFieldAs)) {
    throw new WarehouseError(Codes.BadArguments, `invalid MISSING_FIELD_AS '${raw.MISSING_FIELD_AS}'`);
  }
  if (!["NULL", "FIELD_DEFAULT"].includes(fmt.nullFieldAs)) {
    throw new WarehouseError(Codes.BadArguments, `invalid NULL_FIELD_AS '${raw.NULL_FIELD_AS}'`);
  }
  if (!["AUTO", "NONE", "GZIP", "ZSTD", "BROTLI", "DEFLATE", "RAW_DEFLATE", "BZ2", "XZ", "SNAPPY", "LZO"].includes(fmt.compression)) {
    throw new WarehouseError(Codes.BadArguments, `unknown COMPRESSION '${raw.COMPRESSION}'`);
  }
  return fmt;
}

/** Decompresses by the COMPRESSION option (AUTO: by file extension, as Databend does). */
export function decompress(bytes: Uint8Array, key: string, compression: string): Uint8Array {
  let algo = compression;
  if (algo === "AUTO") {
    const ext = /\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase();
    algo =
      ext === "gz" || ext === "gzip"
        ? "GZIP"
        : ext === "zst" || ext === "zstd"
          ? "ZSTD"
          : ext === "br"
            ? "BROTLI"
            : ext === "deflate"
              ? "DEFLATE"
              : ext === "bz2"
                ? "BZ2"
                : ext === "xz"
                  ? "XZ"
                  : "NONE";
  }
  try {
    switch (algo) {
      case "NONE":
        return bytes;
      case "GZIP":
        return gunzipSync(bytes);
      case "ZSTD":
        return zstdDecompressSync(bytes);
      case "BROTLI":
        return brotliDecompressSync(bytes);
      case "DEFLATE":
        return inflateSync(bytes);
      case "RAW_DEFLATE":
        return inflateRawSync(bytes);
      default:
        throw unsupported(`COMPRESSION = ${algo}`);
    }
  } catch (e) {
    if (e instanceof WarehouseError) throw e;
    throw new WarehouseError(Codes.BadBytes, `cannot decompress file as ${algo}: ${(e as Error).message}`);
  }
}

interface CastContext {
  quoting: boolean;
}

function readCsv(text: string, fmt: FileFormat, width: number): RecordResult[] {
  const records = parseCsv(text, {
    delimiter: fmt.fieldDelimiter,
    quote: fmt.type === "TSV" || fmt.quote === "" ? false : fmt.quote,
    escape: fmt.escape ?? (fmt.quote || '"'),
    ...(fmt.recordDelimiter && fmt.recordDelimiter !== "\n" && fmt.recordDelimiter !== "\r\n"
      ? { record_delimiter: fmt.recordDelimiter }
      : {}),
    from_line: fmt.skipHeader + 1,
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
    cast: (value: string, ctx: CastContext) => {
      if (ctx.quoting) return value;
      if (value === fmt.nullDisplay) return null;
      if (value === "") {
        if (fmt.emptyFieldAs === "STRING") return "";
        if (fmt.emptyFieldAs === "FIELD_DEFAULT") return MISSING;
        return null;
      }
      return value;
    },
  }) as unknown as Array<{ record: unknown[]; info: { lines: number } }>;
  return records.map(({ record, info }) => {
    if (record.length !== width) {
      if (fmt.errorOnColumnCountMismatch) {
        return {
          line: info.lines,
          error: `Number of columns in file (${record.length}) does not match that of the corresponding table (${width})`,
        };
      }
      const fields = record.slice(0, width);
      while (fields.length < width) fields.push(MISSING);
      return { line: info.lines, fields };
    }
    return { line: info.lines, fields: record };
  });
}

function byName(obj: Record<string, unknown>, names: string[], fmt: FileFormat): { fields?: unknown[]; error?: string } {
  const lower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) if (!lower.has(k.toLowerCase())) lower.set(k.toLowerCase(), v);
  const fields: unknown[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (!lower.has(key)) {
      if (fmt.missingFieldAs === "ERROR") return { error: `missing field '${name}' (MISSING_FIELD_AS = ERROR)` };
      fields.push(fmt.missingFieldAs === "NULL" ? null : MISSING);
      continue;
    }
    const v = lower.get(key);
    fields.push(v === null && fmt.nullFieldAs === "FIELD_DEFAULT" ? MISSING : v);
  }
  return { fields };
}

function readNdjson(text: string, fmt: FileFormat, names: string[]): RecordResult[] {
  const out: RecordResult[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      out.push({ line, error: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      out.push({ line, error: "each NDJSON line must be a JSON object" });
      return;
    }
    const r = byName(value as Record<string, unknown>, names, fmt);
    out.push(r.error !== undefined ? { line, error: r.error } : { line, fields: r.fields! });
  });
  return out;
}

async function readParquet(bytes: Uint8Array, fmt: FileFormat, names: string[]): Promise<RecordResult[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    const metadata = parquetMetadata(buffer);
    const columns = parquetSchema(metadata).children.map((c) => c.element.name.toLowerCase());
    if (fmt.missingFieldAs === "ERROR") {
      const missing = names.filter((n) => !columns.includes(n.toLowerCase()));
      if (missing.length > 0) {
        throw new WarehouseError(
          Codes.BadBytes,
          `parquet file has no column ${missing.map((m) => `'${m}'`).join(", ")} (file columns: ${columns.join(", ")})`,
        );
      }
    }
    rows = (await parquetReadObjects({ file: buffer, metadata })) as Record<string, unknown>[];
  } catch (e) {
    if (e instanceof WarehouseError) throw e;
    throw new WarehouseError(Codes.BadBytes, `invalid parquet file: ${(e as Error).message}`);
  }
  return rows.map((row, i) => {
    const r = byName(row, names, fmt);
    return r.error !== undefined ? { line: i + 1, error: r.error } : { line: i + 1, fields: r.fields! };
  });
}

/** Parses a whole file. Throws a WarehouseError when the file as a whole cannot be read. */
export async function readRecords(bytes: Uint8Array, key: string, fmt: FileFormat, columnNames: string[]): Promise<RecordResult[]> {
  if (fmt.type === "PARQUET") return readParquet(bytes, fmt, columnNames);
  const data = decompress(bytes, key, fmt.compression);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new WarehouseError(Codes.BadBytes, "file is not valid UTF-8 text");
  }
  if (fmt.type === "NDJSON") return readNdjson(text, fmt, columnNames);
  try {
    return readCsv(text, fmt, columnNames.length);
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new WarehouseError(Codes.BadBytes, `invalid ${fmt.type}: ${err.message}`);
  }
}
