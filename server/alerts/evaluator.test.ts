// The evaluator over a real SQLite store: each rule kind opens an incident when its condition has
// held long enough and resolves it once clear for the quiet period; a flap inside the quiet period
// stays one incident. Time spans are minutes, so tests move the stored state's "since" back instead
// of waiting (the state is what the evaluator reads each tick). Failed files and backlog come
// through their narrow inputs: test doubles here (the failed-files table belongs to another module;
// the backlog is read from SQS through the customer's role in the worker, worker-alerts.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertCondition } from "#contracts/alerts.ts";
import { makeDataSourceInput } from "../../tests/support/fixtures.ts";
import { sketchOf } from "../store/lag-sketch.ts";
import { openStore, type Stores } from "../store/open.ts";
import { AlertEvaluator, type EvaluatorInputs } from "./evaluator.ts";

const ORG = "org-eval";
let dir: string;
let stores: Stores;
let taskId: string;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "alerts-eval-"));
  stores = await openStore(dir);
  const source = await stores.dataSources.createDataSource(ORG, makeDataSourceInput(ORG), null);
  taskId = (await stores.dataSources.createTask(ORG, { name: "orders", data_source_id: source.id })).id;
});
afterEach(async () => {
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
});

const MINUTE = 60_000;

async function rule(condition: AlertCondition, quiet_minutes = 0) {
  const dest = await stores.alerts.createDestination(ORG, { id: `ad_${condition.kind}`, name: condition.kind, format: "standard", url_enc: "x", url_hint: "h", secret_enc: "x" });
  return stores.alerts.createRule(ORG, { name: condition.kind, condition, task_ids: null, quiet_minutes, enabled: true, destination_ids: [dest.id] });
}

async function setStatus(status: string) {
  await stores.db.db.updateTable("tasks").set({ status, status_reason: status === "failed" ? "no table" : null }).where("id", "=", taskId).execute();
}

/** Moves the stored state's clocks back by `ms`, as if that much time had passed. */
async function age(ruleId: string, ms: number) {
  const state = (await stores.alerts.states(ruleId)).get(taskId)!;
  await stores.alerts.setState(ORG, ruleId, taskId, {
    holding_since_ms: state.holding_since_ms === null ? null : state.holding_since_ms - ms,
    clear_since_ms: state.clear_since_ms === null ? null : state.clear_since_ms - ms,
  });
}

async function addRun(o: { errors?: boolean; lagsMs?: number[]; endedAgoMs?: number }) {
  const ended = new Date(Date.now() - (o.endedAgoMs ?? 0)).toISOString();
  const lags = o.lagsMs ?? [];
  await stores.db.db
    .insertInto("task_runs")
    .values({
      id: crypto.randomUUID(),
      task_id: taskId,
      worker_id: "w",
      started_at: ended,
      ended_at: ended,
      status: o.errors ? "partial" : "succeeded",
      messages: 1,
      messages_deleted: 1,
      messages_skipped: 0,
      objects_loaded: 1,
      objects_duplicate: 0,
      rows_loaded: 1,
      copy_statements: 1,
      skipped: "[]",
      errors: o.errors ? JSON.stringify([{ message_id: "m", error: "bad value" }]) : "[]",
      deferred: null,
      more_skipped: 0,
      more_errors: 0,
      lag_objects: lags.length,
      lag_p50_ms: lags.length ? lags[0]! : null,
      lag_p95_ms: lags.length ? Math.max(...lags) : null,
      lag_max_ms: lags.length ? Math.max(...lags) : null,
      lag_sketch: lags.length ? JSON.stringify(sketchOf(lags)) : null,
    })
    .execute();
}

const incidents = async () => (await stores.alerts.listIncidents(ORG, { limit: 50 })).items;
const deliveries = async () => (await stores.alerts.listDeliveries(ORG, { limit: 50 })).items.map((d) => d.event_type).sort();

