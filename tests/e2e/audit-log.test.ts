// Issue 17, item 12: the audit log records every change, is filtered, and exports as CSV. In real
// Chromium at both sizes, against the real API, worker, sandbox and dev warehouse: a table made
// (POST /api/warehouse/databases/default/tables) and Load existing objects show in the log; the
// filters (action, record) narrow it through the address; Export downloads the filtered rows.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskRecordSchema } from "#contracts/task.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

describe("the audit log records, filters and exports (issue 17, item 12)", () => {
  let h: TaskHarness;

  beforeAll(async () => {
    h = await startTaskHarness("e2e-audit-");
  });

  afterAll(async () => {
    await h?.closeAll();
  });

  const send = async (method: string, pathname: string, body?: unknown) => {
    const response = await h.apiFetch(pathname, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const demo = h.sandbox.seedValues;
      const name = `audited-${viewport.name}`;
      const table = `e2e_audit_${viewport.name}`;
      await h.clearTasks();
      await h.warehouse.exec(`DROP TABLE IF EXISTS \`${table}\``);
      const made = await send("POST", "/api/warehouse/databases/default/tables", { name: table, columns: [{ name: "id", type: "INT", nullable: false }, { name: "item", type: "VARCHAR" }] });
      expect(made.status, made.text).toBe(201);
      const created = await send("POST", "/api/tasks", {
        name,
        data_source_id: h.source.id,
        file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" },
        prefix: demo.prefix,
        suffix: demo.suffix,
        target: { database: "default", table },
        on_error: "abort",
        purge: false,
      });
      expect(created.status, created.text).toBe(201);
      const task = taskRecordSchema.parse(JSON.parse(created.text));
      expect((await send("POST", `/api/tasks/${task.id}/start`)).status).toBe(200);
      const backfill = await send("POST", `/api/tasks/${task.id}/backfill`, {});
      expect(backfill.status, backfill.text).toBe(202);
      expect((await send("POST", `/api/tasks/${task.id}/stop`)).status).toBe(200);

      const page = await h.openPage(viewport, "/org/audit");
      await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
      const log = page.getByRole("table", { name: "Audit log, newest first" });
      await log.getByRole("row").filter({ hasText: "Loaded existing objects" }).filter({ hasText: name }).first().waitFor();
      expect(await log.getByRole("row").filter({ hasText: "Created" }).filter({ hasText: `Table default.${table}` }).count(), "the table made").toBe(1);
      await checkPage(page, "org-audit-all", viewport);

      // Filter to this task's Load existing objects.
      const filters = page.getByRole("search", { name: "Filter the audit log" });
      if (viewport.name === "phone") {
        // On a phone the fields fold behind a button, so the log starts on the first screen.
        expect(await filters.getByRole("combobox", { name: "Action" }).isVisible()).toBe(false);
        await filters.getByRole("button", { name: "Filters", exact: true }).click();
        await filters.getByRole("button", { name: "Hide filters" }).waitFor();
      }
      await filters.getByRole("combobox", { name: "Action" }).click();
      await page.getByRole("option", { name: "Loaded existing objects" }).click();
      await filters.getByRole("textbox", { name: "Record", exact: true }).fill(name);
      await filters.getByRole("button", { name: "Apply filters" }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get("action"), { timeout: 10_000 }).toBe("backfill_started");
      await page.getByRole("status").filter({ hasText: "1 matching event loaded, all there are" }).waitFor();
      // The events' rows (on a phone the header row is hidden: each row is a card).
      const rows = log.locator("tbody").getByRole("row");
      expect(await rows.count(), "one event").toBe(1);
      await expect.poll(() => rows.first().innerText()).toContain(name);
      if (viewport.name === "phone") await filters.getByRole("button", { name: "Filters (2 applied)" }).waitFor();
      await checkPage(page, "org-audit-filtered", viewport);

      // Export: the same filters, every matching row, as CSV.
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export filtered rows as CSV" }).click()]);
      expect(download.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
      const csv = await readFile((await download.path())!, "utf8");
      const lines = csv.split("\r\n").filter(Boolean);
      expect(lines[0]).toBe("time_utc,actor_email,via,api_key_id,api_key_name,action,resource_type,resource_id,resource_name,outcome");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`,backfill_started,task,${task.id},${name},all objects in scope`);
      await page.context().close();
    });
  }
});
