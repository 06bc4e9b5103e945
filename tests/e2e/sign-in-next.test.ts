// Real Chromium at 1440x900 and 390x844: a `next` that normalizes to another site (`/.//evil.example`,
// `/..//…`, `/%2e%2e//…`) is not followed after signing in; the person lands on the console's home
// page, signed in, rather than being left on the sign-in page (or sent away).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { pageHeading } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { VIEWPORTS } from "./viewports.ts";

const HOSTILE_NEXT = ["/.//evil.example", "/..//evil.example/x", "/%2e%2e//evil.example"];

describe("console in Chromium: sign-in's `next` stays on this site", () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-sign-in-next-" });
  });

  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      for (const [i, next] of HOSTILE_NEXT.entries()) {
        const page = await h.openPage(viewport, `/sign-in?next=${encodeURIComponent(next)}`, { signedIn: false });
        await pageHeading(page, "Sign in");
        await page.getByLabel("Email").fill(ADMIN.email);
        await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await pageHeading(page, "Data Sources");
        const landed = new URL(page.url());
        expect(landed.origin, next).toBe(new URL(h.baseUrl).origin);
        expect(landed.pathname, next).toBe("/data/sources");
        if (i === 0) await checkPage(page, "sign-in-hostile-next", viewport);
        await page.context().close();
      }
    });
  }
});
