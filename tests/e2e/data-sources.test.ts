// Real browser against the built console, the real API and the AWS sandbox: the operator's path
// from an empty list to a tested, saved and deleted data source.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { startSandbox, type Sandbox } from "../../sandbox/aws/server.ts";
import { loadConfig } from "../../server/config.ts";
import { buildApp } from "../../server/api/app.ts";
import { createConnectivityTester } from "../../server/connectivity/engine.ts";
import { launchBrowser } from "./browser.ts";

const SHOTS = path.resolve("test-results/e2e");
const DIST = path.resolve("dist");

describe("console in Chromium: create, test, save, list, delete a data source", () => {
  let dataDir: string;
  let sandbox: Sandbox;
  let api: FastifyInstance;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(path.join(DIST, "index.html"))) {
      throw new Error("The console is not built: run `npm run build` (npm test does it first)");
    }
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), "e2e-ds-"));
    sandbox = await startSandbox({ port: 0, dataDir, orgId: "local-org", log: false });
    const config = loadConfig({ DATA_DIR: dataDir, ORG_ID: "local-org" });
    const endpoint = sandbox.url;
    api = await buildApp({
      config,
      logger: pino({ level: "silent" }),
      staticDir: DIST,
      connectivity: createConnectivityTester({
        orgId: config.orgId,
        platformSetupRoleArn: config.platformSetupRoleArn,
        platformLoadRoleArn: config.platformLoadRoleArn,
        aws: {
          credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" },
          endpoints: { sts: endpoint, sqs: endpoint, s3: endpoint },
        },
      }),
    });
    baseUrl = await api.listen({ host: "127.0.0.1", port: 0 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await sandbox?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const field = (label: string) => page.getByLabel(label, { exact: true });

  async function openCreateForm() {
    await page.goto(`${baseUrl}/data/sources/new`);
    await page.getByRole("link", { name: "Amazon SQS (S3) - IAM Role" }).click();
    await field("Name").waitFor();
  }

  it("tests the seeded demo values, saves them, lists them after a reload, and deletes them", async () => {
    const demo = sandbox.seedValues;
    await page.goto(`${baseUrl}/data/sources`);
    await expect.poll(() => page.getByRole("heading", { name: "Data Sources", level: 1 }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Create Data Source" }).first().click();
    await page.getByRole("link", { name: "Amazon SQS (S3) - IAM Role" }).click();

    await field("Name").fill(demo.name);
    await field("Queue URL").fill(demo.queueUrl);
    // Queue Region is suggested from the URL.
    await expect.poll(() => field("Queue Region").inputValue()).toBe(demo.queueRegion);
    await field("Role ARN").fill(demo.roleArn);
    const externalId = field("External ID");
    expect(await externalId.inputValue()).toBe("local-org");
    expect(await externalId.getAttribute("readonly")).not.toBeNull();
    await field("Bucket").fill(demo.bucket);
    await field("Object Key Prefix").fill(demo.prefix);
    await field("Object Key Suffix").fill(demo.suffix);

    const ok = page.getByRole("button", { name: "OK", exact: true });
    expect(await ok.isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Test Connectivity" }).click();
    await page.getByText(/^Test passed/).waitFor({ timeout: 30_000 });

    const checks = page.getByRole("list", { name: "Connectivity checks" }).getByRole("listitem");
    expect(await checks.count()).toBe(8);
    const texts = await checks.allInnerTexts();
    expect(texts.filter((text) => /fail/i.test(text))).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "create-form-tested.png"), fullPage: true });

    expect(await ok.isEnabled()).toBe(true);
    await ok.click();
    await page.getByRole("heading", { name: demo.name }).waitFor();

    await page.goto(`${baseUrl}/data/sources`);
    await page.reload();
    const row = page.getByRole("row").filter({ hasText: demo.name });
    await row.waitFor();
    expect(await row.innerText()).toContain(demo.bucket);
    await page.screenshot({ path: path.join(SHOTS, "list-after-save.png"), fullPage: true });

    await row.getByRole("link", { name: demo.name }).click();
    await page.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(`${baseUrl}/data/sources`);
    await page.reload();
    await expect.poll(() => page.getByRole("row").filter({ hasText: demo.name }).count()).toBe(0);
  });

  it("shows the field error for a FIFO queue URL and does not test it", async () => {
    await openCreateForm();
    const queueUrl = field("Queue URL");
    await queueUrl.fill(sandbox.seedValues.fifoQueueUrl);
    await page.getByRole("button", { name: "Test Connectivity" }).click();
    const error = page.getByText("FIFO queues are not supported; use a standard queue");
    await error.waitFor();
    expect(await queueUrl.getAttribute("aria-invalid")).toBe("true");
    await page.screenshot({ path: path.join(SHOTS, "create-form-fifo-error.png"), fullPage: true });
    expect(await page.getByText(/^Test passed|^Test failed/).count()).toBe(0);
  });
});
