// Real Chromium at 1440x900 and 390x844 (issue 17, items 6–8): Test Connectivity always answers
// where the operator looks. A blocked test brings the first wrong field fully into view below the
// sticky header and the panel names the fields to fix; placeholders never look like refused values;
// a finished test brings its first failing check into view; a misspelt queue leads with the name;
// and the seed's own happy path (S3's s3:TestEvent waiting in the queue) ends without a warning
// while the message stays in the queue, as AWS's own CLI reads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { queueCounts } from "./aws-cli.ts";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { button, checkItem, checkList, chooseType, fieldFor, fillForm, runConnectivityTest } from "./data-source-form.ts";
import { checkPage, screenshotPath } from "./page-check.ts";
import { VIEWPORTS, type Viewport } from "./viewports.ts";

interface Box {
  top: number;
  bottom: number;
}

/** The header's bottom edge and the window's height: what "in view" means on this page. */
async function viewBand(page: Page): Promise<Box> {
  const header = await page.getByRole("banner").first().boundingBox();
  const height = await page.evaluate(() => window.innerHeight);
  return { top: header ? header.y + header.height : 0, bottom: height };
}

/** The focused input with its label, help and error text (what aria-describedby names), as one box. */
function focusedFieldBox(page: Page): Promise<Box & { label: string }> {
  return page.evaluate(() => {
    const input = document.activeElement as HTMLInputElement;
    const parts: Element[] = [input, ...Array.from(input.labels ?? [])];
    for (const id of (input.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean)) {
      const el = document.getElementById(id);
      if (el) parts.push(el);
    }
    const rects = parts.map((el) => el.getBoundingClientRect());
    return {
      top: Math.min(...rects.map((r) => r.top)),
      bottom: Math.max(...rects.map((r) => r.bottom)),
      label: input.labels?.[0]?.textContent ?? "",
    };
  });
}

async function boxOf(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error("not rendered");
  return { top: b.y, bottom: b.y + b.height };
}

/** What the window shows right now (a full-page shot starts at the top): `<name>-view-<size>.png`. */
async function viewShot(page: Page, name: string, viewport: Viewport): Promise<void> {
  await page.screenshot({ path: screenshotPath(`${name}-view`, viewport) });
}

const inside = (inner: Box, band: Box) => inner.top >= band.top - 0.5 && inner.bottom <= band.bottom + 0.5;

describe("console in Chromium: Test Connectivity answers where the operator looks", () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-feedback-" });
  });

  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    describe(`${viewport.name} ${viewport.width}x${viewport.height}`, () => {
      let page: Page;
      beforeAll(async () => {
        page = await h.openPage(viewport, "/data/sources/new");
      });
      afterAll(async () => {
        await page?.context().close();
      });

      async function freshForm() {
        await page.goto(`${h.baseUrl}/data/sources/new`);
        await chooseType(page);
      }

      it("item 6: a blocked test shows the first wrong field whole below the header, and the panel names the fields", async () => {
        await freshForm();
        await fillForm(page, { name: "blocked" });
        // The operator is at the button, the fields far above (on a phone, out of view).
        await button(page, "Test Connectivity").scrollIntoViewIfNeeded();
        await button(page, "Test Connectivity").click();
        await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("INPUT");
        const field = await focusedFieldBox(page);
        expect(field.label).toBe("Queue URL");
        const band = await viewBand(page);
        expect(inside(field, band), `field ${JSON.stringify(field)} within ${JSON.stringify(band)}`).toBe(true);
        await viewShot(page, "create-data-source-blocked-test", viewport);

        const panel = page.getByRole("region", { name: "Connectivity test" });
        const said = await panel.getByRole("status").innerText();
        expect(said).not.toMatch(/Not tested yet/);
        expect(said).toMatch(/Queue URL/);
        expect(said).toMatch(/Queue Region/);
        expect(said).toMatch(/Role ARN/);
        expect(said).toMatch(/Bucket/);
        expect(said).not.toMatch(/Prefix|Suffix|Name\b/);

        // An empty Queue Region in error shows its placeholder in the placeholder colour, like an
        // optional empty field's (Prefix), never in the error colour of typed text.
        const placeholderColour = (name: "queue_region" | "prefix") =>
          fieldFor(page, name).evaluate((el) => getComputedStyle(el, "::placeholder").color);
        expect(await fieldFor(page, "queue_region").getAttribute("aria-invalid")).toBe("true");
        expect(await placeholderColour("queue_region")).toBe(await placeholderColour("prefix"));
        await checkPage(page, "create-data-source-blocked-test", viewport);

        // Fixed fields leave the list; once every connection field is valid the note goes.
        const demo = h.sandbox.seedValues;
        await fillForm(page, { queue_url: demo.queueUrl, role_arn: demo.roleArn, bucket: demo.bucket });
        await expect.poll(() => panel.getByRole("status").innerText()).toMatch(/^Not tested yet/);
      });

      it("item 7: a misspelt queue fails leading with the name, and the failing check is brought into view", async () => {
        const demo = h.sandbox.seedValues;
        const misspelt = demo.queueUrl.replace(/[^/]+$/, (name) => `${name}x`);
        await freshForm();
        await fillForm(page, { name: "misspelt", queue_url: misspelt, role_arn: demo.roleArn, bucket: demo.bucket });
        await button(page, "Test Connectivity").scrollIntoViewIfNeeded();
        expect(await runConnectivityTest(page)).toMatch(/^Test failed/);
        const failing = checkItem(page, "sqs_queue");
        const text = await failing.innerText();
        expect(text).toMatch(/Queue URL is wrong/);
        expect(text.indexOf("Queue URL is wrong")).toBeLessThan(text.indexOf("lacks sqs:GetQueueAttributes"));
        expect(text).toMatch(/How to fix: First check Queue URL/);
        await expect.poll(async () => inside(await boxOf(failing), await viewBand(page)), { timeout: 5_000 }).toBe(true);
        await viewShot(page, "create-data-source-misspelt-queue", viewport);
        await checkPage(page, "create-data-source-misspelt-queue", viewport);
      });

      it("item 8: the seed's happy path with S3's test event waiting passes without a warning and leaves the event", async () => {
        const demo = h.sandbox.seedValues;
        await expect.poll(() => queueCounts(h.sandbox.url, demo.queueUrl), { timeout: 10_000 }).toMatchObject({ visible: 1 });
        await freshForm();
        await fillForm(page, {
          name: "seed",
          queue_url: demo.queueUrl,
          role_arn: demo.roleArn,
          bucket: demo.bucket,
          prefix: demo.prefix,
          suffix: demo.suffix,
        });
        const summary = await runConnectivityTest(page);
        expect(summary).toMatch(/^Test passed/);
        expect(summary).not.toMatch(/warning/);
        const receive = await checkItem(page, "sqs_receive").innerText();
        expect(receive).not.toMatch(/Warning|Not proven/);
        expect(receive).toMatch(/first receive/);
        expect(await checkList(page).getByText("Warning", { exact: true }).count()).toBe(0);
        expect(await button(page, "OK").isDisabled()).toBe(false);
        await checkItem(page, "sqs_receive").scrollIntoViewIfNeeded();
        await viewShot(page, "create-data-source-seed-passed", viewport);
        await checkPage(page, "create-data-source-seed-passed", viewport);
        expect(await queueCounts(h.sandbox.url, demo.queueUrl)).toEqual({ visible: 1, inFlight: 0 });
      });
    });
  }
});
