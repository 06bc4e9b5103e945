// /api/tasks: integration tasks. The API sets the desired state; workers report the actual one.
// Bodies, params and responses are the contract's schemas (contracts/task.ts), checked by the
// zod type provider before a handler runs.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { listOf } from "#contracts/api.ts";
import { taskSaveSchema, type TaskNewTable } from "#contracts/task-create.ts";
import {
  TASK_MESSAGES,
  effectiveScope,
  taskRecordSchema,
  taskRunSchema,
  taskScopeProblems,
  taskWorkersResponseSchema,
  type TaskInput,
} from "#contracts/task.ts";
import { WORKER_STALE_AFTER_MS } from "#contracts/task-labels.ts";
import { DuplicateTaskNameError, type TaskConfig } from "../../store/tasks.ts";
import { ERROR_RESPONSES, HttpError, invalidFields } from "../plugins/errors.ts";
import { saveWithNewTable } from "./task-new-table.ts";
import { assertNoBucketCollision, assertTargetUsable, type TargetAction } from "./task-target.ts";

export interface TaskRoutesOptions {
  /** A worker heartbeat older than this no longer counts as a live worker (stop then takes effect at once). */
  staleAfterMs?: number;
}

/** `:id` of a task: the record's own id field. */
const taskParamsSchema = taskRecordSchema.pick({ id: true });

const runsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().optional(),
});

