// The alerts' store on both dialects (SQLite file, throwaway PostgreSQL cluster as in
// store-contract.test.ts): org scoping, one open incident per (rule, task) under concurrent opens,
// one resolution, the evaluator's lease, and the outbox claim that hands a row to one sender.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MISSING, SKIP_POSTGRES, SKIP_REASON, postgresBinDir, startPostgres, type PostgresCluster } from "../../tests/support/postgres.ts";
import { makeDataSourceInput } from "../../tests/support/fixtures.ts";
import { DuplicateAlertNameError } from "./alert-config.ts";
import type { QueuedDelivery } from "./alert-incidents.ts";
import { openStore, type Stores } from "./open.ts";

const ORG = "org-a";
const OTHER = "org-b";
let cluster: PostgresCluster | undefined;
const dirs: string[] = [];

const adapters = [
  { name: "sqlite", skip: null as string | null, setup: async () => {}, target: async () => { const d = mkdtempSync(path.join(tmpdir(), "alerts-store-")); dirs.push(d); return d; } },
  {
    name: "postgres",
    skip: SKIP_POSTGRES ? SKIP_REASON : null,
    setup: async () => {
      if (!postgresBinDir()) throw new Error(MISSING);
      cluster = await startPostgres();
    },
    target: async () => cluster!.createDatabase(),
  },
];

