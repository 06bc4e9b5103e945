// GET /api/tasks/:id/activity: the task page's live view. Lag and throughput come from run history
// (the store); the backlog and the dead-letter queue's depth from SQS through the data source's role (app.queueBacklog, cached per
// task for a few seconds and bounded in time). A backlog that cannot be read is a sentence in the
// answer, never a failed request: the rest still answers.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ACTIVITY_LAG_RUNS, ACTIVITY_MINUTES, taskActivitySchema, type TaskActivity, type ThroughputMinute } from "#contracts/task-activity.ts";
import { taskRecordSchema } from "#contracts/task.ts";
import { RELATIVE_ACCURACY, sketchPercentiles } from "../../store/lag-sketch.ts";
import type { RunActivity } from "../../store/tasks.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

const MINUTE_MS = 60_000;

/** The first minute of the window: ACTIVITY_MINUTES minutes, the current one last. */
export function windowStart(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - (ACTIVITY_MINUTES - 1) * MINUTE_MS;
}

/** Every minute of the window, oldest first, with zeros where no run ended. */
export function throughputMinutes(rows: RunActivity["minutes"], nowMs: number): ThroughputMinute[] {
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  const start = windowStart(nowMs);
  return Array.from({ length: ACTIVITY_MINUTES }, (_, i) => {
    const minute = new Date(start + i * MINUTE_MS).toISOString();
    const row = byMinute.get(minute.slice(0, 16));
    return { minute, objects_loaded: row?.objects_loaded ?? 0, rows_loaded: row?.rows_loaded ?? 0 };
  });
}

export function lagOf(lag: RunActivity["lag"]): TaskActivity["lag"] {
  const p = lag.max_ms === null ? null : sketchPercentiles(lag.sketch, lag.max_ms);
  return {
    p50_ms: p?.p50_ms ?? null,
    p95_ms: p?.p95_ms ?? null,
    max_ms: lag.max_ms,
    objects: lag.objects,
    batches: lag.runs,
    since: lag.since,
    relative_accuracy: RELATIVE_ACCURACY,
  };
}

const taskParamsSchema = taskRecordSchema.pick({ id: true });

export const taskActivityRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/tasks/:id/activity",
    {
      config: { access: "read" },
      schema: {
        summary:
          "The task's queue backlog (SQS's approximate counts, cached 10 s) and, when the queue has a redrive policy, its " +
          "dead-letter queue's counts (read and cached with the backlog), event -> committed lag over its last " +
          `${ACTIVITY_LAG_RUNS} runs that loaded objects, and objects and rows loaded per minute over the last ${ACTIVITY_MINUTES} minutes`,
        tags: ["tasks"],
        params: taskParamsSchema,
        response: { 200: taskActivitySchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId } = request;
      const id = request.params.id;
      const task = await app.stores.tasks.get(orgId, id);
      if (!task) throw new HttpError(404, `No task with id ${id}`);
      const nowMs = Date.now();
      const source = await app.stores.dataSources.getDataSource(orgId, task.data_source_id);
      const [runs, backlog] = await Promise.all([
        app.stores.tasks.runActivity(orgId, id, { since: new Date(windowStart(nowMs)).toISOString(), lagRuns: ACTIVITY_LAG_RUNS }),
        source
          ? app.queueBacklog.read(orgId, id, source)
          : Promise.resolve({ unavailable: "The task's data source no longer exists, so its queue cannot be asked", checked_at: new Date(nowMs).toISOString() }),
      ]);
      if (!runs) throw new HttpError(404, `No task with id ${id}`);
      const minutes = throughputMinutes(runs.minutes, nowMs);
      return {
        backlog,
        lag: lagOf(runs.lag),
        throughput: {
          minutes,
          objects_loaded: minutes.reduce((sum, m) => sum + m.objects_loaded, 0),
          rows_loaded: minutes.reduce((sum, m) => sum + m.rows_loaded, 0),
        },
      };
    },
  );
};
