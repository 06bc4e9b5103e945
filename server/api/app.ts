// The HTTP app, assembled from one plugin per resource.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import { healthRoutes } from "./health.ts";
import { orgRoutes } from "./org.ts";
import { errorHandling } from "./errors.ts";
import { dataSourceRoutes } from "./data-sources.ts";
import { dataSourceTestRoutes, type TestRateLimit } from "./data-sources-test.ts";
import type { DataSourceStore } from "../store/types.ts";
import { openStore, storeTarget, type Stores } from "../store/open.ts";
import type { TaskStore } from "../store/tasks.ts";
import { taskRoutes } from "./tasks.ts";
import { createConnectivityTester, type ConnectivityTester } from "../connectivity/engine.ts";
import { createTargetChecker, type TargetChecker } from "../databend/target-check.ts";

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Built SPA to serve at /; omitted in API-only tests. */
  staticDir?: string;
  /** Persistence; by default openStore() on DATABASE_URL or DATA_DIR, opened on first use (and closed with the app). */
  stores?: Pick<Stores, "dataSources" | "tasks">;
  /** Test Connectivity; by default the engine with the SDK's default credential chain. */
  connectivity?: ConnectivityTester;
  /** Checks task targets in Databend; by default through databend-driver at config.databendDsn. */
  targetChecker?: TargetChecker;
  /** Test Connectivity rate limit per organization; 10 per minute by default. */
  testRateLimit?: TestRateLimit;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, logger, staticDir } = options;
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 64 * 1024 });
  await app.register(errorHandling);
  await app.register(healthRoutes);
  await app.register(orgRoutes, { config });

  // Opened on first use, so routes that need no store (health, org) work without one.
  let opened: Promise<Stores> | undefined;
  const open = () => (opened ??= openStore(storeTarget(config)));
  app.addHook("onClose", async () => {
    if (opened) await (await opened).close();
  });
  const dataSources = options.stores?.dataSources ?? lazyPort<DataSourceStore>(async () => (await open()).dataSources);
  const tasks = options.stores?.tasks ?? lazyPort<TaskStore>(async () => (await open()).tasks);
  const getStore = (): DataSourceStore => dataSources;
  let tester = options.connectivity;
  const getTester = (): ConnectivityTester =>
    (tester ??= createConnectivityTester({
      orgId: config.orgId,
      platformSetupRoleArn: config.platformSetupRoleArn,
      platformLoadRoleArn: config.platformLoadRoleArn,
      logger,
    }));
  const getTaskStore = (): TaskStore => tasks;
  let targetChecker = options.targetChecker;
  const ownTargetChecker = !targetChecker;
  const getTargetChecker = (): TargetChecker =>
    (targetChecker ??= createTargetChecker({ dsn: config.databendDsn, timeoutMs: config.databendCheckTimeoutMs }));
  app.addHook("onClose", async () => {
    if (ownTargetChecker) await targetChecker?.close();
  });
  await app.register(taskRoutes, { taskStore: getTaskStore, orgId: config.orgId, targetChecker: getTargetChecker });
  await app.register(dataSourceRoutes, { config, store: getStore });
  await app.register(dataSourceTestRoutes, {
    config,
    store: getStore,
    tester: getTester,
    ...(options.testRateLimit ? { rateLimit: options.testRateLimit } : {}),
  });
  if (staticDir && existsSync(path.join(staticDir, "index.html"))) {
    await app.register(fastifyStatic, { root: path.resolve(staticDir), wildcard: false });
    // Client-side routes: any non-API GET that is not a file gets the SPA shell.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === "GET" && !request.url.startsWith("/api/")) {
        return reply.type("text/html").sendFile("index.html");
      }
      return reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}` });
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send({ error: `No route ${request.method} ${request.url.split("?")[0]}` }),
    );
  }
  return app;
}

/** A port whose every method first waits for the store to open (all port methods are async). */
function lazyPort<T extends object>(get: () => Promise<T>): T {
  return new Proxy({} as T, {
    get: (_target, method) =>
      async (...args: unknown[]) => {
        const port = await get();
        return (port[method as keyof T] as (...a: unknown[]) => unknown)(...args);
      },
  });
}
