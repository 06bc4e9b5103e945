// /api/data-sources: list, create, read, update, delete "Amazon SQS (S3) - IAM Role" data sources.
// Saving is gated on a passing Test Connectivity of exactly the values being saved. Bodies, params
// and responses are the contract's schemas (contracts/data-source.ts), checked by the zod type
// provider before a handler runs.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { listOf } from "#contracts/api.ts";
import {
  connectionOf,
  dataSourceInputSchema,
  dataSourceRecordSchema,
  MESSAGES,
  type DataSourceInput,
} from "#contracts/data-source.ts";
import { z } from "zod";
import { connectionHash } from "../../store/connection-hash.ts";
import { DuplicateNameError, type StoredTest } from "../../store/types.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

/** How long a passing test allows saving the same connection values. */
export const TEST_VALIDITY_MS = 15 * 60 * 1000;

export const SAVE_GATE_MESSAGE =
  "Run Test Connectivity with these values and get a passing result before saving; a passing test is valid for 15 minutes";

export interface DataSourceRouteOptions {
  now?: () => Date;
}

/** `:id` of a data source: the record's own id field. */
export const dataSourceParamsSchema = dataSourceRecordSchema.pick({ id: true });

/** The External ID must be the caller's organization ID (the trust policy requires it); 400 on external_id. */
export function assertOwnExternalId(orgId: string, input: { external_id: string }): void {
  if (input.external_id === orgId) return;
  const message = MESSAGES.externalIdMismatch(orgId);
  throw new HttpError(400, message, { external_id: message });
}

function duplicate(name: string): HttpError {
  const message = `A data source named ${name} already exists; choose another name`;
  return new HttpError(409, message, { name: message });
}

function notFound(id: string): HttpError {
  return new HttpError(404, `No data source with id ${id}`);
}

export const dataSourceRoutes: FastifyPluginAsyncZod<DataSourceRouteOptions> = async (app, { now = () => new Date() }) => {
  const store = app.stores.dataSources;
  const tags = ["data sources"];

  /** The passing test that allows saving these values, or the 400 that says to run one. */
  async function passingTest(orgId: string, input: DataSourceInput): Promise<StoredTest> {
    const test = await store.latestConnectivityTest(orgId, connectionOf(input));
    const fresh = test && now().getTime() - Date.parse(test.tested_at) <= TEST_VALIDITY_MS;
    if (!test || !test.ok || !fresh) throw new HttpError(400, SAVE_GATE_MESSAGE);
    return test;
  }

  async function assertNameFree(orgId: string, name: string, exceptId?: string) {
    const existing = await store.findDataSourceByName(orgId, name);
    if (existing && existing.id !== exceptId) throw duplicate(existing.name);
  }

  app.get(
    "/api/data-sources",
    {
      config: { access: "read" },
      schema: {
        summary: "List the organization's data sources",
        tags,
        response: { 200: listOf(dataSourceRecordSchema), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: await store.listDataSources(request.orgId) }),
  );

  app.post(
    "/api/data-sources",
    {
      config: { access: "operate" },
      schema: {
        summary: "Create a data source (needs a passing Test Connectivity of the same values within 15 minutes)",
        tags,
        body: dataSourceInputSchema,
        response: { 201: dataSourceRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId, body: input } = request;
      assertOwnExternalId(orgId, input);
      await assertNameFree(orgId, input.name);
      const test = await passingTest(orgId, input);
      try {
        const record = await store.createDataSource(orgId, input, test);
        request.log.info({ data_source: record.id }, "data source created");
        await app.audit(request, { action: "created", resource_type: "data_source", resource_id: record.id, resource_name: record.name });
        return reply.code(201).send(record);
      } catch (error) {
        if (error instanceof DuplicateNameError) throw duplicate(error.existingName);
        throw error;
      }
    },
  );

  app.get(
    "/api/data-sources/:id",
    {
      config: { access: "read" },
      schema: {
        summary: "Read a data source",
        tags,
        params: dataSourceParamsSchema,
        response: { 200: dataSourceRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const record = await store.getDataSource(request.orgId, request.params.id);
      if (!record) throw notFound(request.params.id);
      return record;
    },
  );

  app.put(
    "/api/data-sources/:id",
    {
      config: { access: "operate" },
      schema: {
        summary: "Replace a data source (new connection values need a new passing Test Connectivity)",
        tags,
        params: dataSourceParamsSchema,
        body: dataSourceInputSchema,
        response: { 200: dataSourceRecordSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId, body: input } = request;
      const { id } = request.params;
      const existing = await store.getDataSource(orgId, id);
      if (!existing) throw notFound(id);
      assertOwnExternalId(orgId, input);
      await assertNameFree(orgId, input.name, id);
      // Renaming alone keeps the test that allowed the last save; new connection values need a new one.
      const unchanged = connectionHash(connectionOf(existing)) === connectionHash(connectionOf(input));
      const test = unchanged ? existing.last_test : await passingTest(orgId, input);
      try {
        const record = await store.updateDataSource(orgId, id, input, test);
        if (!record) throw notFound(id);
        request.log.info({ data_source: id }, "data source updated");
        await app.audit(request, { action: "edited", resource_type: "data_source", resource_id: id, resource_name: record.name });
        return record;
      } catch (error) {
        if (error instanceof DuplicateNameError) throw duplicate(error.existingName);
        throw error;
      }
    },
  );

  app.delete(
    "/api/data-sources/:id",
    {
      config: { access: "operate" },
      schema: {
        summary: "Delete a data source (409 while a task uses it)",
        tags,
        params: dataSourceParamsSchema,
        response: { 204: z.undefined().describe("Deleted"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId } = request;
      const { id } = request.params;
      // Its name, for the audit log, while it still exists.
      const existing = await store.getDataSource(orgId, id);
      const outcome = await store.deleteDataSource(orgId, id);
      if (outcome.status === "missing") throw notFound(id);
      if (outcome.status === "in_use") {
        const record = existing;
        const names = outcome.tasks.map((t) => t.name).join(", ");
        const n = outcome.tasks.length;
        throw new HttpError(
          409,
          `Data source ${record?.name ?? id} is used by ${n === 1 ? "task" : `${n} tasks`} ${names}; ` +
            `delete ${n === 1 ? "that task" : "those tasks"} or repoint ${n === 1 ? "it" : "them"} to another data source first`,
        );
      }
      request.log.info({ data_source: id }, "data source deleted");
      await app.audit(request, { action: "deleted", resource_type: "data_source", resource_id: id, resource_name: existing?.name ?? null });
      return reply.code(204).send();
    },
  );
};
