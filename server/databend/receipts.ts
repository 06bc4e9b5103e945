// Load receipts: the proof that one object version is loaded, committed in the same Databend
// transaction as its rows, in a database the product owns inside the target warehouse
// (`sqs_s3_ingest`). A retry asks the receipts, never Databend's load metadata (keyed by path
// alone, shared across buckets, expiring) nor `deduplicate_label` (no longer a guard on 1.2.895).
//
// Two tables:
// - load_receipts: one row per loaded version (task, bucket, key, ETag, rows, worker, when).
// - load_fence_slots: FENCE_SLOTS rows per task and bucket, whose `generation` every load of a key
//   hashing to that slot increments inside its transaction. Two transactions that both update one
//   fence row cannot both commit: measured on the embedded engines, the second COMMIT fails with
//   2009 TableVersionMismatched on 1.2.453 (any two transactions writing one table) and with 4001
//   "Unresolvable conflict" on 1.2.895, which otherwise merges concurrent appends (so a receipt
//   INSERT alone fences nothing there). Two loads of one key share its slot, so they conflict.
//   The slot rows are written once per task and bucket, before any load: a row per key (the first
//   design) had to be looked up and inserted before every transaction, outside it (an UPDATE only
//   conflicts on a row that exists), and that cost 250-900 ms a batch whatever its size
//   (docs/benchmarks.md), in a table growing by a row per object. The price: slot rows sit in one
//   block, so two workers' overlapping loads of one task conflict even on different keys, and the
//   later COMMIT is retried (as on 1.2.453 for any two). The slot of a key must never change
//   between worker versions (slotOf), or racing loads would stop meeting.
//
// Retention: 21 days = SQS's longest message retention (14 days: a message can be redelivered
// that long after its object was loaded) plus 7 days for a dead-letter queue's redrive back into
// the source queue (the redriven message's retention counts from its first enqueue, so anything
// older than 14 days is dropped by SQS anyway; the week covers an operator who redrives late and
// an older receipt costs a few bytes). A receipt older than that answers no question any message
// can still ask.
import { createHash } from "node:crypto";
import type { CopyFileResult, WarehouseSession } from "./client.ts";
import { qualifiedTable, sqlIdent, sqlString } from "./sql.ts";

export const RECEIPTS_DATABASE = "sqs_s3_ingest";
export const RECEIPTS_TABLE = qualifiedTable(RECEIPTS_DATABASE, "load_receipts");
export const FENCE_SLOTS_TABLE = qualifiedTable(RECEIPTS_DATABASE, "load_fence_slots");
/** Fence rows per task and bucket: enough that small loads of different keys rarely share one. */
export const FENCE_SLOTS = 256;
/** SQS's maximum retention (14 days) plus a 7-day redrive horizon; see above. */
export const RECEIPT_RETENTION_DAYS = 21;

/** Statements that create the product's receipts database and tables when missing. */
export function receiptTablesDdl(): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${sqlIdent(RECEIPTS_DATABASE)}`,
    `CREATE TABLE IF NOT EXISTS ${RECEIPTS_TABLE} (task_id STRING, bucket STRING, object_key STRING, etag STRING, rows_loaded UInt64, worker_id STRING, loaded_at TIMESTAMP)`,
    `CREATE TABLE IF NOT EXISTS ${FENCE_SLOTS_TABLE} (task_id STRING, bucket STRING, slot UInt16, generation UInt64, worker_id STRING, updated_at TIMESTAMP)`,
  ];
}

export interface Version {
  key: string;
  etag: string;
}

function whereKeys(taskId: string, bucket: string, keys: readonly string[]): string {
  return `task_id = ${sqlString(taskId)} AND bucket = ${sqlString(bucket)} AND object_key IN (${keys.map(sqlString).join(", ")})`;
}

/** A key's fence slot: the first two bytes of its SHA-256, modulo FENCE_SLOTS. Fixed for good (see above). */
export function slotOf(key: string): number {
  return createHash("sha256").update(key, "utf8").digest().readUInt16BE(0) % FENCE_SLOTS;
}

function whereSlots(taskId: string, bucket: string): string {
  return `task_id = ${sqlString(taskId)} AND bucket = ${sqlString(bucket)}`;
}

/** The slots this task and bucket have rows for. */
export function fenceSlotsQuery(taskId: string, bucket: string): string {
  return `SELECT DISTINCT slot FROM ${FENCE_SLOTS_TABLE} WHERE ${whereSlots(taskId, bucket)}`;
}

/**
 * Rows for the slots that have none (outside any transaction: an UPDATE only conflicts on a row
 * that exists). Two workers racing here may both insert one; the UPDATE then moves both rows, and
 * conflicts all the same.
 */
export function insertFenceSlots(taskId: string, bucket: string, slots: readonly number[], workerId: string): string {
  const rows = slots.map((slot) => `(${sqlString(taskId)}, ${sqlString(bucket)}, ${Math.trunc(slot)}, 0, ${sqlString(workerId)}, now())`);
  return `INSERT INTO ${FENCE_SLOTS_TABLE} (task_id, bucket, slot, generation, worker_id, updated_at) VALUES ${rows.join(", ")}`;
}

/** Inside the load's transaction, first: the write a racing load of the same key conflicts with. */
export function fenceUpdate(taskId: string, bucket: string, versions: readonly Version[], workerId: string): string {
  const slots = [...new Set(versions.map((v) => slotOf(v.key)))].sort((a, b) => a - b);
  return (
    `UPDATE ${FENCE_SLOTS_TABLE} SET generation = generation + 1, worker_id = ${sqlString(workerId)}, updated_at = now() ` +
    `WHERE ${whereSlots(taskId, bucket)} AND slot IN (${slots.join(", ")})`
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

/** Drops receipts older than the retention (the fence slots stay: a fixed few per task). Outside any load's transaction. */
export function pruneReceipts(taskId: string): string[] {
  return [`DELETE FROM ${RECEIPTS_TABLE} WHERE task_id = ${sqlString(taskId)} AND loaded_at < now() - INTERVAL ${RECEIPT_RETENTION_DAYS} DAY`];
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
