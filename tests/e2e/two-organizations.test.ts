// Issue 16's "Done when", tried as a new user would in real Chromium against the built console, the
// real API (with WAREHOUSE_PROVISIONER_URL, as `npm start` sets it), the AWS sandbox, the dev
// warehouse (Databend's engine, a tenant per organization) and the real worker loading each task
// into its own organization's warehouse:
// - the first organization (the seeded admin) loads `incoming/same.csv` from its bucket into
//   `default.events`;
// - in the console the admin makes a second organization (account menu → Create organization…),
//   which becomes active and has its own managed warehouse (Organization → Warehouses); its own
//   bucket, queue and role (trusting its own External ID) are made on the customer's side, and in
//   the console it saves a data source and a task into a table of the same name, `default.events`,
//   from the same key with other content;
// - each organization's rows view shows only its own rows, before and after the dev warehouse is
//   restarted on the same data directory.
// The Warehouses page, the Create organization dialog, the Target step and the rows view are
// checked (axe, no sideways scroll, screenshot) at 1440x900 and 390x844.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { sessionSchema } from "#contracts/session.ts";
import { taskRecordSchema } from "#contracts/task.ts";
import { createScenario, fixtureOn, type Fixture, type Scenario } from "../connectivity-env.ts";
import { chooseOption } from "./choose-option.ts";
import { RETRY_RESET } from "./console-harness.ts";
import { chooseType, fillForm, fieldFor, button, runConnectivityTest } from "./data-source-form.ts";
import { valueOf } from "./described-value.ts";
import { labelled } from "./labelled.ts";
import { expectLandedOn, navigateTo, pageHeading } from "./navigation.ts";
import { checkPage } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { DESKTOP, PHONE, type Viewport } from "./viewports.ts";

const KEY = "incoming/same.csv";
const TABLE = "events";
const ORG_B = "Bravo Logistics";
const SOURCE_B = "Bravo events";
const TASK_A = "events-a";
const TASK_B = "events-b";
// The same key in both buckets, with content each organization can recognise as its own.
const CSV_A = "id,who\n1,alpha\n2,alpha\n";
const CSV_B = "id,who\n10,bravo\n11,bravo\n12,bravo\n";

