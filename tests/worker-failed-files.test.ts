// Failed files (issue 20, section 1), end to end: the real sandbox's S3 events, the real worker,
// the real engine, the real store (SQLite here, PostgreSQL in the node-postgres project), and the
// routes through the real app as two organizations. A bad file among 100 is set aside after its
// attempts while the other 99 load; fixed and retried it loads once; a re-upload loads by its own
// event and clears its entry; zero-byte, header-only and newline-only files settle as empty; the
// counters agree with the list; another organization can neither list, retry nor dismiss.
// Bounded: 106 objects, two tasks, about 30 s on this box.
import { PutBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedFilesPageSchema, type FailedFilesPage } from "#contracts/failed-files.ts";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import type { Stores } from "../server/store/open.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import { drained, expectExactRows, ORG_ID, runningTask, taskRuns, useWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const OTHER_ORG = "ff-other-org";
let stores: Stores;
let appA: FastifyInstance;
let appB: FastifyInstance;
/** Organization A's admin: reads the audit log. */
let adminA: FastifyInstance;

beforeAll(async () => {
  stores = await env.openStoreAgain();
  const app = (org: string, role: "operator" | "admin" = "operator") =>
    buildApp({ authenticate: fixedPrincipal(org, role), config: loadConfig({ ORG_ID: ORG_ID, DATA_DIR: env.dataDir }), logger: pino({ level: "silent" }), stores });
  appA = await app(ORG_ID);
  appB = await app(OTHER_ORG);
  adminA = await app(ORG_ID, "admin");
});
afterAll(async () => {
  await appA?.close();
  await appB?.close();
  await adminA?.close();
});

async function list(app: FastifyInstance, taskId: string, query = ""): Promise<{ status: number; page?: FailedFilesPage; body: unknown }> {
  const res = await app.inject({ method: "GET", url: `/api/tasks/${taskId}/failed-files${query}` });
  const body = res.json() as unknown;
  return res.statusCode === 200 ? { status: 200, page: failedFilesPageSchema.parse(body), body } : { status: res.statusCode, body };
}

const post = (app: FastifyInstance, taskId: string, action: "retry" | "dismiss", payload: unknown) =>
  app.inject({ method: "POST", url: `/api/tasks/${taskId}/failed-files/${action}`, payload: payload as object });

async function counters(taskId: string) {
  return (await env.store.get(ORG_ID, taskId))!.counters;
}

