// The benchmark's second ceiling: Databend loading the same files the worker loads, with the same
// statement (the worker's own COPY builder, FORCE as the worker sends it), the same number of files
// per statement and the same engine, and nothing else: no queue, no store, no claims, no receipts,
// no transaction. A consumer cannot load faster than the slower of draining the queue (bare-loop.ts)
// and this, so the bench compares the worker with min(the two).
import { buildCopyInto, type S3Connection } from "../server/databend/sql.ts";
import type { DatabendWarehouse } from "../server/databend/client.ts";
import type { FileFormat } from "#contracts/task.ts";

export interface BareCopyResult {
  files: number;
  rows: number;
  statements: number;
  ms: number;
}

/**
 * COPYs `keys` into a fresh table shaped like `likeTable`, `filesPerStatement` at a time, one
 * statement after another (the worker also runs one COPY at a time per task).
 */
export async function bareCopy(o: {
  wh: DatabendWarehouse;
  likeTable: string;
  table: string;
  bucket: string;
  keys: readonly string[];
  filesPerStatement: number;
  connection: S3Connection;
  fileFormat: FileFormat;
}): Promise<BareCopyResult> {
  await o.wh.exec(`CREATE TABLE ${o.table} LIKE ${o.likeTable}`);
  let rows = 0;
  let statements = 0;
  const started = performance.now();
  for (let i = 0; i < o.keys.length; i += o.filesPerStatement) {
    const sql = buildCopyInto({
      database: "default",
      table: o.table,
      bucket: o.bucket,
      files: o.keys.slice(i, i + o.filesPerStatement),
      connection: o.connection,
      fileFormat: o.fileFormat,
      onError: "abort",
      purge: false,
      force: true,
    });
    const results = await o.wh.copyInto(sql, [o.connection.secretAccessKey]);
    rows += results.reduce((n, r) => n + r.rowsLoaded, 0);
    statements++;
  }
  return { files: o.keys.length, rows, statements, ms: performance.now() - started };
}