describe("console in Chromium: two organizations load the same key into tables of the same name, each into its own warehouse", () => {
  let h: TaskHarness;
  let s3: S3Client;
  let fx: Fixture | undefined;
  let bravo: Scenario | undefined;
  let orgB = "";
  let rowsPathB = "";

  const accountButton = (page: Page) => page.getByRole("button", { name: /^Account:/ });

  /** The session the page acts with (its active organization). */
  async function sessionOf(page: Page) {
    const response = await page.request.get(`${h.baseUrl}/api/session`, RETRY_RESET);
    expect(response.ok(), `GET /api/session: ${response.status()}`).toBe(true);
    return sessionSchema.parse(await response.json());
  }

  /** Makes `orgName` the active organization through the account menu, as a person does. */
  async function switchTo(page: Page, orgName: string): Promise<void> {
    if ((await accountButton(page).getAttribute("aria-label"))?.endsWith(` in ${orgName}`)) return;
    await accountButton(page).click();
    await page.getByRole("menuitemradio", { name: new RegExp(`^${orgName}`) }).click();
    await expect.poll(() => accountButton(page).getAttribute("aria-label"), { timeout: 15_000 }).toMatch(new RegExp(` in ${orgName}$`));
  }

  /** The rows view's table text once it shows `n` rows. */
  async function rowsShown(page: Page, n: number): Promise<string> {
    const table = page.getByRole("table", { name: `Rows of default.${TABLE}` });
    await expect.poll(async () => (await table.isVisible()) && (await table.getByRole("row").count()), { timeout: 30_000 }).toBe(n + 1);
    return table.innerText();
  }

  beforeAll(async () => {
    h = await startTaskHarness("e2e-two-orgs-", { tenants: true });
    const demo = h.sandbox.seedValues;
    s3 = new S3Client({
      endpoint: h.sandbox.url,
      region: demo.queueRegion,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      forcePathStyle: true,
    });
    // The first organization: its table, a running task from its data source, and its object.
    await h.warehouse.query(`CREATE TABLE default.${TABLE} (id INT, who VARCHAR)`);
    const created = await h.apiFetch("/api/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: TASK_A, data_source_id: h.source.id, file_format: { type: "csv" }, target: { database: "default", table: TABLE } }),
    });
    const taskA = taskRecordSchema.parse(await created.json());
    expect((await h.apiFetch(`/api/tasks/${taskA.id}/start`, { method: "POST" })).ok).toBe(true);
    await s3.send(new PutObjectCommand({ Bucket: demo.bucket, Key: KEY, Body: CSV_A }));
    if (!taskA.warehouse_id) throw new Error("A's task names no warehouse");
  }, 180_000);

  afterAll(async () => {
    s3?.destroy();
    await fx?.stop();
    await h?.closeAll();
  });

  it(`${DESKTOP.name} ${DESKTOP.width}x${DESKTOP.height}: a second organization, its own warehouse, data source, task and rows; both survive a restart`, { timeout: 240_000 }, async () => {
    // A's object is in A's table (root's tenant, A's default warehouse).
    await expect
      .poll(async () => (await h.warehouse.query(`SELECT who FROM default.${TABLE} ORDER BY id`)).map((r) => r.who), { timeout: 60_000, interval: 500 })
      .toEqual(["alpha", "alpha"]);
    const page = await h.openPage(DESKTOP, "/data/integration");
    await pageHeading(page, "Data Integration");
    const orgA = (await sessionOf(page)).active!;
    expect(orgA.org_id).toBe(h.config.orgId);

    // Account menu → Create organization…: the new organization is made and becomes active.
    await accountButton(page).click();
    await page.getByRole("menuitem", { name: "Create organization…" }).click();
    const dialog = page.getByRole("dialog", { name: "Create organization" });
    await labelled(page, "Name").waitFor();
    await checkPage(page, "create-organization", DESKTOP);
    await labelled(page, "Name").fill(ORG_B);
    await dialog.getByRole("button", { name: "Create organization", exact: true }).click();
    await dialog.waitFor({ state: "hidden", timeout: 30_000 });
    await expect.poll(() => accountButton(page).getAttribute("aria-label"), { timeout: 15_000 }).toMatch(new RegExp(` in ${ORG_B}$`));
    const active = (await sessionOf(page)).active!;
    expect(active.name).toBe(ORG_B);
    expect(active.role).toBe("admin");
    orgB = active.org_id;
    expect(orgB).not.toBe(orgA.org_id);

    // Organization → Warehouses: its own managed warehouse, the default, and none of A's.
    await navigateTo(page, DESKTOP, "Warehouses");
    await expectLandedOn(page, "Warehouses");
    const warehouses = page.getByRole("table", { name: "Warehouses" });
    await expect.poll(() => warehouses.innerText(), { timeout: 15_000 }).toMatch(/Managed/);
    expect(await warehouses.getByRole("row").count(), "header and one warehouse").toBe(2);
    const listed = (await (await page.request.get(`${h.baseUrl}/api/org/warehouses`, RETRY_RESET)).json()) as { items: { id: string; user: string; managed: boolean; is_default: boolean }[] };
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ managed: true, is_default: true });
    expect(listed.items[0]!.user, "its own Databend user, not root").not.toBe("root");
    await checkPage(page, "org-warehouses", DESKTOP);

    // The customer's side for B: its own bucket, queue and role trusting B's External ID (its org
    // ID), and the same key in its bucket; the object's event waits in B's queue for B's task.
    fx = fixtureOn(h.sandbox, orgB);
    bravo = await createScenario(fx, { name: "bravo", drainQueue: true, objects: [{ key: KEY, body: CSV_B }] });

    // Data Sources → Create Data Source, tested and saved in B.
    await navigateTo(page, DESKTOP, "Data Sources");
    await expectLandedOn(page, "Data Sources");
    await button(page, "Create Data Source").first().click();
    await expectLandedOn(page, "Create Data Source");
    await chooseType(page);
    await fillForm(page, { name: SOURCE_B, queue_url: bravo.queue_url, role_arn: bravo.role_arn, bucket: bravo.bucket, prefix: bravo.prefix, suffix: bravo.suffix });
    expect(await fieldFor(page, "external_id").inputValue(), "B's External ID is B's organization ID").toBe(orgB);
    expect(await runConnectivityTest(page)).toMatch(/^Test passed/);
    await button(page, "OK").click();
    await expectLandedOn(page, SOURCE_B);

    // Create Integration Task: B's source, its sample (B's object), and a new table `events` in B's warehouse.
    await wizardToTarget(page, DESKTOP);
    expect(await page.getByText(/Loads into the warehouse/).innerText()).toMatch(/Loads into the warehouse \S/);
    await page.getByRole("radio", { name: /Create a new table/ }).check();
    const draft = page.getByRole("region", { name: "New table", exact: true });
    await draft.waitFor();
    await labelled(page, "New table name").fill(TABLE);
    await checkPage(page, "two-orgs-target", DESKTOP);
    // The table is made in B's warehouse by Create, with the task (issue 17, item 2).
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await labelled(page, "Name").waitFor();
    await page.getByRole("region", { name: `New table default.${TABLE}`, exact: true }).waitFor();
    await labelled(page, "Name").fill(TASK_B);
    await page.getByRole("button", { name: "Create stopped", exact: true }).click();
    await expectLandedOn(page, TASK_B);
    const taskIdB = /\/data\/integration\/([^/?]+)/.exec(page.url())?.[1] ?? "";
    const taskB = taskRecordSchema.parse(await (await page.request.get(`${h.baseUrl}/api/tasks/${taskIdB}`, RETRY_RESET)).json());
    expect(taskB.warehouse_id).toBe(listed.items[0]!.id);

    // Start: B's object loads into B's table; it is not skipped because A loaded the same key into
    // a table of the same name.
    await page.getByRole("button", { name: "Start", exact: true }).click();
    const counters = page.getByRole("region", { name: "Counters", exact: true });
    await expect
      .poll(async () => [await valueOf(counters, "Objects loaded"), await valueOf(counters, "Rows loaded")], { timeout: 60_000, interval: 500 })
      .toEqual(["1", "3"]);

    // See the rows: B's three rows, none of A's.
    await page.getByRole("link", { name: "See the rows" }).click();
    let shown = await rowsShown(page, 3);
    expect(shown).toMatch(/bravo/);
    expect(shown).not.toMatch(/alpha/);
    rowsPathB = new URL(page.url()).pathname + new URL(page.url()).search;
    expect(rowsPathB).toContain(`warehouse=${encodeURIComponent(taskB.warehouse_id!)}`);
    await checkPage(page, "two-orgs-rows", DESKTOP);

    // Back to A: its task's rows are A's two, none of B's (and A's table in root's tenant holds only A's).
    await switchTo(page, orgA.name);
    await navigateTo(page, DESKTOP, "Data Integration");
    await page.getByRole("link", { name: TASK_A, exact: true }).click();
    await expectLandedOn(page, TASK_A);
    await page.getByRole("link", { name: "See the rows" }).click();
    shown = await rowsShown(page, 2);
    expect(shown).toMatch(/alpha/);
    expect(shown).not.toMatch(/bravo/);
    expect((await h.warehouse.query(`SELECT who FROM default.${TABLE} ORDER BY id`)).map((r) => r.who)).toEqual(["alpha", "alpha"]);
    // A may not read B's warehouse by naming it.
    const foreign = await page.request.get(`${h.baseUrl}/api/warehouse/databases/default/tables/${TABLE}/rows?warehouse=${encodeURIComponent(taskB.warehouse_id!)}`, RETRY_RESET);
    expect(foreign.status()).toBe(404);

    // A restart of the dev warehouse on the same data directory keeps both tenants' rows.
    const restarted = await h.restartWarehouse();
    expect(restarted.version, "the dev warehouse runs Databend 1.2.895").toMatch(/1\.2\.895/);
    await page.reload();
    shown = await rowsShown(page, 2);
    expect(shown).toMatch(/alpha/);
    expect(shown).not.toMatch(/bravo/);
    const apiRowsA = await h.apiFetch(`/api/warehouse/databases/default/tables/${TABLE}/rows?limit=100`);
    expect(apiRowsA.status).toBe(200);
    expect(JSON.stringify(await apiRowsA.json())).not.toMatch(/bravo/);
    await switchTo(page, ORG_B);
    await page.goto(`${h.baseUrl}${rowsPathB}`);
    shown = await rowsShown(page, 3);
    expect(shown).toMatch(/bravo/);
    expect(shown).not.toMatch(/alpha/);
    await page.context().close();
  });

  it(`${PHONE.name} ${PHONE.width}x${PHONE.height}: the Warehouses page, the Create organization dialog, the Target step and the rows view`, { timeout: 120_000 }, async () => {
    expect(orgB, "the desktop flow made the second organization").not.toBe("");
    const page = await h.openPage(PHONE, "/data/integration");
    await pageHeading(page, "Data Integration");
    await switchTo(page, ORG_B);

    await navigateTo(page, PHONE, "Warehouses");
    await expectLandedOn(page, "Warehouses");
    await expect.poll(() => page.getByRole("table", { name: "Warehouses" }).innerText(), { timeout: 15_000 }).toMatch(/Managed/);
    await checkPage(page, "org-warehouses", PHONE);

    await accountButton(page).click();
    await page.getByRole("menuitem", { name: "Create organization…" }).click();
    const dialog = page.getByRole("dialog", { name: "Create organization" });
    await labelled(page, "Name").waitFor();
    await checkPage(page, "create-organization", PHONE);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });

    await wizardToTarget(page, PHONE);
    await page.getByText(/Loads into the warehouse/).waitFor();
    await checkPage(page, "two-orgs-target", PHONE);

    await page.goto(`${h.baseUrl}${rowsPathB}`);
    expect(await rowsShown(page, 3)).toMatch(/bravo/);
    await checkPage(page, "two-orgs-rows", PHONE);
    await page.context().close();
  });

  /** Data Integration → Create Integration Task with B's data source, through Preview to Target. */
  async function wizardToTarget(page: Page, viewport: Viewport): Promise<void> {
    await navigateTo(page, viewport, "Data Integration");
    await expectLandedOn(page, "Data Integration");
    await page.getByRole("button", { name: "Create Integration Task" }).or(page.getByRole("link", { name: "Create Integration Task" })).first().click();
    await expectLandedOn(page, "Create Integration Task");
    await chooseOption(page, "Data source", new RegExp(SOURCE_B));
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await labelled(page, "Object Key Prefix").waitFor();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("heading", { name: "Step 3 of 5: Preview" }).waitFor();
    await page.getByRole("region", { name: "Sample", exact: true }).getByRole("heading", { name: `Sample: ${KEY}` }).waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("heading", { name: "Step 4 of 5: Target" }).waitFor();
  }
});
