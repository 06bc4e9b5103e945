// /api/data-sources: list, create, read, update, delete "Amazon SQS (S3) - IAM Role" data sources.
// Saving is gated on a passing Test Connectivity of exactly the values being saved.
import type { FastifyPluginAsync } from "fastify";
import type { z } from "zod";
import { fieldErrors } from "#contracts/api.ts";
import {
  connectionOf,
  dataSourceInputSchemaForOrg,
  type DataSourceInput,
  type DataSourceRecord,
} from "#contracts/data-source.ts";
import type { Config } from "../config.ts";
import { connectionHash } from "../store/connection-hash.ts";
import { DuplicateNameError, type DataSourceStore, type StoredTest } from "../store/types.ts";
import { HttpError } from "./errors.ts";

/** How long a passing test allows saving the same connection values. */
export const TEST_VALIDITY_MS = 15 * 60 * 1000;

export const SAVE_GATE_MESSAGE =
  "Run Test Connectivity with these values and get a passing result before saving; a passing test is valid for 15 minutes";

export interface DataSourceRouteOptions {
  config: Config;
  store: () => DataSourceStore;
  now?: () => Date;
}

/** The organization of a request. One org per deployment today; the seam for multi-tenancy later. */
export function orgOf(config: Config): string {
  return config.orgId;
}

/** Parses a JSON body with a contract schema, or throws the API's 400 with one message per field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "Send a JSON object with Content-Type: application/json");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    const names = Object.keys(fields);
    throw new HttpError(400, `Fix ${names.length === 1 ? "this field" : "these fields"}: ${names.join(", ")}`, fields);
  }
  return parsed.data;
}

function duplicate(name: string): HttpError {
  const message = `A data source named ${name} already exists; choose another name`;
  return new HttpError(409, message, { name: message });
}

function notFound(id: string): HttpError {
  return new HttpError(404, `No data source with id ${id}`);
}

export const dataSourceRoutes: FastifyPluginAsync<DataSourceRouteOptions> = async (app, { config, store, now = () => new Date() }) => {
  const schema = dataSourceInputSchemaForOrg(config.orgId);

  /** The passing test that allows saving these values, or the 400 that says to run one. */
  async function passingTest(orgId: string, input: DataSourceInput): Promise<StoredTest> {
    const test = await store().latestConnectivityTest(orgId, connectionOf(input));
    const fresh = test && now().getTime() - Date.parse(test.tested_at) <= TEST_VALIDITY_MS;
    if (!test || !test.ok || !fresh) throw new HttpError(400, SAVE_GATE_MESSAGE);
    return test;
  }

  async function assertNameFree(orgId: string, name: string, exceptId?: string) {
    const existing = await store().findDataSourceByName(orgId, name);
    if (existing && existing.id !== exceptId) throw duplicate(existing.name);
  }

  app.get("/api/data-sources", async () => ({ items: await store().listDataSources(orgOf(config)) }));

  app.post("/api/data-sources", async (request, reply) => {
    const orgId = orgOf(config);
    const input = parseBody(schema, request.body);
    await assertNameFree(orgId, input.name);
    const test = await passingTest(orgId, input);
    try {
      const record = await store().createDataSource(orgId, input, test);
      request.log.info({ data_source: record.id }, "data source created");
      return reply.code(201).send(record);
    } catch (error) {
      if (error instanceof DuplicateNameError) throw duplicate(error.existingName);
      throw error;
    }
  });

  app.get<{ Params: { id: string } }>("/api/data-sources/:id", async (request) => {
    const record = await store().getDataSource(orgOf(config), request.params.id);
    if (!record) throw notFound(request.params.id);
    return record;
  });

  app.put<{ Params: { id: string } }>("/api/data-sources/:id", async (request): Promise<DataSourceRecord> => {
    const orgId = orgOf(config);
    const { id } = request.params;
    const existing = await store().getDataSource(orgId, id);
    if (!existing) throw notFound(id);
    const input = parseBody(schema, request.body);
    await assertNameFree(orgId, input.name, id);
    // Renaming alone keeps the test that allowed the last save; new connection values need a new one.
    const unchanged = connectionHash(connectionOf(existing)) === connectionHash(connectionOf(input));
    const test = unchanged ? existing.last_test : await passingTest(orgId, input);
    try {
      const record = await store().updateDataSource(orgId, id, input, test);
      if (!record) throw notFound(id);
      request.log.info({ data_source: id }, "data source updated");
      return record;
    } catch (error) {
      if (error instanceof DuplicateNameError) throw duplicate(error.existingName);
      throw error;
    }
  });

  app.delete<{ Params: { id: string } }>("/api/data-sources/:id", async (request, reply) => {
    const orgId = orgOf(config);
    const { id } = request.params;
    const outcome = await store().deleteDataSource(orgId, id);
    if (outcome.status === "missing") throw notFound(id);
    if (outcome.status === "in_use") {
      const record = await store().getDataSource(orgId, id);
      const names = outcome.tasks.map((t) => t.name).join(", ");
      const n = outcome.tasks.length;
      throw new HttpError(
        409,
        `Data source ${record?.name ?? id} is used by ${n === 1 ? "task" : `${n} tasks`} ${names}; ` +
          `delete ${n === 1 ? "that task" : "those tasks"} or repoint ${n === 1 ? "it" : "them"} to another data source first`,
      );
    }
    request.log.info({ data_source: id }, "data source deleted");
    return reply.code(204).send();
  });
};
