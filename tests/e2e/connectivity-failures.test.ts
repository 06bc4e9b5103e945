// Real Chromium, at 1440x900 and 390x844: what the Create Data Source form shows when the values
// are wrong (field errors, no test) or AWS is set up wrong (a failing check, OK stays disabled), and
// that Test Connectivity leaves a live message alone, as read by AWS's own CLI. The AWS-side
// scenarios come from tests/connectivity-env.ts, the same builder the engine's tests use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { MESSAGES } from "#contracts/data-source.ts";
import { createScenario, fixtureOn, type Fixture, type Scenario } from "../connectivity-env.ts";
import { queueCounts, receiveOnce } from "./aws-cli.ts";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { button, checkItem, chooseType, fieldFor, fillForm, runConnectivityTest, type FormValues } from "./data-source-form.ts";
import { checkPage } from "./page-check.ts";
import { VIEWPORTS, type Viewport } from "./viewports.ts";

const CSV = [{ key: "incoming/a.csv", body: "a,b\n1,2\n" }];

describe("console in Chromium: Test Connectivity when something is wrong", () => {
  let h: ConsoleHarness;
  let fx: Fixture;
  const scenarios = new Map<string, Scenario>();
  const scenario = (viewport: Viewport, kind: string) => scenarios.get(`${viewport.name}-${kind}`)!;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-failures-" });
    fx = fixtureOn(h.sandbox, h.config.orgId!);
    for (const viewport of VIEWPORTS) {
      const named = (kind: string) => `${viewport.name}-${kind}`;
      scenarios.set(named("bucket-elsewhere"), await createScenario(fx, { name: named("bucket-elsewhere"), bucketRegion: "eu-west-1" }));
      scenarios.set(
        named("no-getobject"),
        await createScenario(fx, { name: named("no-getobject"), emptyQueue: true, withoutActions: ["s3:GetObject"] }),
      );
      // maxReceiveCount 1: one receive by Test Connectivity would dead-letter the message for the next consumer.
      scenarios.set(named("redrive"), await createScenario(fx, { name: named("redrive"), drainQueue: true, objects: CSV, maxReceiveCount: 1 }));
    }
  });

  afterAll(async () => {
    await fx?.stop();
    await h?.close();
  });

  const valuesOf = (s: Scenario, name: string): FormValues => ({
    name,
    queue_url: s.queue_url,
    queue_region: s.queue_region,
    role_arn: s.role_arn,
    bucket: s.bucket,
    prefix: s.prefix,
    suffix: s.suffix,
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

      /** Test Connectivity stops at the field's error: no test runs, the field says why. */
      async function expectFieldError(label: "queue_url" | "queue_region", message: string) {
        await button(page, "Test Connectivity").click();
        await page.getByText(message).first().waitFor();
        expect(await fieldFor(page, label).getAttribute("aria-invalid")).toBe("true");
        expect(await page.getByText(/^Test (passed|failed)/).count()).toBe(0);
        expect(await button(page, "OK").isDisabled()).toBe(true);
      }

      it("a FIFO Queue URL: field error, no test", async () => {
        const demo = h.sandbox.seedValues;
        await freshForm();
        await fillForm(page, { name: "fifo", queue_url: demo.fifoQueueUrl, role_arn: demo.roleArn, bucket: demo.bucket });
        await expectFieldError("queue_url", MESSAGES.fifo);
        await checkPage(page, "create-data-source-fifo-error", viewport);
      });

      it("a Queue Region that is not the Queue URL's: field error, no test", async () => {
        const demo = h.sandbox.seedValues;
        await freshForm();
        await fillForm(page, { name: "region", queue_url: demo.queueUrl, role_arn: demo.roleArn, bucket: demo.bucket });
        await fieldFor(page, "queue_region").fill("eu-west-1");
        await expectFieldError("queue_region", MESSAGES.regionMismatch(demo.queueRegion));
        await checkPage(page, "create-data-source-region-error", viewport);
      });

      it("a bucket in another Region: the bucket check fails naming both Regions, OK stays disabled", async () => {
        const s = scenario(viewport, "bucket-elsewhere");
        await freshForm();
        await fillForm(page, valuesOf(s, "bucket elsewhere"));
        expect(await runConnectivityTest(page)).toMatch(/^Test failed/);
        expect(await checkItem(page, "s3_bucket").innerText()).toContain(`Bucket ${s.bucket} is in eu-west-1, not in the Queue Region us-east-1`);
        expect(await button(page, "OK").isDisabled()).toBe(true);
        await checkPage(page, "create-data-source-bucket-region", viewport);
      });

      it("a role without s3:GetObject and no object yet: the read check fails, OK stays disabled", async () => {
        const s = scenario(viewport, "no-getobject");
        await freshForm();
        await fillForm(page, valuesOf(s, "no getobject"));
        expect(await runConnectivityTest(page)).toMatch(/^Test failed/);
        const read = await checkItem(page, "s3_read").innerText();
        expect(read).toContain(`The role lacks s3:GetObject on arn:aws:s3:::${s.bucket}/*`);
        expect(read).toMatch(/fail/i);
        expect(await button(page, "OK").isDisabled()).toBe(true);
        await checkPage(page, "create-data-source-no-getobject", viewport);
      });

      it("a redrive queue with a live message: the test leaves it untouched (AWS CLI: receive count 1)", async () => {
        const s = scenario(viewport, "redrive");
        await expect.poll(() => queueCounts(h.sandbox.url, s.realQueueUrl), { timeout: 10_000 }).toEqual({ visible: 1, inFlight: 0 });
        await freshForm();
        await fillForm(page, valuesOf(s, "redrive"));
        expect(await runConnectivityTest(page)).toMatch(/^Test passed/);
        expect(await checkItem(page, "sqs_receive").innerText()).toMatch(/Left to the task's first receive/);
        await checkPage(page, "create-data-source-live-message", viewport);

        expect(await queueCounts(h.sandbox.url, s.realQueueUrl)).toEqual({ visible: 1, inFlight: 0 });
        expect(await queueCounts(h.sandbox.url, s.dlqUrl!)).toEqual({ visible: 0, inFlight: 0 });
        // The first receive of the message is this one, still in the source queue.
        const messages = await receiveOnce(h.sandbox.url, s.realQueueUrl);
        expect(messages).toHaveLength(1);
        expect(messages[0]!.Body).toContain("incoming/a.csv");
        expect(messages[0]!.Attributes?.ApproximateReceiveCount).toBe("1");
      });
    });
  }
});
