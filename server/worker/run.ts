// The worker process: store, warehouse and supervisor wired from the environment, shut down on
// SIGTERM/SIGINT. `main.ts` runs it as is; tests may hand in their own warehouse (a wrapper
// around the real one) without a test hook in product configuration.
import { loadConfig } from "../config.ts";
import { DatabendWarehouse, type Warehouse } from "../databend/client.ts";
import { createLogger } from "../logger.ts";
import { TaskStore } from "../store/tasks.ts";
import { loadWorkerConfig } from "./config.ts";
import { Supervisor } from "./supervisor.ts";

export function runWorker(options: { warehouse?: (dsn: string) => Warehouse } = {}): void {
  const config = loadConfig();
  const workerConfig = loadWorkerConfig();
  const log = createLogger(config.logLevel, "worker");
  const store = new TaskStore({ dataDir: config.dataDir });
  const warehouse = options.warehouse?.(config.databendDsn) ?? new DatabendWarehouse(config.databendDsn, { maxIdle: 8 });
  const supervisor = new Supervisor({ store, warehouse, config: workerConfig, log });

  let closing = false;
  async function shutdown(signal: string): Promise<void> {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    await supervisor.stop();
    await warehouse.close();
    store.close();
    process.exit(0);
  }
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  supervisor.start();
}
