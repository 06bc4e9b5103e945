// Test-only worker process: the real worker whose warehouse, after its first COPY returns (the
// rows are committed in Databend), prints a line and never answers again, so a test can SIGKILL
// the process between COPY and the message's delete. Only tests run this file.
import type { CopyFileResult } from "../../server/databend/client.ts";
import { DatabendWarehouse } from "../../server/databend/client.ts";
import { runWorker } from "../../server/worker/run.ts";

class PausingWarehouse extends DatabendWarehouse {
  private paused = false;
  override async copyInto(sql: string, secrets: readonly string[]): Promise<CopyFileResult[]> {
    const results = await super.copyInto(sql, secrets);
    if (!this.paused) {
      this.paused = true;
      process.stdout.write(`WORKER_TEST_PAUSED_AFTER_COPY ${JSON.stringify({ files: results.length })}\n`);
      await new Promise(() => {});
    }
    return results;
  }
}

await runWorker({ warehouse: (dsn) => new PausingWarehouse(dsn, { maxIdle: 8 }) });