describe("alert evaluator", () => {
  it("task_failed: one incident and one alert; a flap inside the quiet period stays that incident; resolved once after it", async () => {
    const r = await rule({ kind: "task_failed" }, 10);
    const ev = new AlertEvaluator(stores.alerts);
    await setStatus("failed");
    expect(await ev.evaluate()).toMatchObject({ opened: 1, resolved: 0 });
    expect(await ev.evaluate()).toMatchObject({ opened: 0 });
    await setStatus("running");
    await ev.evaluate(); // clearing starts
    await setStatus("failed"); // flaps back within the quiet period
    await ev.evaluate();
    await setStatus("running");
    await ev.evaluate();
    await age(r.id, 9 * MINUTE);
    expect(await ev.evaluate()).toMatchObject({ resolved: 0 });
    await age(r.id, 2 * MINUTE);
    expect(await ev.evaluate()).toMatchObject({ resolved: 1 });
    expect(await ev.evaluate()).toMatchObject({ opened: 0, resolved: 0 });
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: "task_failed", task_name: "orders", summary: "The task failed: no table" });
    expect(list[0]!.resolved_at).not.toBeNull();
    expect(await deliveries()).toEqual(["alert", "resolved"]);
  });

  it("task_errors_for: opens only once errors have lasted N minutes", async () => {
    const r = await rule({ kind: "task_errors_for", for_minutes: 5 });
    const ev = new AlertEvaluator(stores.alerts);
    await addRun({ errors: true });
    expect(await ev.evaluate()).toMatchObject({ opened: 0 });
    await age(r.id, 4 * MINUTE);
    expect(await ev.evaluate()).toMatchObject({ opened: 0 });
    await age(r.id, 1 * MINUTE);
    expect(await ev.evaluate()).toMatchObject({ opened: 1 });
    await addRun({ errors: false });
    expect(await ev.evaluate()).toMatchObject({ resolved: 1 });
  });

  it("lag_p95_above: judged over the runs of the last M minutes (their sketches merged)", async () => {
    await rule({ kind: "lag_p95_above", threshold_seconds: 60, for_minutes: 5 });
    const ev = new AlertEvaluator(stores.alerts);
    await addRun({ lagsMs: Array.from({ length: 20 }, () => 1_000), endedAgoMs: 10 * MINUTE }); // outside the window
    await addRun({ lagsMs: Array.from({ length: 19 }, () => 1_000).concat([5_000]) });
    expect(await ev.evaluate()).toMatchObject({ opened: 0 });
    await addRun({ lagsMs: Array.from({ length: 20 }, () => 120_000) });
    expect(await ev.evaluate()).toMatchObject({ opened: 1 });
    expect((await incidents())[0]!.summary).toMatch(/Lag p95 was 1\d\d s over the last 5 min \(above 60 s\)/);
  });

  it("failed_files_above and backlog_above through their inputs; an input that cannot answer moves nothing", async () => {
    let failed: Map<string, number> | null = new Map([[taskId, 3]]);
    let visible: number | null = 500;
    const inputs: EvaluatorInputs = { failedFiles: async () => failed, backlog: async () => visible };
    const files = await rule({ kind: "failed_files_above", threshold_files: 2 });
    const backlog = await rule({ kind: "backlog_above", threshold_messages: 100, for_minutes: 10 });
    const ev = new AlertEvaluator(stores.alerts, inputs);
    expect(await ev.evaluate()).toMatchObject({ opened: 1 }); // failed files at once; backlog must last 10 min
    await age(backlog.id, 10 * MINUTE);
    expect(await ev.evaluate()).toMatchObject({ opened: 1 });
    failed = null;
    visible = null;
    expect(await ev.evaluate()).toMatchObject({ opened: 0, resolved: 0 });
    failed = new Map();
    visible = 0;
    expect(await ev.evaluate()).toMatchObject({ resolved: 2 });
    expect((await incidents()).map((i) => i.summary).sort()).toEqual(["3 failed files (above 2)", "500 messages waiting in the queue for 10 min (above 100)"]);
    expect(files.id).not.toBe(backlog.id);
  });

});
