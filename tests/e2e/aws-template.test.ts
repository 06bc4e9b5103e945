// Real Chromium at 1440x900 and 390x844 (issue 20 §3): the AWS side as files. On the form (create),
// the downloads wait for Bucket and a Region and say so; then the CloudFormation template and the
// Terraform file carry exactly the form's values (and s3:DeleteObject only when a task purges); on a
// saved source's page the same. Launch stack: without a published template the console says why and
// offers the downloads; with CLOUDFORMATION_TEMPLATE_URL (an S3 URL) the link opens the AWS console's
// quick-create page in the form's Region with the form's values as parameters.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";
import { chooseType, fillForm } from "./data-source-form.ts";
import { checkPage } from "./page-check.ts";
import { VIEWPORTS } from "./viewports.ts";

const TEMPLATE_URL = "https://databend-templates.s3.us-east-1.amazonaws.com/databend-aws-side.json";

const templateSection = (page: Page): Locator => page.getByRole("region", { name: "Set up with a template" });
const downloadButton = (page: Page, name: "Download CloudFormation template" | "Download Terraform") =>
  templateSection(page).getByRole("button", { name });

/** Clicks a download button and returns the file's name and text, as the browser saved it. */
async function downloaded(page: Page, name: "Download CloudFormation template" | "Download Terraform") {
  const [download] = await Promise.all([page.waitForEvent("download"), downloadButton(page, name).click()]);
  const file = await download.path();
  return { filename: download.suggestedFilename(), text: await readFile(file, "utf8") };
}

interface Template {
  Parameters: Record<string, { Default?: string }>;
}
const defaults = (text: string) => Object.fromEntries(Object.entries((JSON.parse(text) as Template).Parameters).map(([k, p]) => [k, p.Default]));

