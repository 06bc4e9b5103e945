// The outside systems the API asks, as decorated plugins made on first use: `app.connectivity`
// runs Test Connectivity (the setup identity, through the SDK's default credential chain),
// `app.queueBacklog` reads a task queue's backlog the same way (cached briefly), and
// `app.targetChecker` asks Databend about a task's target table, `app.warehouseBrowser` lists its
// databases, tables and columns (same DSN and timeout), `app.previewer` lists a task's scope and
// has Databend read a sample (POST /api/tasks/preview). Any may be handed in (tests).
import fp from "fastify-plugin";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { createBacklogReader, type BacklogReader } from "../connectivity/backlog.ts";
import { createConnectivityTester, type ConnectivityTester } from "../connectivity/engine.ts";
import { createWarehouseBrowser, type WarehouseBrowser } from "../databend/browse.ts";
import { createTargetChecker, type TargetChecker } from "../databend/target-check.ts";
import { createPreviewer, type Previewer } from "../preview/previewer.ts";

declare module "fastify" {
  interface FastifyInstance {
    connectivity: ConnectivityTester;
    queueBacklog: BacklogReader;
    targetChecker: TargetChecker;
    warehouseBrowser: WarehouseBrowser;
    previewer: Previewer;
  }
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

    let checker = given.targetChecker;
    const own = !checker;
    app.decorate("targetChecker", {
      getter: () => (checker ??= createTargetChecker({ dsn: config.databendDsn, timeoutMs: config.databendCheckTimeoutMs })),
    });
    app.addHook("onClose", async () => {
      if (own) await checker?.close();
    });

    let browser = given.warehouseBrowser;
    const ownBrowser = !browser;
    app.decorate("warehouseBrowser", {
      getter: () => (browser ??= createWarehouseBrowser({ dsn: config.databendDsn, timeoutMs: config.databendCheckTimeoutMs })),
    });
    app.addHook("onClose", async () => {
      if (ownBrowser) await browser?.close();
    });

    let previewer = given.previewer;
    const ownPreviewer = !previewer;
    app.decorate("previewer", {
      getter: () =>
        (previewer ??= createPreviewer({
          platformSetupRoleArn: config.platformSetupRoleArn,
          dsn: config.databendDsn,
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
