// What every page must satisfy at every size, checked in one place: no serious or critical axe
// violation, no sideways scrolling of the page, no status badge cut off, and a full-page
// screenshot for people to look at.
// The checks are soft: a flow goes on after a failing page, so one run reports every defect.
import path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { seriousAxeViolations } from "./axe.ts";
import { SHOTS } from "./console-harness.ts";
import type { Viewport } from "./viewports.ts";

/** How far the page itself scrolls sideways (0 when it fits; tables may scroll in their own frame). */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; widest: string }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    // Name the element that sticks out furthest (outside any frame that clips or scrolls it), so a
    // failure points at the culprit rather than at a cell of a table that scrolls in its own frame.
    const clipped = (el: HTMLElement) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") return true;
      }
      return false;
    };
    let widest = "";
    let right = root.clientWidth;
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const r = el.getBoundingClientRect().right + window.scrollX;
      if (r > right && !clipped(el)) {
        right = r;
        const classes = typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
        widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${classes} (right edge ${Math.round(r)} px)`;
      }
    }
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest };
  });
}

/**
 * Waits until no finite CSS animation or transition runs (a modal fading in, an overlay darkening):
 * axe would otherwise measure the contrast of a half-drawn frame. Spinners (infinite) are ignored.
 */
export function settle(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    for (let round = 0; round < 20; round++) {
      // Two frames: a transition starts a frame after the state that triggers it.
      await frame();
      await frame();
      const running = document
        .getAnimations()
        .filter((a) => a.playState === "running" && a.effect?.getComputedTiming().iterations !== Infinity);
      if (running.length === 0) return;
      await Promise.race([
        Promise.all(running.map((a) => a.finished.catch(() => undefined))),
        new Promise((resolve) => setTimeout(resolve, 1_000)),
      ]);
    }
  });
}

/** Status badges whose word is cut off ("Runn…"): the status is then unreadable. */
export function truncatedBadges(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>(".mantine-Badge-label"))
      .filter((el) => el.getClientRects().length > 0 && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `"${el.textContent?.trim()}" shown in ${el.clientWidth} of ${el.scrollWidth} px`),
  );
}

export function screenshotPath(name: string, viewport: Viewport): string {
  return path.join(SHOTS, `${name}-${viewport.name}.png`);
}

/** axe + no horizontal scroll + whole badges + `test-results/e2e/<name>-<desktop|phone>.png`. */
export async function checkPage(page: Page, name: string, viewport: Viewport): Promise<void> {
  const where = `${name} at ${viewport.width}x${viewport.height}`;
  await settle(page);
  let violations = await seriousAxeViolations(page);
  if (violations.length > 0) {
    // A notice that began closing while axe ran is measured mid-fade (a fresh-clone run saw one at
    // 1.06:1, its text and background both half-transparent grey): once it has settled, measure
    // again. A real contrast fault is there both times.
    await settle(page);
    violations = await seriousAxeViolations(page);
  }
  expect.soft(violations, `axe-core: serious/critical violations on ${where}`).toEqual([]);
  const overflow = await horizontalOverflow(page);
  expect
    .soft(overflow.scrollWidth, `${where} scrolls sideways (${overflow.scrollWidth} > ${overflow.clientWidth}); widest: ${overflow.widest}`)
    .toBeLessThanOrEqual(overflow.clientWidth);
  expect.soft(await truncatedBadges(page), `${where}: status badges cut off`).toEqual([]);
  // From the top: a full-page shot of a scrolled page paints the fixed header over the middle.
  const scrolled = await page.evaluate(() => window.scrollY);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath(name, viewport), fullPage: true });
  await page.evaluate((y) => window.scrollTo(0, y), scrolled);
}
