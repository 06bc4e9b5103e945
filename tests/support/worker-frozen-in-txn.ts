// Test-only worker process: the real worker whose warehouse, inside its first load's transaction,
// prints WORKER_TEST_IN_TXN and waits WORKER_TEST_HOLD_MS (default 1500) so the test can SIGSTOP it
// there, holding its claims: right after the COPY returns (WORKER_TEST_HOLD_AT=copy, the default:
// rows written, not committed) or right before COMMIT (=commit: HEAD and claim check passed). Every
// transaction's end is printed (WORKER_TEST_TXN_END with committed/rolled back or the error), so
// the test can tell what stopped the stalled load. Only tests run this file.
import type { TransactionEnd, WarehouseSession } from "../../server/databend/client.ts";
import { DatabendWarehouse } from "../../server/databend/client.ts";
import { runWorker } from "../../server/worker/run.ts";

const holdMs = Number(process.env.WORKER_TEST_HOLD_MS ?? 1500);
const holdAt = process.env.WORKER_TEST_HOLD_AT === "commit" ? "commit" : "copy";

class FreezableWarehouse extends DatabendWarehouse {
  private held = false;

  private async hold(files: number): Promise<void> {
    process.stdout.write(`WORKER_TEST_IN_TXN ${JSON.stringify({ at: holdAt, files })}\n`);
    await new Promise((r) => setTimeout(r, holdMs));
  }
  override async transaction<T>(body: (tx: WarehouseSession) => Promise<TransactionEnd<T>>, secrets: readonly string[]): Promise<T> {
    let mine = false;
    let commit: boolean | undefined;
    try {
      const value = await super.transaction(async (tx) => {
        const holding: WarehouseSession = {
          copyInto: async (sql, s) => {
            const results = await tx.copyInto(sql, s);
            if (!this.held) {
              this.held = true;
              mine = true;
              if (holdAt === "copy") await this.hold(results.length);
            }
            return results;
          },
          query: (sql) => tx.query(sql),
          exec: (sql) => tx.exec(sql),
        };
        const end = await body(holding);
        commit = end.commit;
        if (mine && holdAt === "commit" && end.commit) await this.hold(0);
        return end;
      }, secrets);
      if (mine) process.stdout.write(`WORKER_TEST_TXN_END ${JSON.stringify({ outcome: commit ? "committed" : "rolled back", value })}\n`);
      return value;
    } catch (error) {
      if (mine) process.stdout.write(`WORKER_TEST_TXN_END ${JSON.stringify({ outcome: "failed", error: (error as Error).message })}\n`);
      throw error;
    }
  }
}

await runWorker({ warehouse: (dsn) => new FreezableWarehouse(dsn, { maxIdle: 8 }) });
