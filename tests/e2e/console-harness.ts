// What every browser test stands on: the AWS sandbox, the real API serving the built console (with
// Test Connectivity acting as the platform setup identity against the sandbox), and Chromium.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import pino from "pino";
import { startSandbox, type Sandbox } from "../../sandbox/aws/server.ts";
import { buildApp, type AppOptions } from "../../server/api/app.ts";
import { loadConfig, type Config } from "../../server/config.ts";
import { createConnectivityTester } from "../../server/connectivity/engine.ts";
import { launchBrowser } from "./browser.ts";
import type { Viewport } from "./viewports.ts";

export const SHOTS = path.resolve("test-results/e2e");
const DIST = path.resolve("dist");

export interface ConsoleHarness {
  dataDir: string;
  sandbox: Sandbox;
  config: Config;
  api: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  /** A page in a fresh browser context of this size (its own cookies and storage), opened at `path`. */
  openPage(viewport: Viewport, path?: string): Promise<Page>;
  /** Closes the browser and the API, then `cleanup` (what `beforeApi` started), then the sandbox. */
  close(cleanup?: () => Promise<void>): Promise<void>;
}

export async function startConsoleHarness(
  options: { prefix: string; orgId?: string },
  /**
   * Runs after the sandbox starts and before the API (e.g. a dev warehouse); may hand the API a
   * store and environment for its configuration (e.g. DATABEND_DSN).
   */
  beforeApi?: (
    dataDir: string,
    sandbox: Sandbox,
  ) => Promise<(Pick<AppOptions, "stores"> & { env?: NodeJS.ProcessEnv }) | void>,
): Promise<ConsoleHarness> {
  if (!existsSync(path.join(DIST, "index.html"))) {
    throw new Error("The console is not built: run `npm run build` (npm test does it first)");
  }
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), options.prefix));
  const orgId = options.orgId ?? "local-org";
  const sandbox = await startSandbox({ port: 0, dataDir, orgId, log: false });
  const { env, ...extra } = (await beforeApi?.(dataDir, sandbox)) ?? {};
  const config = loadConfig({ ...env, DATA_DIR: dataDir, ORG_ID: orgId });
  const endpoint = sandbox.url;
  const api = await buildApp({
    config,
    logger: pino({ level: "silent" }),
    staticDir: DIST,
    ...extra,
    connectivity: createConnectivityTester({
      platformSetupRoleArn: config.platformSetupRoleArn,
      platformLoadRoleArn: config.platformLoadRoleArn,
      aws: {
        credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" },
        endpoints: { sts: endpoint, sqs: endpoint, s3: endpoint },
      },
    }),
  });
  const baseUrl = await api.listen({ host: "127.0.0.1", port: 0 });
  const browser = await launchBrowser();
  return {
    dataDir,
    sandbox,
    config,
    api,
    baseUrl,
    browser,
    async openPage(viewport, pathname = "/") {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      // Bounded waits: a missing element fails the test in seconds, not at the test's timeout.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      await page.goto(`${baseUrl}${pathname}`);
      return page;
    },
    async close(cleanup) {
      await browser.close();
      await api.close();
      await cleanup?.();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
