// The worker process: store, warehouse and supervisor wired from the environment, shut down on
// SIGTERM/SIGINT. `main.ts` runs it as is; tests may hand in their own warehouse (a wrapper
// around the real one) without a test hook in product configuration.
import { loadConfig } from "../config.ts";
import { DatabendWarehouse, type Warehouse } from "../databend/client.ts";
import { createLogger } from "../logger.ts";
import { openStore, storeTarget } from "../store/open.ts";
import { loadWorkerConfig } from "./config.ts";
import { Supervisor } from "./supervisor.ts";

export async function runWorker(options: { warehouse?: (dsn: string) => Warehouse } = {}): Promise<void> {
  const config = loadConfig();
  const workerConfig = loadWorkerConfig();
  const log = createLogger(config.logLevel, "worker");
  const stores = await openStore(storeTarget(config));
  const store = stores.tasks;
  const warehouse = options.warehouse?.(config.databendDsn) ?? new DatabendWarehouse(config.databendDsn, { maxIdle: 8 });
  const supervisor = new Supervisor({ store, warehouse, config: workerConfig, log });

  let closing = false;
  async function shutdown(signal: string): Promise<void> {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    await supervisor.stop();
    await warehouse.close();
    await stores.close();
    process.exit(0);
  }
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  supervisor.start();
}