export const taskRoutes: FastifyPluginAsyncZod<TaskRoutesOptions> = async (app, options) => {
  const { staleAfterMs = WORKER_STALE_AFTER_MS } = options;
  const store = () => app.stores.tasks;
  const tags = ["tasks"];
  /** The config of a valid input and the bucket of its data source, or 400 naming the fields. */
  async function validate(orgId: string, input: TaskInput): Promise<{ config: TaskConfig; bucket: string }> {
    const source = await store().sourceFor(orgId, input.data_source_id);
    if (!source) throw invalidFields({ data_source_id: TASK_MESSAGES.dataSourceMissing });
    const problems = taskScopeProblems(input, source);
    if (Object.keys(problems).length > 0) throw invalidFields(problems);
    const scope = effectiveScope(input, source);
    // The warehouse is resolved now and stored: a later change of default never moves the task's rows.
    const warehouse = await app.warehouses.access(orgId, input.warehouse_id, "warehouse_id");
    const config: TaskConfig = {
      name: input.name,
      data_source_id: input.data_source_id,
      file_format: input.file_format,
      prefix: scope.prefix,
      suffix: scope.suffix,
      target: input.target,
      warehouse_id: warehouse.id,
      on_error: input.on_error,
      purge: input.purge,
      reconcile_every_minutes: input.reconcile_every_minutes,
    };
    return { config, bucket: source.bucket };
  }

  /**
   * The target checks, cheapest first: no other bucket loads into the table (409, the store), then
   * Databend has the table and lets us use it (400 on the field, or 503 when it cannot be asked).
   * Nothing is saved or started unless both pass. A table the request creates (`newTable`) is not
   * asked about: creating it is its check (./task-new-table.ts). Answers the task's warehouse.
   */
  async function checkTarget(
    orgId: string,
    task: { id: string | null; target: TaskConfig["target"]; bucket: string | null; warehouse_id: string | null },
    action: TargetAction,
    newTable = false,
  ) {
    // The task's own warehouse (its organization's; a task of a warehouse since deleted is 404 here).
    const warehouse = await app.warehouses.access(orgId, task.warehouse_id, "warehouse_id");
    if (task.bucket !== null) await assertNoBucketCollision(store(), orgId, { ...task, bucket: task.bucket, warehouse_id: warehouse.id });
    if (!newTable) await assertTargetUsable(warehouse.checker, task.target, action);
    return warehouse;
  }

  /**
   * The store's name rule (unique in the organization regardless of case), asked before a new table
   * is made so a taken name costs no table; the store's unique index still decides a race.
   */
  async function assertNameFree(orgId: string, name: string, exceptId: string | null): Promise<void> {
    const taken = (await store().list(orgId)).find((t) => t.id !== exceptId && t.name.toLowerCase() === name.toLowerCase());
    if (taken) duplicate(new DuplicateTaskNameError(taken.name));
  }

  /** Saves with `save`, creating the target table first when the request asks for one (both or neither). */
  async function saveTask<T>(
    request: Parameters<typeof saveWithNewTable>[1],
    task: { id: string | null; config: TaskConfig; bucket: string; newTable: TaskNewTable | undefined },
    action: "create" | "update",
    save: () => Promise<T>,
  ): Promise<T> {
    const { orgId } = request;
    const { config, newTable } = task;
    if (newTable) await assertNameFree(orgId, config.name, task.id);
    const target = { id: task.id, target: config.target, bucket: task.bucket, warehouse_id: config.warehouse_id ?? null };
    const warehouse = await checkTarget(orgId, target, action, !!newTable);
    if (!newTable) return save();
    return saveWithNewTable(app, request, warehouse, config.target, newTable, action, save);
  }

  function duplicate(error: unknown): never {
    if (error instanceof DuplicateTaskNameError) {
      throw new HttpError(409, error.message, { name: `A task named ${error.existingName} already exists; choose another name` });
    }
    throw error;
  }

  const notFound = (id: string) => new HttpError(404, `No task with id ${id}`);
  const runningEdit = () => new HttpError(409, "The task is running; stop it before changing it");

  app.get(
    "/api/tasks",
    { config: { access: "read" }, schema: { summary: "List the organization's tasks", tags, response: { 200: listOf(taskRecordSchema), ...ERROR_RESPONSES } } },
    async (request) => ({ items: await store().list(request.orgId) }),
  );

  app.post(
    "/api/tasks",
    {
      config: { access: "operate" },
      schema: {
        summary:
          "Create a task (stopped); its target table must exist in Databend, or be given in `create_table` to be created with the task (both or neither)",
        tags,
        body: taskSaveSchema,
        response: { 201: taskRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId } = request;
      const { config, bucket } = await validate(orgId, request.body);
      const task = { id: null, config, bucket, newTable: request.body.create_table };
      const record = await saveTask(request, task, "create", () => store().create(orgId, config).catch(duplicate));
      await app.audit(request, { action: "created", resource_type: "task", resource_id: record.id, resource_name: record.name });
      return reply.code(201).send(record);
    },
  );

  app.get(
    "/api/tasks/:id",
    {
      config: { access: "read" },
      schema: {
        summary: "Read a task, with the state its workers report",
        tags,
        params: taskParamsSchema,
        response: { 200: taskRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const record = await store().get(request.orgId, request.params.id);
      if (!record) throw notFound(request.params.id);
      return record;
    },
  );

  app.put(
    "/api/tasks/:id",
    {
      config: { access: "operate" },
      schema: {
        summary: "Replace a stopped task (`create_table`: its new target table, created with the change, both or neither)",
        tags,
        params: taskParamsSchema,
        body: taskSaveSchema,
        response: { 200: taskRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId } = request;
      const { id } = request.params;
      const existing = await store().get(orgId, id);
      if (!existing) throw notFound(id);
      const { config, bucket } = await validate(orgId, request.body);
      // Refused before asking Databend; the store refuses it again should a start slip in meanwhile.
      if (existing.desired_state === "running") throw runningEdit();
      const task = { id, config, bucket, newTable: request.body.create_table };
      const result = await saveTask(request, task, "update", async () => {
        const updated = await store().update(orgId, id, config).catch(duplicate);
        // Thrown inside: a refusal here drops a table made for the change.
        if (updated === "missing") throw notFound(id);
        if (updated === "running") throw runningEdit();
        return updated;
      });
      await app.audit(request, { action: "edited", resource_type: "task", resource_id: id, resource_name: result.name });
      return result;
    },
  );

  app.delete(
    "/api/tasks/:id",
    {
      config: { access: "operate" },
      schema: {
        summary: "Delete a stopped task",
        tags,
        params: taskParamsSchema,
        response: { 204: z.undefined().describe("Deleted"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // Its name, for the audit log, while it still exists.
      const existing = await store().get(request.orgId, id);
      const result = await store().delete(request.orgId, id);
      if (result === "missing") throw notFound(id);
      if (result === "running") throw new HttpError(409, "The task is running; stop it before deleting it");
      await app.audit(request, { action: "deleted", resource_type: "task", resource_id: id, resource_name: existing?.name ?? null });
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/tasks/:id/start",
    {
      config: { access: "operate" },
      schema: {
        summary: "Ask the workers to run the task (its target table is checked again first); starting a task already meant to run answers its record and changes nothing",
        tags,
        params: taskParamsSchema,
        response: { 200: taskRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId } = request;
      const task = await store().get(orgId, request.params.id);
      if (!task) throw notFound(request.params.id);
      // The table may have been dropped, or the data source repointed, since the task was saved.
      // A task already meant to run is left as it is (starting it again changes nothing).
      if (task.desired_state !== "running") {
        const source = await store().sourceFor(orgId, task.data_source_id);
        await checkTarget(orgId, { id: task.id, target: task.target, bucket: source?.bucket ?? null, warehouse_id: task.warehouse_id }, "start");
      }
      const result = await store().setDesiredState(orgId, request.params.id, "running", staleAfterMs);
      if (!result) throw notFound(request.params.id);
      const { record, changed } = result;
      // A repeated start (a double click, a retry) is the same action: success, one audit row.
      if (changed) await app.audit(request, { action: "started", resource_type: "task", resource_id: record.id, resource_name: record.name });
      return record;
    },
  );

  app.post(
    "/api/tasks/:id/stop",
    {
      config: { access: "operate" },
      schema: {
        summary: "Ask the workers to stop the task (at once when no live worker holds it); cancels its running backfill",
        tags,
        params: taskParamsSchema,
        response: { 200: taskRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const result = await store().setDesiredState(request.orgId, request.params.id, "stopped", staleAfterMs);
      if (!result) throw notFound(request.params.id);
      const { record, changed } = result;
      // A backfill runs with its task: stopping the task cancels it (start a new one after starting again).
      await store().cancelBackfill(request.orgId, request.params.id, "Cancelled: the task was stopped");
      if (changed) await app.audit(request, { action: "stopped", resource_type: "task", resource_id: record.id, resource_name: record.name });
      return record;
    },
  );

  app.get(
    "/api/tasks/:id/workers",
    {
      config: { access: "read" },
      schema: {
        summary: "The workers holding the task and their last heartbeats (several may consume one queue)",
        tags,
        params: taskParamsSchema,
        response: { 200: taskWorkersResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const workers = await store().listWorkers(request.orgId, request.params.id, staleAfterMs);
      if (!workers) throw notFound(request.params.id);
      return { items: workers };
    },
  );

  app.get(
    "/api/tasks/:id/runs",
    {
      config: { access: "read" },
      schema: {
        summary: "The task's run history, newest first, paged with `before` (the oldest loaded run's start time)",
        tags,
        params: taskParamsSchema,
        querystring: runsQuerySchema,
        response: { 200: listOf(taskRunSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit, before } = request.query;
      const runs = await store().listRuns(request.orgId, request.params.id, limit, before);
      if (!runs) throw notFound(request.params.id);
      return { items: runs };
    },
  );
};
