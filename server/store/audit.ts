// The audit log's port: append an event, read an organization's events newest first in pages.
// Events are scoped to their organization like every other record; nothing here edits or deletes one.
import { randomBytes } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { AuditEvent, AuditFilter } from "#contracts/audit.ts";
import type { StoreDb } from "./dialect.ts";
import type { AuditEventsTable } from "./schema.ts";

/** What a caller records; the store adds the id and the time. */
export type AuditEntry = Omit<AuditEvent, "id" | "at">;

export interface AuditPage {
  items: AuditEvent[];
  /** The id to pass as `before` for the next (older) page; null on the last page. */
  next_before: string | null;
}

export interface AuditStore {
  record(orgId: string, entry: AuditEntry): Promise<AuditEvent>;
  /** Newest first; `before` is the last id of the previous page. Null when `before` is not this org's event. */
  list(orgId: string, page: { limit: number; before?: string | undefined } & AuditFilter): Promise<AuditPage | null>;
}

/**
 * Ids sort by creation within a process (time, then a sequence), so two events of the same
 * millisecond still list in the order they happened; the random tail keeps processes apart.
 */
let sequence = 0;
function eventId(at: Date): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${at.getTime().toString().padStart(15, "0")}-${sequence.toString().padStart(6, "0")}-${randomBytes(4).toString("hex")}`;
}

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    action: row.action as AuditEvent["action"],
    resource_type: row.resource_type as AuditEvent["resource_type"],
    resource_id: row.resource_id,
    resource_name: row.resource_name,
    actor: {
      user_id: row.actor_user_id,
      email: row.actor_email,
      via: row.actor_via as AuditEvent["actor"]["via"],
      key_id: row.actor_key_id,
      key_name: row.actor_key_name,
    },
    outcome: row.outcome,
  };
}

export function auditStore(s: StoreDb, now: () => Date): AuditStore {
  const { db } = s;
  return {
    async record(orgId, entry) {
      const at = now();
      const row: Selectable<AuditEventsTable> = {
        id: eventId(at),
        org_id: orgId,
        at: at.toISOString(),
        action: entry.action,
        resource_type: entry.resource_type,
        resource_id: entry.resource_id,
        resource_name: entry.resource_name,
        actor_user_id: entry.actor.user_id,
        actor_email: entry.actor.email,
        actor_via: entry.actor.via,
        actor_key_id: entry.actor.key_id,
        actor_key_name: entry.actor.key_name,
        outcome: entry.outcome,
      };
      await db.insertInto("audit_events").values(row).execute();
      return toEvent(row);
    },

    async list(orgId, { limit, before, ...filter }) {
      let query = db.selectFrom("audit_events").selectAll().where("org_id", "=", orgId);
      // Substring filters escape LIKE's wildcards so "a_b" matches only "a_b" (ESCAPE works alike
      // on SQLite and PostgreSQL); case is folded on both sides for the same answer on both stores.
      const contains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      if (filter.who) {
        const pattern = contains(filter.who);
        query = query.where((eb) =>
          eb.or([
            eb(sql`lower(actor_email)`, "like", sql`${pattern} escape '\\'`),
            eb(sql`lower(coalesce(actor_key_name, ''))`, "like", sql`${pattern} escape '\\'`),
          ]),
        );
      }
      if (filter.action) query = query.where("action", "=", filter.action);
      if (filter.resource_type) query = query.where("resource_type", "=", filter.resource_type);
      if (filter.record) {
        const pattern = contains(filter.record);
        const record = filter.record;
        query = query.where((eb) =>
          eb.or([eb("resource_id", "=", record), eb(sql`lower(coalesce(resource_name, ''))`, "like", sql`${pattern} escape '\\'`)]),
        );
      }
      // Times are stored as UTC ISO strings (record() above), so they compare as text once the
      // bounds are written the same way.
      if (filter.from) query = query.where("at", ">=", new Date(filter.from).toISOString());
      if (filter.to) query = query.where("at", "<", new Date(filter.to).toISOString());
      if (before !== undefined) {
        const last = await db.selectFrom("audit_events").select(["at", "id"]).where("org_id", "=", orgId).where("id", "=", before).executeTakeFirst();
        if (!last) return null;
        // Row-value comparison (both dialects): strictly older than the previous page's last event.
        query = query.where((eb) => eb(eb.refTuple("at", "id"), "<", eb.tuple(last.at, last.id)));
      }
      const rows = await query.orderBy("at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(toEvent);
      return { items, next_before: rows.length > limit ? items[items.length - 1]!.id : null };
    },
  };
}

/**
 * For apps built with hand-made stores (tests of other routes that hand in only data sources and
 * tasks): events are dropped. openStore() always supplies the real port.
 */
export const DISCARDING_AUDIT_STORE: AuditStore = {
  async record(_orgId, entry) {
    return { ...entry, id: "discarded", at: new Date().toISOString() };
  },
  async list() {
    return { items: [], next_before: null };
  },
};
