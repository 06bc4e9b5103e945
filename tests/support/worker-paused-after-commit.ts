// Test-only worker process: the real worker whose warehouse, after its first load's transaction
// COMMITs (rows and receipts are in Databend), prints a line and never answers again, so a test can
// SIGKILL the process between that COMMIT and the store's record of it (and the message's delete).
// Only tests run this file.
import type { TransactionEnd, WarehouseSession } from "../../server/databend/client.ts";
import { DatabendWarehouse } from "../../server/databend/client.ts";
import { runWorker } from "../../server/worker/run.ts";

class PausingWarehouse extends DatabendWarehouse {
  private paused = false;
  override async transaction<T>(body: (tx: WarehouseSession) => Promise<TransactionEnd<T>>, secrets: readonly string[]): Promise<T> {
    let copied = 0;
    let committed = false;
    const value = await super.transaction(async (tx) => {
      const counting: WarehouseSession = {
        copyInto: async (sql, s) => {
          const results = await tx.copyInto(sql, s);
          copied += results.length;
          return results;
        },
        query: (sql) => tx.query(sql),
        exec: (sql) => tx.exec(sql),
      };
      const end = await body(counting);
      committed = end.commit;
      return end;
    }, secrets);
    if (!this.paused && committed && copied > 0) {
      this.paused = true;
      process.stdout.write(`WORKER_TEST_PAUSED_AFTER_COMMIT ${JSON.stringify({ files: copied })}\n`);
      await new Promise(() => {});
    }
    return value;
  }
}

await runWorker({ warehouse: (dsn) => new PausingWarehouse(dsn, { maxIdle: 8 }) });
