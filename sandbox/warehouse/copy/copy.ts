// COPY INTO <table> FROM 's3://...': lists or stats the files, skips files already loaded (the
// table's load metadata, as Databend keeps it: path + ETag, or size + last-modified), reads and
// converts every file first, then commits all rows and the load metadata in one SQLite
// transaction. ON_ERROR = ABORT fails the statement on the first bad record and commits nothing;
// CONTINUE skips bad records and reports them. PURGE deletes loaded files afterwards, best effort.
//
// S3 requests run up to S3_CONCURRENCY at a time; errors are still reported as a one-at-a-time
// run would (the first failing file in statement order). FILES are stat'ed with the GET that reads
// them (sending the recorded ETag as If-None-Match, so a file already loaded is not transferred).

import pLimit from "p-limit";
import type { Catalog, ColumnDef, CopiedFile, TableInfo } from "../catalog.ts";
import { Codes, unsupported, WarehouseError } from "../errors.ts";
import type { CopyStatement } from "../sql/statements.ts";
import { convertInput, ConversionError, type Stored } from "../types.ts";
import { MISSING, normalizeFormat, readRecords, type FileFormat } from "./formats.ts";
import { acquireS3Client, deleteFile, fetchFile, listFiles, parseLocation, readFile, type S3File } from "./s3.ts";

/** S3 requests in flight per COPY statement. */
export const S3_CONCURRENCY = 32;

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

async function convertFile(bytes: Uint8Array, file: S3File, fmt: FileFormat, columns: ColumnDef[], opts: CopyOptions): Promise<FileResult> {
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
    records = await readRecords(bytes, file.key, fmt, columns.map((c) => c.name));
  } catch (e) {
    // A file whose content cannot be read at all is a file error.
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

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown } | undefined;

/**
 * Runs `fn` over `items`, S3_CONCURRENCY at a time, and returns every outcome in item order. Once
 * an item fails, items after it are not started (undefined): a caller that goes through the
 * outcomes in order and throws the first error meets exactly the error a one-at-a-time loop would.
 */
async function settleInOrder<I, T>(items: readonly I[], fn: (item: I) => Promise<T>): Promise<Settled<T>[]> {
  let firstFailure = Infinity;
  return pLimit(S3_CONCURRENCY).map(items, async (item, i): Promise<Settled<T>> => {
    if (i > firstFailure) return undefined;
    try {
      return { ok: true, value: await fn(item) };
    } catch (error) {
      firstFailure = Math.min(firstFailure, i);
      return { ok: false, error };
    }
  });
}

function valueOf<T>(s: Settled<T>): T {
  if (s?.ok) return s.value;
  throw s ? s.error : new Error("internal: an outcome after a failure was used");
}

/** Whether the load metadata says this table already has this version of the file. */
function alreadyLoaded(f: S3File, copied: CopiedFile | undefined, nowSecs: number): boolean {
  if (!copied || copied.expireAt < nowSecs) return false;
  if (copied.etag !== null) return f.etag === copied.etag;
  return copied.size === f.size && copied.lastModified === f.lastModified;
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
  const lease = await acquireS3Client(stmt.connection);
  const client = lease.client;
  try {
    const locationKey = (key: string): string => `s3://${loc.bucket}/${key}`;
    const nowSecs = Math.floor(Date.now() / 1000);
    // 1. The files to consider (with their bytes when the stat was a GET).
    let files: { file: S3File; bytes?: Uint8Array | undefined }[];
    let known: Map<string, CopiedFile>;
    if (stmt.files) {
      const keys = stmt.files.map((f) => joinKey(loc.path, f));
      known = opts.force ? new Map() : catalog.copiedFiles(table.id, keys.map(locationKey));
      const fetched = await settleInOrder(keys, (key) => {
        const copied = known.get(locationKey(key));
        const etag = copied && copied.expireAt >= nowSecs && copied.etag !== null ? copied.etag : undefined;
        return fetchFile(client, loc.bucket, key, etag);
      });
      files = [];
      for (const f of fetched) {
        const v = valueOf(f);
        if (v !== "unchanged") files.push(v); // 304 to If-None-Match: the recorded ETag, already loaded
      }
    } else {
      files = (await listFiles(client, loc)).map((file) => ({ file }));
      known = new Map();
    }
    const prefix = loc.path === "" || loc.path.endsWith("/") ? loc.path : `${loc.path}/`;
    if (pattern) {
      files = files.filter(({ file: f }) => pattern.test(f.key.startsWith(prefix) ? f.key.slice(prefix.length) : f.key));
    }
    // 2. Skip files already loaded into this table, unless FORCE.
    if (!opts.force) {
      if (!stmt.files) known = catalog.copiedFiles(table.id, files.map((f) => locationKey(f.file.key)));
      files = files.filter(({ file: f }) => !alreadyLoaded(f, known.get(locationKey(f.key)), nowSecs));
    }
    if (opts.maxFiles > 0) files = files.slice(0, opts.maxFiles);
    if (files.length === 0) return { rows: [], rowsLoaded: 0, bytesRead: 0, filesPurged: [], purgeErrors: [] };

    // 3. Read and convert everything before touching the table (files in statement order).
    const read = await settleInOrder(files, (f) => (f.bytes ? Promise.resolve(f.bytes) : readFile(client, loc.bucket, f.file.key)));
    const results: FileResult[] = [];
    for (let i = 0; i < files.length; i++) {
      const bytes = valueOf(read[i]);
      read[i] = undefined;
      const f = files[i]!;
      f.bytes = undefined;
      results.push(await convertFile(bytes, f.file, fmt, columns, opts));
    }

    // 4. Commit rows and load metadata together.
    const expireHours = Number(settings.load_file_metadata_expire_hours ?? 24);
    const expireAt = nowSecs + expireHours * 3600;
    let rowsLoaded = 0;
    catalog.transaction(() => {
      rowsLoaded = catalog.insertRows(table, columns, (function* () {
        for (const r of results) yield* r.rows;
      })());
      if (!(opts.purge && opts.force)) {
        for (const r of results) {
          catalog.recordCopiedFile(table.id, locationKey(r.file.key), {
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
      const clean = results.filter((r) => r.errors === 0);
      const deleted = await pLimit(S3_CONCURRENCY).map(clean, (r) =>
        deleteFile(client, loc.bucket, r.file.key).then(
          () => undefined,
          (e: unknown) => (e as Error).message,
        ),
      );
      clean.forEach((r, i) => {
        const error = deleted[i];
        if (error === undefined) filesPurged.push(r.file.key);
        else purgeErrors.push(error);
      });
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
    lease.release();
  }
}
