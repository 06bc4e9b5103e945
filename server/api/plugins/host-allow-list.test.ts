// DNS rebinding: a request is answered only when its Host names this server (loopback by default,
// PUBLIC_URL and ALLOWED_HOSTS when set), on API routes, console files and unknown paths alike.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { buildApp } from "../app.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";

let workDir: string;
let dist: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), "host-allow-list-"));
  dist = path.join(workDir, "dist");
  mkdirSync(path.join(dist, "assets"), { recursive: true });
  writeFileSync(path.join(dist, "index.html"), `<!doctype html><script type="module" src="/assets/index-A1.js"></script>`);
  writeFileSync(path.join(dist, "assets", "index-A1.js"), "export {};");
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const build = (env: NodeJS.ProcessEnv = {}) =>
  buildApp({ authenticate: fixedPrincipal("org-1"), config: loadConfig({ ORG_ID: "org-1", DATA_DIR: workDir, ...env }), logger: pino({ level: "silent" }), staticDir: dist });

const PATHS = ["/api/health", "/api/org", "/", "/index.html", "/assets/index-A1.js", "/data/sources", "/api/nope"];

describe("by default", () => {
  let app: FastifyInstance;
  beforeAll(async () => void (app = await build()));
  afterAll(() => app.close());

  it.each(["localhost", "localhost:3000", "127.0.0.1:3000", "[::1]:8080", "LOCALHOST:80", "localhost.:3000", "127.1:3000"])(
    "answers for the loopback name %s",
    async (host) => {
      for (const url of PATHS.filter((p) => p !== "/api/nope")) {
        const res = await app.inject({ method: "GET", url, headers: { host } });
        expect(res.statusCode, `${host} ${url}`).toBe(200);
      }
    },
  );

  it.each(["evil.example", "evil.example:3000", "127.0.0.1.nip.io:3000", "localhost.evil.example", "10.0.0.5:3000"])(
    "refuses %s with 421 and a JSON error that names the fix, on every path",
    async (host) => {
      for (const url of PATHS) {
        for (const method of ["GET", "HEAD", "POST"] as const) {
          const res = await app.inject({ method, url, headers: { host } });
          expect(res.statusCode, `${method} ${host} ${url}`).toBe(421);
          if (method === "HEAD") continue;
          expect(res.headers["content-type"]).toMatch(/^application\/json/);
          expect(res.json().error).toMatch(/^This server does not answer for the host "[^"]+"\. .*add .* to ALLOWED_HOSTS/);
        }
      }
    },
  );

  it("refuses what is not a host name at all", async () => {
    for (const host of ["user@localhost", "localhost/x", "local host", "localhost:3000#"]) {
      const res = await app.inject({ method: "GET", url: "/api/health", headers: { host } });
      expect(res.statusCode, host).toBe(400);
      expect(res.json().error).toMatch(/Host header/);
    }
  });

  it("refuses a foreign Host on a real connection, as a rebinding browser would send it", async () => {
    const base = new URL(await app.listen({ host: "127.0.0.1", port: 0 }));
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port: base.port, path: "/api/data-sources", headers: { host }, timeout: 5_000 }, (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("no answer in 5 s")));
        req.on("error", reject);
        req.end();
      });
    const refused = await get(`attacker.example:${base.port}`);
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body).error).toContain("ALLOWED_HOSTS");
    expect((await get(`127.0.0.1:${base.port}`)).status).toBe(200);
  });
});

describe("with PUBLIC_URL and ALLOWED_HOSTS", () => {
  let app: FastifyInstance;
  beforeAll(async () => void (app = await build({ PUBLIC_URL: "https://console.example.com", ALLOWED_HOSTS: "10.0.0.5,ops.internal" })));
  afterAll(() => app.close());

  it("answers for those names, on any port, and still for loopback", async () => {
    for (const host of ["console.example.com", "console.example.com:443", "10.0.0.5:3000", "OPS.internal", "localhost:3000"]) {
      expect((await app.inject({ method: "GET", url: "/api/health", headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it("refuses the rest", async () => {
    for (const host of ["example.com", "evil.console.example.com", "10.0.0.6:3000"]) {
      expect((await app.inject({ method: "GET", url: "/", headers: { host } })).statusCode, host).toBe(421);
    }
  });
});
