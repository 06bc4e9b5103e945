import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { TASK_MESSAGES } from "#contracts/task.ts";
import { loadConfig } from "../config.ts";
import type { DataSourceStore } from "../store/types.ts";
import { buildApp } from "./app.ts";
import { fixedPrincipal } from "../../tests/support/fixed-principal.ts";

describe("API shell", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const config = loadConfig({ ORG_ID: "org-under-test" });
    app = await buildApp({ authenticate: fixedPrincipal(config.orgId!), config, logger: pino({ level: "silent" }) });
  });
  afterAll(() => app.close());

  it("reports health", async () => {
    const res = await app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("serves the org contract with the configured org id and default platform roles", async () => {
    const res = await app.inject({ method: "GET", url: "/api/org" });
    expect(res.json()).toEqual({
      org_id: "org-under-test",
      platform_setup_role_arn: "arn:aws:iam::111111111111:role/platform-setup",
      platform_load_role_arn: "arn:aws:iam::111111111111:role/platform-load",
    });
  });

  it("answers unknown API routes with a JSON 404, not HTML", async () => {
    const res = await app.inject({ method: "GET", url: "/api/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toContain("/api/nope");
  });

  it("answers input that breaks a route's contract schema with 400 { error, fields } and the contract's messages", async () => {
    const task = await app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { name: " ", data_source_id: "ds", file_format: { type: "csv", delimiter: "ab" }, target: { table: "t" }, x: 1 },
    });
    expect(task.statusCode).toBe(400);
    expect(task.json()).toEqual({
      error: "Fix these fields: name, file_format.delimiter, x",
      fields: { name: TASK_MESSAGES.nameRequired, "file_format.delimiter": TASK_MESSAGES.delimiterTooLong(1), x: "Unknown field; remove it" },
    });

    const array = await app.inject({ method: "POST", url: "/api/tasks", payload: [] as unknown as object });
    expect(array.json()).toEqual({ error: "Send a JSON object with Content-Type: application/json" });

    const query = await app.inject({ method: "GET", url: "/api/tasks/t1/runs?limit=0" });
    expect(query.statusCode).toBe(400);
    expect(query.json()).toEqual({ error: "Fix this query parameter: limit", fields: { limit: expect.any(String) } });
  });
});

describe("responses", () => {
  it("are checked against their contract schema: a record that breaks it is a 500 with a sentence, not a leak", async () => {
    const broken = { listDataSources: async () => [{ id: "ds1", secret: "x" }] } as unknown as DataSourceStore;
    const config = loadConfig({ ORG_ID: "org-under-test" });
    const app = await buildApp({ authenticate: fixedPrincipal(config.orgId!), config, logger: pino({ level: "silent" }), stores: { dataSources: broken, tasks: {} as never, warehouses: {} as never } });
    const res = await app.inject({ method: "GET", url: "/api/data-sources" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: "Internal error; the details are in the server log" });
    await app.close();
  });
});
