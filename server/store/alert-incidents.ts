// What the alert evaluator reads and writes (migration 13): its lease, the per-(rule, task) state,
// incidents, and the inputs it judges tasks by (task status, recent runs). Opening an incident and
// queueing its "alert" deliveries is one transaction, and the open incident is unique per (rule,
// task) in the database (alert_incidents_one_open), so two evaluators cannot alert one incident
// twice; resolving is a conditional update whose "resolved" deliveries go in the same transaction.
import { sql, type Kysely, type Selectable } from "kysely";
import type { AlertIncident, AlertIncidentQuery, AlertRuleKind } from "#contracts/alerts.ts";
import type { StoreDb } from "./dialect.ts";
import type { AlertIncidentsTable, Database } from "./schema.ts";
import { sortableId } from "./alert-config.ts";
import type { LagSketch } from "./lag-sketch.ts";

export interface AlertState {
  holding_since_ms: number | null;
  clear_since_ms: number | null;
}

/** A delivery to queue with an incident's opening or resolution (the outbox row's fields). */
export interface QueuedDelivery {
  destination_id: string;
  destination_name: string;
  event_type: "alert" | "resolved" | "test";
  payload: (incident: AlertIncident) => string;
}

export interface TaskFacts {
  id: string;
  org_id: string;
  name: string;
  status: string;
  status_reason: string | null;
}

export interface RunFacts {
  task_id: string;
  ended_at: string;
  status: string;
  has_errors: boolean;
  lag_max_ms: number | null;
  lag_sketch: LagSketch | null;
}

export function toIncident(row: Selectable<AlertIncidentsTable>): AlertIncident {
  return {
    id: row.id,
    rule_id: row.rule_id,
    rule_name: row.rule_name,
    kind: row.kind as AlertRuleKind,
    task_id: row.task_id,
    task_name: row.task_name,
    summary: row.summary,
    opened_at: row.opened_at,
    resolved_at: row.resolved_at,
  };
}

export async function insertDeliveries(
  tx: Kysely<Database>,
  s: StoreDb,
  orgId: string,
  incident: AlertIncident | null,
  deliveries: readonly QueuedDelivery[],
  at: Date,
): Promise<string[]> {
  const ids: string[] = [];
  for (const d of deliveries) {
    const id = sortableId("dl", at);
    ids.push(id);
    await tx
      .insertInto("alert_deliveries")
      .values({
        id,
        org_id: orgId,
        destination_id: d.destination_id,
        destination_name: d.destination_name,
        event_type: d.event_type,
        incident_id: incident?.id ?? null,
        payload: d.payload(incident as AlertIncident),
        status: "pending",
        created_at: at.toISOString(),
        next_attempt_at: at.toISOString(),
        due_ms: s.nowMs(),
      })
      .execute();
  }
  return ids;
}

