// What a page on another site can make a browser send (a <form> post in text/plain, urlencoded or
// multipart; a fetch with its Origin) never changes state; the console's own requests, and
// clients that are not browsers (no Origin), still do.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance, InjectOptions } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { buildApp } from "../app.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";

let dataDir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "same-origin-writes-"));
  app = await buildApp({ authenticate: fixedPrincipal("org-1"), config: loadConfig({ ORG_ID: "org-1", DATA_DIR: dataDir }), logger: pino({ level: "silent" }) });
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// light-my-request sends `Host: localhost:80`, so the console's own origin here is http://localhost.
const SELF = "http://localhost";
const JSON_BODY = { headers: { "content-type": "application/json" }, payload: JSON.stringify({ name: "x" }) };
const call = (options: InjectOptions) => app.inject(options);

/** Passed the edge: what the route itself answers (here 400 for the incomplete body, or 404 for an unknown id). */
const reachedRoute = (status: number) => status !== 403 && status !== 415;

describe("Origin", () => {
  it.each(["https://evil.example", "http://localhost.evil.example", "https://localhost", "http://localhost:3000", "http://127.0.0.1", "null", "not a url"])(
    "refuses a state-changing request from %s with 403 and a JSON error",
    async (origin) => {
      for (const [method, url] of [
        ["POST", "/api/tasks"],
        ["PUT", "/api/data-sources/ds-1"],
        ["DELETE", "/api/tasks/t-1"],
        ["POST", "/api/tasks/t-1/start"],
      ] as const) {
        const withBody = url === "/api/tasks" || method === "PUT";
        const res = await call({ method, url, ...(withBody ? JSON_BODY : {}), headers: { ...(withBody ? JSON_BODY.headers : {}), origin } });
        expect(res.statusCode, `${method} ${url} from ${origin}`).toBe(403);
        expect(res.json().error).toMatch(/^Cross-origin request refused: Origin ".*" is not this console's address\. .*PUBLIC_URL/);
      }
    },
  );

  it("accepts the console's own origin, in any spelling of it", async () => {
    for (const origin of [SELF, "http://localhost:80", "HTTP://LOCALHOST"]) {
      const res = await call({ method: "POST", url: "/api/tasks", ...JSON_BODY, headers: { ...JSON_BODY.headers, origin } });
      expect(res.statusCode, origin).toBe(400);
    }
  });

  it("accepts requests without an Origin: curl, SDKs and scripts are not browsers", async () => {
    expect((await call({ method: "POST", url: "/api/tasks", ...JSON_BODY })).statusCode).toBe(400);
    expect((await call({ method: "DELETE", url: "/api/tasks/t-1" })).statusCode).toBe(404);
  });

  it("leaves reads alone, and grants no CORS, so another site cannot read the answer", async () => {
    const res = await call({ method: "GET", url: "/api/org", headers: { origin: "https://evil.example" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("accepts PUBLIC_URL's origin when a proxy in front terminates TLS (the request arrives as http)", async () => {
    const proxied = await buildApp({ authenticate: fixedPrincipal("org-1"),
      config: loadConfig({ ORG_ID: "org-1", DATA_DIR: dataDir, PUBLIC_URL: "https://console.example.com" }),
      logger: pino({ level: "silent" }),
    });
    const headers = { ...JSON_BODY.headers, host: "console.example.com" };
    const ok = await proxied.inject({ method: "POST", url: "/api/tasks", payload: JSON_BODY.payload, headers: { ...headers, origin: "https://console.example.com" } });
    expect(ok.statusCode).toBe(400);
    const other = await proxied.inject({ method: "POST", url: "/api/tasks", payload: JSON_BODY.payload, headers: { ...headers, origin: "https://evil.example" } });
    expect(other.statusCode).toBe(403);
    await proxied.close();
  });
});

describe("Content-Type", () => {
  it.each([
    ["text/plain (a <form enctype=text/plain>)", "text/plain", '{"name":"x","ignore":"="}'],
    ["urlencoded (a plain <form>)", "application/x-www-form-urlencoded", "name=x"],
    ["multipart (a <form enctype=multipart/form-data>)", "multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--'],
    ["none at all", undefined, '{"name":"x"}'],
    ["JSON-ish but not JSON", "application/json-patch+json", "[]"],
  ])("refuses a body sent as %s with 415 that names the fix, even without an Origin", async (_what, type, payload) => {
    for (const [method, url] of [
      ["POST", "/api/tasks"],
      ["POST", "/api/data-sources/test"],
      ["PUT", "/api/tasks/t-1"],
      ["PATCH", "/api/tasks/t-1"],
      ["POST", "/api/tasks/t-1/start"],
    ] as const) {
      const res = await call({ method, url, payload, headers: type ? { "content-type": type } : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(415);
      expect(res.json()).toEqual({ error: "Send the body as JSON with Content-Type: application/json" });
    }
  });

  it("accepts JSON, with or without a charset, from the console's origin", async () => {
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON"]) {
      const res = await call({ method: "POST", url: "/api/tasks", payload: JSON_BODY.payload, headers: { "content-type": type, origin: SELF } });
      expect(res.statusCode, type).toBe(400);
      expect(res.json().fields).toBeDefined();
    }
  });

  it("needs none without a body: the console starts, stops and deletes with an empty request", async () => {
    for (const [method, url] of [
      ["POST", "/api/tasks/t-1/start"],
      ["POST", "/api/tasks/t-1/stop"],
      ["DELETE", "/api/data-sources/ds-1"],
    ] as const) {
      const res = await call({ method, url, headers: { origin: SELF } });
      expect(reachedRoute(res.statusCode), `${method} ${url}: ${res.statusCode}`).toBe(true);
      expect(res.statusCode).toBe(404);
    }
  });
});