afterAll(async () => {
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const delivery = (event_type: QueuedDelivery["event_type"]): QueuedDelivery => ({
  destination_id: "ad_1",
  destination_name: "hook",
  event_type,
  payload: (incident) => JSON.stringify({ type: event_type, incident: incident?.id ?? null }),
});

describe.each(adapters)("alerts store on $name", (adapter) => {
  const suite = adapter.skip ? describe.skip : describe;
  suite(adapter.skip ?? "ports", () => {
    let stores: Stores;
    let taskId: string;
    beforeAll(() => adapter.setup(), 60_000);
    beforeEach(async () => {
      stores = await openStore(await adapter.target());
      const source = await stores.dataSources.createDataSource(ORG, makeDataSourceInput(ORG), null);
      taskId = (await stores.dataSources.createTask(ORG, { name: "orders", data_source_id: source.id })).id;
    });
    afterEach(() => stores.close());

    it("rules and destinations belong to their organization; names are unique per organization ignoring case", async () => {
      const a = stores.alerts;
      const rule = await a.createRule(ORG, { name: "Failed", condition: { kind: "task_failed" }, task_ids: null, quiet_minutes: 5, enabled: true, destination_ids: ["x", "x"] });
      expect(rule).toMatchObject({ name: "Failed", destination_ids: ["x"], open_incidents: 0, enabled: true });
      await expect(a.createRule(ORG, { ...rule, name: "FAILED", task_ids: null })).rejects.toBeInstanceOf(DuplicateAlertNameError);
      expect(await a.getRule(OTHER, rule.id)).toBeNull();
      expect(await a.updateRule(OTHER, rule.id, { name: "stolen" })).toBeNull();
      expect(await a.deleteRule(OTHER, rule.id)).toBe(false);
      expect(await a.listRules(OTHER)).toEqual([]);
      expect(await a.updateRule(ORG, rule.id, { condition: { kind: "task_errors_for", for_minutes: 3 } })).toMatchObject({ condition: { kind: "task_errors_for", for_minutes: 3 } });
      const dest = await a.createDestination(ORG, { id: "ad_1", name: "hook", format: "standard", url_enc: "sealed", url_hint: "https://h/…", secret_enc: "sealed" });
      expect(await a.getDestination(OTHER, dest.id)).toBeNull();
      expect(await a.deleteDestination(OTHER, dest.id)).toBe(false);
      expect(await a.listDestinations(OTHER)).toEqual([]);
      expect((await a.enabledRules(10)).map((r) => r.org_id)).toEqual([ORG]);
    });

    it("one open incident per (rule, task), even when ten evaluators open it at once; one resolution; deliveries queued with each", async () => {
      const a = stores.alerts;
      const rule = await a.createRule(ORG, { name: "Failed", condition: { kind: "task_failed" }, task_ids: null, quiet_minutes: 0, enabled: true, destination_ids: [] });
      const facts = { org_id: ORG, rule_id: rule.id, rule_name: rule.name, kind: "task_failed" as const, task_id: taskId, task_name: "orders", summary: "failed" };
      const opened = (await Promise.all(Array.from({ length: 10 }, () => a.openIncident(facts, [delivery("alert")])))).filter((x) => x !== null);
      expect(opened).toHaveLength(1);
      const resolved = await Promise.all(Array.from({ length: 5 }, () => a.resolveIncident(ORG, opened[0]!.id, [delivery("resolved")])));
      expect(resolved.filter((x) => x !== null)).toHaveLength(1);
      expect(await a.resolveIncident(OTHER, opened[0]!.id, [])).toBeNull();
      const log = await a.listDeliveries(ORG, { limit: 50 });
      expect(log.items.map((d) => d.event_type).sort()).toEqual(["alert", "resolved"]);
      expect((await a.listDeliveries(OTHER, { limit: 50 })).items).toEqual([]);
      // A new incident may open once the last is resolved.
      expect(await a.openIncident(facts, [])).not.toBeNull();
      const incidents = await a.listIncidents(ORG, { limit: 1 });
      expect(incidents.items).toHaveLength(1);
      expect(incidents.next_before).not.toBeNull();
      expect((await a.listIncidents(ORG, { limit: 5, state: "open" })).items).toHaveLength(1);
      expect((await a.listIncidents(OTHER, { limit: 5 })).items).toEqual([]);
    });

    it("disabling a rule closes its open incidents without a resolved; pruning forgets finished history only", async () => {
      const a = stores.alerts;
      const rule = await a.createRule(ORG, { name: "Failed", condition: { kind: "task_failed" }, task_ids: null, quiet_minutes: 0, enabled: true, destination_ids: [] });
      const facts = { org_id: ORG, rule_id: rule.id, rule_name: rule.name, kind: "task_failed" as const, task_id: taskId, task_name: "orders", summary: "failed" };
      await a.setState(ORG, rule.id, taskId, { holding_since_ms: 1, clear_since_ms: null });
      const opened = (await a.openIncident(facts, [delivery("alert")]))!;
      expect((await a.getRule(ORG, rule.id))!.open_incidents).toBe(1);
      await a.updateRule(ORG, rule.id, { enabled: false });
      expect((await a.getRule(ORG, rule.id))!.open_incidents).toBe(0);
      expect((await a.states(rule.id)).size).toBe(0);
      expect((await a.listDeliveries(ORG, { limit: 50 })).items.map((d) => d.event_type)).toEqual(["alert"]);
      // The pending alert is not finished: pruning keeps it, and the closed incident goes.
      expect(await a.pruneAlertHistory(new Date(Date.now() + 60_000))).toBe(1);
      expect((await a.listIncidents(ORG, { limit: 5 })).items.map((i) => i.id)).not.toContain(opened.id);
      expect((await a.listDeliveries(ORG, { limit: 50 })).items).toHaveLength(1);
    });

    it("the lease is one holder's until it expires by the database's clock", async () => {
      const a = stores.alerts;
      const won = await Promise.all(["w1", "w2", "w3"].map((w) => a.claimLease("alerts", w, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = ["w1", "w2", "w3"][won.indexOf(true)]!;
      expect(await a.claimLease("alerts", holder, 60_000)).toBe(true);
      expect(await a.claimLease("alerts", "other", 60_000)).toBe(false);
      await a.claimLease("alerts", holder, -1); // expired at once
      expect(await a.claimLease("alerts", "other", 60_000)).toBe(true);
    });

    it("the outbox hands each due row to one sender; a retry waits; an attempt by a sender that lost its claim is not recorded", async () => {
      const a = stores.alerts;
      const ids = await a.queue(ORG, Array.from({ length: 6 }, () => delivery("test")));
      const claims = await Promise.all(["s1", "s2", "s3"].map((s) => a.claimDue(s, 10, 30_000)));
      const claimed = claims.flat().map((c) => c.id);
      expect(claimed.sort()).toEqual([...ids].sort());
      const holder = ["s1", "s2", "s3"][claims.findIndex((c) => c.some((d) => d.id === ids[0]))]!;
      expect(await a.recordAttempt(ids[0]!, "not-the-holder", { status: "delivered", response_status: 200, error: null })).toBe(false);
      expect(await a.recordAttempt(ids[0]!, holder, { status: "retry", response_status: 503, error: "503", retryInMs: 60_000 })).toBe(true);
      expect(await a.claimDue("s4", 10, 30_000)).toEqual([]);
      expect(await a.getDelivery(ORG, ids[0]!)).toMatchObject({ status: "pending", attempts: 1, response_status: 503 });
      expect(await a.getDelivery(OTHER, ids[0]!)).toBeNull();
    });
  });
});
