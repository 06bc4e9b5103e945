// The alert delivery outbox (migration 13): rows queued with an incident's opening or resolution
// (alert-incidents.ts), claimed by a sender in one atomic statement timed by the database's clock,
// and updated with each attempt's outcome. Any worker may send: a claim keeps a row to one sender
// until its claim expires (a sender killed mid-attempt leaves the row to the next).
import { sql, type Selectable } from "kysely";
import type { AlertDelivery, AlertDeliveryQuery, DeliveryEventType, DeliveryStatus } from "#contracts/alerts.ts";
import type { StoreDb } from "./dialect.ts";
import type { AlertDeliveriesTable } from "./schema.ts";
import { insertDeliveries, type QueuedDelivery } from "./alert-incidents.ts";

export interface ClaimedDelivery {
  id: string;
  org_id: string;
  destination_id: string;
  event_type: DeliveryEventType;
  payload: string;
  attempts: number;
}

export interface AttemptOutcome {
  /** delivered: a 2xx; retry: try again after `retryInMs`; failed: give up. */
  status: "delivered" | "retry" | "failed";
  response_status: number | null;
  error: string | null;
  retryInMs?: number;
}

function toDelivery(row: Selectable<AlertDeliveriesTable>): AlertDelivery {
  return {
    id: row.id,
    destination_id: row.destination_id,
    destination_name: row.destination_name,
    event_type: row.event_type as DeliveryEventType,
    incident_id: row.incident_id,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    response_status: row.response_status === null ? null : Number(row.response_status),
    error: row.error,
    created_at: row.created_at,
    last_attempt_at: row.last_attempt_at,
    next_attempt_at: row.status === "pending" ? row.next_attempt_at : null,
    delivered_at: row.delivered_at,
  };
}

export interface AlertDeliveryStore {
  /** Queues deliveries of no incident (a test), returning their ids. */
  queue(orgId: string, deliveries: readonly QueuedDelivery[]): Promise<string[]>;
  /** Up to `limit` due, unclaimed pending rows, now claimed by `holder` for `claimMs`; `onlyId` narrows to one. */
  claimDue(holder: string, limit: number, claimMs: number, onlyId?: string): Promise<ClaimedDelivery[]>;
  /** Records one attempt of a row `holder` claimed; false when the claim was lost. */
  recordAttempt(id: string, holder: string, outcome: AttemptOutcome): Promise<boolean>;
  getDelivery(orgId: string, id: string): Promise<AlertDelivery | null>;
  listDeliveries(orgId: string, query: AlertDeliveryQuery): Promise<{ items: AlertDelivery[]; next_before: string | null }>;
  /** Forgets finished deliveries and resolved incidents made before `before`; returns how many rows went. */
  pruneAlertHistory(before: Date): Promise<number>;
}

export function alertDeliveryStore(s: StoreDb, now: () => Date): AlertDeliveryStore {
  const { db } = s;
  return {
    async queue(orgId, deliveries) {
      return db.transaction().execute((tx) => insertDeliveries(tx, s, orgId, null, deliveries, now()));
    },

    async claimDue(holder, limit, claimMs, onlyId) {
      // One statement: the subquery picks candidates, and the outer WHERE says again what makes a
      // row claimable, so on PostgreSQL a row another sender claimed meanwhile (re-checked on the
      // locked, newest row version) is skipped rather than claimed twice.
      let candidates = db.selectFrom("alert_deliveries").select("id").where("status", "=", "pending").where("due_ms", "<=", s.nowMs()).where("claimed_until_ms", "<", s.nowMs());
      if (onlyId !== undefined) candidates = candidates.where("id", "=", onlyId);
      const rows = await db
        .updateTable("alert_deliveries")
        .set({ claimed_by: holder, claimed_until_ms: sql<number>`${s.nowMs()} + ${claimMs}` })
        .where("id", "in", candidates.orderBy("due_ms").limit(limit))
        .where("status", "=", "pending")
        .where("due_ms", "<=", s.nowMs())
        .where("claimed_until_ms", "<", s.nowMs())
        .returning(["id", "org_id", "destination_id", "event_type", "payload", "attempts"])
        .execute();
      return rows.map((r) => ({ ...r, event_type: r.event_type as DeliveryEventType, attempts: Number(r.attempts) }));
    },

    async recordAttempt(id, holder, outcome) {
      const at = now();
      const retry = outcome.status === "retry";
      const result = await db
        .updateTable("alert_deliveries")
        .set((eb) => ({
          attempts: eb("attempts", "+", 1),
          status: retry ? "pending" : outcome.status,
          response_status: outcome.response_status,
          error: outcome.error,
          last_attempt_at: at.toISOString(),
          next_attempt_at: retry ? new Date(at.getTime() + (outcome.retryInMs ?? 0)).toISOString() : null,
          delivered_at: outcome.status === "delivered" ? at.toISOString() : null,
          due_ms: retry ? sql<number>`${s.nowMs()} + ${outcome.retryInMs ?? 0}` : eb.ref("due_ms"),
          claimed_until_ms: 0,
          claimed_by: null,
        }))
        .where("id", "=", id)
        .where("claimed_by", "=", holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async getDelivery(orgId, id) {
      const row = await db.selectFrom("alert_deliveries").selectAll().where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
      return row ? toDelivery(row) : null;
    },

    async pruneAlertHistory(before) {
      // Ids begin with their creation time (sortableId), so "made before" is a range of the key.
      const cutoff = (prefix: string) => `${prefix}_${before.getTime().toString(36).padStart(10, "0")}`;
      const deliveries = await db.deleteFrom("alert_deliveries").where("id", "<", cutoff("dl")).where("status", "in", ["delivered", "failed"]).executeTakeFirst();
      const incidents = await db.deleteFrom("alert_incidents").where("id", "<", cutoff("in")).where("resolved_at", "is not", null).executeTakeFirst();
      return Number(deliveries.numDeletedRows) + Number(incidents.numDeletedRows);
    },

    async listDeliveries(orgId, query) {
      let q = db.selectFrom("alert_deliveries").selectAll().where("org_id", "=", orgId);
      if (query.before) q = q.where("id", "<", query.before);
      if (query.destination_id) q = q.where("destination_id", "=", query.destination_id);
      if (query.incident_id) q = q.where("incident_id", "=", query.incident_id);
      if (query.event_type) q = q.where("event_type", "=", query.event_type);
      if (query.status) q = q.where("status", "=", query.status);
      const rows = await q.orderBy("id", "desc").limit(query.limit + 1).execute();
      const items = rows.slice(0, query.limit).map(toDelivery);
      return { items, next_before: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
    },
  };
}
