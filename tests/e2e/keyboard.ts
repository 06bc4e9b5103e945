// Driving the console with the keyboard only: Tab and Shift+Tab to move, Enter and Space to press.
// Every stop on the way must be somewhere the operator can see (not a link of a closed menu).
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

const MAX_STOPS = 60;

async function focused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement).catch(() => false);
}

/** A short description of the focused element, for failure messages. */
function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "<body>";
    const name = el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40) ?? "";
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${name}"`;
  });
}

/** Whether the focused element is on screen (inside the viewport, not transparent or zero-sized). */
function focusOnScreen(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return true;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const visible = r.width > 0 && r.height > 0 && style.visibility !== "hidden" && Number(style.opacity) > 0;
    return visible && r.right > 0 && r.bottom > 0 && r.left < window.innerWidth && r.top < window.innerHeight;
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus; fails after MAX_STOPS. Each stop passed on
 * the way is checked (softly) to be visible on screen.
 */
export async function tabTo(page: Page, target: Locator, direction: "forward" | "backward" = "forward"): Promise<void> {
  const key = direction === "forward" ? "Tab" : "Shift+Tab";
  for (let stops = 0; stops < MAX_STOPS; stops++) {
    if (await focused(target)) return;
    await page.keyboard.press(key);
    expect.soft(await focusOnScreen(page), `Tab stop off screen or invisible: ${await describeFocus(page)}`).toBe(true);
  }
  throw new Error(`${key} ${MAX_STOPS} times did not reach ${target.toString()}; focus is on ${await describeFocus(page)}`);
}
