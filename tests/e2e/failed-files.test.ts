// Issue 20, section 1, in real Chromium at 1440x900 and 390x844, against the real API, the AWS
// sandbox's S3 events, the dev warehouse (Databend's engine) and the real worker: a running task
// meets two files with a bad value (a word in a DOUBLE column); after the worker's attempts each is
// set aside in the task page's Failed files with its key, Databend's sentence and the attempts.
// Fixing one object (written with the bucket's notification off, so no event loads it) and
// pressing Retry loads it: its rows land in the table and the entry leaves the list. Dismissing
// the other requires a reason, and the reason is kept (listed under Dismissed, and in the API).
// Every page and the dialog are checked (axe, no sideways scroll, screenshots task-failed-files*).
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedFilesPageSchema, FAILED_FILES_MESSAGES, type FailedFilesPage } from "#contracts/failed-files.ts";
import { taskRecordSchema, type TaskRecord } from "#contracts/task.ts";
import { checkPage, screenshotPath } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

describe("console in Chromium: a task's failed files, retried and dismissed", () => {
  let h: TaskHarness;
  let s3: S3Client;

  beforeAll(async () => {
    h = await startTaskHarness("e2e-failed-files-");
    s3 = new S3Client({ endpoint: h.sandbox.url, region: h.sandbox.seedValues.queueRegion, credentials: { accessKeyId: "test", secretAccessKey: "test" }, forcePathStyle: true });
  });

  afterAll(async () => {
    s3?.destroy();
    await h?.closeAll();
  });

  const task = async (id: string): Promise<TaskRecord> => taskRecordSchema.parse(await (await h.apiFetch(`/api/tasks/${id}`)).json());
  const failedFiles = async (id: string, query = ""): Promise<FailedFilesPage> =>
    failedFilesPageSchema.parse(await (await h.apiFetch(`/api/tasks/${id}/failed-files${query}`)).json());
  const count = async (table: string) => Number((await h.warehouse.query(`SELECT COUNT(*) AS n FROM \`${table}\``))[0]?.n ?? NaN);

  /** Writes an object without its ObjectCreated event: the notification is off meanwhile. */
  async function putQuietly(key: string, body: string): Promise<void> {
    const bucket = h.sandbox.seedValues.bucket;
    const saved = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: {} }));
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    } finally {
      const { $metadata: _, ...configuration } = saved;
      await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: configuration }));
    }
  }

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, { timeout: 240_000 }, async () => {
      const demo = h.sandbox.seedValues;
      const name = `failed-files-${viewport.name}`;
      const table = `e2e_failed_${viewport.name}`;
      const retryKey = `${demo.prefix}bad-retry-${viewport.name}${demo.suffix}`;
      const dismissKey = `${demo.prefix}bad-dismiss-${viewport.name}${demo.suffix}`;
      await h.clearTasks();
      await h.warehouse.exec(`CREATE TABLE \`${table}\` (id INT NOT NULL, amount DOUBLE)`);
      const created = await h.apiFetch("/api/tasks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, data_source_id: h.source.id, file_format: { type: "csv" }, target: { table }, on_error: "abort" }),
      });
      expect(created.status).toBe(201);
      const { id } = taskRecordSchema.parse(await created.json());
      expect((await h.apiFetch(`/api/tasks/${id}/start`, { method: "POST" })).status).toBeLessThan(300);
      await expect.poll(async () => (await task(id)).status, { timeout: 20_000 }).toBe("running");

      for (const key of [retryKey, dismissKey]) {
        await s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: key, Body: "id,amount\n1,10.5\n2,ten\n" }));
      }
      // Both set aside after the worker's attempts (3 by default), each message deleted.
      await expect.poll(async () => (await failedFiles(id)).items.map((f) => f.key).sort(), { timeout: 120_000, interval: 500 }).toEqual([retryKey, dismissKey].sort());

      const page = await h.openPage(viewport, `/data/integration/${id}`);
      await page.getByRole("heading", { level: 1, name }).waitFor();
      const section = page.getByRole("region", { name: "Failed files", exact: true });
      const list = section.getByRole("table", { name: /Failed files of this task/ });
      const row = (key: string) => list.getByRole("row").filter({ hasText: key });
      await row(retryKey).waitFor();
      const shown = await row(retryKey).innerText();
      expect(shown).toContain("Invalid value 'ten'");
      expect(shown).toMatch(/\b3\b/); // attempts
      expect(shown).toContain("Failed");
      expect(await section.innerText()).toContain("2 files failed");
      await checkPage(page, "task-failed-files", viewport);
      await section.screenshot({ path: screenshotPath("task-failed-files-section", viewport) });

      // Retry after fixing the object: it loads (its rows in the table) and its entry leaves the list.
      await putQuietly(retryKey, "id,amount\n1,10.5\n2,20.25\n");
      await row(retryKey).getByRole("button", { name: `Retry ${retryKey}` }).click();
      await row(retryKey).waitFor({ state: "detached", timeout: 60_000 });
      await expect.poll(() => count(table), { timeout: 30_000 }).toBe(2);
      expect((await failedFiles(id, "?state=cleared")).items.map((f) => f.key)).toEqual([retryKey]);

      // Dismiss: the reason is required, then kept.
      await row(dismissKey).getByRole("button", { name: `Dismiss ${dismissKey}` }).click();
      const dialog = page.getByRole("dialog", { name: "Dismiss failed files" });
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Dismiss", exact: true }).click();
      await dialog.getByText(FAILED_FILES_MESSAGES.reasonRequired).waitFor();
      await checkPage(page, "task-failed-files-dismiss", viewport);
      await page.screenshot({ path: screenshotPath("task-failed-files-dialog", viewport) });
      const reason = `Test upload from the ${viewport.name} run; nothing to load`;
      await dialog.getByRole("textbox", { name: /Reason/ }).fill(reason);
      await dialog.getByRole("button", { name: "Dismiss", exact: true }).click();
      await dialog.waitFor({ state: "detached" });
      await row(dismissKey).waitFor({ state: "detached" });
      await section.getByText(/No failed files/).waitFor();

      await section.getByLabel("Show").selectOption("dismissed");
      await row(dismissKey).waitFor();
      expect(await row(dismissKey).innerText()).toContain(reason);
      const dismissed = await failedFiles(id, "?state=dismissed");
      expect(dismissed.items).toEqual([expect.objectContaining({ key: dismissKey, dismiss_reason: reason })]);
      await checkPage(page, "task-failed-files-dismissed", viewport);
      await section.screenshot({ path: screenshotPath("task-failed-files-dismissed-section", viewport) });
      await page.context().close();
    });
  }
});
