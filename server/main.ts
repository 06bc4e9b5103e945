// API server entry: `npm run serve` (npm start runs it beside the stand-ins and the worker).
import path from "node:path";
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { buildApp } from "./api/app.ts";
import { createAuth } from "./auth/auth.ts";
import { hasAnyUser, seedFirstRun } from "./auth/seed.ts";
import { newSetupToken, setupLink } from "./api/setup-token.ts";
import { openStore, storeTarget } from "./store/open.ts";
import { serveMetrics, type MetricsServer } from "./metrics-server.ts";

const config = loadConfig();
const logger = createLogger(config.logLevel, "api");
// Opened (and migrated) before listening, so a store problem stops startup with its reason.
const stores = await openStore(storeTarget(config));
// ADMIN_EMAIL/ADMIN_PASSWORD/ADMIN_API_KEY seed an empty store's first organization; ignored later.
const seed = await seedFirstRun(config, stores.db, logger);
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
if (setupToken) logger.info(`first run: open ${setupLink(origin, setupToken)} to create the first organization and its admin (this link works once)`);
