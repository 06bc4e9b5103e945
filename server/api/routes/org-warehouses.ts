// /api/org/warehouses: the organization's Databend warehouses (Organization → Warehouses). Admins
// add, edit and delete them; anyone who reads sees them (never a password: it is write-only, sealed
// at rest, server/warehouses/secret-box.ts); Test connection says in words what failed, for
// values not saved yet (admin) or a stored warehouse (operate). Each change is audited by id and
// name only, and closes the connections made to the warehouse as it was.
import rateLimit from "@fastify/rate-limit";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  warehouseConnectionInputSchema,
  warehouseConnectionListSchema,
  warehouseConnectionSchema,
  warehouseConnectionUpdateSchema,
  warehouseTestResultSchema,
} from "#contracts/warehouse-connection.ts";
import type { Config } from "../../config.ts";
import { testConnection } from "../../databend/connection-test.ts";
import { DuplicateWarehouseNameError } from "../../store/warehouses.ts";
import { bootstrapId, dsnOf, publicWarehouse } from "../../warehouses/connections.ts";
import { SecretBoxError } from "../../warehouses/secret-box.ts";
import { clientIdentity } from "../plugins/client-identity.ts";
import { DEFAULT_TEST_RATE_LIMIT } from "./data-sources-test.ts";
import { ERROR_RESPONSES, HttpError } from "../plugins/errors.ts";

const paramsSchema = z.object({ id: z.string().min(1).max(64) });

/** Warehouses one organization may have (each holds connections in the API and the workers). */
export const MAX_WAREHOUSES_PER_ORG = 50;

/** Fields of a managed warehouse (the product provisioned it) that only the product sets. */
const MANAGED_FIELDS = ["host", "port", "user", "password", "database", "tls"] as const;

