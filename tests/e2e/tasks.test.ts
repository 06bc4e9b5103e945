// Real browser against the built console, the real API, the AWS sandbox, the dev warehouse and the
// real worker (a Supervisor in-process with the platform *load* identity): a task created through
// the console's Create Integration Task wizard shows stopped, Start makes the worker pick it up and
// report running, and an object that lands in the bucket shows up as a run with rows loaded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import pino from "pino";
import type { Sandbox } from "../../sandbox/aws/server.ts";
import { startWarehouse, type Warehouse as DevWarehouse } from "../../sandbox/warehouse/server.ts";
import { connectionOf, dataSourceRecordSchema } from "#contracts/data-source.ts";
import { taskRecordSchema } from "#contracts/task.ts";
import { DatabendWarehouse } from "../../server/databend/client.ts";
import { openStore, type Stores } from "../../server/store/open.ts";
import { loadWorkerConfig } from "../../server/worker/config.ts";
import { Supervisor } from "../../server/worker/supervisor.ts";
import { SHOTS, startConsoleHarness, type ConsoleHarness } from "./console-harness.ts";

const ORG_ID = "local-org";
const TABLE = "e2e_orders";

describe("console in Chromium: start an integration task and watch the worker run it", () => {
  let h: ConsoleHarness;
  let sandbox: Sandbox;
  let warehouse: DevWarehouse;
  let wh: DatabendWarehouse;
  let stores: Stores;
  let supervisor: Supervisor | undefined;
  let baseUrl: string;
  let page: Page;

  beforeAll(async () => {
    h = await startConsoleHarness({ prefix: "e2e-tasks-", orgId: ORG_ID, viewport: { width: 1400, height: 900 } }, async (dataDir) => {
      warehouse = await startWarehouse({ port: 0, dataDir, log: false });
      wh = new DatabendWarehouse(warehouse.dsn);
      // The API and the worker share the store, as they share DATA_DIR in `npm start`.
      stores = await openStore(dataDir);
      // The API checks the task's target table in this warehouse.
      return { stores, env: { DATABEND_DSN: warehouse.dsn } };
    });
    ({ sandbox, baseUrl, page } = h);
  });

  afterAll(async () => {
    await supervisor?.stop();
    await h?.close(async () => {
      await wh?.close();
      await stores?.close();
      await warehouse?.stop();
    });
  });

  async function post(pathname: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${baseUrl}${pathname}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  it("shows the task stopped, starts it, and shows running once the worker reports it, then its first run", async () => {
    // A data source through the API (the data source e2e test drives its form).
    const demo = sandbox.seedValues;
    const connection = {
      name: demo.name,
      queue_url: demo.queueUrl,
      queue_region: demo.queueRegion,
      role_arn: demo.roleArn,
      external_id: ORG_ID,
      bucket: demo.bucket,
      prefix: demo.prefix,
      suffix: demo.suffix,
    };
    const test = await post("/api/data-sources/test", connectionOf(connection));
    expect(test.status, JSON.stringify(test.json)).toBe(200);
    expect(test.json).toMatchObject({ ok: true });
    const created = await post("/api/data-sources", connection);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const source = dataSourceRecordSchema.parse(created.json);
    await wh.exec(`CREATE TABLE \`${TABLE}\` (id INT NOT NULL, item VARCHAR)`);

    // The task, through the console's Create Integration Task wizard (the empty state's button).
    await page.goto(`${baseUrl}/data/integration`);
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();
    await page.getByRole("button", { name: "Create Integration Task" }).click();
    await page.getByLabel("Data source").selectOption(source.id);
    await page.getByRole("button", { name: "Next" }).click();
    // Files: prefilled with the source's scope, CSV by default.
    expect(await page.getByLabel("Object Key Prefix").inputValue()).toBe(demo.prefix);
    expect(await page.getByLabel("Object Key Suffix").inputValue()).toBe(demo.suffix);
    expect(await page.getByRole("radio", { name: "CSV" }).isChecked()).toBe(true);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Table").fill(TABLE);
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Name").fill("load-orders");
    await page.getByRole("button", { name: "Create Task" }).click();
    await page.getByRole("heading", { name: "load-orders", level: 1 }).waitFor();
    const taskId = /\/data\/integration\/([^/]+)$/.exec(new URL(page.url()).pathname)?.[1];
    expect(taskId).toBeDefined();
    const stored = await fetch(`${baseUrl}/api/tasks/${taskId}`);
    expect(stored.status).toBe(200);
    // Created stopped, with the data source's prefix and suffix.
    expect(taskRecordSchema.parse(await stored.json())).toMatchObject({
      name: "load-orders",
      data_source_id: source.id,
      file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" },
      target: { database: "default", table: TABLE },
      status: "stopped",
      prefix: demo.prefix,
      suffix: demo.suffix,
    });

    // The real worker with the load identity, polling the shared store.
    supervisor = new Supervisor({
      store: stores.tasks,
      warehouse: wh,
      config: {
        ...loadWorkerConfig({}),
        pollMs: 200,
        waitSeconds: 1,
        visibilitySeconds: 6,
        batchLingerMs: 300,
        stopGraceMs: 5_000,
      },
      log: pino({ level: process.env.WORKER_TEST_LOG ?? "silent" }),
      aws: {
        credentials: { accessKeyId: "platform-load", secretAccessKey: "platform-load" },
        endpoints: { sts: sandbox.url, sqs: sandbox.url, s3: sandbox.url },
      },
    });
    supervisor.start();

    await page.goto(`${baseUrl}/data/integration`);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "load-orders" }) });
    await row.waitFor();
    expect(await row.innerText()).toContain("Stopped");
    expect(await row.innerText()).toContain(`default.${TABLE}`);
    expect(await row.getByRole("link", { name: demo.name }).getAttribute("href")).toBe(`/data/sources/${source.id}`);

    await row.getByRole("button", { name: "Start load-orders" }).click();
    // The worker reports running; the list refreshes on its own (no reload).
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toMatch(/Running/);
    expect(await row.getByRole("button", { name: "Stop load-orders" }).isEnabled()).toBe(true);

    // An object lands in the bucket: S3 notifies the queue, the worker loads it.
    const s3 = new S3Client({
      endpoint: sandbox.url,
      region: demo.queueRegion,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      forcePathStyle: true,
    });
    await s3.send(
      new PutObjectCommand({ Bucket: demo.bucket, Key: `${demo.prefix}e2e-1${demo.suffix}`, Body: "id,item\n1,apple\n2,pear\n" }),
    );
    s3.destroy();
    const rowsCell = row.getByRole("cell").nth(7);
    await expect.poll(() => rowsCell.innerText(), { timeout: 30_000 }).toBe("2");
    await page.screenshot({ path: path.join(SHOTS, "tasks.png"), fullPage: true });

    await row.getByRole("link", { name: "load-orders" }).click();
    await page.getByRole("heading", { name: "load-orders", level: 1 }).waitFor();
    const status = page.getByRole("region", { name: "Status" });
    await expect.poll(() => status.innerText(), { timeout: 10_000 }).toMatch(/Running/);
    const history = page.getByRole("region", { name: "Run history" });
    const runRow = history.getByRole("row").filter({ hasText: "Succeeded" }).first();
    await runRow.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, "task-detail.png"), fullPage: true });

    // Delete is refused while the task runs; Stop, then the worker reports stopped.
    expect(await page.getByRole("button", { name: "Delete" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toMatch(/Stopped/);
    expect(await page.getByRole("button", { name: "Delete" }).isEnabled()).toBe(true);
  });
});
