// Two organizations side by side on one worker, each with a warehouse of its own: organization A
// keeps the dev warehouse the environment started (its DATABEND_DSN default), organization B gets a
// second dev warehouse process with its own data directory, added as B's default the way an admin
// adds one. Each task's role is assumed with its own organization's External ID (the sandbox's STS
// evaluates each role's trust policy condition on sts:ExternalId, as AWS does), and each task loads
// into its own organization's warehouse, chosen by the worker per task (server/worker/task-warehouses.ts).
//
// The promise under test is issue 16's: the same key loaded from each organization's own bucket into
// tables of the same name lands in each organization's own warehouse, neither load is skipped as a
// duplicate of the other (Databend's load metadata is per table, and these are two tables in two
// warehouses), and a role that trusts only the other organization's ID cannot be used.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabendWarehouse } from "../server/databend/client.ts";
import { startWarehouse, type Warehouse } from "../sandbox/warehouse/server.ts";
import { connectionOfDsn } from "../server/warehouses/connections.ts";
import { ORG_ID, useWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const ORG_B = "org-b-two-orgs";
/** Same keys in both buckets; the borrowed role's bucket gets BORROWED. Bounded: 2 × 40 objects, 90 s. */
const OBJECTS = 40;
const BORROWED = 5;

let bDir: string;
let bEngine: Warehouse;
let bWh: DatabendWarehouse;

beforeAll(async () => {
  bDir = mkdtempSync(path.join(tmpdir(), "two-orgs-b-"));
  bEngine = await startWarehouse({ port: 0, dataDir: bDir, log: false });
  bWh = new DatabendWarehouse(bEngine.dsn);
}, 120_000);

afterAll(async () => {
  await bWh?.close();
  await bEngine?.stop();
  if (bDir) rmSync(bDir, { recursive: true, force: true });
});

const csv = (org: string, n: number) => `id,name\n${n},"${org} ${n}"\n`;
const names = async (wh: DatabendWarehouse, table: string) => (await wh.query(`SELECT name FROM \`default\`.\`${table}\` ORDER BY id`)).map((r) => String(r.name));
const count = async (wh: DatabendWarehouse, table: string) => Number((await wh.query(`SELECT COUNT(*) AS n FROM \`default\`.\`${table}\``))[0]!.n);

describe("worker: two organizations, two warehouses", () => {
  it("loads the same key from each organization's bucket into its own warehouse's table of the same name; neither is skipped; a borrowed role is refused", async () => {
    // B's warehouse, added as an admin would (its first, so its default).
    await env.connections.create(ORG_B, { ...connectionOfDsn(bEngine.dsn)!, name: "B's warehouse", is_default: true }, { managed: false });
    const a = await env.scenario("orgs-a");
    const b = await env.scenario("orgs-b", { orgId: ORG_B });
    // Org B's data source names a role whose trust policy requires org A's External ID.
    const borrowed = await env.scenario("orgs-borrowed", { orgId: ORG_B, trustedExternalId: ORG_ID });
    // The same table name in each organization's own warehouse; nothing of B's exists in A's and vice versa.
    await env.wh.exec("CREATE TABLE `default`.`shared` (id INT, name VARCHAR)");
    await bWh.exec("CREATE TABLE `default`.`shared` (id INT, name VARCHAR)");
    await bWh.exec("CREATE TABLE `default`.`orgs_borrowed` (id INT, name VARCHAR)");
    const taskA = await env.createTask(a, "shared");
    const taskB = await env.createTask(b, "shared");
    const taskBorrowed = await env.createTask(borrowed, "orgs_borrowed");
    await env.start(taskA, ORG_ID);
    await env.start(taskB, ORG_B);
    await env.start(taskBorrowed, ORG_B);
    env.supervisor();

    // The same keys in both buckets, B's first each time: B's load of a key must not make A's a duplicate.
    const started = Date.now();
    for (let n = 0; n < OBJECTS; n += 10) {
      const keys = Array.from({ length: Math.min(10, OBJECTS - n) }, (_, i) => n + i);
      await Promise.all(keys.map((k) => env.put(b.bucket, `incoming/key-${k}.csv`, csv("b", k))));
      await Promise.all(keys.map((k) => env.put(a.bucket, `incoming/key-${k}.csv`, csv("a", k))));
    }
    for (let n = 0; n < BORROWED; n++) await env.put(borrowed.bucket, `x-${n}.csv`, csv("x", n));

    await waitFor("both organizations' rows", async () => (await count(env.wh, "shared")) === OBJECTS && (await count(bWh, "shared")) === OBJECTS, 90_000, 200);
    console.log(`two organizations: ${OBJECTS} objects each, same keys, loaded into their own warehouses in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await names(env.wh, "shared")).toEqual(Array.from({ length: OBJECTS }, (_, n) => `a ${n}`));
    expect(await names(bWh, "shared")).toEqual(Array.from({ length: OBJECTS }, (_, n) => `b ${n}`));
    // Nothing of either organization in the other's warehouse.
    expect(await env.wh.query("SELECT name FROM `default`.`shared` WHERE name LIKE 'b %'")).toEqual([]);
    expect(await bWh.query("SELECT name FROM `default`.`shared` WHERE name LIKE 'a %'")).toEqual([]);
    // Neither organization's load was taken for a duplicate of the other's.
    const counters = async (org: string, id: string) => (await env.store.get(org, id))!.counters;
    await waitFor("both tasks' counters", async () => (await counters(ORG_ID, taskA.id)).rows_loaded === OBJECTS && (await counters(ORG_B, taskB.id)).rows_loaded === OBJECTS, 30_000, 200);
    expect(await counters(ORG_ID, taskA.id)).toMatchObject({ objects_loaded: OBJECTS, objects_duplicate: 0, rows_loaded: OBJECTS });
    expect(await counters(ORG_B, taskB.id)).toMatchObject({ objects_loaded: OBJECTS, objects_duplicate: 0, rows_loaded: OBJECTS });
    // Each task names its organization's own warehouse.
    expect((await env.store.get(ORG_B, taskB.id))!.warehouse_id ?? (await env.warehouses.defaultWarehouse(ORG_B))!.id).toBe((await env.warehouses.defaultWarehouse(ORG_B))!.id);

    // The borrowed role refuses org B's External ID: the task says why, loads nothing, and the
    // messages stay in the queue for when the trust policy is fixed.
    const refused = await waitFor(
      "the borrowed role's refusal on the task",
      async () => {
        const task = await env.store.get(ORG_B, taskBorrowed.id);
        const said = `${task?.last_error ?? ""} ${task?.status_reason ?? ""}`;
        return /trust policy/.test(said) ? said : undefined;
      },
      60_000,
      200,
    );
    expect(refused).toMatch(/external ID/);
    expect(await count(bWh, "orgs_borrowed")).toBe(0);
    const depth = await env.queueDepth(borrowed);
    // (S3 also queued its s3:TestEvent when the notification was configured.)
    expect(depth.visible + depth.inFlight).toBeGreaterThanOrEqual(BORROWED);
    expect((await env.store.get(ORG_B, taskBorrowed.id))?.counters).toMatchObject({ messages_deleted: 0, objects_loaded: 0 });
    // Neither organization sees the other's task.
    expect(await env.store.get(ORG_ID, taskB.id)).toBeNull();
    expect(await env.store.get(ORG_B, taskA.id)).toBeNull();
  }, 180_000);

  it("a task whose organization has no warehouse fails with the fix, and loads nowhere", async () => {
    const orphanOrg = "org-without-warehouse";
    const s = await env.scenario("orgs-none", { orgId: orphanOrg });
    const task = await env.createTask(s, "shared");
    await env.start(task, orphanOrg);
    env.supervisor();
    const reason = await waitFor("the task's failure", async () => (await env.store.get(orphanOrg, task.id))?.status_reason ?? undefined, 30_000, 200);
    expect(reason).toBe("The task's organization has no warehouse; an admin adds one on Organization → Warehouses, then start the task again.");
    expect((await env.store.get(orphanOrg, task.id))?.status).toBe("failed");
  }, 60_000);
});
