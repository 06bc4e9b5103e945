// Issue 17, item 4 in real Chromium at 1440x900 and 390x844, against the real API, the AWS sandbox,
// the dev warehouse (Databend's engine) and the real worker: a running task whose queue carries a
// file with a bad value (a word in a DOUBLE column, ON_ERROR abort: Databend refuses the file and
// the worker retries its message) reads "Running with errors" in the list, with the error's
// sentence under the name (whole on hover), and the "Needs attention" filter keeps it; the task
// page's badge says the same. Every page is checked (axe, no sideways scroll, screenshot).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { taskRecordSchema, type TaskRecord } from "#contracts/task.ts";
import { expectLandedOn, navigateTo } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

describe("console in Chromium: the task list shows a task's health", () => {
  let h: TaskHarness;

  beforeAll(async () => {
    h = await startTaskHarness("e2e-task-health-");
  });

  afterAll(async () => {
    await h?.closeAll();
  });

  async function task(id: string): Promise<TaskRecord> {
    return taskRecordSchema.parse(await (await h.apiFetch(`/api/tasks/${id}`)).json());
  }

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const demo = h.sandbox.seedValues;
      const name = `amounts-${viewport.name}`;
      const table = `e2e_health_${viewport.name}`;
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

      // Healthy first: the list reads Running and nothing needs attention.
      const page = await h.openPage(viewport, "/data/sources");
      await navigateTo(page, viewport, "Data Integration");
      await expectLandedOn(page, "Data Integration");
      const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
      await row.waitFor();
      await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Running/);
      // Mantine's SegmentedControl draws its radios as labels over zero-size inputs.
      await page.getByRole("radio", { name: "Needs attention (0)" }).waitFor({ state: "attached" });

      // A file with a bad value lands in the bucket: Databend refuses it and the worker keeps the message.
      const s3 = new S3Client({
        endpoint: h.sandbox.url,
        region: demo.queueRegion,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        forcePathStyle: true,
      });
      await s3.send(
        new PutObjectCommand({ Bucket: demo.bucket, Key: `${demo.prefix}bad-amount-${viewport.name}${demo.suffix}`, Body: "id,amount\n1,10.5\n2,ten\n" }),
      );
      s3.destroy();
      await expect.poll(async () => (await task(id)).last_error, { timeout: 30_000 }).toBeTruthy();
      expect((await task(id)).status).toBe("running");
      // Either size's bad file: the first size's message stays in the queue (retried), so the second
      // size's task meets both and its last error may name either.
      const badValue = /^File '[^']*bad-amount-(desktop|phone)\.csv' \(line \d+\) cannot be loaded .*Invalid value 'ten'/;
      expect((await task(id)).last_error).toMatch(badValue);

      // The list refreshes by itself while the task runs: the health and the sentence under the name.
      await expect.poll(() => row.innerText(), { timeout: 20_000 }).toContain("Running with errors");
      const sentence = row.getByTitle(badValue);
      await sentence.waitFor();
      // The whole sentence on hover; the same words, clamped, on the page.
      expect((await sentence.innerText()).replaceAll("\n", " ")).toBe(await sentence.getAttribute("title"));
      await checkPage(page, "tasks-health", viewport);

      // Needs attention keeps it, and the address says so.
      await page.locator("label", { hasText: "Needs attention (1)" }).click();
      await expect.poll(() => page.getByRole("radio", { name: "Needs attention (1)" }).isChecked()).toBe(true);
      await expect.poll(() => new URL(page.url()).search).toBe("?show=attention");
      await row.waitFor();
      await checkPage(page, "tasks-needs-attention", viewport);

      // The task page reads the same health, the sentence in its red Last error.
      await row.getByRole("link", { name, exact: true }).click();
      await expectLandedOn(page, name);
      const status = page.getByRole("region", { name: "Status", exact: true });
      await expect.poll(() => status.innerText(), { timeout: 10_000 }).toContain("Running with errors");
      expect(await status.getByRole("alert").innerText()).toMatch(/File '[^']*bad-amount-(desktop|phone)\.csv' \(line \d+\) cannot be loaded/);
      await checkPage(page, "task-detail-health", viewport);
      await page.context().close();
    });
  }
});
