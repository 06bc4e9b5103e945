// Real Chromium at 1440x900 and 390x844 against the real API (better-auth, seeded first admin):
// a protected address sends a visitor to the sign-in page with the way back in `next`; signing in
// through the form lands there; the account menu says who and which role; signing out returns to
// the sign-in page, and the protected address asks for sign-in again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { navigateTo, pageHeading } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { VIEWPORTS } from "./viewports.ts";

describe("console in Chromium: sign in and out", () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-sign-in-" });
  });

  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      const page = await h.openPage(viewport, "/data/integration", { signedIn: false });
      await pageHeading(page, "Sign in");
      expect(new URL(page.url()).pathname).toBe("/sign-in");
      expect(new URL(page.url()).searchParams.get("next")).toBe("/data/integration");

      // A wrong password is said in words, and nothing else happens.
      await page.getByLabel("Email").fill(ADMIN.email);
      await page.getByLabel("Password", { exact: true }).fill("not the password at all");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
      await checkPage(page, "sign-in", viewport);

      await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await pageHeading(page, "Data Integration");
      expect(new URL(page.url()).pathname).toBe("/data/integration");

      await navigateTo(page, viewport, "Data Sources");
      await pageHeading(page, "Data Sources");
      await checkPage(page, "signed-in", viewport);
      const account = page.getByRole("button", { name: new RegExp(`^Account: ${ADMIN.email}`) });
      await account.click();
      const menu = page.getByRole("menu");
      await menu.waitFor();
      await expect.poll(() => menu.textContent()).toContain("Admin in local-org");
      await checkPage(page, "account-menu", viewport);
      await menu.getByRole("menuitem", { name: "Sign out" }).click();
      await pageHeading(page, "Sign in");
      expect(new URL(page.url()).pathname).toBe("/sign-in");

      // The session is gone: a protected address asks for sign-in again.
      await page.goto(`${h.baseUrl}/data/sources/new`);
      await pageHeading(page, "Sign in");
      expect(new URL(page.url()).searchParams.get("next")).toBe("/data/sources/new");
      await page.context().close();
    });
  }
});
