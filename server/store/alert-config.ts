// Alert rules and destinations over Kysely (migration 13): what an organization set up. Every query
// names its organization. Destination URLs and secrets arrive here sealed (server/alerts/
// destinations.ts seals them with the warehouses' secret box); the store never sees them in clear.
import { randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import type { AlertCondition, AlertRule, AlertRuleInput, AlertRuleUpdate, DestinationFormat } from "#contracts/alerts.ts";
import type { StoreDb } from "./dialect.ts";
import type { AlertDestinationsTable, AlertRulesTable } from "./schema.ts";

export class DuplicateAlertNameError extends Error {
  readonly existingName: string;
  constructor(what: "alert rule" | "destination", existingName: string) {
    super(`An ${what === "alert rule" ? "alert rule" : "alert destination"} named ${existingName} already exists`);
    this.existingName = existingName;
  }
}

/** Ids that sort by creation (time, then randomness), so pages can go "before" an id. */
export function sortableId(prefix: string, at: Date): string {
  return `${prefix}_${at.getTime().toString(36).padStart(10, "0")}${randomBytes(6).toString("hex")}`;
}

/** A stored rule, as the evaluator and the API read it (open_incidents added by listRules/getRule). */
export type StoredRule = Omit<AlertRule, "open_incidents"> & { org_id: string };

export interface StoredDestination {
  id: string;
  org_id: string;
  name: string;
  format: DestinationFormat;
  url_enc: string;
  url_hint: string;
  secret_enc: string;
  secret_created_at: string;
  created_at: string;
  updated_at: string;
}

export interface SealedDestinationInput {
  id: string;
  name: string;
  format: DestinationFormat;
  url_enc: string;
  url_hint: string;
  secret_enc: string;
}

export function toRule(row: Selectable<AlertRulesTable>): StoredRule {
  return {
    id: row.id,
    org_id: row.org_id,
    name: row.name,
    condition: JSON.parse(row.condition) as AlertCondition,
    task_ids: row.task_ids === null ? null : (JSON.parse(row.task_ids) as string[]),
    quiet_minutes: Number(row.quiet_minutes),
    enabled: Boolean(Number(row.enabled)),
    destination_ids: JSON.parse(row.destination_ids) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toDestination(row: Selectable<AlertDestinationsTable>): StoredDestination {
  return { ...row, format: row.format as DestinationFormat };
}

export interface AlertConfigStore {
  listRules(orgId: string): Promise<AlertRule[]>;
  getRule(orgId: string, id: string): Promise<AlertRule | null>;
  /** Throws DuplicateAlertNameError when the name is taken in the organization. */
  createRule(orgId: string, input: AlertRuleInput): Promise<AlertRule>;
  /** Disabling closes the rule's open incidents without a "resolved"; a new condition or scope starts its watch afresh. */
  updateRule(orgId: string, id: string, update: AlertRuleUpdate): Promise<AlertRule | null>;
  /** Deletes the rule; its open incidents are closed without a "resolved" (nobody watches them any more). */
  deleteRule(orgId: string, id: string): Promise<boolean>;
  /** Every enabled rule of every organization (the evaluator's input), at most `limit`. */
  enabledRules(limit: number): Promise<StoredRule[]>;

  listDestinations(orgId: string): Promise<StoredDestination[]>;
  getDestination(orgId: string, id: string): Promise<StoredDestination | null>;
  createDestination(orgId: string, input: SealedDestinationInput): Promise<StoredDestination>;
  updateDestination(
    orgId: string,
    id: string,
    update: Partial<Pick<StoredDestination, "name" | "format" | "url_enc" | "url_hint" | "secret_enc" | "secret_created_at">>,
  ): Promise<StoredDestination | null>;
  deleteDestination(orgId: string, id: string): Promise<boolean>;
}

export function alertConfigStore(s: StoreDb, now: () => Date): AlertConfigStore {
  const { db } = s;

  const withOpenCounts = async (orgId: string, rules: StoredRule[]): Promise<AlertRule[]> => {
    if (rules.length === 0) return [];
    const counts = await db
      .selectFrom("alert_incidents")
      .select(["rule_id", db.fn.countAll<number | string>().as("n")])
      .where("org_id", "=", orgId)
      .where("resolved_at", "is", null)
      .where(
        "rule_id",
        "in",
        rules.map((r) => r.id),
      )
      .groupBy("rule_id")
      .execute();
    const byRule = new Map(counts.map((c) => [c.rule_id, Number(c.n)]));
    return rules.map(({ org_id: _org, ...rule }) => ({ ...rule, open_incidents: byRule.get(rule.id) ?? 0 }));
  };

  const duplicate = (what: "alert rule" | "destination", name: string) => (error: unknown) => {
    if (s.isUniqueViolation(error)) throw new DuplicateAlertNameError(what, name);
    throw error;
  };

  const store: AlertConfigStore = {
    async listRules(orgId) {
      const rows = await db.selectFrom("alert_rules").selectAll().where("org_id", "=", orgId).orderBy("created_at").orderBy("id").execute();
      return withOpenCounts(orgId, rows.map(toRule));
    },

    async getRule(orgId, id) {
      const row = await db.selectFrom("alert_rules").selectAll().where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
      return row ? ((await withOpenCounts(orgId, [toRule(row)]))[0] ?? null) : null;
    },

    async createRule(orgId, input) {
      const at = now().toISOString();
      const id = sortableId("ar", now());
      await db
        .insertInto("alert_rules")
        .values({
          id,
          org_id: orgId,
          name: input.name,
          condition: JSON.stringify(input.condition),
          task_ids: input.task_ids === null ? null : JSON.stringify([...new Set(input.task_ids)]),
          quiet_minutes: input.quiet_minutes,
          enabled: input.enabled ? 1 : 0,
          destination_ids: JSON.stringify([...new Set(input.destination_ids)]),
          created_at: at,
          updated_at: at,
        })
        .execute()
        .catch(duplicate("alert rule", input.name));
      return (await store.getRule(orgId, id))!;
    },

    async updateRule(orgId, id, update) {
      const set: Partial<Selectable<AlertRulesTable>> = { updated_at: now().toISOString() };
      if (update.name !== undefined) set.name = update.name;
      if (update.condition !== undefined) set.condition = JSON.stringify(update.condition);
      if (update.task_ids !== undefined) set.task_ids = update.task_ids === null ? null : JSON.stringify([...new Set(update.task_ids)]);
      if (update.quiet_minutes !== undefined) set.quiet_minutes = update.quiet_minutes;
      if (update.enabled !== undefined) set.enabled = update.enabled ? 1 : 0;
      if (update.destination_ids !== undefined) set.destination_ids = JSON.stringify([...new Set(update.destination_ids)]);
      const updated = await db
        .transaction()
        .execute(async (tx) => {
          const result = await tx.updateTable("alert_rules").set(set).where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) return false;
          // What the rule watches changed: what it saw so far (holding or clearing since) no longer applies.
          if (update.condition !== undefined || update.task_ids !== undefined || update.enabled === false) {
            await tx.deleteFrom("alert_states").where("org_id", "=", orgId).where("rule_id", "=", id).execute();
          }
          // A disabled rule is not evaluated: its open incidents close now, without a "resolved".
          if (update.enabled === false) {
            await tx
              .updateTable("alert_incidents")
              .set({ resolved_at: now().toISOString() })
              .where("org_id", "=", orgId)
              .where("rule_id", "=", id)
              .where("resolved_at", "is", null)
              .execute();
          }
          return true;
        })
        .catch(duplicate("alert rule", update.name ?? ""));
      return updated ? store.getRule(orgId, id) : null;
    },

    async deleteRule(orgId, id) {
      return db.transaction().execute(async (tx) => {
        const result = await tx.deleteFrom("alert_rules").where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        await tx.deleteFrom("alert_states").where("org_id", "=", orgId).where("rule_id", "=", id).execute();
        await tx
          .updateTable("alert_incidents")
          .set({ resolved_at: now().toISOString() })
          .where("org_id", "=", orgId)
          .where("rule_id", "=", id)
          .where("resolved_at", "is", null)
          .execute();
        return true;
      });
    },

    async enabledRules(limit) {
      const rows = await db.selectFrom("alert_rules").selectAll().where("enabled", "=", 1).orderBy("id").limit(limit).execute();
      return rows.map(toRule);
    },

    async listDestinations(orgId) {
      const rows = await db.selectFrom("alert_destinations").selectAll().where("org_id", "=", orgId).orderBy("created_at").orderBy("id").execute();
      return rows.map(toDestination);
    },

    async getDestination(orgId, id) {
      const row = await db.selectFrom("alert_destinations").selectAll().where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
      return row ? toDestination(row) : null;
    },

    async createDestination(orgId, input) {
      const at = now().toISOString();
      await db
        .insertInto("alert_destinations")
        .values({ ...input, org_id: orgId, secret_created_at: at, created_at: at, updated_at: at })
        .execute()
        .catch(duplicate("destination", input.name));
      return (await store.getDestination(orgId, input.id))!;
    },

    async updateDestination(orgId, id, update) {
      const result = await db
        .updateTable("alert_destinations")
        .set({ ...update, updated_at: now().toISOString() })
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .executeTakeFirst()
        .catch(duplicate("destination", update.name ?? ""));
      if (Number(result.numUpdatedRows) === 0) return null;
      return store.getDestination(orgId, id);
    },

    async deleteDestination(orgId, id) {
      const result = await db.deleteFrom("alert_destinations").where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
  return store;
}
