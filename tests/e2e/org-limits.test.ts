// Real Chromium at 1440x900 and 390x844 against the real API with a small organization budget for
// Test Connectivity (2 a minute, whoever asks): once it is spent, the form says so in words, with
// when to try again, as the server wrote it (server/api/plugins/org-limits.ts), rather than a bare status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { button, chooseType, fillForm } from "./data-source-form.ts";
import { checkPage, screenshotPath } from "./page-check.ts";
import { VIEWPORTS } from "./viewports.ts";

const ORG_BUDGET = 2;

describe("console in Chromium: an organization's spent Test Connectivity budget is said in words", () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness({
      prefix: "e2e-org-limits-",
      app: { callLimits: { connectivityTest: { perOrg: { max: ORG_BUDGET, timeWindowMs: 60_000 }, concurrentPerOrg: 3 } } },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const page = await h.openPage(viewport, "/data/sources/new");
      await chooseType(page);
      const demo = h.sandbox.seedValues;
      await fillForm(page, { name: "limited", queue_url: demo.queueUrl, role_arn: demo.roleArn, bucket: demo.bucket });
      const refusal = page.getByRole("alert").filter({ hasText: "Too many connectivity tests in your organization" });
      // The budget is the organization's, shared by both sizes: click until it is spent (bounded).
      for (let click = 0; click <= ORG_BUDGET && !(await refusal.isVisible()); click++) {
        await button(page, "Test Connectivity").click();
        await refusal.or(page.getByText(/^Test (passed|failed)/).first()).first().waitFor({ timeout: 30_000 });
      }
      await refusal.waitFor();
      expect(await refusal.innerText()).toMatch(/it may run 2 per 60 s, whoever asks; try again in \d+ seconds?/);
      await checkPage(page, "org-limit-test-connectivity", viewport);
      // What the window shows with the refusal in view (the full-page shot is a tall form).
      await refusal.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath("org-limit-test-connectivity-view", viewport) });
      await page.context().close();
    });
  }
});