describe("console in Chromium: the AWS side as a CloudFormation template and a Terraform file", () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-template-" });
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}: downloads match the form; Launch stack says why it is unavailable`, async () => {
      const demo = h.sandbox.seedValues;
      const page = await h.openPage(viewport, "/data/sources/new");
      await chooseType(page);

      // Nothing to generate yet: disabled, with the reason on screen.
      await expect.poll(() => downloadButton(page, "Download CloudFormation template").getAttribute("aria-disabled")).toBe("true");
      expect(await downloadButton(page, "Download Terraform").getAttribute("aria-disabled")).toBe("true");
      expect(await templateSection(page).getByText(/Needed first: Bucket is required\./).count()).toBe(1);

      await fillForm(page, { name: `template-${viewport.name}`, queue_url: demo.queueUrl, role_arn: demo.roleArn, bucket: demo.bucket, prefix: demo.prefix, suffix: demo.suffix });
      await expect.poll(() => downloadButton(page, "Download CloudFormation template").getAttribute("aria-disabled")).toBeNull();
      await checkPage(page, "data-source-template", viewport);

      const cfn = await downloaded(page, "Download CloudFormation template");
      // The queue's name, marked as Databend's once (databend-demo-events here).
      expect(cfn.filename).toBe(`${demo.queueName}.cfn.json`);
      expect(defaults(cfn.text)).toMatchObject({
        BucketName: demo.bucket,
        ObjectKeyPrefix: demo.prefix,
        ObjectKeySuffix: demo.suffix,
        QueueName: demo.queueName,
        RoleName: "databend-s3-sqs-consumer-role",
        AllowDeleteObject: "false",
        ExternalId: h.config.orgId,
        DatabendSetupRoleArn: h.config.platformSetupRoleArn,
        DatabendLoadRoleArn: h.config.platformLoadRoleArn,
        ManageBucketNotification: "true",
      });
      expect(cfn.text).toContain(`(${demo.queueRegion} for this data source)`);

      // A task that purges: the role may delete (the checkbox, then the same template with AllowDeleteObject true).
      await templateSection(page).getByRole("checkbox", { name: /A task purges loaded files/ }).check();
      expect(defaults((await downloaded(page, "Download CloudFormation template")).text).AllowDeleteObject).toBe("true");

      const tf = await downloaded(page, "Download Terraform");
      expect(tf.filename).toBe(`${demo.queueName}.tf`);
      for (const [name, value] of [
        ["region", demo.queueRegion],
        ["bucket", demo.bucket],
        ["object_key_prefix", demo.prefix],
        ["object_key_suffix", demo.suffix],
        ["queue_name", demo.queueName],
        ["external_id", h.config.orgId],
      ] as const) {
        expect(tf.text).toMatch(new RegExp(`variable "${name}" \\{[^}]*default\\s+= ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`));
      }
      expect(tf.text).toMatch(/variable "allow_delete_object" \{[^}]*default\s+= true\n/);
      expect(tf.text).toMatch(/WARNING: S3's PutBucketNotificationConfiguration REPLACES the bucket's whole notification\s+(#\s+)?configuration/);

      // No published template here: the reason, and no link pretending otherwise.
      expect(await templateSection(page).getByRole("link", { name: "Launch stack" }).count()).toBe(0);
      expect(await templateSection(page).getByText(/Launch stack is unavailable: .*CLOUDFORMATION_TEMPLATE_URL/).count()).toBe(1);

      // The saved source's page offers the same files for its stored values.
      const connection = {
        queue_url: demo.queueUrl,
        queue_region: demo.queueRegion,
        role_arn: demo.roleArn,
        external_id: h.config.orgId,
        bucket: demo.bucket,
        prefix: "other/",
        suffix: "",
      };
      const json = { "content-type": "application/json" };
      // Saving needs a passing test of exactly these values (the API's save gate).
      const tested = await h.apiFetch("/api/data-sources/test", { method: "POST", headers: json, body: JSON.stringify(connection) });
      expect(tested.status, await tested.text()).toBe(200);
      const created = await h.apiFetch("/api/data-sources", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: `template-page-${viewport.name}`, ...connection }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      await page.goto(`${h.baseUrl}/data/sources/${id}`);
      await downloadButton(page, "Download CloudFormation template").waitFor();
      await checkPage(page, "data-source-page-template", viewport);
      expect(defaults((await downloaded(page, "Download CloudFormation template")).text)).toMatchObject({
        BucketName: demo.bucket,
        ObjectKeyPrefix: "other/",
        ObjectKeySuffix: "",
        AllowDeleteObject: "false",
      });
      await page.context().close();
    });
  }
});

describe("console in Chromium: Launch stack with a published template", () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-template-link-" }, async () => ({ env: { CLOUDFORMATION_TEMPLATE_URL: TEMPLATE_URL } }));
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}: the quick-create link names the S3 template, the Region and the form's values`, async () => {
      const demo = h.sandbox.seedValues;
      const page = await h.openPage(viewport, "/data/sources/new");
      await chooseType(page);
      await fillForm(page, { bucket: demo.bucket, queue_region: "eu-west-1", prefix: demo.prefix });
      const link = templateSection(page).getByRole("link", { name: "Launch stack" });
      await link.waitFor();
      const href = new URL((await link.getAttribute("href"))!);
      expect(href.origin).toBe("https://eu-west-1.console.aws.amazon.com");
      expect(href.searchParams.get("region")).toBe("eu-west-1");
      const [route, query] = href.hash.slice(1).split("?");
      expect(route).toBe("/stacks/create/review");
      const params = new URLSearchParams(query);
      expect(Object.fromEntries(params)).toMatchObject({
        templateURL: TEMPLATE_URL,
        // The bucket's name already says databend: not twice.
        stackName: `${demo.bucket}-events`,
        param_BucketName: demo.bucket,
        param_ObjectKeyPrefix: demo.prefix,
        param_ObjectKeySuffix: "",
        param_QueueName: `${demo.bucket}-events`,
        param_ExternalId: h.config.orgId,
        param_AllowDeleteObject: "false",
      });
      expect(await link.getAttribute("target")).toBe("_blank");
      await checkPage(page, "data-source-template-launch", viewport);
      await page.context().close();
    });
  }
});
