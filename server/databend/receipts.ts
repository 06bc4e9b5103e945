// Load receipts: the proof that one object version is loaded, committed in the same Databend
// transaction as its rows, in a database the product owns inside the target warehouse
// (`sqs_s3_ingest`). A retry asks the receipts, never Databend's load metadata (keyed by path
// alone, shared across buckets, expiring) nor `deduplicate_label` (no longer a guard on 1.2.895).
//
// Two tables:
// - load_receipts: one row per loaded version (task, bucket, key, ETag, rows, worker, when).
// - load_fences: one row per key a task has loaded, whose `generation` every load of that key
//   increments inside its transaction. Two transactions that both update one fence row cannot
//   both commit: measured on the embedded engines, the second COMMIT fails with 2009
//   TableVersionMismatched on 1.2.453 (any two transactions writing one table) and with 4001
//   "Unresolvable conflict" on 1.2.895, which otherwise merges concurrent appends (so a receipt
//   INSERT alone fences nothing there). The fence row is written before the receipts are read, so
//   the receipts a transaction reads are at least as new as the fence it will commit against.
//
// Retention: 21 days = SQS's longest message retention (14 days: a message can be redelivered
// that long after its object was loaded) plus 7 days for a dead-letter queue's redrive back into
// the source queue (the redriven message's retention counts from its first enqueue, so anything
// older than 14 days is dropped by SQS anyway; the week covers an operator who redrives late and
// an older receipt costs a few bytes). A receipt older than that answers no question any message
// can still ask.
import type { CopyFileResult, WarehouseSession } from "./client.ts";
import { qualifiedTable, sqlIdent, sqlString } from "./sql.ts";

export const RECEIPTS_DATABASE = "sqs_s3_ingest";
export const RECEIPTS_TABLE = qualifiedTable(RECEIPTS_DATABASE, "load_receipts");
export const FENCES_TABLE = qualifiedTable(RECEIPTS_DATABASE, "load_fences");
/** SQS's maximum retention (14 days) plus a 7-day redrive horizon; see above. */
export const RECEIPT_RETENTION_DAYS = 21;

