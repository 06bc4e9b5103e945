// COPY INTO <table> FROM 's3://...': lists or stats the files, skips files already loaded (the
// table's load metadata, as Databend keeps it: path + ETag, or size + last-modified), reads and
// converts every file first, then commits all rows and the load metadata in one SQLite
// transaction. ON_ERROR = ABORT fails the statement on the first bad record and commits nothing;
// CONTINUE skips bad records and reports them. PURGE deletes loaded files afterwards, best effort.

import type { S3Client } from "@aws-sdk/client-s3";
import type { Catalog, ColumnDef, TableInfo } from "../catalog.ts";
import { Codes, unsupported, WarehouseError } from "../errors.ts";
import type { CopyStatement } from "../sql/statements.ts";
import { convertInput, ConversionError, type Stored } from "../types.ts";
import { MISSING, normalizeFormat, readRecords, type FileFormat } from "./formats.ts";
import { deleteFile, listFiles, parseLocation, readFile, s3ClientFor, statFile, type S3File } from "./s3.ts";

export const COPY_SCHEMA = [
  { name: "File", type: "String" },
  { name: "Rows_loaded", type: "Int32" },
  { name: "Errors_seen", type: "Int32" },
  { name: "First_error", type: "Nullable(String)" },
  { name: "First_error_line", type: "Nullable(Int32)" },
];

export interface CopyOutcome {
  rows: (string | null)[][];
  rowsLoaded: number;
  bytesRead: number;
  filesPurged: string[];
  purgeErrors: string[];
}

interface CopyOptions {
  purge: boolean;
  force: boolean;
  onError: "abort" | "continue";
  abortAfter: number;
  maxFiles: number;
  returnFailedOnly: boolean;
  disableVariantCheck: boolean;
}

function bool(name: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (/^(true|1)$/i.test(v)) return true;
  if (/^(false|0)$/i.test(v)) return false;
  throw new WarehouseError(Codes.BadArguments, `invalid value '${v}' for ${name}, expected TRUE or FALSE`);
}

function normalizeOptions(raw: Record<string, string>): CopyOptions {
  const known = ["PURGE", "FORCE", "ON_ERROR", "MAX_FILES", "RETURN_FAILED_ONLY", "DISABLE_VARIANT_CHECK", "COLUMN_MATCH_MODE", "SIZE_LIMIT"];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new WarehouseError(Codes.SyntaxException, `unknown COPY option ${key}`);
  }
  if (raw.SIZE_LIMIT && raw.SIZE_LIMIT !== "0") throw unsupported("COPY option SIZE_LIMIT");
  if (raw.COLUMN_MATCH_MODE && !/^case-insensitive$/i.test(raw.COLUMN_MATCH_MODE)) {
    throw unsupported(`COLUMN_MATCH_MODE = ${raw.COLUMN_MATCH_MODE}`);
  }
  const onErrorRaw = (raw.ON_ERROR ?? "abort").toLowerCase();
  let onError: CopyOptions["onError"];
  let abortAfter = 1;
  if (onErrorRaw === "abort" || onErrorRaw === "abort_statement") onError = "abort";
  else if (onErrorRaw === "continue" || onErrorRaw === "skip_file") onError = onErrorRaw === "continue" ? "continue" : "abort";
  else if (/^abort_\d+$/.test(onErrorRaw)) {
    onError = "abort";
    abortAfter = Number(onErrorRaw.slice(6));
  } else throw new WarehouseError(Codes.BadArguments, `invalid ON_ERROR '${raw.ON_ERROR}', expected continue, abort or abort_N`);
  if (onErrorRaw === "skip_file") throw unsupported("ON_ERROR = skip_file");
  const maxFiles = raw.MAX_FILES ? Number(raw.MAX_FILES) : 0;
  if (!Number.isInteger(maxFiles) || maxFiles < 0) throw new WarehouseError(Codes.BadArguments, `invalid MAX_FILES '${raw.MAX_FILES}'`);
  return {
    purge: bool("PURGE", raw.PURGE, false),
    force: bool("FORCE", raw.FORCE, false),
    onError,
    abortAfter,
    maxFiles: Math.min(maxFiles, 15000),
    returnFailedOnly: bool("RETURN_FAILED_ONLY", raw.RETURN_FAILED_ONLY, false),
    disableVariantCheck: bool("DISABLE_VARIANT_CHECK", raw.DISABLE_VARIANT_CHECK, false),
  };
}

function joinKey(path: string, file: string): string {
  const rel = file.replace(/^\/+/, "");
  if (path === "") return rel;
  return path.endsWith("/") ? path + rel : `${path}/${rel}`;
}

interface FileResult {
  file: S3File;
  rows: Stored[][];
  errors: number;
  firstError: string | null;
  firstErrorLine: number | null;
}

function abortError(message: string, key: string, line: number | null): WarehouseError {
  return new WarehouseError(Codes.BadBytes, `${message} at file '${key}'${line !== null ? `, line ${line}` : ""}`);
}

