// TaskPort over Kysely: task configuration and desired state, as the API reads and writes them,
// and the runnable tasks the workers poll for.
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import {
  storedFileFormatSchema,
  type DesiredState,
  type OnError,
  type TaskCounters,
  type TaskRecord,
  type TaskStatus,
} from "#contracts/task.ts";
import type { StoreDb } from "./dialect.ts";
import type { TasksTable } from "./schema.ts";
import { hasLiveWorker } from "./task-workers.ts";
import { DuplicateTaskNameError, type TaskConfig, type TaskPort } from "./tasks.ts";

export const COUNTERS = [
  "messages_received",
  "messages_deleted",
  "messages_skipped",
  "objects_loaded",
  "objects_duplicate",
  "objects_empty",
  "objects_failed",
  "rows_loaded",
  "errors",
  "copy_statements",
  "batches",
] as const satisfies readonly (keyof TaskCounters)[];

type TaskRow = Selectable<TasksTable> & { data_source_name: string | null };

export function toTaskRecord(row: TaskRow): TaskRecord {
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c])])) as TaskCounters;
  return {
    id: row.id,
    name: row.name,
    data_source_id: row.data_source_id,
    data_source_name: row.data_source_name,
    file_format: storedFileFormatSchema.parse(JSON.parse(row.file_format)),
    prefix: row.prefix,
    suffix: row.suffix,
    target: { database: row.target_database, table: row.target_table },
    warehouse_id: row.warehouse_id,
    on_error: row.on_error as OnError,
    purge: Number(row.purge) === 1,
    reconcile_every_minutes: row.reconcile_every_minutes === null ? null : Number(row.reconcile_every_minutes),
    desired_state: row.desired_state as DesiredState,
    status: row.status as TaskStatus,
    status_reason: row.status_reason,
    status_reason_detail: row.status_reason_detail,
    heartbeat_at: row.heartbeat_at,
    worker_id: row.worker_id,
    last_error: row.last_error,
    last_error_detail: row.last_error_detail,
    last_batch_at: row.last_batch_at,
    counters,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The fields of a task that make up its configuration, each named once. */
const CONFIG_KEYS = [
  "name", "data_source_id", "file_format", "prefix", "suffix", "target", "warehouse_id", "on_error", "purge", "reconcile_every_minutes",
] as const satisfies readonly (keyof TaskConfig)[];
// Fails to compile when TaskConfig gains a field CONFIG_KEYS does not list.
const everyConfigKey: Exclude<keyof TaskConfig, (typeof CONFIG_KEYS)[number]> extends never ? true : never = true;
void everyConfigKey;

/** A record's configuration, as the API stored it and a worker runs it. */
export function configOf(record: TaskRecord): TaskConfig {
  return Object.fromEntries(CONFIG_KEYS.map((key) => [key, record[key]])) as unknown as TaskConfig;
}

export function configColumns(config: TaskConfig) {
  return {
    name: config.name,
    data_source_id: config.data_source_id,
    file_format: JSON.stringify(config.file_format),
    prefix: config.prefix,
    suffix: config.suffix,
    target_database: config.target.database,
    target_table: config.target.table,
    warehouse_id: config.warehouse_id ?? null,
    on_error: config.on_error,
    purge: config.purge ? 1 : 0,
    reconcile_every_minutes: config.reconcile_every_minutes ?? null,
  };
}

export function taskRecords(s: StoreDb, now: () => Date): TaskPort {
  const { db } = s;
  const select = () =>
    db.selectFrom("tasks as t").leftJoin("data_sources as d", "d.id", "t.data_source_id").selectAll("t").select("d.name as data_source_name");

  const get = async (orgId: string, id: string) => {
    const row = await select().where("t.org_id", "=", orgId).where("t.id", "=", id).executeTakeFirst();
    return row ? toTaskRecord(row) : null;
  };

  /** The name another task of the org already has, ignoring case; the unique index decides races. */
  const nameTaken = async (orgId: string, name: string, exceptId: string | null) => {
    let q = db.selectFrom("tasks").select("name").where("org_id", "=", orgId).where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()));
    if (exceptId) q = q.where("id", "<>", exceptId);
    return (await q.executeTakeFirst())?.name ?? null;
  };

  const duplicate = async (error: unknown, orgId: string, config: TaskConfig, exceptId: string | null): Promise<never> => {
    if (s.isUniqueViolation(error)) throw new DuplicateTaskNameError((await nameTaken(orgId, config.name, exceptId)) ?? config.name);
    throw error;
  };

  /** Conditional writes tell "missing" from "running" only after they changed nothing. */
  const refusal = async (orgId: string, id: string): Promise<"missing" | "running"> => {
    const row = await db.selectFrom("tasks").select("desired_state").where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
    return row ? "running" : "missing";
  };

  return {
    async list(orgId) {
      const rows = await select().where("t.org_id", "=", orgId).orderBy("t.created_at").orderBy("t.id").execute();
      return rows.map(toTaskRecord);
    },

    get,

    async create(orgId, config) {
      const taken = await nameTaken(orgId, config.name, null);
      if (taken) throw new DuplicateTaskNameError(taken);
      const id = randomUUID();
      const at = now().toISOString();
      await db
        .insertInto("tasks")
        .values({ id, org_id: orgId, created_at: at, updated_at: at, desired_state: "stopped", status: "stopped", ...configColumns(config) })
        .execute()
        .catch((error) => duplicate(error, orgId, config, null));
      return (await get(orgId, id))!;
    },

    async update(orgId, id, config) {
      const current = await db.selectFrom("tasks").select("desired_state").where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
      if (!current) return "missing";
      if (current.desired_state === "running") return "running";
      const taken = await nameTaken(orgId, config.name, id);
      if (taken) throw new DuplicateTaskNameError(taken);
      // One conditional UPDATE: a start that slips in between a check and a write cannot be overtaken.
      const result = await db
        .updateTable("tasks")
        .set({ ...configColumns(config), updated_at: now().toISOString() })
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .where("desired_state", "<>", "running")
        .executeTakeFirst()
        .catch((error) => duplicate(error, orgId, config, id));
      if (Number(result.numUpdatedRows) === 0) return refusal(orgId, id);
      return (await get(orgId, id))!;
    },

    async delete(orgId, id) {
      const result = await db
        .deleteFrom("tasks")
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .where("desired_state", "<>", "running")
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0 ? "deleted" : refusal(orgId, id);
    },

    async setDesiredState(orgId, id, desired: DesiredState, staleAfterMs) {
      const changed = await db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom("tasks")
          .select(["status", "desired_state"])
          .where("org_id", "=", orgId)
          .where("id", "=", id)
          .executeTakeFirst();
        if (!row) return null;
        const update = tx.updateTable("tasks").where("id", "=", id);
        if (desired === "running") {
          // Conditional on the stored state, so of two starts racing (a double click) exactly one
          // changes the row: the other is told it changed nothing (PostgreSQL re-checks the WHERE
          // after the first commits; SQLite runs writers one at a time).
          const result = await update
            .where("desired_state", "<>", "running")
            .set((eb) => ({
              desired_state: "running",
              status_reason: null,
              status_reason_detail: null,
              status: eb.case().when("status", "=", "failed").then("stopped").else(eb.ref("status")).end(),
            }))
            .executeTakeFirst();
          return Number(result.numUpdatedRows) > 0;
        }
        const live = await hasLiveWorker(s, tx, id, staleAfterMs);
        if (live && row.status === "running") {
          await update.set({ desired_state: "stopped" }).execute();
        } else {
          await update
            .set((eb) => ({
              desired_state: "stopped",
              status: eb.case().when("status", "=", "failed").then("failed").else("stopped").end(),
            }))
            .execute();
        }
        return row.desired_state !== "stopped";
      });
      if (changed === null) return null;
      const record = await get(orgId, id);
      return record ? { record, changed } : null;
    },

    async sourceFor(orgId, id) {
      const row = await db
        .selectFrom("data_sources")
        .select(["id", "name", "bucket", "prefix", "suffix"])
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row ?? null;
    },

    async listRunnable() {
      const rows = await db
        .selectFrom("tasks as t")
        .innerJoin("data_sources as d", "d.id", "t.data_source_id")
        // Same organization: a warehouse id is only ever looked up within the task's own organization.
        // A task saved before its organization had a warehouse loads into the default one (the
        // worker resolves it, and creating the first one assigns it): its version follows that
        // warehouse from the start, so the assignment does not read as a change and restart the
        // runner with its first batch still in flight.
        .leftJoin("warehouses as w", (j) =>
          j.onRef("w.org_id", "=", "t.org_id").on((eb) =>
            eb.or([eb("w.id", "=", eb.ref("t.warehouse_id")), eb.and([eb("t.warehouse_id", "is", null), eb("w.is_default", "=", 1)])]),
          ),
        )
        .selectAll("t")
        .select([
          "d.name as data_source_name", "d.queue_url", "d.queue_region", "d.role_arn", "d.external_id", "d.bucket",
          "d.prefix as source_prefix", "d.suffix as source_suffix", "d.updated_at as source_updated_at",
          "w.updated_at as warehouse_updated_at",
        ])
        .where("t.desired_state", "=", "running")
        .execute();
      return rows.map((row) => {
        const record = toTaskRecord(row);
        return {
          id: row.id,
          org_id: row.org_id,
          config: configOf(record),
          source: {
            id: row.data_source_id,
            queue_url: row.queue_url,
            queue_region: row.queue_region,
            role_arn: row.role_arn,
            external_id: row.external_id,
            bucket: row.bucket,
            prefix: row.source_prefix,
            suffix: row.source_suffix,
          },
          version: taskVersion(row.updated_at, row.source_updated_at, row.warehouse_updated_at),
        };
      });
    },
  };
}

/**
 * What a running task's runner is built from, as one string: the task's, its data source's and its
 * warehouse record's updated_at. The supervisor restarts the runner when it changes.
 */
export function taskVersion(taskUpdatedAt: string, sourceUpdatedAt: string, warehouseUpdatedAt: string | null | undefined): string {
  return `${taskUpdatedAt}|${sourceUpdatedAt}|${warehouseUpdatedAt ?? ""}`;
}

/**
 * The version with the warehouse part filled in where the store had none yet (see taskVersion):
 * a task saved before its organization had a default warehouse, which resolving just created.
 */
export function taskVersionWithWarehouse(version: string, warehouseUpdatedAt: string | null): string {
  const [taskUpdatedAt, sourceUpdatedAt, warehousePart, ...rest] = version.split("|");
  if (warehouseUpdatedAt === null || warehousePart !== "" || rest.length > 0 || sourceUpdatedAt === undefined) return version;
  return taskVersion(taskUpdatedAt!, sourceUpdatedAt, warehouseUpdatedAt);
}
