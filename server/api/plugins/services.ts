// The outside systems the API asks, as decorated plugins made on first use: `app.connectivity`
// runs Test Connectivity (the setup identity, through the SDK's default credential chain),
// `app.queueBacklog` reads a task queue's backlog the same way (cached briefly), `app.warehouses`
// reaches a warehouse of the caller's own organization (target checks, browsing, samples, rows;
// one set of connections per warehouse record), and `app.previewer` lists a task's scope and has
// that warehouse read a sample (POST /api/tasks/preview). Stand-ins may be handed in (tests).
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import { createBacklogReader, type BacklogReader } from "../../connectivity/backlog.ts";
import { createConnectivityTester, type ConnectivityTester } from "../../connectivity/engine.ts";
import type { WarehouseBrowser } from "../../databend/browse.ts";
import type { TargetChecker } from "../../databend/target-check.ts";
import { WarehouseAccessCache, createWarehouseAccess, type WarehouseAccess } from "../../databend/warehouse-access.ts";
import { createPreviewer, type Previewer } from "../../preview/previewer.ts";
import { SecretBoxError, secretBoxFor } from "../../warehouses/secret-box.ts";
import { WarehouseConnections, firstOrganization, type ResolvedWarehouse } from "../../warehouses/connections.ts";
import { HttpError } from "./errors.ts";

declare module "fastify" {
  interface FastifyInstance {
    connectivity: ConnectivityTester;
    queueBacklog: BacklogReader;
    /** The caller's organization's warehouses and the connections to each (see ApiWarehouses). */
    warehouses: ApiWarehouses;
    previewer: Previewer;
  }
}

export interface ApiWarehouses {
  connections: WarehouseConnections;
  /**
   * The connections to warehouse `id` of the organization, or to its default when `id` is absent.
   * Another organization's id or an unknown one is 404 naming `parameter`; an organization with no
   * warehouse at all is 409 saying how to add one.
   */
  access(orgId: string, id: string | null | undefined, parameter: string): Promise<WarehouseAccess>;
  /** A record changed or is gone: its connections are closed and made again on next use. */
  drop(id: string): void;
}

/** The 404 for a warehouse id that is not the caller's organization's (unknown or another's: alike). */
export function unknownWarehouse(id: string, parameter: string): HttpError {
  const message = `No warehouse with id ${id} in your organization; choose one of GET /api/org/warehouses`;
  return new HttpError(404, message, { [parameter]: message });
}

export const NO_WAREHOUSE =
  "Your organization has no warehouse yet: an admin adds one on Organization → Warehouses (POST /api/org/warehouses), then try again";

async function resolveOrRefuse(connections: WarehouseConnections, orgId: string, id: string | null | undefined, parameter: string): Promise<ResolvedWarehouse> {
  let resolved: ResolvedWarehouse | null;
  try {
    resolved = await connections.resolve(orgId, id);
  } catch (error) {
    // The stored password cannot be opened here (another key): say so, without any secret.
    if (error instanceof SecretBoxError) throw new HttpError(503, error.message);
    throw error;
  }
  if (resolved) return resolved;
  if (id) throw unknownWarehouse(id, parameter);
  throw new HttpError(409, NO_WAREHOUSE);
}

/** ORG_ID, else the first organization better-auth made (when the whole store was handed in). */
async function firstOrgIdOf(app: FastifyInstance, config: Config): Promise<string | undefined> {
  if (config.orgId) return config.orgId;
  const db = await app.storeDb().catch(() => undefined);
  return db ? firstOrganization(db, undefined)() : undefined;
}

function lazily<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

export interface ServicesOptions {
  config: Config;
  logger: Logger;
  connectivity?: ConnectivityTester | undefined;
  queueBacklog?: BacklogReader | undefined;
  targetChecker?: TargetChecker | undefined;
  warehouseBrowser?: WarehouseBrowser | undefined;
  previewer?: Previewer | undefined;
}

export const servicesPlugin = fp<ServicesOptions>(
  async (app, { config, logger, ...given }) => {
    let tester = given.connectivity;
    const connectivity: ConnectivityTester = async (input, run) => {
      const outcome = await (tester ??= createConnectivityTester({
        platformSetupRoleArn: config.platformSetupRoleArn,
        platformLoadRoleArn: config.platformLoadRoleArn,
        logger,
      }))(input, run);
      // Counted for the API's metrics (registered before this plugin; absent in a bare instance).
      if (app.hasDecorator("apiMetrics")) app.apiMetrics.connectivityTest(outcome);
      return outcome;
    };
    app.decorate("connectivity", connectivity);
    // One per app, so its cache and setup sessions serve every request (a task page polls).
    app.decorate("queueBacklog", given.queueBacklog ?? createBacklogReader());

    // Each organization's warehouses (issue 16): browsing, target checks, samples and rows go to a
    // warehouse of the caller's own organization, one set of connections per warehouse record.
    const box = lazily(() => secretBoxFor(config));
    const connections = lazily(
      () =>
        new WarehouseConnections({
          store: app.stores.warehouses,
          box: box(),
          bootstrap: { dsn: config.databendDsn, firstOrgId: () => firstOrgIdOf(app, config) },
        }),
    );
    const cache = new WarehouseAccessCache((record, dsn, password) => {
      const real = createWarehouseAccess(record, dsn, password, { checkMs: config.databendCheckTimeoutMs });
      // Stand-ins handed in (tests about who may call, not what Databend says) answer for every warehouse.
      if (!given.warehouseBrowser && !given.targetChecker) return real;
      return Object.assign(Object.create(real) as WarehouseAccess, {
        browser: given.warehouseBrowser ?? real.browser,
        checker: given.targetChecker ?? real.checker,
      });
    });
    app.addHook("onClose", async () => cache.close());
    app.decorate("warehouses", {
      getter: (): ApiWarehouses => ({
        connections: connections(),
        async access(orgId, id, parameter) {
          const resolved = await resolveOrRefuse(connections(), orgId, id, parameter);
          return cache.get(resolved.record, resolved.dsn, resolved.password);
        },
        drop: (id) => cache.drop(id),
      }),
    });

    let previewer = given.previewer;
    const ownPreviewer = !previewer;
    app.decorate("previewer", {
      getter: () =>
        (previewer ??= createPreviewer({
          platformSetupRoleArn: config.platformSetupRoleArn,
          timeoutMs: config.databendPreviewTimeoutMs,
          databendS3EndpointUrl: config.databendS3EndpointUrl,
        })),
    });
    app.addHook("onClose", async () => {
      if (ownPreviewer) await previewer?.close();
    });
  },
  { name: "services" },
);