/** Statements that create the product's receipts database and tables when missing. */
export function receiptTablesDdl(): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${sqlIdent(RECEIPTS_DATABASE)}`,
    `CREATE TABLE IF NOT EXISTS ${RECEIPTS_TABLE} (task_id STRING, bucket STRING, object_key STRING, etag STRING, rows_loaded UInt64, worker_id STRING, loaded_at TIMESTAMP)`,
    `CREATE TABLE IF NOT EXISTS ${FENCES_TABLE} (task_id STRING, bucket STRING, object_key STRING, generation UInt64, worker_id STRING, etag STRING, updated_at TIMESTAMP)`,
  ];
}

export interface Version {
  key: string;
  etag: string;
}

function whereKeys(taskId: string, bucket: string, keys: readonly string[]): string {
  return `task_id = ${sqlString(taskId)} AND bucket = ${sqlString(bucket)} AND object_key IN (${keys.map(sqlString).join(", ")})`;
}

/** Keys among `keys` that have no fence row yet. */
export function missingFencesQuery(taskId: string, bucket: string, keys: readonly string[]): string {
  return `SELECT DISTINCT object_key FROM ${FENCES_TABLE} WHERE ${whereKeys(taskId, bucket, keys)}`;
}

/**
 * Fence rows for keys that have none (outside any transaction: an UPDATE only conflicts on a row
 * that exists). Two workers racing here may both insert one; the UPDATE then moves both rows, and
 * conflicts all the same.
 */
export function insertFences(taskId: string, bucket: string, keys: readonly string[], workerId: string): string {
  const rows = keys.map((k) => `(${sqlString(taskId)}, ${sqlString(bucket)}, ${sqlString(k)}, 0, ${sqlString(workerId)}, '', now())`);
  return `INSERT INTO ${FENCES_TABLE} (task_id, bucket, object_key, generation, worker_id, etag, updated_at) VALUES ${rows.join(", ")}`;
}

/**
 * Inside the load's transaction, first: the write a racing load of the same key conflicts with.
 * The fence's `etag` column is no longer written (it was informational, read by nothing): setting
 * it took a CASE with a branch per key, evaluated on every scanned row, and made this statement
 * 7x slower than the UPDATE it needs (420 vs 60 ms for 1,000 keys in 11,000 fence rows, 1.2.895).
 */
export function fenceUpdate(taskId: string, bucket: string, versions: readonly Version[], workerId: string): string {
  return (
    `UPDATE ${FENCES_TABLE} SET generation = generation + 1, worker_id = ${sqlString(workerId)}, updated_at = now() ` +
    `WHERE ${whereKeys(taskId, bucket, versions.map((v) => v.key))}`
  );
}

/** The receipts of these keys (any ETag); the caller matches versions. */
export function receiptsQuery(taskId: string, bucket: string, keys: readonly string[]): string {
  return `SELECT object_key, etag, rows_loaded, worker_id FROM ${RECEIPTS_TABLE} WHERE ${whereKeys(taskId, bucket, keys)}`;
}

export function insertReceipts(taskId: string, bucket: string, loaded: readonly (Version & { rows: number })[], workerId: string): string {
  const rows = loaded.map(
    (r) => `(${sqlString(taskId)}, ${sqlString(bucket)}, ${sqlString(r.key)}, ${sqlString(r.etag)}, ${Math.max(0, Math.trunc(r.rows))}, ${sqlString(workerId)}, now())`,
  );
  return `INSERT INTO ${RECEIPTS_TABLE} (task_id, bucket, object_key, etag, rows_loaded, worker_id, loaded_at) VALUES ${rows.join(", ")}`;
}

/** Drops receipts (and idle fences) older than the retention. Outside any load's transaction. */
export function pruneReceipts(taskId: string): string[] {
  const old = `task_id = ${sqlString(taskId)} AND %s < now() - INTERVAL ${RECEIPT_RETENTION_DAYS} DAY`;
  return [`DELETE FROM ${RECEIPTS_TABLE} WHERE ${old.replace("%s", "loaded_at")}`, `DELETE FROM ${FENCES_TABLE} WHERE ${old.replace("%s", "updated_at")}`];
}

/** A version's receipt, when one exists: rows it loaded and who loaded it. */
export interface Receipt extends Version {
  rows: number;
  workerId: string;
}

export async function readReceipts(tx: WarehouseSession, taskId: string, bucket: string, versions: readonly Version[]): Promise<Map<string, Receipt>> {
  const byVersion = await receiptsByVersion(tx, taskId, bucket, versions);
  return new Map([...byVersion.values()].map((r) => [r.key, r]));
}

/** The receipts of these versions, by `key\0etag` (several versions of one key may have one each). */
export async function receiptsByVersion(tx: Pick<WarehouseSession, "query">, taskId: string, bucket: string, versions: readonly Version[]): Promise<Map<string, Receipt>> {
  const wanted = new Set(versions.map((v) => `${v.key}\u0000${v.etag}`));
  const rows = await tx.query(receiptsQuery(taskId, bucket, [...new Set(versions.map((v) => v.key))]));
  const out = new Map<string, Receipt>();
  for (const r of rows) {
    const key = String(r.object_key);
    const etag = String(r.etag);
    const id = `${key}\u0000${etag}`;
    if (wanted.has(id)) out.set(id, { key, etag, rows: Number(r.rows_loaded ?? 0), workerId: String(r.worker_id ?? "") });
  }
  return out;
}

/** A COPY line per copied key: a file COPY did not list loaded no rows. */
export function resultsByKey(keys: readonly string[], results: readonly CopyFileResult[], keyOf: (file: string) => string): Map<string, CopyFileResult> {
  const out = new Map<string, CopyFileResult>();
  for (const r of results) out.set(keyOf(r.file), r);
  for (const k of keys) if (!out.has(k)) out.set(k, { file: k, rowsLoaded: 0, errorsSeen: 0, firstError: null, firstErrorLine: null });
  return out;
}
