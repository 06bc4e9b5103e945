// Issue 17, item 2, in real Chromium at both sizes against the built console, the real API, the AWS
// sandbox and the dev warehouse (Databend's engine): with no table in `default`, Target starts on
// "Create a new table" drafted from the sample; a name and Next go on to Review without a separate
// Create table step; Review says in words that the table will be created, with its columns; Cancel
// leaves no table (asked of the warehouse API); Create makes the table and the task together. Once
// the database holds a table, Target starts on "An existing table".
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskRecordSchema } from "#contracts/task.ts";
import { warehouseColumnsSchema, warehouseTablesSchema } from "#contracts/warehouse.ts";
import { labelled } from "./labelled.ts";
import { expectLandedOn, pageHeading } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

const stepHeading = (page: Page, n: number, title: string) => page.getByRole("heading", { level: 2, name: `Step ${n} of 5: ${title}` });

describe("the Target step creates the new table with the task (issue 17, item 2)", () => {
  let h: TaskHarness;

  /** The tables of `default` as the warehouse API lists them. */
  async function tablesOfDefault(): Promise<string[]> {
    const res = await h.apiFetch("/api/warehouse/databases/default/tables");
    expect(res.status).toBe(200);
    return warehouseTablesSchema.parse(await res.json()).items.map((t) => t.name);
  }

  /** From the wizard's first step to Target, with the Preview's sample read on the way. */
  async function toTarget(page: Page): Promise<void> {
    await pageHeading(page, "Create Integration Task");
    await labelled(page, "Data source").waitFor();
    const next = page.getByRole("button", { name: "Next", exact: true });
    await next.click();
    await stepHeading(page, 2, "Files").waitFor();
    await next.click();
    await stepHeading(page, 3, "Preview").waitFor();
    // Databend reads the sample in a few seconds on this box.
    await page.getByRole("region", { name: "Sample", exact: true }).waitFor({ timeout: 30_000 });
    await next.click();
    await stepHeading(page, 4, "Target").waitFor();
  }

  beforeAll(async () => {
    h = await startTaskHarness("e2e-new-table-");
    const demo = h.sandbox.seedValues;
    const s3 = new S3Client({ endpoint: h.sandbox.url, region: demo.queueRegion, credentials: { accessKeyId: "test", secretAccessKey: "test" }, forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: `${demo.prefix}e2e17-2/sample.csv`, Body: "id,item,price\n1,apple,1.5\n2,pear,2.5\n" }));
    s3.destroy();
  }, 120_000);

  afterAll(async () => {
    await h?.closeAll();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, { timeout: 150_000 }, async () => {
      const table = `e2e_new_${viewport.name}`;
      // Each size starts from an empty `default`: no task, no table.
      await h.clearTasks();
      for (const name of await tablesOfDefault()) await h.warehouse.exec(`DROP TABLE \`default\`.\`${name}\``);

      const page = await h.openPage(viewport, "/data/integration/new");
      await toTarget(page);

      // The choice follows what exists: `default` has no table, so a new one is drafted from the sample.
      const fresh = page.getByRole("radio", { name: /Create a new table/ });
      await expect.poll(() => fresh.isChecked()).toBe(true);
      expect(await page.getByRole("radio", { name: /An existing table/ }).isChecked()).toBe(false);
      await expect.poll(() => labelled(page, "Name of column 1").inputValue()).toBe("id");
      expect(await labelled(page, "Name of column 2").inputValue()).toBe("item");
      expect(await page.getByRole("button", { name: "Create table", exact: true }).count(), "no separate Create table button").toBe(0);
      await labelled(page, "New table name").fill(table);
      await checkPage(page, "target-new-table", viewport);

      // Next goes on to Review, without an error and without making the table.
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await stepHeading(page, 5, "Review").waitFor();
      expect(await page.getByRole("alert").filter({ hasText: /Create the table/ }).count()).toBe(0);
      expect(await tablesOfDefault()).not.toContain(table);
      const created = page.getByRole("region", { name: `New table default.${table}`, exact: true });
      await created.waitFor();
      expect(await created.innerText()).toMatch(new RegExp(`The table default\\.${table} will be created with these 3 columns`));
      for (const column of ["id", "item", "price"]) await created.getByRole("cell", { name: column, exact: true }).waitFor();
      await checkPage(page, "review-new-table", viewport);

      // Cancel leaves no table (and no task).
      await page.getByRole("link", { name: "Cancel" }).click();
      const leave = page.getByRole("dialog", { name: "Leave without creating the task?" });
      await leave.getByRole("button", { name: "Leave", exact: true }).click();
      await expectLandedOn(page, "Data Integration");
      expect(await tablesOfDefault()).not.toContain(table);
      expect(((await (await h.apiFetch("/api/tasks")).json()) as { items: unknown[] }).items).toEqual([]);

      // Back in the wizard (the draft is back), Create makes both.
      await page.goto(`${h.baseUrl}/data/integration/new`);
      await toTarget(page);
      await expect.poll(() => labelled(page, "New table name").inputValue()).toBe(table);
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await stepHeading(page, 5, "Review").waitFor();
      await expect.poll(() => labelled(page, "Name").inputValue()).toBe(`load-${table}`);
      await page.getByRole("button", { name: "Create stopped", exact: true }).click();
      await expectLandedOn(page, `load-${table}`);
      const taskId = /\/data\/integration\/([^/?]+)/.exec(new URL(page.url()).pathname)?.[1] ?? "";
      const task = taskRecordSchema.parse(await (await h.apiFetch(`/api/tasks/${taskId}`)).json());
      expect(task.target).toEqual({ database: "default", table });
      expect(await tablesOfDefault()).toContain(table);
      const columns = warehouseColumnsSchema.parse(await (await h.apiFetch(`/api/warehouse/databases/default/tables/${table}/columns`)).json());
      expect(columns.items.map((c) => c.name)).toEqual(["id", "item", "price"]);

      // Now `default` holds a table: a new wizard's Target starts on "An existing table".
      await page.goto(`${h.baseUrl}/data/integration/new`);
      await toTarget(page);
      const existing = page.getByRole("radio", { name: /An existing table/ });
      await expect.poll(() => existing.isChecked()).toBe(true);
      await labelled(page, "Table").waitFor();
      await checkPage(page, "target-existing-table", viewport);
      await page.context().close();
    });
  }
});
