// POST /api/tasks/preview: what a task with these settings would see, before it is saved. The
// objects under its prefix and suffix, listed with the data source's role, and one of them read by
// Databend with the task's file format, its columns typed with up to 4 others (the newest and the
// oldest; server/preview/previewer.ts). Access "operate": it assumes the customer's role. Limited
// per caller, per organization and at once per organization (org-limits.ts).
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { PREVIEW_MESSAGES, previewRequestSchema, previewResponseSchema } from "#contracts/preview.ts";
import { effectiveScope, taskScopeProblems } from "#contracts/task.ts";
import { PreviewFailure } from "../../preview/previewer.ts";
import { ERROR_RESPONSES, HttpError, invalidFields } from "../plugins/errors.ts";
import { callLimits, DEFAULT_PREVIEW_LIMITS, type CallLimits } from "../plugins/org-limits.ts";
import { keyInScope } from "#contracts/aws-names.ts";

export interface TaskPreviewRouteOptions {
  /** Per caller, per organization and at once (org-limits.ts); the defaults by default. */
  limits?: CallLimits | undefined;
}

export const taskPreviewRoutes: FastifyPluginAsyncZod<TaskPreviewRouteOptions> = async (app, options) => {
  await app.register(rateLimit, { global: false });
  const enter = callLimits(app, "previews", options.limits ?? DEFAULT_PREVIEW_LIMITS);
  app.post(
    "/api/tasks/preview",
    {
      config: { access: "operate" },
      schema: {
        summary:
          "Preview a task: the objects under its scope (newest first) and a sample read by Databend with its file format, its column types widened across up to 5 files",
        tags: ["tasks"],
        body: previewRequestSchema,
        response: { 200: previewResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const input = request.body;
      const source = await app.stores.dataSources.getDataSource(request.orgId, input.data_source_id);
      if (!source) throw new HttpError(404, `No data source with id ${input.data_source_id}; choose an existing data source`);
      const problems = taskScopeProblems(input, source);
      if (Object.keys(problems).length > 0) throw invalidFields(problems);
      const scope = effectiveScope(input, source);
      if (input.key !== undefined && !keyInScope(input.key, scope)) {
        throw invalidFields({ key: PREVIEW_MESSAGES.keyOutOfScope });
      }
      const warehouse = await app.warehouses.access(request.orgId, input.warehouse_id, "warehouse_id");
      // Counted only once the input is known good, just before the role is assumed.
      const release = await enter(request, reply);
      try {
        return await app.previewer.preview({
          warehouse,
          orgId: request.orgId,
          source,
          prefix: scope.prefix,
          suffix: scope.suffix,
          fileFormat: input.file_format,
          key: input.key,
        });
      } catch (error) {
        if (error instanceof PreviewFailure) throw new HttpError(error.statusCode, error.message, undefined, error.detail);
        throw error;
      } finally {
        release();
      }
    },
  );
};