describe("worker: failed files", () => {
  it("sets a bad file among 100 aside after its attempts while the other 99 load; fixed and retried, it loads once; counters agree with the list; another organization sees and changes nothing", async () => {
    const { s, task } = await runningTask(env, "ff-hundred", "ff_hundred");
    // Two workers on the task: the attempts of the bad file are counted in the store, across both.
    env.supervisor({ fileAttempts: 3 });
    env.supervisor({ fileAttempts: 3 });
    const started = Date.now();
    const good = Array.from({ length: 99 }, (_, i) => i + 1);
    for (let n = 0; n < good.length; n += 20) {
      await Promise.all(good.slice(n, n + 20).map((i) => env.put(s.bucket, `in/good-${i}.csv`, `id,name\n${i},g${i}\n`)));
    }
    await env.put(s.bucket, "in/bad.csv", "id,name\nnope,x\n");

    const failed = await waitFor("the bad file in Failed files", async () => {
      const { page } = await list(appA, task.id);
      return page && page.total === 1 ? page : undefined;
    }, 60_000, 250);
    await waitFor("the 99 good files", async () => (await env.count("ff_hundred")) === 99, 60_000, 250);
    await drained(env, s);
    console.log(`failed files: 99 loaded and 1 set aside after 3 attempts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await expectExactRows(env, "ff_hundred", 99);
    const item = failed.items[0]!;
    expect(item).toMatchObject({
      task_id: task.id, bucket: s.bucket, key: "in/bad.csv", state: "failed", attempts: 3, error_class: "file", error_code: 1046,
      file: "in/bad.csv", line: expect.any(Number), column: "id", value: "nope", event_name: expect.stringMatching(/^ObjectCreated:/),
    });
    expect(item.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(item.detail).toContain("Invalid value 'nope'");
    expect(item.error).toContain("in/bad.csv");
    expect(failed.counts).toEqual({ failed: 1, retrying: 0, dismissed: 0, cleared: 0 });
    expect(failed.errors).toEqual([{ error_code: 1046, error_code_name: "BadBytes", count: 1 }]);
    // Counters and the list agree: failed + loaded + skipped = seen (100 objects).
    const c = await counters(task.id);
    expect(c).toMatchObject({ objects_loaded: 99, objects_failed: 1, objects_empty: 0, objects_duplicate: 0 });
    expect(c.objects_failed).toBe(failed.counts.failed + failed.counts.retrying + failed.counts.dismissed);
    const runs = await taskRuns(env, task.id);
    expect(runs.reduce((n, r) => n + r.objects_failed, 0)).toBe(1);
    const badErrors = runs.flatMap((r) => r.errors).filter((e) => e.key === "in/bad.csv").map((e) => e.error.replace(/^[\s\S]*?(Attempt \d of 3|Set aside)[\s\S]*$/, "$1")).sort();
    expect(badErrors).toEqual(["Attempt 1 of 3", "Attempt 2 of 3", "Set aside"]);
    // Filters, and bad input named by field.
    expect((await list(appA, task.id, "?error_code=1005")).page!.total).toBe(0);
    expect((await list(appA, task.id, "?q=bad.csv")).page!.total).toBe(1);
    const badSize = await list(appA, task.id, "?page_size=5000");
    expect(badSize.status).toBe(400);
    expect(JSON.stringify(badSize.body)).toContain("page_size");
    expect((await list(appA, task.id, "?cursor=garbage")).status).toBe(400);

    // Another organization: 404 on list, retry and dismiss, and nothing changes.
    expect((await list(appB, task.id)).status).toBe(404);
    expect((await post(appB, task.id, "retry", { all: true })).statusCode).toBe(404);
    expect((await post(appB, task.id, "dismiss", { ids: [item.id], reason: "not mine" })).statusCode).toBe(404);
    expect((await list(appA, task.id)).page!.counts).toEqual({ failed: 1, retrying: 0, dismissed: 0, cleared: 0 });

    // Fix the object without an event (notifications off), then Retry: its current version loads once.
    await env.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: s.bucket, NotificationConfiguration: {} }));
    await env.put(s.bucket, "in/bad.csv", "id,name\n100,fixed\n");
    const noBody = await post(appA, task.id, "retry", {});
    expect(noBody.statusCode).toBe(400);
    expect(JSON.stringify(noBody.json())).toContain("ids");
    const retried = await post(appA, task.id, "retry", { ids: [item.id] });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ updated: 1, counts: { failed: 0, retrying: 1 } });
    await waitFor("the retried file loaded", async () => (await env.count("ff_hundred")) === 100, 30_000, 250);
    const cleared = await waitFor("its entry cleared", async () => {
      const { page } = await list(appA, task.id, "?state=cleared");
      return page && page.total === 1 ? page : undefined;
    }, 30_000, 250);
    expect(cleared.items[0]).toMatchObject({ id: item.id, state: "cleared", cleared_at: expect.any(String) });
    expect(cleared.counts).toEqual({ failed: 0, retrying: 0, dismissed: 0, cleared: 1 });
    await expectExactRows(env, "ff_hundred", 100);
    expect(await counters(task.id)).toMatchObject({ objects_loaded: 100, objects_failed: 0 });
    // A second Retry of a cleared file changes nothing.
    expect((await post(appA, task.id, "retry", { ids: [item.id] })).json()).toMatchObject({ updated: 0 });
    await expectExactRows(env, "ff_hundred", 100);
    const audit = await adminA.inject({ method: "GET", url: "/api/audit?action=failed_files_retried" });
    expect(audit.json()).toMatchObject({ items: [{ resource_id: task.id, outcome: "1 file(s): in/bad.csv" }] });
  }, 150_000);

  it("settles zero-byte, header-only and newline-only files as empty; a re-upload of a fixed file loads by its own event and clears its entry; Dismiss keeps a reason", async () => {
    const { s, task } = await runningTask(env, "ff-edge", "ff_edge");
    env.supervisor({ fileAttempts: 2 });
    const counting = () =>
      stores.db.db.selectFrom("failed_files").select(["key", "attempts"]).where("task_id", "=", task.id).where("state", "=", "counting").orderBy("key").execute();
    await Promise.all([
      env.put(s.bucket, "zero.csv", ""),
      env.put(s.bucket, "header.csv", "id,name\n"),
      env.put(s.bucket, "newline.csv", "\n"),
      env.put(s.bucket, "ok.csv", "id,name\n1,a\n"),
      env.put(s.bucket, "bad-a.csv", "id,name\nzz,y\n"),
      env.put(s.bucket, "bad-b.csv", "id,name\nqq,y\n"),
    ]);
    // The first attempts are in the store; a worker restart (a new worker) goes on from them.
    await waitFor("first attempts counted", async () => ((await counting()).length === 2 ? true : undefined), 30_000, 100);
    await env.stopSupervisors();
    expect((await counting()).map((r) => [r.key, Number(r.attempts)])).toEqual([["bad-a.csv", 1], ["bad-b.csv", 1]]);
    env.supervisor({ fileAttempts: 2 });
    const page = await waitFor("two files set aside", async () => {
      const { page } = await list(appA, task.id);
      return page && page.total === 2 ? page : undefined;
    }, 60_000, 250);
    await drained(env, s);
    expect(page.items.map((i) => i.attempts)).toEqual([2, 2]);
    const runs = await taskRuns(env, task.id);
    const skipped = runs.flatMap((r) => r.skipped).filter((k) => k.key !== undefined).map((k) => [k.key, k.reason]).sort();
    expect(skipped).toEqual([
      ["header.csv", expect.stringMatching(/^empty object: nothing to load \(the file has no rows/)],
      ["newline.csv", expect.stringMatching(/^empty object: nothing to load \(the file has no rows/)],
      ["zero.csv", "empty object: nothing to load (0 bytes)"],
    ]);
    expect(await counters(task.id)).toMatchObject({ objects_loaded: 1, objects_empty: 3, objects_duplicate: 0, objects_failed: 2 });

    // The fixed file, uploaded again: its own event loads it and clears its entry.
    await env.put(s.bucket, "bad-a.csv", "id,name\n2,fixed\n");
    await waitFor("the re-upload loaded and its entry cleared", async () => {
      const { page } = await list(appA, task.id, "?state=cleared");
      return page && page.total === 1 && page.items[0]!.key === "bad-a.csv" ? true : undefined;
    }, 30_000, 250);
    await expectExactRows(env, "ff_edge", 2);

    // Dismiss: a reason is required and kept; the audit names it.
    const bad = page.items.find((i) => i.key === "bad-b.csv")!;
    const noReason = await post(appA, task.id, "dismiss", { ids: [bad.id] });
    expect(noReason.statusCode).toBe(400);
    expect(JSON.stringify(noReason.json())).toContain("reason");
    const tooLong = await post(appA, task.id, "dismiss", { ids: [bad.id], reason: "x".repeat(501) });
    expect(tooLong.statusCode).toBe(400);
    const dismissed = await post(appA, task.id, "dismiss", { all: true, reason: "test export, never meant to load" });
    expect(dismissed.json()).toMatchObject({ updated: 1, counts: { failed: 0, dismissed: 1, cleared: 1 } });
    const kept = (await list(appA, task.id, "?state=dismissed")).page!;
    expect(kept.items[0]).toMatchObject({ key: "bad-b.csv", dismiss_reason: "test export, never meant to load", dismissed_by: "test@example.com" });
    const audit = await adminA.inject({ method: "GET", url: "/api/audit?action=failed_files_dismissed" });
    expect(audit.json()).toMatchObject({ items: [{ resource_id: task.id, outcome: "1 file(s): bad-b.csv; reason: test export, never meant to load" }] });
    // Counters and the list agree: 6 objects = 2 loaded + 3 empty + 1 in Failed files (dismissed).
    const c = await counters(task.id);
    expect(c).toMatchObject({ objects_loaded: 2, objects_empty: 3, objects_duplicate: 0, objects_failed: 1 });
    expect(c.objects_loaded + c.objects_empty + c.objects_duplicate + c.objects_failed).toBe(6);
  }, 120_000);
});
