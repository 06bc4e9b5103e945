// The HTTP app, assembled from plugins: the server's limits and edges (timeouts and body limit,
// JSON nesting depth, security headers, the host allow-list, same-origin writes), the zod type provider (the
// contracts validate requests and serialize responses), errors, the API's metrics, the decorated
// store, outside services, identity (better-auth), the audit log and access on every route (access.ts), the
// OpenAPI document, then one plugin per resource.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { BacklogReader } from "../connectivity/backlog.ts";
import type { ConnectivityTester } from "../connectivity/engine.ts";
import type { WarehouseBrowser } from "../databend/browse.ts";
import type { TargetChecker } from "../databend/target-check.ts";
import type { Auth } from "../auth/auth.ts";
import { auditPlugin, auditRoutes } from "./routes/audit.ts";
import { authPlugin, authRoutes } from "./routes/auth.ts";
import { apiOnlyNotFound, serveConsole } from "./routes/console-assets.ts";
import { dataSourceRoutes } from "./routes/data-sources.ts";
import { dataSourceTestRoutes, type TestRateLimit } from "./routes/data-sources-test.ts";
import type { CallLimits } from "./plugins/org-limits.ts";
import { errorHandling } from "./plugins/errors.ts";
import { healthRoutes } from "./routes/health.ts";
import { jsonDepthLimit } from "./plugins/json-depth.ts";
import { invitationRoutes } from "./routes/invitations.ts";
import { keyRoutes } from "./routes/keys.ts";
import { memberRoutes } from "./routes/members.ts";
import { hostAllowList } from "./plugins/host-allow-list.ts";
import { openapi } from "./plugins/openapi.ts";
import { orgRoutes } from "./routes/org.ts";
import { orgWarehouseRoutes } from "./routes/org-warehouses.ts";
import { organizationRoutes } from "./routes/organizations.ts";
import { accessControl, headersOf } from "./plugins/access.ts";
import { createAuthenticate, type Principal } from "../auth/principal.ts";
import type { SignInThrottle } from "../auth/sign-in-throttle.ts";
import { ssoButton, ssoEndpoints } from "../auth/sso.ts";
import type { SetupToken } from "./routes/setup-token.ts";
import type { FastifyRequest } from "fastify";
import { serializeRequest } from "./plugins/request-log.ts";
import { sameOriginWrites } from "./plugins/same-origin-writes.ts";
import { securityHeaders } from "./plugins/security-headers.ts";
import { serverLimits } from "./plugins/server-limits.ts";
import { servicesPlugin } from "./plugins/services.ts";
import { storesPlugin, type ApiStores } from "./plugins/stores.ts";
import { apiMetricsPlugin, type ApiMetrics } from "./plugins/metrics.ts";
import { taskActivityRoutes } from "./routes/task-activity.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { taskPreviewRoutes } from "./routes/task-preview.ts";
import type { Previewer } from "../preview/previewer.ts";
import { backfillRoutes } from "./routes/backfills.ts";
import { failedFileRoutes } from "./routes/failed-files.ts";
import { warehouseRoutes } from "./routes/warehouse.ts";

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Built SPA to serve at /; omitted in API-only tests. */
  staticDir?: string;
  /** Persistence; by default openStore() on DATABASE_URL or DATA_DIR, opened on first use (and closed with the app). */
  stores?: ApiStores;
  /** Test Connectivity; by default the engine with the SDK's default credential chain. */
  connectivity?: ConnectivityTester;
  /** A task queue's backlog for GET /api/tasks/:id/activity; by default through the setup identity's default chain. */
  queueBacklog?: BacklogReader;
  /** A stand-in for every warehouse's target checks (tests about access); by default databend-driver at each organization's warehouse. */
  targetChecker?: TargetChecker;
  /** A stand-in for every warehouse's browsing (tests about access); by default databend-driver at each organization's warehouse. */
  warehouseBrowser?: WarehouseBrowser;
  /** Task previews; by default the setup identity through the SDK's default chain, the sample read by the organization's warehouse. */
  previewer?: Previewer;
  /** Identity (better-auth); by default made over the store's database on first use. */
  auth?: Auth;
  /**
   * Who a request acts as; by default better-auth's session cookie or API key. Tests of other
   * routes hand in tests/support/fixed-principal.ts.
   */
  authenticate?: (request: FastifyRequest) => Promise<Principal | null>;
  /** The first-run token main.ts printed (empty store only). */
  setupToken?: SetupToken;
  /** The API's Prometheus metrics; a fresh registry by default (main.ts serves it on API_METRICS_PORT). */
  metrics?: ApiMetrics;
  /** Test Connectivity rate limit per client; 10 per minute by default. */
  testRateLimit?: TestRateLimit;
  /** Test Connectivity's and previews' limits per organization and at once (org-limits.ts); the defaults by default. */
  callLimits?: { connectivityTest?: CallLimits; preview?: CallLimits };
  /** Failed sign-ins per account and address; a fresh one with the defaults by default. */
  signInThrottle?: SignInThrottle;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, logger, staticDir } = options;
  // Request log lines name a request without its secrets (request-log.ts), whatever logger is handed in.
  const requestLogger = logger.child({}, { serializers: { req: serializeRequest } });
  const app: FastifyInstance = Fastify({
    loggerInstance: requestLogger as FastifyBaseLogger,
    ...serverLimits(config),
    // request.ip is the address a trusted proxy (TRUST_PROXY) saw, else the socket's peer.
    trustProxy: config.trustProxy ?? false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorHandling);
  // Every JSON body, on every route: nesting past any contract's depth is a 400 before parsing.
  await app.register(jsonDepthLimit);
  // First, so that every response carries the headers, refusals included, and a refused request
  // reaches nothing else.
  await securityHeaders(app, config);
  await app.register(hostAllowList, { config });
  await app.register(sameOriginWrites, { config });
  await app.register(apiMetricsPlugin, { metrics: options.metrics });
  await app.register(storesPlugin, { config, stores: options.stores });
  await app.register(servicesPlugin, {
    config,
    logger,
    connectivity: options.connectivity,
    queueBacklog: options.queueBacklog,
    targetChecker: options.targetChecker,
    warehouseBrowser: options.warehouseBrowser,
    previewer: options.previewer,
  });
  await app.register(authPlugin, { config, auth: options.auth });
  await app.register(auditPlugin);
  let authenticate = options.authenticate;
  await app.register(accessControl, {
    authenticate: (request) => (authenticate ??= withAuth(app))(request),
  });
  await app.register(openapi);

  await app.register(healthRoutes);
  await app.register(authRoutes, {
    config,
    setupToken: options.setupToken,
    passed: config.oidc ? ssoEndpoints(config.oidc) : [],
    sso: ssoButton(config.oidc),
    signInThrottle: options.signInThrottle,
  });
  await app.register(orgRoutes, { config });
  await app.register(orgWarehouseRoutes, { config });
  await app.register(organizationRoutes, { config });
  await app.register(dataSourceRoutes);
  await app.register(dataSourceTestRoutes, { rateLimit: options.testRateLimit, orgLimits: options.callLimits?.connectivityTest });
  await app.register(taskPreviewRoutes, { limits: options.callLimits?.preview });
  await app.register(taskRoutes);
  await app.register(taskActivityRoutes);
  await app.register(backfillRoutes);
  await app.register(failedFileRoutes);
  await app.register(warehouseRoutes);
  await app.register(memberRoutes);
  await app.register(invitationRoutes, { config });
  await app.register(keyRoutes);
  await app.register(auditRoutes);

  if (staticDir && existsSync(path.join(staticDir, "index.html"))) await serveConsole(app, staticDir);
  else apiOnlyNotFound(app);
  return app;
}

/** better-auth's resolution, over the instance made on first use. */
function withAuth(app: FastifyInstance) {
  let resolve: ReturnType<typeof createAuthenticate> | undefined;
  return async (request: FastifyRequest) => (resolve ??= createAuthenticate(await app.auth()))(headersOf(request));
}
