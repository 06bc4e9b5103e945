// Issue 17, item 10 in real Chromium against the built console, the real API, the AWS sandbox, the
// dev warehouse and the real worker, at 390x844 and 1440x900:
// - every list of the console (tasks, a task's run history, data sources, members, pending
//   invitations, API keys, audit log, warehouses, the alerts page's four) fits its frame on a phone: no sideways scroll
//   inside the list (its scroll frame's scrollWidth <= clientWidth), each row a card; a task's card
//   shows its name, its health and its actions, all inside the screen. At 1440x900 the same lists
//   are the tables they were (header row shown, rows laid out as table rows).
// - the wizard's preview lists object sizes in kB and MB (not "56 byte" cut off, not KB);
// - on Create Data Source the AWS setup guide comes before Test Connectivity and OK on a phone (the
//   operator acts on it before testing) and stays beside the form on a laptop.
// Every page is checked (axe, no sideways scroll of the page, screenshot).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Locator, Page } from "playwright-core";
import { taskRecordSchema } from "#contracts/task.ts";
import { chooseOption } from "./choose-option.ts";
import { typeChoice, chooseType, button } from "./data-source-form.ts";
import { labelled } from "./labelled.ts";
import { expectLandedOn, navigateTo } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS, type Viewport } from "./viewports.ts";

const TASK = "phone-cards";
const DIR = "e2e-phone/";

/** How the list `name` is drawn: its scroll frame's widths, whether its header row shows, and its rows' CSS display. */
function listLayout(table: Locator) {
  return table.evaluate((el) => {
    // The frame the list scrolls in (Mantine's Table.ScrollContainer): its nearest ancestor that clips.
    let frame = el.parentElement;
    while (frame && getComputedStyle(frame).overflowX === "visible") frame = frame.parentElement;
    if (!frame || frame === document.body) throw new Error("the list has no scroll frame of its own");
    const head = el.querySelector("thead");
    const row = el.querySelector("tbody tr");
    return {
      scrollWidth: frame.scrollWidth,
      clientWidth: frame.clientWidth,
      headerShown: head !== null && head.getClientRects().length > 0,
      rowDisplay: row ? getComputedStyle(row).display : "none",
    };
  });
}

/** The list fits on a phone (no sideways scroll, rows as cards); on a laptop it is the table it was. */
async function expectListLayout(page: Page, name: string, viewport: Viewport): Promise<void> {
  const table = page.getByRole("table", { name, exact: true });
  await table.locator("tbody tr").first().waitFor();
  const layout = await listLayout(table);
  if (viewport.name === "phone") {
    expect(layout.scrollWidth, `${name}: no sideways scroll inside the list at ${viewport.width} px`).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.headerShown, `${name}: no header row over the cards`).toBe(false);
    expect(layout.rowDisplay, `${name}: each row a card`).not.toBe("table-row");
  } else {
    expect(layout.headerShown, `${name}: the header row`).toBe(true);
    expect(layout.rowDisplay, `${name}: rows are table rows`).toBe("table-row");
  }
}

