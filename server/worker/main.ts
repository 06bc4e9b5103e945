// Worker entry: `npm run worker` (npm start runs one beside the API with the platform load identity).
// Runs every task whose desired state is running until SIGTERM/SIGINT.
import { loadConfig } from "../config.ts";
import { DatabendWarehouse } from "../databend/client.ts";
import { createLogger } from "../logger.ts";
import { TaskStore } from "../store/tasks.ts";
import { loadWorkerConfig } from "./config.ts";
import { Supervisor } from "./supervisor.ts";

const config = loadConfig();
const workerConfig = loadWorkerConfig();
const log = createLogger(config.logLevel, "worker");
const store = new TaskStore({ dataDir: config.dataDir });
const warehouse = new DatabendWarehouse(config.databendDsn, { maxIdle: 8 });
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
