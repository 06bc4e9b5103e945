// Real Chromium at 1440x900 and 390x844, keyboard only (Tab, Shift+Tab, Enter, Space; no clicks):
// from the Data Sources page to a tested and saved data source.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { button, fieldFor, typeChoice } from "./data-source-form.ts";
import { tabTo } from "./keyboard.ts";
import { expectLandedOn, pageHeading } from "./navigation.ts";
import { VIEWPORTS } from "./viewports.ts";

describe("console in Chromium: create a data source with the keyboard only", () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-keys-" });
  });

  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const demo = h.sandbox.seedValues;
      const name = `Keyboard (${viewport.name})`;
      const page = await h.openPage(viewport, "/data/sources");
      await pageHeading(page, "Data Sources");
      const type = async (field: Parameters<typeof fieldFor>[1], text: string, direction?: "backward") => {
        await tabTo(page, fieldFor(page, field), direction);
        await page.keyboard.type(text);
      };

      await tabTo(page, button(page, "Create Data Source").first());
      await page.keyboard.press("Enter");
      await expectLandedOn(page, "Create Data Source");
      const choice = await typeChoice(page);
      if (choice) {
        await tabTo(page, choice);
        await page.keyboard.press("Enter");
      }

      // Queue URL first, then back to Name with Shift+Tab, then on through the form.
      await type("queue_url", demo.queueUrl);
      await type("name", name, "backward");
      await type("role_arn", demo.roleArn);
      await type("bucket", demo.bucket);
      await type("prefix", demo.prefix);
      await type("suffix", demo.suffix);
      expect(await fieldFor(page, "queue_region").inputValue(), "Queue Region suggested from the URL").toBe(demo.queueRegion);

      await tabTo(page, button(page, "Test Connectivity"));
      await page.keyboard.press("Space");
      await page.getByText(/^Test passed/).first().waitFor({ timeout: 30_000 });
      await expect.poll(() => button(page, "OK").isEnabled()).toBe(true);
      await tabTo(page, button(page, "OK"));
      await page.keyboard.press("Enter");
      await expectLandedOn(page, name);
      await page.context().close();
    });
  }
});