async function loadFile(client: S3Client, bucket: string, file: S3File, fmt: FileFormat, columns: ColumnDef[], opts: CopyOptions): Promise<FileResult> {
  const result: FileResult = { file, rows: [], errors: 0, firstError: null, firstErrorLine: null };
  const noteError = (message: string, line: number | null): void => {
    result.errors++;
    if (result.firstError === null) {
      result.firstError = message;
      result.firstErrorLine = line;
    }
    if (opts.onError === "abort" && result.errors >= opts.abortAfter) throw abortError(message, file.key, line);
  };
  let records;
  try {
    const bytes = await readFile(client, bucket, file.key);
    records = await readRecords(bytes, file.key, fmt, columns.map((c) => c.name));
  } catch (e) {
    // A file whose content cannot be read at all is a file error; storage errors (permissions,
    // missing files) fail the statement whatever ON_ERROR says.
    if (!(e instanceof WarehouseError) || e.code !== Codes.BadBytes) throw e;
    if (opts.onError === "abort") throw abortError(e.message, file.key, null);
    noteError(e.message, null);
    return result;
  }
  for (const rec of records) {
    if ("error" in rec) {
      noteError(rec.error, rec.line);
      continue;
    }
    const row: Stored[] = [];
    let bad: string | undefined;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i]!;
      const raw = rec.fields[i];
      let v: Stored;
      if (raw === MISSING) v = col.defaultValue;
      else {
        try {
          v = convertInput(col.type, raw, { disableVariantCheck: opts.disableVariantCheck, jsonValues: fmt.type === "NDJSON" });
        } catch (e) {
          if (!(e instanceof ConversionError)) throw e;
          bad = `fail to decode column '${col.name}': ${e.message}`;
          break;
        }
      }
      if (v === null && !col.nullable) {
        bad = `null value for non-nullable column '${col.name}'`;
        break;
      }
      row.push(v);
    }
    if (bad !== undefined) noteError(bad, rec.line);
    else result.rows.push(row);
  }
  return result;
}

/** One COPY at a time: load metadata checks and commits never race. */
let queue: Promise<unknown> = Promise.resolve();

export function executeCopy(catalog: Catalog, table: TableInfo, stmt: CopyStatement, settings: Record<string, string>): Promise<CopyOutcome> {
  const run = queue.then(() => copyNow(catalog, table, stmt, settings));
  queue = run.catch(() => undefined);
  return run;
}

async function copyNow(catalog: Catalog, table: TableInfo, stmt: CopyStatement, settings: Record<string, string>): Promise<CopyOutcome> {
  const opts = normalizeOptions(stmt.options);
  const fmt = normalizeFormat(stmt.fileFormat);
  let columns = table.columns;
  if (stmt.columns) {
    columns = stmt.columns.map((name) => {
      const col = table.columns.find((c) => c.name === name) ?? table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (!col) throw new WarehouseError(Codes.UnknownColumn, `column '${name}' does not exist in table '${table.name}'`);
      return col;
    });
  }
  const loc = parseLocation(stmt.location);
  let pattern: RegExp | undefined;
  if (stmt.pattern !== undefined) {
    try {
      pattern = new RegExp(stmt.pattern);
    } catch (e) {
      throw new WarehouseError(Codes.BadArguments, `invalid PATTERN '${stmt.pattern}': ${(e as Error).message}`);
    }
  }
  const client = await s3ClientFor(stmt.connection);
  try {
    // 1. The files to consider.
    let files: S3File[];
    if (stmt.files) {
      files = [];
      for (const f of stmt.files) files.push(await statFile(client, loc.bucket, joinKey(loc.path, f)));
    } else {
      files = await listFiles(client, loc);
    }
    const prefix = loc.path === "" || loc.path.endsWith("/") ? loc.path : `${loc.path}/`;
    if (pattern) {
      files = files.filter((f) => pattern.test(f.key.startsWith(prefix) ? f.key.slice(prefix.length) : f.key));
    }
    // 2. Skip files already loaded into this table, unless FORCE.
    const locationKey = (f: S3File): string => `s3://${loc.bucket}/${f.key}`;
    const nowSecs = Math.floor(Date.now() / 1000);
    if (!opts.force) {
      files = files.filter((f) => {
        const copied = catalog.copiedFile(table.id, locationKey(f));
        if (!copied || copied.expireAt < nowSecs) return true;
        if (copied.etag !== null) return f.etag !== copied.etag;
        return !(copied.size === f.size && copied.lastModified === f.lastModified);
      });
    }
    if (opts.maxFiles > 0) files = files.slice(0, opts.maxFiles);
    if (files.length === 0) return { rows: [], rowsLoaded: 0, bytesRead: 0, filesPurged: [], purgeErrors: [] };

    // 3. Read and convert everything before touching the table.
    const results: FileResult[] = [];
    for (const f of files) results.push(await loadFile(client, loc.bucket, f, fmt, columns, opts));

    // 4. Commit rows and load metadata together.
    const expireHours = Number(settings.load_file_metadata_expire_hours ?? 24);
    const expireAt = nowSecs + expireHours * 3600;
    let rowsLoaded = 0;
    catalog.transaction(() => {
      for (const r of results) rowsLoaded += catalog.insertRows(table, columns, r.rows);
      if (!(opts.purge && opts.force)) {
        for (const r of results) {
          catalog.recordCopiedFile(table.id, locationKey(r.file), {
            etag: r.file.etag,
            size: r.file.size,
            lastModified: r.file.lastModified,
            expireAt,
          });
        }
      }
    });

    // 5. Purge after the commit; a failed delete does not undo the load.
    const filesPurged: string[] = [];
    const purgeErrors: string[] = [];
    if (opts.purge) {
      for (const r of results) {
        if (r.errors > 0) continue;
        try {
          await deleteFile(client, loc.bucket, r.file.key);
          filesPurged.push(r.file.key);
        } catch (e) {
          purgeErrors.push((e as Error).message);
        }
      }
    }
    const rows = results
      .filter((r) => !opts.returnFailedOnly || r.errors > 0)
      .map((r) => [
        r.file.key,
        String(r.rows.length),
        String(r.errors),
        r.firstError,
        r.firstErrorLine === null ? null : String(r.firstErrorLine),
      ]);
    return { rows, rowsLoaded, bytesRead: results.reduce((n, r) => n + r.file.size, 0), filesPurged, purgeErrors };
  } finally {
    client.destroy();
  }
}
