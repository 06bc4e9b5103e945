// Issue 17, items 1 and 9, in real Chromium at both sizes: a data source no task uses offers Create
// task, which opens the wizard with it chosen; the wizard's step is in the address (Back and
// Forward move between steps), a refresh keeps the step and every edit, leaving with edits asks
// first (Stay keeps them; after leaving, the draft comes back); Create Data Source keeps typed
// values across a refresh and Back/Forward the same way. Nothing here goes past the Preview step.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { labelled } from "./labelled.ts";
import { expectLandedOn } from "./navigation.ts";
import { checkPage, settle } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS, type Viewport } from "./viewports.ts";

const stepHeading = (page: Page, n: number, title: string) => page.getByRole("heading", { level: 2, name: `Step ${n} of 5: ${title}` });
const stepInAddress = (page: Page) => new URL(page.url()).searchParams.get("step");

/** Follows a main-navigation link, expecting the leave dialog; answers it with `answer`. */
async function leaveAsked(page: Page, viewport: Viewport, link: string, title: string, answer: string, shot?: string) {
  // Not navigateTo: the menu stays open on a phone while the page asks (the address has not changed).
  const open = page.getByRole("button", { name: "Open navigation" });
  if (viewport.name === "phone" && (await open.isVisible())) {
    await open.click();
    await settle(page);
  }
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.waitFor();
  if (shot) await checkPage(page, shot, viewport);
  await dialog.getByRole("button", { name: answer, exact: true }).click();
  await dialog.waitFor({ state: "detached" });
}

describe("an operator never loses work (issue 17, items 1 and 9)", () => {
  let h: TaskHarness;

  beforeAll(async () => {
    h = await startTaskHarness("e2e-keep-work-");
  });

  afterAll(async () => {
    await h?.closeAll();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const demo = h.sandbox.seedValues;
      await h.clearTasks();
      const page = await h.openPage(viewport, `/data/sources/${h.source.id}`);
      // The browser's own question on reload and on leaving the page: accepted, and counted.
      const unloadQuestions: string[] = [];
      page.on("dialog", (dialog) => {
        unloadQuestions.push(dialog.type());
        void dialog.accept();
      });

      // Item 9: the data source's page leads on to a task.
      await page.getByRole("heading", { level: 1, name: demo.name }).waitFor();
      const used = page.getByRole("region", { name: "Used by" });
      await used.getByText("No integration task uses this data source yet.").waitFor();
      await checkPage(page, "data-source-no-task", viewport);
      await used.getByRole("link", { name: "Create task" }).click();
      await expectLandedOn(page, "Create Integration Task");
      expect(new URL(page.url()).searchParams.get("source")).toBe(h.source.id);
      expect(await labelled(page, "Data source").inputValue()).toMatch(new RegExp(`^${demo.name}`));

      // Item 1: each step is in the address.
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await stepHeading(page, 2, "Files").waitFor();
      expect(stepInAddress(page)).toBe("files");
      const prefix = `${demo.prefix}e2e-${viewport.name}/`;
      await labelled(page, "Object Key Prefix").fill(prefix);

      // A refresh stays on Files with the edit, and says the draft is back.
      await page.reload();
      await stepHeading(page, 2, "Files").waitFor();
      expect(await labelled(page, "Object Key Prefix").inputValue()).toBe(prefix);
      await page.getByText("Your draft is back").waitFor();
      expect(unloadQuestions, "the browser asked before reloading a form with edits").toContain("beforeunload");
      await checkPage(page, "create-task-restored", viewport);

      // Back and Forward move between steps, not out of the wizard.
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await stepHeading(page, 3, "Preview").waitFor();
      expect(stepInAddress(page)).toBe("preview");
      await page.goBack();
      await stepHeading(page, 2, "Files").waitFor();
      expect(await labelled(page, "Object Key Prefix").inputValue()).toBe(prefix);
      await page.goForward();
      await stepHeading(page, 3, "Preview").waitFor();

      // Leaving asks; Stay keeps everything; after Leave, the draft comes back with the wizard.
      await leaveAsked(page, viewport, "Data Sources", "Leave without creating the task?", "Stay", "create-task-leave");
      await stepHeading(page, 3, "Preview").waitFor();
      await leaveAsked(page, viewport, "Data Sources", "Leave without creating the task?", "Leave");
      await expectLandedOn(page, "Data Sources");
      await page.goto(`${h.baseUrl}/data/integration/new?step=files`);
      await stepHeading(page, 2, "Files").waitFor();
      expect(await labelled(page, "Object Key Prefix").inputValue()).toBe(prefix);
      // Start over: a clean wizard (the only source chosen, its own scope).
      await page.getByRole("button", { name: "Start over" }).click();
      await stepHeading(page, 1, "Source").waitFor();
      await page.getByRole("button", { name: "Next", exact: true }).click();
      expect(await labelled(page, "Object Key Prefix").inputValue()).toBe(demo.prefix);

      // Create Data Source: one service type, so the form at once; typed values survive Back and Forward.
      await page.goto(`${h.baseUrl}/data/sources`);
      await page.getByRole("heading", { level: 1, name: "Data Sources" }).waitFor();
      await page.getByRole("button", { name: "Create Data Source" }).or(page.getByRole("link", { name: "Create Data Source" })).first().click();
      await labelled(page, "Bucket").waitFor();
      await labelled(page, "Name").fill(`draft-${viewport.name}`);
      await labelled(page, "Bucket").fill("draft-bucket");
      // Back out of the form asks first (the page's own dialog); Leave goes back, Forward brings the values back.
      await page.goBack();
      const dialog = page.getByRole("dialog", { name: "Leave without creating the data source?" });
      await dialog.getByRole("button", { name: "Leave", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "Data Sources" }).waitFor();
      await page.goForward();
      await labelled(page, "Bucket").waitFor();
      await expect.poll(() => labelled(page, "Name").inputValue()).toBe(`draft-${viewport.name}`);
      expect(await labelled(page, "Bucket").inputValue()).toBe("draft-bucket");
      await page.getByText("Your draft is back").waitFor();
      await checkPage(page, "create-data-source-restored", viewport);
      // Nothing was created along the way.
      const tasks = (await (await h.apiFetch("/api/tasks")).json()) as { items: unknown[] };
      expect(tasks.items).toEqual([]);
      await page.context().close();
    });
  }
});
