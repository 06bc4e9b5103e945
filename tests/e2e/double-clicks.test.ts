// Issue 17, item 5: a double click acts once. In real Chromium at both sizes, against the real API,
// worker, sandbox and dev warehouse: double-clicking Start sends one start and writes one "started"
// audit row (and never a stop); double-clicking Load existing objects sends one request and leaves
// no red notice; no notice or progress line shows a raw ISO timestamp.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { taskRecordSchema } from "#contracts/task.ts";
import { expectNotice } from "./notice.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The POSTs the page sends to `/api/tasks/<id>/<action>`, counted from now on. */
function countPosts(page: Page, id: string) {
  const seen: Record<string, number> = {};
  page.on("request", (request) => {
    const match = new RegExp(`/api/tasks/${id}/(\\w+)$`).exec(new URL(request.url()).pathname);
    if (request.method() === "POST" && match) seen[match[1]!] = (seen[match[1]!] ?? 0) + 1;
  });
  return (action: string) => seen[action] ?? 0;
}

describe("a double click acts once (issue 17, item 5)", () => {
  let h: TaskHarness;

  beforeAll(async () => {
    h = await startTaskHarness("e2e-double-");
  });

  afterAll(async () => {
    await h?.closeAll();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const demo = h.sandbox.seedValues;
      const name = `double-${viewport.name}`;
      const table = `e2e_double_${viewport.name}`;
      await h.clearTasks();
      await h.warehouse.exec(`CREATE TABLE IF NOT EXISTS \`${table}\` (id INT NOT NULL, item VARCHAR)`);
      const created = await h.apiFetch("/api/tasks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name,
          data_source_id: h.source.id,
          file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" },
          prefix: demo.prefix,
          suffix: demo.suffix,
          target: { database: "default", table },
          on_error: "abort",
          purge: false,
        }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const task = taskRecordSchema.parse(await created.json());

      // Issue 17, item 11: a task that does not exist is said so in the title, and the way back is readable (axe: contrast).
      const missing = await h.openPage(viewport, "/data/integration/no-such-task");
      await missing.getByRole("heading", { level: 1, name: "Task not found" }).waitFor();
      await missing.getByRole("link", { name: "Back to Data Integration" }).waitFor();
      await checkPage(missing, "task-missing", viewport);
      await missing.context().close();

      const page = await h.openPage(viewport, `/data/integration/${task.id}`);
      await page.getByRole("heading", { level: 1, name }).waitFor();
      const posts = countPosts(page, task.id);
      // Issue 17, item 11: the Status section does not say "Status" twice.
      const status = page.getByRole("region", { name: "Status" });
      await status.getByText("Current state").waitFor();
      expect(await status.getByText("Status", { exact: true }).count(), "'Status' said again below the section's own heading").toBe(1);

      await page.getByRole("button", { name: "Start", exact: true }).dblclick();
      await expectNotice(page, name, /is starting/);
      await page.getByRole("button", { name: "Stop", exact: true }).waitFor();
      expect(posts("start"), "POST start requests").toBe(1);
      expect(posts("stop"), "POST stop requests").toBe(0);
      const audit = (await (await h.apiFetch("/api/audit?limit=100")).json()) as { items: { action: string; resource_id: string | null }[] };
      expect(audit.items.filter((e) => e.action === "started" && e.resource_id === task.id)).toHaveLength(1);

      // Load existing objects needs the task meant to run (it is now); the button is enabled.
      const load = page.getByRole("button", { name: "Load existing objects" });
      await expect.poll(() => load.isEnabled(), { timeout: 10_000 }).toBe(true);
      await load.dblclick();
      await expectNotice(page, "Loading existing objects", new RegExp(name));
      const progress = page.getByRole("group", { name: "Last load of existing objects" });
      await progress.waitFor();
      expect(posts("backfill"), "POST backfill requests").toBe(1);
      // No refusal, and no time written as an ISO string in any notice or on the page.
      const alerts = await page.getByRole("alert").allInnerTexts();
      expect(alerts.filter((text) => /Could not/.test(text)), "red notices").toEqual([]);
      expect(alerts.filter((text) => ISO_TIME.test(text)), "notices with a raw ISO time").toEqual([]);
      expect(await page.getByRole("main").innerText()).not.toMatch(ISO_TIME);
      await checkPage(page, "task-double-click", viewport);

      // The task's page is left as the flow found it.
      await page.getByRole("button", { name: "Stop", exact: true }).click();
      await expectNotice(page, name, /stopping/);
      await page.context().close();
    });
  }
});