/** The element is drawn and lies inside the screen's width. */
async function expectOnScreen(what: string, locator: Locator, viewport: Viewport): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, `${what} is drawn`).not.toBeNull();
  expect(box!.x, `${what}: left edge on screen`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what}: right edge on screen`).toBeLessThanOrEqual(viewport.width);
}

describe("console in Chromium: lists, sizes and the AWS setup guide on a phone", () => {
  let h: TaskHarness;
  let taskId = "";

  beforeAll(async () => {
    h = await startTaskHarness("e2e-phone-");
    const demo = h.sandbox.seedValues;
    const s3 = new S3Client({
      endpoint: h.sandbox.url,
      region: demo.queueRegion,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      forcePathStyle: true,
    });
    // Three sizes for the preview's Size column: about 1.6 MB, 1.5 kB and 56 bytes (the newest, so
    // the preview samples the small one).
    const rows = (n: number) => `id,item\n${Array.from({ length: n }, (_, i) => `${i},item-${String(i).padStart(6, "0")}`).join("\n")}\n`;
    const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: `${demo.prefix}${DIR}${key}${demo.suffix}`, Body: body }));
    await put("big", rows(90_000));
    await put("medium", rows(80));
    await put("small", "id,item\n1,apple\n2,pear\n3,plum\n4,fig\n5,kiwi\n6,lime\n7,yam\n");
    s3.destroy();
    await h.warehouse.exec("CREATE TABLE IF NOT EXISTS `phone_cards` (id INT, item STRING)");
    const created = await h.apiFetch("/api/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: TASK, data_source_id: h.source.id, file_format: { type: "csv" }, target: { table: "phone_cards" } }),
    });
    if (created.status !== 201) throw new Error(`POST /api/tasks: ${created.status} ${await created.text()}`);
    taskId = taskRecordSchema.parse(await created.json()).id;
    // A run in its history (the objects' events wait in the queue), then stopped again.
    const task = async () => taskRecordSchema.parse(await (await h.apiFetch(`/api/tasks/${taskId}`)).json());
    const runs = async () => ((await (await h.apiFetch(`/api/tasks/${taskId}/runs`)).json()) as { items: unknown[] }).items.length;
    expect((await h.apiFetch(`/api/tasks/${taskId}/start`, { method: "POST" })).status).toBeLessThan(300);
    await vi.waitFor(async () => expect(await runs()).toBeGreaterThan(0), { timeout: 60_000, interval: 500 });
    expect((await h.apiFetch(`/api/tasks/${taskId}/stop`, { method: "POST" })).status).toBeLessThan(300);
    await vi.waitFor(async () => expect((await task()).status).toBe("stopped"), { timeout: 30_000, interval: 500 });
    // A pending invitation, so the members page shows its second list.
    const invited = await h.apiFetch("/api/invitations", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "new.operator@example.com", role: "operator" }),
    });
    if (invited.status !== 201) throw new Error(`POST /api/invitations: ${invited.status} ${await invited.text()}`);
  }, 120_000);

  afterAll(async () => {
    await h?.closeAll();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}: every list, the task card, sizes, the setup guide`, { timeout: 150_000 }, async () => {
      const page = await h.openPage(viewport, "/data/sources");

      // The task list: on a phone the task's card shows its name, its health and its actions.
      await navigateTo(page, viewport, "Data Integration");
      await expectLandedOn(page, "Data Integration");
      await expectListLayout(page, "Integration tasks", viewport);
      const card = page.getByRole("table", { name: "Integration tasks", exact: true }).getByRole("row").filter({ has: page.getByRole("link", { name: TASK, exact: true }) });
      await expectOnScreen("the task's name", card.getByRole("link", { name: TASK, exact: true }), viewport);
      await expectOnScreen("the task's health", card.getByText("Stopped", { exact: true }), viewport);
      for (const action of [/^Start/, /^Edit/, /^Delete/]) await expectOnScreen(`the ${String(action)} action`, card.getByRole("button", { name: action }).or(card.getByRole("link", { name: action })), viewport);
      await checkPage(page, "lists-tasks", viewport);

      // The task page's run history (empty: the task never ran) fits too.
      await card.getByRole("link", { name: TASK, exact: true }).click();
      await expectLandedOn(page, TASK);
      expect(page.url()).toContain(taskId);
      await expectListLayout(page, "Run history, newest first", viewport);
      await checkPage(page, "lists-task-runs", viewport);

      await navigateTo(page, viewport, "Data Sources");
      await expectLandedOn(page, "Data Sources");
      await expectListLayout(page, "Data sources", viewport);
      await checkPage(page, "lists-data-sources", viewport);

      for (const [path, heading, lists] of [
        ["/org/members", "Members", ["Members", "Pending invitations"]],
        ["/org/keys", "API keys", ["API keys"]],
        ["/org/audit", "Audit log", ["Audit log, newest first"]],
        ["/org/warehouses", "Warehouses", ["Warehouses"]],
        ["/org/alerts", "Alerts", ["Open incidents", "Rules", "Destinations", "Deliveries, newest first"]],
      ] as const) {
        await page.goto(`${h.baseUrl}${path}`);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        for (const list of lists) await expectListLayout(page, list, viewport);
        await checkPage(page, `lists-${path.split("/").pop()!}`, viewport);
      }

      // The wizard's preview: sizes in kB and MB, whole.
      await page.goto(`${h.baseUrl}/data/integration/new`);
      await page.getByRole("heading", { level: 1, name: "Create Integration Task" }).waitFor();
      await chooseOption(page, "Data source", new RegExp(h.sandbox.seedValues.name));
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await labelled(page, "Object Key Prefix").waitFor();
      await page.getByRole("button", { name: "Next", exact: true }).click();
      const objects = page.getByRole("table", { name: "Objects in scope", exact: true });
      await objects.waitFor({ timeout: 30_000 });
      await expectListLayout(page, "Objects in scope", viewport);
      const sizeOf = async (key: string) => {
        const row = objects.getByRole("row").filter({ hasText: `${DIR}${key}` });
        return (await row.innerText()).replaceAll("\n", " ");
      };
      expect(await sizeOf("big")).toMatch(/\b1\.\d MB\b/);
      expect(await sizeOf("medium")).toMatch(/\b1\.\d kB\b/);
      expect(await sizeOf("small")).toMatch(/\b56 bytes\b/);
      expect(await objects.innerText()).not.toMatch(/\bKB\b/);
      await checkPage(page, "lists-preview-sizes", viewport);

      // Create Data Source: the AWS setup guide before Test Connectivity and OK on a phone, beside the form on a laptop.
      await page.goto(`${h.baseUrl}/data/sources/new`);
      await page.getByRole("heading", { level: 1, name: "Create Data Source" }).waitFor();
      if (await typeChoice(page)) await chooseType(page);
      const guide = page.getByRole("complementary", { name: "AWS setup" });
      const details = page.getByRole("region", { name: "Connection details" });
      await guide.waitFor();
      const [guideBox, detailsBox, testBox, okBox] = await Promise.all([guide.boundingBox(), details.boundingBox(), button(page, "Test Connectivity").boundingBox(), button(page, "OK").boundingBox()]);
      if (viewport.name === "phone") {
        expect(guideBox!.y, "the guide after the connection details").toBeGreaterThanOrEqual(detailsBox!.y + detailsBox!.height);
        expect(guideBox!.y + guideBox!.height, "the guide before Test Connectivity").toBeLessThanOrEqual(testBox!.y);
        expect(guideBox!.y + guideBox!.height, "the guide before OK").toBeLessThanOrEqual(okBox!.y);
      } else {
        expect(guideBox!.x, "the guide beside the form").toBeGreaterThanOrEqual(detailsBox!.x + detailsBox!.width);
        expect(guideBox!.y, "the guide at the top, beside the connection details").toBeLessThan(detailsBox!.y + 50);
      }
      // Stacked on a phone its steps start as titles (the test a few screens down, not dozens); beside the form, open.
      const firstStep = guide.getByRole("button", { name: /^Step 1/ });
      expect(await firstStep.getAttribute("aria-expanded")).toBe(viewport.name === "phone" ? "false" : "true");
      await checkPage(page, "create-data-source-guide", viewport);
      if (viewport.name === "phone") {
        await firstStep.click();
        await guide.getByRole("button", { name: /^Copy/ }).first().waitFor();
        await checkPage(page, "create-data-source-guide-step", viewport);
      }
      await page.context().close();
    });
  }
});
