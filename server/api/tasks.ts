// /api/tasks: integration tasks. The API sets the desired state; workers report the actual one.
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { fieldErrors } from "../../src/contracts/api.ts";
import {
  TASK_MESSAGES,
  effectiveScope,
  taskInputSchema,
  taskScopeProblems,
  type TaskInput,
} from "../../src/contracts/task.ts";
import { DuplicateTaskNameError, type TaskConfig, type TaskStore } from "../store/tasks.ts";
import { HttpError } from "./errors.ts";

export interface TaskRoutesOptions {
  /** The task store, opened on first use. */
  taskStore: () => TaskStore;
  orgId: string;
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
  async function validate(body: unknown): Promise<TaskConfig> {
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
    return {
      name: input.name,
      data_source_id: input.data_source_id,
      file_format: input.file_format,
      prefix: scope.prefix,
      suffix: scope.suffix,
      target: input.target,
      on_error: input.on_error,
      purge: input.purge,
    };
  }

  function duplicate(error: unknown): never {
    if (error instanceof DuplicateTaskNameError) {
      throw new HttpError(409, error.message, { name: `A task named ${error.existingName} already exists; choose another name` });
    }
    throw error;
  }

  const notFound = (id: string) => new HttpError(404, `No task with id ${id}`);

  app.get("/api/tasks", async () => ({ items: await store().list(orgId) }));

  app.post("/api/tasks", async (request, reply) => {
    const config = await validate(request.body);
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
    if (!(await store().get(orgId, id))) throw notFound(id);
    const config = await validate(request.body);
    const result = await store().update(orgId, id, config).catch(duplicate);
    if (result === "missing") throw notFound(id);
    if (result === "running") throw new HttpError(409, "The task is running; stop it before changing it");
    return result;
  });

  app.delete<{ Params: { id: string } }>("/api/tasks/:id", async (request, reply) => {
    const result = await store().delete(orgId, request.params.id);
    if (result === "missing") throw notFound(request.params.id);
    if (result === "running") throw new HttpError(409, "The task is running; stop it before deleting it");
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>("/api/tasks/:id/start", async (request) => {
    const record = await store().setDesiredState(orgId, request.params.id, "running", staleAfterMs);
    if (!record) throw notFound(request.params.id);
    return record;
  });

  app.post<{ Params: { id: string } }>("/api/tasks/:id/stop", async (request) => {
    const record = await store().setDesiredState(orgId, request.params.id, "stopped", staleAfterMs);
    if (!record) throw notFound(request.params.id);
    return record;
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>("/api/tasks/:id/runs", async (request) => {
    const query = runsQuerySchema.safeParse(request.query ?? {});
    if (!query.success) throw new HttpError(400, "Bad query parameters", fieldErrors(query.error));
    const runs = await store().listRuns(orgId, request.params.id, query.data.limit, query.data.before);
    if (!runs) throw notFound(request.params.id);
    return { items: runs };
  });
};
