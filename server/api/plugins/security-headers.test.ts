// Every response carries the security headers: JSON from the API, the console's files, the SPA
// fallback, and the refusals of the server's edges.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance, InjectOptions } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { buildApp } from "../app.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";

let workDir: string;
let app: FastifyInstance;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "security-headers-"));
  const dist = path.join(workDir, "dist");
  mkdirSync(path.join(dist, "assets"), { recursive: true });
  writeFileSync(path.join(dist, "index.html"), `<!doctype html><script type="module" src="/assets/index-A1.js"></script>`);
  writeFileSync(path.join(dist, "assets", "index-A1.js"), "export {};");
  app = await buildApp({ authenticate: fixedPrincipal("org-1"), config: loadConfig({ ORG_ID: "org-1", DATA_DIR: workDir }), logger: pino({ level: "silent" }), staticDir: dist });
});
afterAll(async () => {
  await app.close();
  rmSync(workDir, { recursive: true, force: true });
});

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(";").map((d) => d.trim()).filter(Boolean).map((d) => [d.split(" ")[0]!, d.slice(d.indexOf(" ") + 1)]));
}

const RESPONSES: [string, InjectOptions, number][] = [
  ["API JSON", { method: "GET", url: "/api/org" }, 200],
  ["the console shell", { method: "GET", url: "/" }, 200],
  ["a console script", { method: "GET", url: "/assets/index-A1.js" }, 200],
  ["the SPA fallback", { method: "GET", url: "/data/sources/ds-1" }, 200],
  ["an API 404", { method: "GET", url: "/api/nope" }, 404],
  ["a validation error", { method: "POST", url: "/api/tasks", payload: {} }, 400],
  ["a foreign Host", { method: "GET", url: "/", headers: { host: "evil.example" } }, 421],
  ["a cross-origin write", { method: "POST", url: "/api/tasks", headers: { origin: "https://evil.example" } }, 403],
];

describe.each(RESPONSES)("%s", (_what, request, status) => {
  it("carries CSP without inline script, frame-ancestors 'none', nosniff and no-referrer", async () => {
    const res = await app.inject(request);
    expect(res.statusCode).toBe(status);
    const csp = directives(String(res.headers["content-security-policy"]));
    expect(csp.get("default-src")).toBe("'self'");
    expect(csp.get("script-src")).toBe("'self'");
    expect(csp.get("script-src-attr")).toBe("'none'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'none'");
    expect([...csp.values()].join(" ")).not.toMatch(/unsafe-eval|\*/);
    expect(csp.get("script-src")).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    // Plain HTTP on loopback: no HSTS pin.
    expect(res.headers["strict-transport-security"]).toBeUndefined();
  });
});

describe("HSTS", () => {
  it("is sent only when PUBLIC_URL says the console is served over HTTPS", async () => {
    const https = await buildApp({ authenticate: fixedPrincipal("org-1"),
      config: loadConfig({ ORG_ID: "org-1", DATA_DIR: workDir, PUBLIC_URL: "https://console.example.com" }),
      logger: pino({ level: "silent" }),
    });
    const res = await https.inject({ method: "GET", url: "/api/health", headers: { host: "console.example.com" } });
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000");
    await https.close();
  });
});