export const orgWarehouseRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  const tags = ["organization"];
  // Test connection makes the server sign in to a host the caller names: limited per client like
  // Test Connectivity, so it cannot be turned into a port scanner or a password-guessing loop.
  await app.register(rateLimit, { global: false });
  const limited = (access: "admin" | "operate") => ({
    access,
    rateLimit: {
      max: DEFAULT_TEST_RATE_LIMIT.max,
      timeWindow: DEFAULT_TEST_RATE_LIMIT.timeWindowMs,
      hook: "preHandler" as const,
      keyGenerator: (request: FastifyRequest) => `warehouse-test:${request.orgId}:${clientIdentity(request)}`,
      errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number; max: number }) =>
        new HttpError(429, `Too many connection tests: you may run ${context.max} per minute; try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`),
    },
  });
  const connections = () => app.warehouses.connections;
  const notFound = (id: string) => new HttpError(404, `No warehouse with id ${id} in your organization`);
  const duplicate = (error: unknown): never => {
    if (error instanceof DuplicateWarehouseNameError) {
      throw new HttpError(409, error.message, { name: `A warehouse named ${error.existingName} already exists; choose another name` });
    }
    throw error;
  };

  app.get(
    "/api/org/warehouses",
    {
      config: { access: "read" },
      schema: { summary: "The organization's warehouses, the default first (never a password)", tags, response: { 200: warehouseConnectionListSchema, ...ERROR_RESPONSES } },
    },
    async (request) => ({ items: (await connections().list(request.orgId)).map(publicWarehouse) }),
  );

  app.post(
    "/api/org/warehouses",
    {
      config: { access: "admin" },
      schema: {
        summary: "Add a warehouse (the organization's first is its default); the password is write-only",
        tags,
        body: warehouseConnectionInputSchema,
        response: { 201: warehouseConnectionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if ((await app.stores.warehouses.listWarehouses(request.orgId)).length >= MAX_WAREHOUSES_PER_ORG) {
        throw new HttpError(409, `The organization has ${MAX_WAREHOUSES_PER_ORG} warehouses, the most it may have; delete one it no longer uses first`);
      }
      const made = await connections().create(request.orgId, request.body, { managed: false }).catch(duplicate);
      await app.audit(request, { action: "created", resource_type: "warehouse", resource_id: made.id, resource_name: made.name });
      return reply.code(201).send(publicWarehouse(made));
    },
  );

  app.post(
    "/api/org/warehouses/test",
    {
      config: limited("admin"),
      schema: {
        summary: "Test connection with values not saved yet (nothing is stored): sign in, then open the database",
        tags,
        body: warehouseConnectionInputSchema,
        response: { 200: warehouseTestResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const input = request.body;
      const result = await testConnection(input, dsnOf(input, input.password), input.password, config.databendCheckTimeoutMs);
      await app.audit(request, { action: "tested", resource_type: "warehouse", resource_id: null, resource_name: input.name, outcome: result.ok ? "passed" : `failed: ${result.status}` });
      return result;
    },
  );

  app.get(
    "/api/org/warehouses/:id",
    {
      config: { access: "read" },
      schema: { summary: "One of the organization's warehouses", tags, params: paramsSchema, response: { 200: warehouseConnectionSchema, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const found = await connections().get(request.orgId, request.params.id);
      if (!found) throw notFound(request.params.id);
      return publicWarehouse(found);
    },
  );

  app.put(
    "/api/org/warehouses/:id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Change a warehouse (a password left out is kept); a managed one takes only its name and default",
        tags,
        params: paramsSchema,
        body: warehouseConnectionUpdateSchema,
        response: { 200: warehouseConnectionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { id } = request.params;
      const current = await connections().get(request.orgId, id);
      if (!current) throw notFound(id);
      if (current.managed) {
        const refused = MANAGED_FIELDS.filter((f) => request.body[f] !== undefined && request.body[f] !== (f === "password" ? undefined : current[f]));
        if (refused.length > 0) {
          const message =
            current.id === bootstrapId(request.orgId)
              ? "This warehouse is DATABEND_DSN's (the server's configuration): the operator changes the variable and restarts; only its name and whether it is the default can change here (or add another warehouse and make it the default)"
              : "This warehouse was provisioned by the product (the organization's own tenant); only its name and whether it is the default can change";
          throw new HttpError(400, message, Object.fromEntries(refused.map((f) => [f, message])));
        }
      }
      if (request.body.is_default === false && current.is_default) {
        const message = "The organization always has a default warehouse: make another one the default instead";
        throw new HttpError(400, message, { is_default: message });
      }
      const changed = await connections()
        .update(request.orgId, id, request.body)
        .catch((error: unknown) => {
          if (error instanceof SecretBoxError) throw new HttpError(503, error.message);
          return duplicate(error);
        });
      if (!changed) throw notFound(id);
      app.warehouses.drop(id);
      await app.audit(request, { action: "edited", resource_type: "warehouse", resource_id: id, resource_name: changed.name });
      return publicWarehouse(changed);
    },
  );

  app.delete(
    "/api/org/warehouses/:id",
    {
      config: { access: "admin" },
      schema: {
        summary: "Delete a warehouse no task uses (the default only when it is the last one)",
        tags,
        params: paramsSchema,
        response: { 204: z.undefined().describe("Deleted"), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const existing = await connections().get(request.orgId, id);
      const result = await app.stores.warehouses.deleteWarehouse(request.orgId, id);
      switch (result.status) {
        case "missing":
          throw notFound(id);
        case "in_use":
          throw new HttpError(409, `Tasks load into this warehouse: ${result.tasks.map((t) => t.name).join(", ")}. Change their warehouse or delete them first`);
        case "default":
          throw new HttpError(409, "This is the organization's default warehouse: make another one the default first, then delete this one");
        case "deleted":
          app.warehouses.drop(id);
          await app.audit(request, { action: "deleted", resource_type: "warehouse", resource_id: id, resource_name: existing?.name ?? null });
          return reply.code(204).send();
      }
    },
  );

  app.post(
    "/api/org/warehouses/:id/test",
    {
      config: limited("operate"),
      schema: {
        summary: "Test connection of a stored warehouse: sign in, then open its database",
        tags,
        params: paramsSchema,
        response: { 200: warehouseTestResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const found = await connections().get(request.orgId, request.params.id);
      if (!found) throw notFound(request.params.id);
      let opened;
      try {
        opened = connections().open(found);
      } catch (error) {
        if (error instanceof SecretBoxError) throw new HttpError(503, error.message);
        throw error;
      }
      const result = await testConnection(found, opened.dsn, opened.password, config.databendCheckTimeoutMs);
      await app.audit(request, { action: "tested", resource_type: "warehouse", resource_id: found.id, resource_name: found.name, outcome: result.ok ? "passed" : `failed: ${result.status}` });
      return result;
    },
  );
};