export interface AlertIncidentStore {
  /**
   * Takes (or keeps) the named lease for `holder` for `leaseMs` by the database's clock, in one
   * statement: true when `holder` holds it now. Another holder's unexpired lease is left alone.
   */
  claimLease(name: string, holder: string, leaseMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** The database's clock, ms. */
  dbNowMs(): Promise<number>;

  tasksOf(orgId: string): Promise<TaskFacts[]>;
  /** Runs of these tasks that ended at or after `sinceIso`, newest first, at most `limit`. */
  runsSince(taskIds: readonly string[], sinceIso: string, limit: number): Promise<RunFacts[]>;
  /** The most recent run of each task. */
  latestRuns(taskIds: readonly string[]): Promise<Map<string, RunFacts>>;

  states(ruleId: string): Promise<Map<string, AlertState>>;
  setState(orgId: string, ruleId: string, taskId: string, state: AlertState): Promise<void>;
  openIncidents(ruleId: string): Promise<Map<string, AlertIncident>>;

  /** Opens the incident and queues its deliveries, or returns null when one is open already. */
  openIncident(
    incident: Omit<AlertIncident, "id" | "opened_at" | "resolved_at"> & { org_id: string },
    deliveries: readonly QueuedDelivery[],
  ): Promise<AlertIncident | null>;
  /** Resolves the incident and queues its deliveries, or returns null when it was resolved already. */
  resolveIncident(orgId: string, incidentId: string, deliveries: readonly QueuedDelivery[]): Promise<AlertIncident | null>;

  listIncidents(orgId: string, query: AlertIncidentQuery): Promise<{ items: AlertIncident[]; next_before: string | null }>;
}

const runColumns = ["task_id", "ended_at", "status", "errors", "more_errors", "lag_max_ms", "lag_sketch"] as const;

function toRunFacts(row: { task_id: string; ended_at: string; status: string; errors: string; more_errors: number | string; lag_max_ms: number | string | null; lag_sketch: string | null }): RunFacts {
  return {
    task_id: row.task_id,
    ended_at: row.ended_at,
    status: row.status,
    has_errors: row.status === "failed" || row.errors !== "[]" || Number(row.more_errors) > 0,
    lag_max_ms: row.lag_max_ms === null ? null : Number(row.lag_max_ms),
    lag_sketch: row.lag_sketch ? (JSON.parse(row.lag_sketch) as LagSketch) : null,
  };
}

export function alertIncidentStore(s: StoreDb, now: () => Date): AlertIncidentStore {
  const { db } = s;
  return {
    async claimLease(name, holder, leaseMs) {
      const row = await db
        .insertInto("job_leases")
        .values({ name, holder, lease_until_ms: sql<number>`${s.nowMs()} + ${leaseMs}` })
        .onConflict((oc) =>
          oc
            .column("name")
            .doUpdateSet({ holder, lease_until_ms: sql<number>`${s.nowMs()} + ${leaseMs}` })
            .where((eb) => eb.or([eb("job_leases.holder", "=", holder), eb("job_leases.lease_until_ms", "<", s.nowMs())])),
        )
        .returning("holder")
        .executeTakeFirst();
      return row?.holder === holder;
    },

    async releaseLease(name, holder) {
      await db.deleteFrom("job_leases").where("name", "=", name).where("holder", "=", holder).execute();
    },

    async dbNowMs() {
      const row = await sql<{ now_ms: number | string }>`select ${s.nowMs()} as now_ms`.execute(db);
      return Number(row.rows[0]!.now_ms);
    },

    async tasksOf(orgId) {
      return db.selectFrom("tasks").select(["id", "org_id", "name", "status", "status_reason"]).where("org_id", "=", orgId).orderBy("id").execute();
    },

    async runsSince(taskIds, sinceIso, limit) {
      if (taskIds.length === 0) return [];
      const rows = await db
        .selectFrom("task_runs")
        .select(runColumns)
        .where("task_id", "in", taskIds)
        .where("ended_at", ">=", sinceIso)
        .orderBy("ended_at", "desc")
        .limit(limit)
        .execute();
      return rows.map(toRunFacts);
    },

    async latestRuns(taskIds) {
      const out = new Map<string, RunFacts>();
      for (const taskId of taskIds) {
        const row = await db.selectFrom("task_runs").select(runColumns).where("task_id", "=", taskId).orderBy("ended_at", "desc").limit(1).executeTakeFirst();
        if (row) out.set(taskId, toRunFacts(row));
      }
      return out;
    },

    async states(ruleId) {
      const rows = await db.selectFrom("alert_states").selectAll().where("rule_id", "=", ruleId).execute();
      return new Map(
        rows.map((r) => [
          r.task_id,
          {
            holding_since_ms: r.holding_since_ms === null ? null : Number(r.holding_since_ms),
            clear_since_ms: r.clear_since_ms === null ? null : Number(r.clear_since_ms),
          },
        ]),
      );
    },

    async setState(orgId, ruleId, taskId, state) {
      await db
        .insertInto("alert_states")
        .values({ org_id: orgId, rule_id: ruleId, task_id: taskId, ...state })
        .onConflict((oc) => oc.columns(["rule_id", "task_id"]).doUpdateSet(state))
        .execute();
    },

    async openIncidents(ruleId) {
      const rows = await db.selectFrom("alert_incidents").selectAll().where("rule_id", "=", ruleId).where("resolved_at", "is", null).execute();
      return new Map(rows.map((r) => [r.task_id, toIncident(r)]));
    },

    async openIncident(incident, deliveries) {
      const at = now();
      const { org_id, ...fields } = incident;
      return db.transaction().execute(async (tx) => {
        // ON CONFLICT on the partial unique index: an incident already open is left as it is, and
        // nothing is queued (both dialects infer the index from the columns and its WHERE).
        const row = await tx
          .insertInto("alert_incidents")
          .values({ id: sortableId("in", at), org_id, ...fields, opened_at: at.toISOString(), resolved_at: null })
          .onConflict((oc) => oc.columns(["rule_id", "task_id"]).where("resolved_at", "is", null).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        const opened = toIncident(row);
        await insertDeliveries(tx, s, org_id, opened, deliveries, at);
        return opened;
      });
    },

    async resolveIncident(orgId, incidentId, deliveries) {
      const at = now();
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable("alert_incidents")
          .set({ resolved_at: at.toISOString() })
          .where("org_id", "=", orgId)
          .where("id", "=", incidentId)
          .where("resolved_at", "is", null)
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        const resolved = toIncident(row);
        await insertDeliveries(tx, s, orgId, resolved, deliveries, at);
        return resolved;
      });
    },

    async listIncidents(orgId, query) {
      let q = db.selectFrom("alert_incidents").selectAll().where("org_id", "=", orgId);
      if (query.before) q = q.where("id", "<", query.before);
      if (query.state === "open") q = q.where("resolved_at", "is", null);
      if (query.state === "resolved") q = q.where("resolved_at", "is not", null);
      if (query.rule_id) q = q.where("rule_id", "=", query.rule_id);
      if (query.task_id) q = q.where("task_id", "=", query.task_id);
      const rows = await q.orderBy("id", "desc").limit(query.limit + 1).execute();
      const items = rows.slice(0, query.limit).map(toIncident);
      return { items, next_before: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
    },
  };
}
