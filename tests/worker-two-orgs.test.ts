// Two organizations side by side on one worker: each task's role is assumed with its own
// organization's External ID (the sandbox's STS evaluates each role's trust policy condition on
// sts:ExternalId, as AWS does), so each loads its own objects, and a role that trusts only another
// organization's ID cannot be used by this one's task.
import { describe, expect, it } from "vitest";
import { ORG_ID, useWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const ORG_B = "org-b-two-orgs";
const OBJECTS = 5;

const csv = (org: string, n: number) => `id,name\n${n},"${org} ${n}"\n`;

describe("worker: two organizations", () => {
  it("loads each organization's objects with its own External ID, and refuses a role that trusts only the other's", async () => {
    const a = await env.scenario("orgs-a");
    const b = await env.scenario("orgs-b", { orgId: ORG_B });
    // Org B's data source names a role whose trust policy requires org A's External ID.
    const borrowed = await env.scenario("orgs-borrowed", { orgId: ORG_B, trustedExternalId: ORG_ID });
    for (const table of ["orgs_a", "orgs_b", "orgs_borrowed"]) await env.wh.exec(`CREATE TABLE \`default\`.\`${table}\` (id INT, name VARCHAR)`);
    const taskA = await env.createTask(a, "orgs_a");
    const taskB = await env.createTask(b, "orgs_b");
    const taskBorrowed = await env.createTask(borrowed, "orgs_borrowed");
    await env.start(taskA, ORG_ID);
    await env.start(taskB, ORG_B);
    await env.start(taskBorrowed, ORG_B);
    env.supervisor();

    for (let n = 0; n < OBJECTS; n++) {
      await env.put(a.bucket, `a-${n}.csv`, csv("a", n));
      await env.put(b.bucket, `b-${n}.csv`, csv("b", n));
      await env.put(borrowed.bucket, `x-${n}.csv`, csv("x", n));
    }

    await waitFor("both organizations' rows", async () => (await env.count("orgs_a")) === OBJECTS && (await env.count("orgs_b")) === OBJECTS, 60_000, 200);
    const names = async (table: string) => (await env.wh.query(`SELECT name FROM \`default\`.\`${table}\``)).map((r) => String(r.name));
    expect((await names("orgs_a")).every((name) => name.startsWith("a "))).toBe(true);
    expect((await names("orgs_b")).every((name) => name.startsWith("b "))).toBe(true);

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
    expect(await env.count("orgs_borrowed")).toBe(0);
    const depth = await env.queueDepth(borrowed);
    // (S3 also queued its s3:TestEvent when the notification was configured.)
    expect(depth.visible + depth.inFlight).toBeGreaterThanOrEqual(OBJECTS);
    expect((await env.store.get(ORG_B, taskBorrowed.id))?.counters).toMatchObject({ messages_deleted: 0, objects_loaded: 0 });
    // Neither organization sees the other's task.
    expect(await env.store.get(ORG_ID, taskB.id)).toBeNull();
    expect(await env.store.get(ORG_B, taskA.id)).toBeNull();
  }, 120_000);
});
