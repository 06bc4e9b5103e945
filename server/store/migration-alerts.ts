// Migration 0013 (issue 20, alerts): rules, destinations, per-(rule, task) evaluation state,
// incidents, the delivery outbox and the evaluator's lease. Its own module so that migrations.ts
// stays readable; numbered 0013 to leave 0012 to the failed-files migration written beside it.
import { sql, type Kysely, type Migration } from "kysely";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = Kysely<any>;

export const m0013Alerts: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable("alert_rules")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("condition", "text", (c) => c.notNull()) // JSON AlertCondition
      .addColumn("task_ids", "text") // JSON string[]; null: all the organization's tasks
      .addColumn("quiet_minutes", "integer", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("destination_ids", "text", (c) => c.notNull()) // JSON string[]
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("alert_rules_org_name").on("alert_rules").unique().expression(sql`org_id, lower(name)`).execute();
    await db.schema
      .createTable("alert_destinations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("format", "text", (c) => c.notNull())
      // The URL and the signing secret are sealed like warehouse passwords (secret-box.ts): a Slack
      // incoming-webhook URL is a credential by itself. url_hint is what may be shown.
      .addColumn("url_enc", "text", (c) => c.notNull())
      .addColumn("url_hint", "text", (c) => c.notNull())
      .addColumn("secret_enc", "text", (c) => c.notNull())
      .addColumn("secret_created_at", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("alert_destinations_org_name").on("alert_destinations").unique().expression(sql`org_id, lower(name)`).execute();
    // What the evaluator saw last per (rule, task), by the database's clock, so a restart (or the
    // next worker to hold the lease) goes on where the last left off.
    await db.schema
      .createTable("alert_states")
      .addColumn("rule_id", "text", (c) => c.notNull().references("alert_rules.id").onDelete("cascade"))
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("holding_since_ms", "bigint") // the condition has held since; null: it does not
      .addColumn("clear_since_ms", "bigint") // an open incident's condition has been clear since
      .addPrimaryKeyConstraint("alert_states_pk", ["rule_id", "task_id"])
      .execute();
    await db.schema
      .createTable("alert_incidents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("rule_id", "text", (c) => c.notNull())
      .addColumn("rule_name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("task_id", "text", (c) => c.notNull())
      .addColumn("task_name", "text")
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("opened_at", "text", (c) => c.notNull())
      .addColumn("resolved_at", "text")
      .execute();
    // At most one open incident per (rule, task), kept by the database: two evaluators that both
    // decide to open one cannot both insert it, so no incident is alerted twice.
    await db.schema
      .createIndex("alert_incidents_one_open")
      .on("alert_incidents")
      .columns(["rule_id", "task_id"])
      .unique()
      .where(sql.ref("resolved_at"), "is", null)
      .execute();
    await db.schema.createIndex("alert_incidents_org").on("alert_incidents").columns(["org_id", "id"]).execute();
    await db.schema
      .createTable("alert_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("destination_id", "text", (c) => c.notNull())
      .addColumn("destination_name", "text")
      .addColumn("event_type", "text", (c) => c.notNull())
      .addColumn("incident_id", "text")
      .addColumn("payload", "text", (c) => c.notNull()) // the JSON body (never a secret)
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("response_status", "integer")
      .addColumn("error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_attempt_at", "text")
      .addColumn("next_attempt_at", "text")
      .addColumn("delivered_at", "text")
      .addColumn("due_ms", "bigint", (c) => c.notNull()) // next attempt, by the database's clock
      .addColumn("claimed_until_ms", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("claimed_by", "text")
      .execute();
    await db.schema.createIndex("alert_deliveries_due").on("alert_deliveries").columns(["status", "due_ms"]).execute();
    await db.schema.createIndex("alert_deliveries_org").on("alert_deliveries").columns(["org_id", "id"]).execute();
    // One row per periodic job ("alerts"): who holds it until when (database clock).
    await db.schema
      .createTable("job_leases")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("lease_until_ms", "bigint", (c) => c.notNull())
      .execute();
  },
};
