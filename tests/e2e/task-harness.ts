// The console harness plus what tasks need: the dev warehouse (the API checks a task's target
// table there), a store the API and the worker share (as they share DATA_DIR in `npm start`), a
// data source made through the API (its own e2e test drives the form), and the real worker: a
// Supervisor in-process with the platform *load* identity. With `tenants`, it is set up as `npm start`
// sets it up: the API provisions a Databend tenant on the dev warehouse for each organization made
// after the first (WAREHOUSE_PROVISIONER_URL), and the worker loads each task into its own
// organization's warehouse, as the worker process does.
import pino from "pino";
import { startWarehouse, type Warehouse as DevWarehouse } from "../../sandbox/warehouse/server.ts";
import { connectionOf, dataSourceRecordSchema, type DataSourceRecord } from "#contracts/data-source.ts";
import { DatabendWarehouse } from "../../server/databend/client.ts";
import { openStore, type Stores } from "../../server/store/open.ts";
import { loadWorkerConfig } from "../../server/worker/config.ts";
import { fixedWarehouse, orgWarehouses } from "../../server/worker/task-warehouses.ts";
import { WarehouseConnections, firstOrganization } from "../../server/warehouses/connections.ts";
import { secretBoxFor } from "../../server/warehouses/secret-box.ts";
import { Supervisor } from "../../server/worker/supervisor.ts";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";

export interface TaskHarness extends ConsoleHarness {
  warehouse: DatabendWarehouse;
  /** The seeded demo as a saved data source. */
  source: DataSourceRecord;
  /** Stops and deletes every task through the API, so a flow starts from an empty list whatever ran before. */
  clearTasks(): Promise<void>;
  /**
   * Stops the dev warehouse and starts it again on the same port and data directory (a restart);
   * resolves on the new process, which is checked to be another one.
   */
  restartWarehouse(): Promise<DevWarehouse>;
  closeAll(): Promise<void>;
}

async function post(h: ConsoleHarness, pathname: string, body: unknown): Promise<unknown> {
  const response = await h.apiFetch(pathname, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`POST ${pathname}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The seeded demo, tested and saved through the API. */
async function saveDemoSource(h: ConsoleHarness): Promise<DataSourceRecord> {
  const demo = h.sandbox.seedValues;
  const connection = {
    name: demo.name,
    queue_url: demo.queueUrl,
    queue_region: demo.queueRegion,
    role_arn: demo.roleArn,
    external_id: h.config.orgId!,
    bucket: demo.bucket,
    prefix: demo.prefix,
    suffix: demo.suffix,
  };
  const test = (await post(h, "/api/data-sources/test", connectionOf(connection))) as { ok: boolean };
  if (!test.ok) throw new Error(`the seeded demo does not pass Test Connectivity: ${JSON.stringify(test)}`);
  return dataSourceRecordSchema.parse(await post(h, "/api/data-sources", connection));
}

export async function startTaskHarness(prefix: string, options: { tenants?: boolean } = {}): Promise<TaskHarness> {
  let dev: DevWarehouse | undefined;
  let stores: Stores | undefined;
  const h = await startConsoleHarness({ prefix }, async (dataDir) => {
    dev = await startWarehouse({ port: 0, dataDir, log: false });
    stores = await openStore(dataDir);
    // As scripts/start.ts sets it: the dev warehouse's tenant endpoint.
    const provisioner = options.tenants ? { WAREHOUSE_PROVISIONER_URL: `${dev.url}/v1/dev/tenants` } : {};
    return { stores, env: { DATABEND_DSN: dev.dsn, ...provisioner } };
  });
  const warehouse = new DatabendWarehouse(dev!.dsn);
  const closeServers = () =>
    h.close(async () => {
      await warehouse.close();
      await stores?.close();
      await dev?.stop();
    });
  const source = await saveDemoSource(h).catch(async (error: unknown) => {
    await closeServers();
    throw error;
  });

  const supervisor = new Supervisor({
    store: stores!.tasks,
    // Without `tenants` the console's tenancy is the API's business: every task loads into the dev
    // warehouse as root. With it, as server/worker/run.ts wires it.
    warehouses: options.tenants
      ? orgWarehouses(
          new WarehouseConnections({
            store: stores!.warehouses,
            box: secretBoxFor(h.config),
            bootstrap: { dsn: dev!.dsn, firstOrgId: firstOrganization(stores!.db, h.config.orgId) },
          }),
        )
      : fixedWarehouse(warehouse),
    config: { ...loadWorkerConfig({}), pollMs: 200, waitSeconds: 1, visibilitySeconds: 6, batchLingerMs: 300, stopGraceMs: 5_000, metricsPort: null },
    log: pino({ level: process.env.WORKER_TEST_LOG ?? "silent" }),
    aws: {
      credentials: { accessKeyId: "platform-load", secretAccessKey: "platform-load" },
      endpoints: { sts: h.sandbox.url, sqs: h.sandbox.url, s3: h.sandbox.url },
    },
  });
  supervisor.start();

  return {
    ...h,
    warehouse,
    source,
    async clearTasks() {
      const { items } = (await (await h.apiFetch("/api/tasks")).json()) as { items: { id: string }[] };
      for (const { id } of items) {
        await h.apiFetch(`/api/tasks/${id}/stop`, { method: "POST" });
        // Deleting is refused (409) until the task is stopped.
        for (let until = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 200))) {
          const status = (await h.apiFetch(`/api/tasks/${id}`, { method: "DELETE" })).status;
          if (status < 300 || status === 404) break;
          if (Date.now() > until) throw new Error(`task ${id} could not be deleted (${status})`);
        }
      }
    },
    async restartWarehouse() {
      const { port, pid } = dev!;
      await dev!.stop();
      dev = await startWarehouse({ port, dataDir: h.dataDir, log: false });
      if (dev.pid === pid) throw new Error("the dev warehouse did not restart");
      return dev;
    },
    async closeAll() {
      await supervisor.stop();
      await closeServers();
    },
  };
}
