// One Databend transaction on one databend-driver connection. Over Databend's HTTP protocol a
// transaction lives in the session the driver carries from statement to statement: the server
// answers `txn_state: "Active"` and `need_sticky: true` after BEGIN, and the driver (bendsql
// core/src/client.rs, 0.33) sends that session back with the next /v1/query and pins it to the
// node that ran the last query (X-DATABEND-STICKY-NODE), where Databend keeps the transaction
// (http_query.rs, try_set_txn). So every statement of a transaction must go through the SAME
// Connection, and that connection must not go back to the pool while the transaction is open.
//
// Databend marks the transaction Fail when a statement in it fails (execute_state.rs,
// Executor::stop), and then refuses everything but COMMIT/ROLLBACK with 4002; COMMIT of a failed
// transaction commits nothing. We always end a failed one with ROLLBACK and rethrow the statement's
// own error.
import type { Connection } from "databend-driver";
import type { CopyFileResult, TransactionEnd, WarehouseSession } from "./client.ts";
import { copyResultFromRow } from "./client.ts";

/** Thrown when ROLLBACK itself failed: the connection's session state is unknown, drop it. */
export class RollbackFailed extends Error {
  constructor(cause: unknown) {
    super("ROLLBACK failed", { cause });
    this.name = "RollbackFailed";
  }
}

/**
 * BEGIN, `body`, then COMMIT or ROLLBACK on `conn`. Throws the body's or COMMIT's error after a
 * ROLLBACK; `onBroken` is told when the connection must not be reused (its ROLLBACK failed).
 */
export async function runTransaction<T>(conn: Connection, body: (tx: WarehouseSession) => Promise<TransactionEnd<T>>, onBroken: () => void): Promise<T> {
  const session: WarehouseSession = {
    async copyInto(sql: string): Promise<CopyFileResult[]> {
      const rows = await conn.queryAll(sql);
      return rows.map((row) => copyResultFromRow(row.data() as Record<string, unknown>));
    },
    async query(sql: string): Promise<Record<string, unknown>[]> {
      const rows = await conn.queryAll(sql);
      return rows.map((row) => row.data() as Record<string, unknown>);
    },
    async exec(sql: string): Promise<void> {
      await conn.exec(sql);
    },
  };
  const rollback = async () => {
    try {
      await conn.exec("ROLLBACK");
    } catch (error) {
      onBroken();
      throw new RollbackFailed(error);
    }
  };
  await conn.exec("BEGIN");
  let end: TransactionEnd<T>;
  try {
    end = await body(session);
  } catch (error) {
    await rollback().catch(() => {});
    throw error;
  }
  if (!end.commit) {
    await rollback();
    return end.value;
  }
  // A COMMIT that fails (a conflicting commit won) leaves the session in auto-commit with nothing
  // written: Databend's CommitInterpreter clears the transaction whatever the outcome.
  await conn.exec("COMMIT");
  return end.value;
}
