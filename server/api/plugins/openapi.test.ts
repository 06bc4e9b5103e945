// GET /api/openapi.json describes every route the app serves, from the contracts' schemas.
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorSchema } from "#contracts/api.ts";
import { CHECK_IDS } from "#contracts/connectivity.ts";
import { DATA_SOURCE_FIELDS, dataSourceRecordSchema } from "#contracts/data-source.ts";
import { taskRecordSchema } from "#contracts/task.ts";
import { taskSaveSchema } from "#contracts/task-create.ts";
import { loadConfig } from "../../config.ts";
import { buildApp } from "../app.ts";
import { OPENAPI_PATH } from "./openapi.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  enum?: unknown[];
  $ref?: string;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/**
 * Every route the app serves, read from Fastify's own route tree (not from the document), as
 * OpenAPI paths. HEAD routes Fastify adds beside each GET are left out, as the document leaves them.
 */
function routesOf(app: FastifyInstance): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    segments.length = match[1]!.length / 4;
    segments.push(match[2]!);
    for (const method of match[3]?.split(", ") ?? []) {
      if (method !== "HEAD") routes.push({ method, path: wildcardMount(app, method, segments.join("")).replace(/:(\w+)/g, "{$1}") });
    }
  }
  return routes;
}

/** Routes ending in a wildcard: better-auth's handler. */
const WILDCARD_MOUNTS = ["/api/auth/*"];

/**
 * printRoutes prints a wildcard route under a static prefix as a bare `*` (find-my-way prints the
 * wildcard node without its prefix), so a bare `*` is resolved to the mount the app really serves.
 */
function wildcardMount(app: FastifyInstance, method: string, path: string): string {
  if (path !== "*") return path;
  const mounts = WILDCARD_MOUNTS.filter((url) => app.hasRoute({ method: method as "GET", url }));
  expect(mounts, `${method} ${path}`).toHaveLength(1);
  return mounts[0]!.replace(/\*$/, "{*}");
}

let app: FastifyInstance;
let doc: Document;
beforeAll(async () => {
  app = await buildApp({ authenticate: fixedPrincipal("org-openapi"), config: loadConfig({ ORG_ID: "org-openapi" }), logger: pino({ level: "silent" }) });
  const res = await app.inject({ method: "GET", url: OPENAPI_PATH });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => app.close());

const component = (ref: unknown) => doc.components.schemas[String((ref as JsonSchema).$ref).replace("#/components/schemas/", "")]!;
const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

describe("GET /api/openapi.json", () => {
  it("lists exactly the routes the app serves, each with its methods", () => {
    const served = routesOf(app).map((r) => `${r.method} ${r.path}`);
    expect(served).toContain("POST /api/data-sources/test");
    expect(served).toContain(`GET ${OPENAPI_PATH}`);
    expect(operations().sort()).toEqual(served.sort());
  });

  it("gives every route its schemas: a response body for success, its path parameters, a body where one is read", () => {
    for (const { method, path } of routesOf(app)) {
      const op = doc.paths[path]![method.toLowerCase()]!;
      const where = `${method} ${path}`;
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith("2"));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [status, response] of success) {
        // JSON, or the one download (the audit log as CSV).
        if (status !== "204") expect((response.content?.["application/json"] ?? response.content?.["text/csv"])?.schema, `${where} ${status}`).toBeDefined();
      }
      const pathParams = [...path.matchAll(/\{(\w+|\*)\}/g)].map((m) => m[1]);
      expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? [], where).toEqual(pathParams);
    }
    for (const where of ["POST /api/data-sources", "PUT /api/data-sources/{id}", "POST /api/data-sources/test", "POST /api/tasks", "PUT /api/tasks/{id}"]) {
      const [method, path] = where.split(" ") as [string, string];
      expect(doc.paths[path]![method.toLowerCase()]!.requestBody?.content["application/json"]?.schema, where).toBeDefined();
    }
  });

  it("takes its component schemas from the contracts", () => {
    const create = doc.paths["/api/data-sources"]!.post!;
    const body = component(create.requestBody!.content["application/json"]!.schema);
    expect(Object.keys(body.properties!).sort()).toEqual([...DATA_SOURCE_FIELDS].sort());
    // prefix and suffix default to "" in the contract; the other fields are required; no others allowed.
    expect(body.required!.sort()).toEqual(DATA_SOURCE_FIELDS.filter((f) => f !== "prefix" && f !== "suffix").sort());
    expect(body.additionalProperties).toBe(false);

    const record = component(create.responses["201"]!.content!["application/json"]!.schema);
    expect(Object.keys(record.properties!).sort()).toEqual(Object.keys(dataSourceRecordSchema.shape).sort());

    const task = component(doc.paths["/api/tasks"]!.post!.requestBody!.content["application/json"]!.schema);
    expect(Object.keys(task.properties!).sort()).toEqual(Object.keys(taskSaveSchema.shape).sort());
    const taskRecord = component(doc.paths["/api/tasks/{id}"]!.get!.responses["200"]!.content!["application/json"]!.schema);
    expect(Object.keys(taskRecord.properties!).sort()).toEqual(Object.keys(taskRecordSchema.shape).sort());

    expect(doc.components.schemas.CheckResult!.properties!.id!.enum).toEqual([...CHECK_IDS]);
    const error = component(create.responses["4XX"]!.content!["application/json"]!.schema);
    expect(Object.keys(error.properties!).sort()).toEqual(Object.keys(apiErrorSchema.shape).sort());
  });

  it("describes Test Connectivity's two answers: JSON, and NDJSON events when asked", () => {
    const content = doc.paths["/api/data-sources/test"]!.post!.responses["200"]!.content!;
    expect(Object.keys(component(content["application/json"]!.schema).properties!).sort()).toEqual(["checks", "ok", "tested_at"]);
    expect(component(content["application/x-ndjson"]!.schema)).toHaveProperty("oneOf");
  });

  it("keeps only the components it refers to", () => {
    const text = JSON.stringify(doc.paths) + JSON.stringify(doc.components);
    for (const name of Object.keys(doc.components.schemas)) expect(text, name).toContain(`"#/components/schemas/${name}"`);
  });
});
