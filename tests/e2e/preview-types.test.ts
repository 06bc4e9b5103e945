// Issue 17, item 3, in real Chromium at both sizes against the real API, the AWS sandbox and the
// dev warehouse (Databend's engine reading each object): three CSV objects where the newest holds
// amount = 1 and the older two hold decimals. The wizard's Preview says how many files and rows
// typed the columns, proposes DOUBLE for amount, and marks it "Files disagree" with which type each
// file holds, in words; axe clean, no sideways scroll, screenshots preview-types-<size>.png.
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseOption } from "./choose-option.ts";
import { labelled } from "./labelled.ts";
import { expectLandedOn, navigateTo } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

const DIR = "e2e17-types/";

describe("the wizard's Preview types columns from several files and marks where they disagree (issue 17, item 3)", () => {
  let h: TaskHarness;

  beforeAll(async () => {
    h = await startTaskHarness("e2e-preview-types-");
    const demo = h.sandbox.seedValues;
    const s3 = new S3Client({ endpoint: h.sandbox.url, region: demo.queueRegion, credentials: { accessKeyId: "test", secretAccessKey: "test" }, forcePathStyle: true });
    try {
      // Oldest first, a second apart (S3's LastModified has whole seconds): the newest holds 1.
      const files: [string, string][] = [
        ["oldest.csv", "1,10.5,a"],
        ["middle.csv", "2,0.25,b"],
        ["newest.csv", "3,1,c"],
      ];
      for (const [i, [name, line]] of files.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 1100));
        await s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: `${demo.prefix}${DIR}${name}`, Body: `id,amount,label\n${line}\n` }));
      }
    } finally {
      s3.destroy();
    }
  }, 120_000);

  afterAll(async () => {
    await h?.closeAll();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, { timeout: 120_000 }, async () => {
      const demo = h.sandbox.seedValues;
      const page = await h.openPage(viewport, "/data/sources");
      await navigateTo(page, viewport, "Data Integration");
      await expectLandedOn(page, "Data Integration");
      await page.getByRole("button", { name: "Create Integration Task" }).or(page.getByRole("link", { name: "Create Integration Task" })).first().click();
      await expectLandedOn(page, "Create Integration Task");
      await chooseOption(page, "Data source", new RegExp(demo.name));
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await labelled(page, "Object Key Prefix").fill(`${demo.prefix}${DIR}`);
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await page.getByRole("heading", { name: "Step 3 of 5: Preview" }).waitFor();

      const sample = page.getByRole("region", { name: "Sample", exact: true });
      await sample.waitFor({ timeout: 30_000 });
      const newest = `${demo.prefix}${DIR}newest.csv`;
      await sample.getByRole("heading", { name: `Sample: ${newest}` }).waitFor();
      // How much typed the columns, in words.
      await expect.poll(() => sample.innerText()).toMatch(/Column types from 3 files \(3 rows\)/);

      // amount: BIGINT in the newest, DOUBLE in the two older → DOUBLE, marked.
      const columns = page.getByRole("table", { name: `Columns of ${newest}` });
      const amount = columns.getByRole("row").filter({ has: page.getByRole("cell", { name: "amount", exact: true }) });
      expect(await amount.innerText()).toMatch(/DOUBLE/);
      await amount.getByText("Files disagree", { exact: true }).waitFor();
      expect(await amount.innerText()).toMatch(/BIGINT in 1 file, DOUBLE in 2 files → DOUBLE/);
      // The columns where files agree carry no mark.
      const id = columns.getByRole("row").filter({ has: page.getByRole("cell", { name: "id", exact: true }) });
      expect(await id.innerText()).not.toMatch(/disagree/i);
      // The detail names the files holding each type.
      const detail = sample.getByRole("list", { name: "Where the files disagree" });
      expect(await detail.innerText()).toContain(`amount: BIGINT in ${newest}; DOUBLE in ${demo.prefix}${DIR}middle.csv, ${demo.prefix}${DIR}oldest.csv`);

      await checkPage(page, "preview-types", viewport);
      await page.context().close();
    });
  }
});
