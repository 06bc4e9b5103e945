// /api/tasks: integration tasks. The API sets the desired state; workers report the actual one.
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { fieldErrors } from "#contracts/api.ts";
import {
  TASK_MESSAGES,
  effectiveScope,
  taskInputSchema,
  taskScopeProblems,
  type TaskInput,
} from "#contracts/task.ts";
import type { TargetChecker } from "../databend/target-check.ts";
import { DuplicateTaskNameError, type TaskConfig, type TaskStore } from "../store/tasks.ts";
import { HttpError } from "./errors.ts";
import { assertNoBucketCollision, assertTargetUsable, type TargetAction } from "./task-target.ts";

export interface TaskRoutesOptions {
  /** The task store, opened on first use. */
  taskStore: () => TaskStore;
  orgId: string;
  /** Asks Databend whether a target table exists and may be used (on create, update and start). */
  targetChecker: () => TargetChecker;
  /** A worker heartbeat older than this no longer counts as a live worker (stop then takes effect at once). */
  staleAfterMs?: number;
}

const runsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().optional(),
});

export const taskRoutes: FastifyPluginAsync<TaskRoutesOptions> = async (app, options) => {
  const { orgId, staleAfterMs = 30_000 } = options;
  const store = options.taskStore;
  /** Validated config and the bucket of its data source. */
  async function validate(body: unknown): Promise<{ config: TaskConfig; bucket: string }> {
    const parsed = taskInputSchema.safeParse(body ?? {});
    if (!parsed.success) {
      throw new HttpError(400, "Some fields need a change", fieldErrors(parsed.error));
    }
    const input: TaskInput = parsed.data;
    const source = await store().sourceFor(orgId, input.data_source_id);
    if (!source) {
      throw new HttpError(400, "Some fields need a change", { data_source_id: TASK_MESSAGES.dataSourceMissing });
    }
    const problems = taskScopeProblems(input, source);
    if (Object.keys(problems).length > 0) throw new HttpError(400, "Some fields need a change", problems);
    const scope = effectiveScope(input, source);
    const config: TaskConfig = {
      name: input.name,
      data_source_id: input.data_source_id,
      file_format: input.file_format,
      prefix: scope.prefix,
      suffix: scope.suffix,
      target: input.target,
      on_error: input.on_error,
      purge: input.purge,
    };
    return { config, bucket: source.bucket };
  }

  /**
   * The target checks, cheapest first: no other bucket loads into the table (409, the store), then
   * Databend has the table and lets us use it (400 on the field, or 503 when it cannot be asked).
   * Nothing is saved or started unless both pass.
   */
  async function checkTarget(
    task: { id: string | null; target: TaskConfig["target"]; bucket: string | null },
    action: TargetAction,
  ): Promise<void> {
    if (task.bucket !== null) await assertNoBucketCollision(store(), orgId, { ...task, bucket: task.bucket });
    await assertTargetUsable(options.targetChecker(), task.target, action);
  }

  function duplicate(error: unknown): never {
    if (error instanceof DuplicateTaskNameError) {
      throw new HttpError(409, error.message, { name: `A task named ${error.existingName} already exists; choose another name` });
    }
    throw error;
  }

  const notFound = (id: string) => new HttpError(404, `No task with id ${id}`);
  const runningEdit = () => new HttpError(409, "The task is running; stop it before changing it");

  app.get("/api/tasks", async () => ({ items: await store().list(orgId) }));

  app.post("/api/tasks", async (request, reply) => {
    const { config, bucket } = await validate(request.body);
    await checkTarget({ id: null, target: config.target, bucket }, "create");
    const record = await store().create(orgId, config).catch(duplicate);
    return reply.code(201).send(record);
  });

  app.get<{ Params: { id: string } }>("/api/tasks/:id", async (request) => {
    const record = await store().get(orgId, request.params.id);
    if (!record) throw notFound(request.params.id);
    return record;
  });

  app.put<{ Params: { id: string } }>("/api/tasks/:id", async (request) => {
    const { id } = request.params;
    const existing = await store().get(orgId, id);
    if (!existing) throw notFound(id);
    const { config, bucket } = await validate(request.body);
    // Refused before asking Databend; the store refuses it again should a start slip in meanwhile.
    if (existing.desired_state === "running") throw runningEdit();
    await checkTarget({ id, target: config.target, bucket }, "update");
    const result = await store().update(orgId, id, config).catch(duplicate);
    if (result === "missing") throw notFound(id);
    if (result === "running") throw runningEdit();
    return result;
  });

  app.delete<{ Params: { id: string } }>("/api/tasks/:id", async (request, reply) => {
    const result = await store().delete(orgId, request.params.id);
    if (result === "missing") throw notFound(request.params.id);
    if (result === "running") throw new HttpError(409, "The task is running; stop it before deleting it");
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>("/api/tasks/:id/start", async (request) => {
    const task = await store().get(orgId, request.params.id);
    if (!task) throw notFound(request.params.id);
    // The table may have been dropped, or the data source repointed, since the task was saved.
    // A task already meant to run is left as it is (starting it again changes nothing).
    if (task.desired_state !== "running") {
      const source = await store().sourceFor(orgId, task.data_source_id);
      await checkTarget({ id: task.id, target: task.target, bucket: source?.bucket ?? null }, "start");
    }
    const record = await store().setDesiredState(orgId, request.params.id, "running", staleAfterMs);
    if (!record) throw notFound(request.params.id);
    return record;
  });

  app.post<{ Params: { id: string } }>("/api/tasks/:id/stop", async (request) => {
    const record = await store().setDesiredState(orgId, request.params.id, "stopped", staleAfterMs);
    if (!record) throw notFound(request.params.id);
    return record;
  });

  // The workers holding the task and their last heartbeats (several may consume one queue).
  app.get<{ Params: { id: string } }>("/api/tasks/:id/workers", async (request) => {
    const workers = await store().listWorkers(orgId, request.params.id, staleAfterMs);
    if (!workers) throw notFound(request.params.id);
    return { items: workers };
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>("/api/tasks/:id/runs", async (request) => {
    const query = runsQuerySchema.safeParse(request.query ?? {});
    if (!query.success) throw new HttpError(400, "Bad query parameters", fieldErrors(query.error));
    const runs = await store().listRuns(orgId, request.params.id, query.data.limit, query.data.before);
    if (!runs) throw notFound(request.params.id);
    return { items: runs };
  });
};
