// RunHistoryPort over Kysely: a batch's end (ledger, run entry, counters in one transaction) and
// the paged run history the API lists.
import { randomUUID } from "node:crypto";
import { sql, type Selectable } from "kysely";
import type { RunError, RunSkip, RunStatus, TaskRun } from "#contracts/task.ts";
import { applyBackfillProgress } from "./backfills.ts";
import { clearFailedFiles } from "./failed-files.ts";
import type { StoreDb } from "./dialect.ts";
import type { TaskRunsTable } from "./schema.ts";
import { mergeSketches, sketchOf, summarize, type LagSketch } from "./lag-sketch.ts";
import { RUN_LIST_CAP, RUNS_KEPT, RUNS_KEPT_MS, type RunHistoryPort } from "./tasks.ts";

function toRun(row: Selectable<TaskRunsTable>): TaskRun {
  return {
    id: row.id,
    task_id: row.task_id,
    worker_id: row.worker_id,
    started_at: row.started_at,
    ended_at: row.ended_at,
    status: row.status as RunStatus,
    messages: Number(row.messages),
    messages_deleted: Number(row.messages_deleted),
    messages_skipped: Number(row.messages_skipped),
    objects_loaded: Number(row.objects_loaded),
    objects_duplicate: Number(row.objects_duplicate),
    objects_empty: Number(row.objects_empty),
    objects_failed: Number(row.objects_failed),
    rows_loaded: Number(row.rows_loaded),
    copy_statements: Number(row.copy_statements),
    skipped: JSON.parse(row.skipped) as RunSkip[],
    errors: JSON.parse(row.errors) as RunError[],
    ...(row.deferred ? { deferred: JSON.parse(row.deferred) as RunSkip[] } : {}),
    more_skipped: Number(row.more_skipped),
    more_errors: Number(row.more_errors),
    lag:
      row.lag_p50_ms === null || row.lag_p95_ms === null || row.lag_max_ms === null
        ? null
        : { objects: Number(row.lag_objects), p50_ms: Number(row.lag_p50_ms), p95_ms: Number(row.lag_p95_ms), max_ms: Number(row.lag_max_ms) },
  };
}

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ID_CHUNK = 300;

/** Same order everywhere, so two transactions touching the same keys lock them in one order. */
function byKey<T extends { bucket: string; key: string; etag: string }>(a: T, b: T): number {
  return a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : a.etag < b.etag ? -1 : a.etag > b.etag ? 1 : 0;
}

