// /api/tasks/:id/backfill: "Load existing objects". POST asks the workers to list the task's scope
// (optionally since a date) and load what the ledger has not loaded; GET shows the latest backfill
// and reconcile with their progress; DELETE cancels the running one. The job is run by a worker
// holding the task, so a backfill needs the task meant to run: a stopped task answers 409 (start it
// first), and stopping a task cancels its running backfill (tasks.ts).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { backfillInputSchema, backfillJobSchema, backfillStateSchema } from "#contracts/backfill.ts";
import { taskRecordSchema } from "#contracts/task.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

const taskParamsSchema = taskRecordSchema.pick({ id: true });

export const backfillRoutes: FastifyPluginAsyncZod = async (app) => {
  const store = () => app.stores.tasks;
  const tags = ["tasks"];
  const notFound = (id: string) => new HttpError(404, `No task with id ${id}`);

  app.post(
    "/api/tasks/:id/backfill",
    {
      config: { access: "operate" },
      schema: {
        summary: "Load existing objects: list the task's prefix and suffix (objects modified since `since`, if given) and load every object not loaded yet. 202: a new backfill; 200: a backfill of this task was already running, and this is it (a repeated request is the same action)",
        tags,
        params: taskParamsSchema,
        body: backfillInputSchema,
        response: { 200: backfillJobSchema, 202: backfillJobSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId } = request;
      const { id } = request.params;
      const task = await store().get(orgId, id);
      if (!task) throw notFound(id);
      if (task.desired_state !== "running") {
        throw new HttpError(409, "The task is stopped: a backfill runs on the worker that runs the task. Start the task, then load existing objects");
      }
      const job = await store().startBackfill(orgId, id, request.body.since ?? null);
      if (job === null) throw notFound(id);
      if (job === "running") {
        // One job runs per task at a time. A second "Load existing objects" while a backfill runs
        // (a double click, a second operator) is the same action: answer with the running one. A
        // running reconcile is a different job: say so, without a raw timestamp (the console shows
        // when it started in the reader's time zone).
        const state = await store().backfillState(orgId, id);
        if (state?.backfill?.status === "running") return reply.code(200).send(state.backfill);
        throw new HttpError(409, "A reconcile of this task is running; wait for it to finish or cancel it first");
      }
      // Only a new job is recorded: the repeated request above is the same action, not a second one.
      await app.audit(request, { action: "backfill_started", resource_type: "task", resource_id: id, resource_name: task.name, outcome: backfillOutcome(request.body.since ?? null) });
      return reply.code(202).send(job);
    },
  );

  app.get(
    "/api/tasks/:id/backfill",
    {
      config: { access: "read" },
      schema: {
        summary: "The task's latest backfill and latest reconcile, with their progress",
        tags,
        params: taskParamsSchema,
        response: { 200: backfillStateSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const state = await store().backfillState(request.orgId, request.params.id);
      if (!state) throw notFound(request.params.id);
      return state;
    },
  );

  app.delete(
    "/api/tasks/:id/backfill",
    {
      config: { access: "operate" },
      schema: {
        summary: "Cancel the task's running backfill or reconcile (the batch in hand finishes; what it loaded stays loaded)",
        tags,
        params: taskParamsSchema,
        response: { 200: backfillJobSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId } = request;
      const { id } = request.params;
      const result = await store().cancelBackfill(orgId, id, "Cancelled by an operator");
      if (result === null) throw notFound(id);
      if (result === "none") throw new HttpError(409, "No backfill or reconcile of this task is running");
      const task = await store().get(orgId, id);
      await app.audit(request, { action: "backfill_cancelled", resource_type: "task", resource_id: id, resource_name: task?.name ?? null, outcome: result.kind === "reconcile" ? "reconcile" : null });
      return result;
    },
  );
};

/** The audit outcome of a backfill's start: what it covers. */
function backfillOutcome(since: string | null): string {
  return since ? `objects modified since ${since}` : "all objects in scope";
}
