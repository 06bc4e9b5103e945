// The worker process: store, warehouses and supervisor wired from the environment, shut down on
// SIGTERM/SIGINT. `main.ts` runs it as is; tests may hand in how a warehouse is opened (a wrapper
// around the real one) without a test hook in product configuration.
import { loadAlertConfig } from "../alerts/config.ts";
import { workerAlerts } from "../alerts/worker-alerts.ts";
import { loadConfig } from "../config.ts";
import { DatabendWarehouse, type Warehouse } from "../databend/client.ts";
import { createLogger } from "../logger.ts";
import { openStore, storeTarget } from "../store/open.ts";
import { loadWorkerConfig } from "./config.ts";
import { Supervisor } from "./supervisor.ts";
import { orgWarehouses } from "./task-warehouses.ts";
import { WarehouseConnections, firstOrganization } from "../warehouses/connections.ts";
import { secretBoxFor } from "../warehouses/secret-box.ts";

export async function runWorker(options: { warehouse?: (dsn: string) => Warehouse } = {}): Promise<void> {
  const config = loadConfig();
  const workerConfig = loadWorkerConfig();
  const log = createLogger(config.logLevel, "worker");
  const stores = await openStore(storeTarget(config));
  const store = stores.tasks;
  // Each task loads into its own organization's warehouse; DATABEND_DSN is the first organization's default.
  const connections = new WarehouseConnections({
    store: stores.warehouses,
    box: secretBoxFor(config),
    bootstrap: { dsn: config.databendDsn, firstOrgId: firstOrganization(stores.db, config.orgId) },
  });
  const warehouses = orgWarehouses(connections, options.warehouse ?? ((dsn) => new DatabendWarehouse(dsn, { maxIdle: 8 })));
  const supervisor = new Supervisor({ store, warehouses, config: workerConfig, log });
  // Alert rules: evaluated by whichever worker holds the lease, deliveries sent by all (issue 20).
  const alerts = workerAlerts({ stores, box: secretBoxFor(config), config: loadAlertConfig(), workerId: workerConfig.workerId, log: log.child({ part: "alerts" }) });

  let closing = false;
  async function shutdown(signal: string): Promise<void> {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    await Promise.all([supervisor.stop(), alerts.stop()]);
    await stores.close();
    process.exit(0);
  }
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  supervisor.start();
  alerts.start();
}
