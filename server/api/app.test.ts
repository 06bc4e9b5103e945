import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { loadConfig } from "../config.ts";
import { buildApp } from "./app.ts";

describe("API shell", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const config = loadConfig({ ORG_ID: "org-under-test" });
    app = await buildApp({ config, logger: pino({ level: "silent" }) });
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
});
