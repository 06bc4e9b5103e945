// Real browser against the built console, the real API and the AWS sandbox: the operator's path
// from an empty list to a tested, saved and deleted data source.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import type { Page } from "playwright-core";
import type { Sandbox } from "../../sandbox/aws/server.ts";
import { SHOTS, startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";

describe("console in Chromium: create, test, save, list, delete a data source", () => {
  let h: ConsoleHarness;
  let sandbox: Sandbox;
  let baseUrl: string;
  let page: Page;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-ds-" });
    ({ sandbox, baseUrl, page } = h);
  });

  afterAll(async () => {
    await h?.close();
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
