// What every browser test stands on: the AWS sandbox, the real API serving the built console (with
// Test Connectivity acting as the platform setup identity against the sandbox), and Chromium. The
// API's store is seeded as `ADMIN_EMAIL`/`ADMIN_PASSWORD`/`ADMIN_API_KEY` would seed it: the first
// organization (ORG_ID), its admin, who signs each page in, and an admin API key for set-up calls.
// Everything the API asks AWS as the platform setup identity (Test Connectivity, a task's queue
// backlog, the wizard's preview) goes to the sandbox with the setup role's keys, as in `npm start`.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import pino from "pino";
import { startSandbox, type Sandbox } from "../../sandbox/aws/server.ts";
import { buildApp, type AppOptions } from "../../server/api/app.ts";
import { seedFirstRun } from "../../server/auth/seed.ts";
import { loadConfig, type Config } from "../../server/config.ts";
import { createBacklogReader } from "../../server/connectivity/backlog.ts";
import { createConnectivityTester } from "../../server/connectivity/engine.ts";
import { createPreviewer } from "../../server/preview/previewer.ts";
import { openStore, type Stores } from "../../server/store/open.ts";
import { launchBrowser } from "./browser.ts";
import type { Viewport } from "./viewports.ts";

export const SHOTS = path.resolve("test-results/e2e");

/**
 * For the tests' own API requests (page.request): the API closes a connection idle for 5 s
 * (KEEP_ALIVE_TIMEOUT_MS), and a request sent on it at that moment fails with ECONNRESET (seen
 * once in a fresh-clone run). A browser resends such a request; Playwright does when told
 * (`maxRetries` retries only ECONNRESET).
 */
export const RETRY_RESET = { maxRetries: 2 } as const;
const DIST = path.resolve("dist");

/** The seeded admin of the first organization. */
export const ADMIN = {
  email: "admin@example.com",
  password: "correct horse battery staple",
  apiKey: `ak_${"e2e0".repeat(12)}`,
} as const;

export interface ConsoleHarness {
  dataDir: string;
  sandbox: Sandbox;
  config: Config;
  api: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  /**
   * A page in a fresh browser context of this size (its own cookies and storage), opened at `path`;
   * signed in as the admin (through the API's sign-in endpoint, which sets the context's cookie)
   * unless `signedIn` is false.
   */
  openPage(viewport: Viewport, path?: string, options?: { signedIn?: boolean }): Promise<Page>;
  /** fetch against the API as the admin's API key (set-up and checks beside the browser). */
  apiFetch(pathname: string, init?: RequestInit): Promise<Response>;
  /** Closes the browser and the API, then `cleanup` (what `beforeApi` started), then the sandbox. */
  close(cleanup?: () => Promise<void>): Promise<void>;
}

export async function startConsoleHarness(
  options: { prefix: string; orgId?: string; /** More of the API's options (e.g. small limits). */ app?: Partial<AppOptions> },
  /**
   * Runs after the sandbox starts and before the API (e.g. a dev warehouse); may hand the API a
   * store and environment for its configuration (e.g. DATABEND_DSN).
   */
  beforeApi?: (
    dataDir: string,
    sandbox: Sandbox,
  ) => Promise<{ stores?: Stores; env?: NodeJS.ProcessEnv } | void>,
): Promise<ConsoleHarness> {
  if (!existsSync(path.join(DIST, "index.html"))) {
    throw new Error("The console is not built: run `npm run build` (npm test does it first)");
  }
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), options.prefix));
  const orgId = options.orgId ?? "local-org";
  const sandbox = await startSandbox({ port: 0, dataDir, orgId, log: false });
  const { env, stores: given } = (await beforeApi?.(dataDir, sandbox)) ?? {};
  const config = loadConfig({
    ...env,
    DATA_DIR: dataDir,
    ORG_ID: orgId,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_API_KEY: ADMIN.apiKey,
  });
  // The store `beforeApi` shares with a worker, or one of our own (closed with the API).
  const stores = given ?? (await openStore(dataDir));
  const seeded = await seedFirstRun(config, stores.db);
  if (!seeded.seeded) throw new Error("the e2e store was not seeded with the first admin");
  const endpoint = sandbox.url;
  const setupIdentity = {
    credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" },
    endpoints: { sts: endpoint, sqs: endpoint, s3: endpoint },
  };
  // Handed in, so closed here: the app closes only the previewer it made itself.
  const previewer = createPreviewer({
    platformSetupRoleArn: config.platformSetupRoleArn,
    aws: setupIdentity,
    timeoutMs: config.databendPreviewTimeoutMs,
  });
  const api = await buildApp({
    config,
    logger: pino({ level: "silent" }),
    staticDir: DIST,
    stores,
    connectivity: createConnectivityTester({
      platformSetupRoleArn: config.platformSetupRoleArn,
      platformLoadRoleArn: config.platformLoadRoleArn,
      aws: setupIdentity,
    }),
    queueBacklog: createBacklogReader({ aws: setupIdentity }),
    previewer,
    ...options.app,
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
    async openPage(viewport, pathname = "/", { signedIn = true } = {}) {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      // Bounded waits: a missing element fails the test in seconds, not at the test's timeout.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      if (signedIn) {
        // The context's request shares its cookie jar with the page: the session cookie set here signs the page in.
        const response = await page.request.post(`${baseUrl}/api/auth/sign-in/email`, {
          data: { email: ADMIN.email, password: ADMIN.password },
          ...RETRY_RESET,
        });
        if (!response.ok()) throw new Error(`signing the page in failed: ${response.status()} ${await response.text()}`);
      }
      await page.goto(`${baseUrl}${pathname}`);
      return page;
    },
    apiFetch(pathname, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${ADMIN.apiKey}`);
      return fetch(`${baseUrl}${pathname}`, { ...init, headers });
    },
    async close(cleanup) {
      await browser.close();
      await api.close();
      await previewer.close();
      if (!given) await stores.close();
      await cleanup?.();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
