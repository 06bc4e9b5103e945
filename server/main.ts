// API server entry: `npm run serve` (npm start runs it beside the stand-ins and the worker).
import path from "node:path";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { buildApp } from "./api/app.ts";
import { createAuth } from "./auth/auth.ts";
import { hasAnyUser, seedFirstRun } from "./auth/seed.ts";
import { announceSetupLink, newSetupToken, setupLink } from "./api/routes/setup-token.ts";
import { isLoopbackHost } from "./host-names.ts";
import { openStore, storeTarget } from "./store/open.ts";
import { serveMetrics, type MetricsServer } from "./metrics-server.ts";
import { WarehouseConnections } from "./warehouses/connections.ts";
import { secretBoxFor } from "./warehouses/secret-box.ts";

const config = loadConfig();
const logger = createLogger(config.logLevel, "api");
// Opened (and migrated) before listening, so a store problem stops startup with its reason.
const stores = await openStore(storeTarget(config));
// ADMIN_EMAIL/ADMIN_PASSWORD/ADMIN_API_KEY seed an empty store's first organization; ignored later.
const seed = await seedFirstRun(config, stores.db, logger);
// Warehouse passwords sealed with an old key (WAREHOUSE_SECRET_KEYS_OLD) are sealed again with
// WAREHOUSE_SECRET_KEY, so the old key can be dropped once every process has started on the new one.
const resealed = await new WarehouseConnections({ store: stores.warehouses, box: secretBoxFor(config) }).resealAll();
if (resealed.resealed > 0) logger.info({ resealed: resealed.resealed }, "warehouse passwords sealed again with WAREHOUSE_SECRET_KEY");
if (resealed.unopenable > 0) {
  logger.warn({ unopenable: resealed.unopenable }, "warehouse passwords no configured key opens: set WAREHOUSE_SECRET_KEYS_OLD to the key that sealed them, or enter them again");
}
if (seed.seeded) logger.info({ org_id: seed.organizationId }, "seeded the first organization, its admin and API key");
// An empty store without seeding: a one-time link (printed here only) creates the first
// organization and its admin in the console.
const setupToken = (await hasAnyUser(createAuth(config, stores.db))) ? undefined : newSetupToken();
const app = await buildApp({ config, logger, stores, setupToken, staticDir: path.resolve("dist") });

/** Set once the metrics port is served (a signal may come before). */
const served: { metrics?: MetricsServer | undefined } = {};
let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  logger.info({ signal }, "shutting down");
  await app.close();
  await served.metrics?.close();
  await stores.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

await app.listen({ port: config.port, host: config.host });
// The API's Prometheus metrics on their own port; one already taken is logged, not fatal.
served.metrics =
  config.apiMetricsPort === null
    ? undefined
    : await serveMetrics(app.apiMetrics.registry, config.apiMetricsHost, config.apiMetricsPort).then(
        (server) => {
          logger.info({ url: `http://${server.host}:${server.port}/metrics` }, "serving API metrics");
          return server;
        },
        (error: unknown) => {
          logger.warn({ err: String(error) }, "API metrics not served (set API_METRICS_PORT to another port, or off)");
          return undefined;
        },
      );
const origin = config.publicOrigin ?? `http://localhost:${config.port}`;
logger.info(`console and API on ${origin}`);
if (setupToken) {
  announceSetupLink({
    link: setupLink(origin, setupToken),
    dataDir: config.dataDir,
    loopbackOnly: isLoopbackHost(config.host),
    log: (message) => logger.info(message),
    terminal: (text) => process.stdout.write(text),
  });
}