export function runHistory(s: StoreDb, now: () => Date): RunHistoryPort {
  const { db } = s;
  return {
    async finishBatch(run, loaded, workerId, backfill) {
      const id = randomUUID();
      const at = now().toISOString();
      const skipped = run.skipped.slice(0, RUN_LIST_CAP);
      const errors = run.errors.slice(0, RUN_LIST_CAP);
      const deferred = (run.deferred ?? []).slice(0, RUN_LIST_CAP);
      const lags = run.lags_ms ?? [];
      const lag = summarize(lags);
      const row = await db.transaction().execute(async (tx) => {
        // A version is counted once, by the batch that records it first: a stalled worker whose
        // load committed, and the worker that found its receipt meanwhile, both report it. The
        // upsert below only moves a row that is not 'loaded' yet (PostgreSQL re-checks that WHERE
        // on the locked, newest row), so a version it returns nothing for was counted already.
        let uncountedObjects = 0;
        let uncountedRows = 0;
        let uncountedEmpty = 0;
        for (const o of [...loaded].sort(byKey)) {
          // Raw SQL for the two per-object statements (they run for every loaded object; building
          // them with Kysely's query builder each time was a visible share of the worker's CPU).
          const { rows: moved } = await sql<{ key: string }>`
            insert into task_objects (task_id, bucket, key, etag, sequencer, state, worker_id, lease_until, "rows", run_id, message_id, updated_at)
            values (${run.task_id}, ${o.bucket}, ${o.key}, ${o.etag}, ${o.sequencer}, 'loaded', ${workerId}, null, ${o.rows}, ${id}, ${o.message_id ?? null}, ${at})
            on conflict (task_id, bucket, key, etag) do update set
              state = 'loaded', worker_id = excluded.worker_id, lease_until = null, "rows" = excluded."rows",
              run_id = excluded.run_id, updated_at = excluded.updated_at
            where task_objects.state <> 'loaded'
            returning key`.execute(tx);
          if (moved.length === 0) {
            if (o.empty) uncountedEmpty++;
            else {
              uncountedObjects++;
              uncountedRows += o.rows;
            }
          }
          // The key's claim row learns the loaded ETag (a racing claim of it is refused from now on)
          // and, when it held this version, its lease ends.
          await sql`
            insert into task_claims (task_id, bucket, key, etag, worker_id, lease_until, loaded_etag, updated_at)
            values (${run.task_id}, ${o.bucket}, ${o.key}, ${o.etag}, ${workerId}, 0, ${o.etag}, ${at})
            on conflict (task_id, bucket, key) do update set
              loaded_etag = excluded.loaded_etag,
              lease_until = case when task_claims.etag = excluded.etag then 0 else task_claims.lease_until end,
              updated_at = excluded.updated_at`.execute(tx);
        }
        // Each message once: a message recorded here whose delete a kill cut off comes back, and
        // the batch that deletes it then finds it counted.
        // One INSERT per chunk of ids (not per message): the ids are distinct, so the rows it
        // returns are exactly the messages not recorded before.
        let messagesDeleted = 0;
        const deletedIds = [...new Set(run.deleted_message_ids ?? [])];
        for (let i = 0; i < deletedIds.length; i += ID_CHUNK) {
          const fresh = await tx
            .insertInto("task_deleted_messages")
            .values(deletedIds.slice(i, i + ID_CHUNK).map((messageId) => ({ task_id: run.task_id, message_id: messageId, recorded_at: at })))
            .onConflict((oc) => oc.columns(["task_id", "message_id"]).doNothing())
            .returning("message_id")
            .execute();
          messagesDeleted += fresh.length;
        }
        const objectsLoaded = Math.max(0, run.objects_loaded - uncountedObjects);
        const rowsLoaded = Math.max(0, run.rows_loaded - uncountedRows);
        const objectsEmpty = Math.max(0, (run.objects_empty ?? 0) - uncountedEmpty);
        const objectsFailed = run.objects_failed ?? 0;
        const objectsDuplicate = run.objects_duplicate + (run.objects_loaded - objectsLoaded) + ((run.objects_empty ?? 0) - objectsEmpty);
        // A later load of a key (a Retry, a re-upload's own event, a backfill) clears its failed files.
        const failedCleared = await clearFailedFiles(tx, run.task_id, loaded, at);
        await tx
          .insertInto("task_runs")
          .values({
            id, task_id: run.task_id, worker_id: run.worker_id, started_at: run.started_at, ended_at: run.ended_at,
            status: run.status, messages: run.messages, messages_deleted: run.messages_deleted,
            messages_skipped: run.messages_skipped, objects_loaded: objectsLoaded,
            objects_duplicate: objectsDuplicate, objects_empty: objectsEmpty, objects_failed: objectsFailed,
            rows_loaded: rowsLoaded, copy_statements: run.copy_statements,
            skipped: JSON.stringify(skipped), errors: JSON.stringify(errors), deferred: deferred.length > 0 ? JSON.stringify(deferred) : null,
            more_skipped: run.skipped.length - skipped.length, more_errors: run.errors.length - errors.length,
            lag_objects: lag?.objects ?? 0, lag_p50_ms: lag?.p50_ms ?? null, lag_p95_ms: lag?.p95_ms ?? null,
            lag_max_ms: lag?.max_ms ?? null, lag_sketch: lag ? JSON.stringify(sketchOf(lags)) : null,
          })
          .execute();
        if (backfill) await applyBackfillProgress(tx, s, backfill.progress, at, backfill.leaseMs);
        const last = run.errors.at(-1);
        const lastError = last?.error ?? null;
        await tx
          .updateTable("tasks")
          .set((eb) => ({
            messages_received: eb("messages_received", "+", run.messages_received),
            messages_deleted: eb("messages_deleted", "+", messagesDeleted),
            messages_skipped: eb("messages_skipped", "+", run.messages_skipped),
            objects_loaded: eb("objects_loaded", "+", objectsLoaded),
            objects_duplicate: eb("objects_duplicate", "+", objectsDuplicate),
            objects_empty: eb("objects_empty", "+", objectsEmpty),
            objects_failed: eb("objects_failed", "+", objectsFailed - failedCleared),
            rows_loaded: eb("rows_loaded", "+", rowsLoaded),
            errors: eb("errors", "+", run.errors.length),
            copy_statements: eb("copy_statements", "+", run.copy_statements),
            batches: eb("batches", "+", 1),
            last_batch_at: run.ended_at,
            last_error: lastError === null ? eb.ref("last_error") : lastError,
            last_error_detail: lastError === null ? eb.ref("last_error_detail") : (last?.detail ?? null),
          }))
          .where("id", "=", run.task_id)
          .execute();
        const count = await tx.selectFrom("task_runs").select((eb) => eb.fn.countAll().as("n")).where("task_id", "=", run.task_id).executeTakeFirstOrThrow();
        if (Number(count.n) > RUNS_KEPT + 100) {
          const keep = tx.selectFrom("task_runs").select("id").where("task_id", "=", run.task_id)
            .orderBy("started_at", "desc").orderBy("ended_at", "desc").orderBy("id", "desc").limit(RUNS_KEPT);
          const recent = new Date(now().getTime() - RUNS_KEPT_MS).toISOString();
          await tx.deleteFrom("task_runs").where("task_id", "=", run.task_id).where("id", "not in", keep).where("ended_at", "<", recent).execute();
        }
        return tx.selectFrom("task_runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      });
      return toRun(row);
    },

    async listRuns(orgId, taskId, limit = 100, before) {
      const exists = await db.selectFrom("tasks").select("id").where("org_id", "=", orgId).where("id", "=", taskId).executeTakeFirst();
      if (!exists) return null;
      let q = db.selectFrom("task_runs").selectAll().where("task_id", "=", taskId);
      if (before) q = q.where("started_at", "<", before);
      // Newest first; ended_at and id only break ties between runs that started in the same ms.
      const rows = await q.orderBy("started_at", "desc").orderBy("ended_at", "desc").orderBy("id", "desc").limit(limit).execute();
      return rows.map(toRun);
    },

    async runActivity(orgId, taskId, { since, lagRuns }) {
      const exists = await db.selectFrom("tasks").select("id").where("org_id", "=", orgId).where("id", "=", taskId).executeTakeFirst();
      if (!exists) return null;
      const lagRows = await db
        .selectFrom("task_runs")
        .select(["ended_at", "lag_max_ms", "lag_sketch"])
        .where("task_id", "=", taskId)
        .where("lag_sketch", "is not", null)
        .orderBy("ended_at", "desc")
        .orderBy("id", "desc")
        .limit(lagRuns)
        .execute();
      const sketches = lagRows.map((r) => JSON.parse(r.lag_sketch!) as LagSketch);
      const maxes = lagRows.map((r) => Number(r.lag_max_ms));
      const sketch = mergeSketches(sketches);
      // ISO 8601 text from toISOString(): its first 16 characters are the minute, in both dialects.
      const minute = sql<string>`substr(ended_at, 1, 16)`;
      const minuteRows = await db
        .selectFrom("task_runs")
        .select((eb) => [
          minute.as("minute"),
          eb.fn.sum<number | string>("objects_loaded").as("objects_loaded"),
          eb.fn.sum<number | string>("rows_loaded").as("rows_loaded"),
        ])
        .where("task_id", "=", taskId)
        .where("ended_at", ">=", since)
        .groupBy(minute)
        .execute();
      return {
        lag: {
          runs: lagRows.length,
          objects: Object.values(sketch).reduce((a, b) => a + b, 0),
          since: lagRows.at(-1)?.ended_at ?? null,
          max_ms: maxes.length > 0 ? Math.max(...maxes) : null,
          sketch,
        },
        minutes: minuteRows.map((r) => ({ minute: r.minute, objects_loaded: Number(r.objects_loaded), rows_loaded: Number(r.rows_loaded) })),
      };
    },
  };
}
