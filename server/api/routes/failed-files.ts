// /api/tasks/:id/failed-files: the files a task set aside after WORKER_FILE_ATTEMPTS failures of
// the same file error (contracts/failed-files.ts). GET lists them (viewer and up); Retry asks the
// worker holding the task to load each file's current version through the version loader, and
// Dismiss sets them aside for good with a reason (operator and up, both audited). Another
// organization's task, like a missing one, is 404: the store scopes every query by organization.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  failedFilesActionResultSchema,
  failedFilesDismissSchema,
  failedFilesPageSchema,
  failedFilesQuerySchema,
  failedFilesRetrySchema,
  FAILED_FILES_MESSAGES,
} from "#contracts/failed-files.ts";
import { taskRecordSchema } from "#contracts/task.ts";
import { BadCursorError, type FailedFileSelection } from "../../store/failed-files.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

const taskParamsSchema = taskRecordSchema.pick({ id: true });

/** An audit outcome names how many files and which (a few keys), and the reason; bounded. */
function outcome(updated: number, keys: readonly string[], reason?: string): string {
  const named = keys.slice(0, 3).join(", ") + (keys.length > 3 ? `, and ${keys.length - 3} more` : "");
  const text = `${updated} file(s)${named ? `: ${named}` : ""}${reason ? `; reason: ${reason}` : ""}`;
  return text.length > 900 ? `${text.slice(0, 899)}…` : text;
}

function selectionOf(body: { ids?: string[] | undefined; all?: true | undefined }): FailedFileSelection {
  return body.all ? { all: true } : { ids: body.ids ?? [] };
}

export const failedFileRoutes: FastifyPluginAsyncZod = async (app) => {
  const store = () => app.stores.tasks;
  const tags = ["tasks"];
  const notFound = (id: string) => new HttpError(404, `No task with id ${id}`);

  app.get(
    "/api/tasks/:id/failed-files",
    {
      config: { access: "read" },
      schema: {
        summary: "The task's failed files, newest failure first (paged by cursor; filter by state, Databend's error code, or text in the key or Databend's sentence); with counts by state",
        tags,
        params: taskParamsSchema,
        querystring: failedFilesQuerySchema,
        response: { 200: failedFilesPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      try {
        const page = await store().listFailedFiles(request.orgId, request.params.id, request.query);
        if (!page) throw notFound(request.params.id);
        return page;
      } catch (error) {
        if (error instanceof BadCursorError) throw new HttpError(400, FAILED_FILES_MESSAGES.cursorInvalid, { cursor: FAILED_FILES_MESSAGES.cursorInvalid });
        throw error;
      }
    },
  );

  app.post(
    "/api/tasks/:id/failed-files/retry",
    {
      config: { access: "operate" },
      schema: {
        summary: "Retry failed files (by id, or all): the worker holding the task loads each file's current version once, through the same version loader as the queue's events",
        tags,
        params: taskParamsSchema,
        body: failedFilesRetrySchema,
        response: { 200: failedFilesActionResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId } = request;
      const { id } = request.params;
      const task = await store().get(orgId, id);
      if (!task) throw notFound(id);
      const result = await store().retryFailedFiles(orgId, id, selectionOf(request.body));
      if (!result) throw notFound(id);
      if (result.updated > 0) {
        await app.audit(request, { action: "failed_files_retried", resource_type: "task", resource_id: id, resource_name: task.name, outcome: outcome(result.updated, result.keys) });
      }
      return { updated: result.updated, counts: result.counts };
    },
  );

  app.post(
    "/api/tasks/:id/failed-files/dismiss",
    {
      config: { access: "operate" },
      schema: {
        summary: "Dismiss failed files (by id, or all) with a reason: they stay on record, dismissed, and are not loaded unless their object changes",
        tags,
        params: taskParamsSchema,
        body: failedFilesDismissSchema,
        response: { 200: failedFilesActionResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId, principal } = request;
      const { id } = request.params;
      const task = await store().get(orgId, id);
      if (!task) throw notFound(id);
      const by = principal?.via.kind === "api_key" ? `API key ${principal.via.keyName}` : (principal?.user.email ?? "unknown");
      const result = await store().dismissFailedFiles(orgId, id, selectionOf(request.body), request.body.reason, by);
      if (!result) throw notFound(id);
      if (result.updated > 0) {
        await app.audit(request, { action: "failed_files_dismissed", resource_type: "task", resource_id: id, resource_name: task.name, outcome: outcome(result.updated, result.keys, request.body.reason) });
      }
      return { updated: result.updated, counts: result.counts };
    },
  );
};
