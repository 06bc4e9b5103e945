// Moving around the console as an operator does: the main navigation (behind the burger button on a
// phone), and what must hold after every client-side navigation: the page starts at its top and
// focus is on its h1, so a screen reader announces where the operator landed.
import type { Page } from "playwright-core";
import { expect } from "vitest";
import type { Viewport } from "./viewports.ts";

/** Follows a link of the main navigation; on a phone it first opens the menu with the burger. */
export async function navigateTo(page: Page, viewport: Viewport, linkName: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  if (viewport.name === "phone") {
    await page.getByRole("button", { name: "Open navigation" }).click();
    // The burger now offers to close what it opened.
    expect(await page.getByRole("button", { name: "Close navigation" }).getAttribute("aria-expanded")).toBe("true");
  }
  await nav.getByRole("link", { name: linkName, exact: true }).click();
  if (viewport.name === "phone") {
    // Choosing a page closes the menu, so it does not cover the page.
    await page.getByRole("button", { name: "Open navigation" }).waitFor();
  }
}

/** The page's h1: there is exactly one, with this name. */
export async function pageHeading(page: Page, name: string | RegExp) {
  const h1 = page.getByRole("heading", { level: 1 });
  await h1.filter({ hasText: name }).waitFor();
  expect(await h1.count(), "one h1 per page").toBe(1);
  return h1;
}

/** After a client-side navigation: the h1 `name` has focus and the page is scrolled to its top. */
export async function expectLandedOn(page: Page, name: string | RegExp): Promise<void> {
  const h1 = await pageHeading(page, name);
  await expect
    .poll(() => h1.evaluate((el) => el === document.activeElement), { message: `focus on the h1 "${String(name)}"`, timeout: 5_000 })
    .toBe(true);
  expect(await page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollTop), "scrolled to the top").toBe(0);
}
