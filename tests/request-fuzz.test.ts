// Malformed and hostile JSON bodies, nesting depth above all, never make the API fail: none is
// answered 5xx (too deep: 400 with a sentence, before the route sees it), and none writes an
// error-level log line. Through the real app with real
// better-auth (the auth routes hand the body on to better-auth's handler; the API routes are called
// with the seeded admin's key so the body reaches their schema). Bounded: a seeded generator, a
// fixed number of bodies per route.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/api/app.ts";
import { MAX_JSON_DEPTH, jsonDepthExceeds } from "../server/api/plugins/json-depth.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { loadConfig } from "../server/config.ts";
import { openStore, type Stores } from "../server/store/open.ts";

const KEY = "ak_" + "f".repeat(45);
const ENV = { ORG_ID: "fuzz-org", ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: KEY };
const BODIES_PER_ROUTE = 40;
/** The default BODY_LIMIT_BYTES: a bigger body is 413 before its depth is looked at. */
const BODY_LIMIT_BYTES = 65_536;

const AUTH_ROUTES = ["/api/auth/sign-in/email", "/api/auth/sign-out", "/api/auth/organization/set-active", "/api/auth/change-password"];
const API_ROUTES = ["/api/data-sources", "/api/tasks", "/api/tasks/preview", "/api/invitations", "/api/invitations/no-such-id/accept", "/api/keys", "/api/setup",
  "/api/tasks/no-such-id/failed-files/retry", "/api/tasks/no-such-id/failed-files/dismiss"];

let dataDir: string;
let stores: Stores;
let app: FastifyInstance;
const logLines: Array<{ level: number; msg?: string }> = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "request-fuzz-"));
  const config = loadConfig({ ...ENV, DATA_DIR: dataDir });
  stores = await openStore({ dataDir: config.dataDir, url: config.databaseUrl });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: "info" }, sink);
  await seedFirstRun(config, stores.db, logger);
  app = await buildApp({ config, logger, stores });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await stores?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A small seeded generator (mulberry32), so a failure names a body that can be made again. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nested = (depth: number, open: string, close: string, inner = "") => open.repeat(depth) + inner + close.repeat(depth);

/** Hostile bodies: deep nesting in every shape, then truncations, odd tokens and random bytes. */
function bodies(seed: number): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const deep = () => 5_000 + Math.floor(next() * 20_000);
  const fixed = [
    nested(5_000, "[", "]"),
    nested(20_000, "[", "]"),
    '{"a":'.repeat(5_000) + "1" + "}".repeat(5_000),
    '{"email":' + nested(8_000, "[", "]") + ',"password":"x"}',
    nested(MAX_JSON_DEPTH + 1, "[", "]"),
    // Brackets inside strings are not nesting: this one is shallow and reaches the route.
    JSON.stringify({ email: "[".repeat(10_000), password: "{".repeat(10_000) }),
    '{"__proto__":{"role":"admin"}}',
    '{"constructor":{"prototype":{"x":1}}}',
    "",
    "nul\u0000l",
    "[".repeat(30_000),
  ];
  const generated = Array.from({ length: BODIES_PER_ROUTE - fixed.length }, () => {
    switch (pick(["nest", "mixed", "truncate", "bytes", "numbers"] as const)) {
      case "nest":
        return nested(deep(), pick(["[", "{\"k\":"]), pick(["]", "}"]));
      case "mixed": {
        let text = "";
        for (let i = 0, n = deep(); i < n; i++) text += pick(["[", '{"a":', '["x",']);
        return text + "0" + "]".repeat(10);
      }
      case "truncate":
        return JSON.stringify({ email: "a@b.c", password: "p".repeat(Math.floor(next() * 50)), nested: [[[1, 2, { x: "y" }]]] }).slice(0, Math.floor(next() * 40));
      case "bytes":
        return Array.from({ length: 1 + Math.floor(next() * 200) }, () => String.fromCharCode(Math.floor(next() * 256))).join("");
      case "numbers":
        return `{"n":${"9".repeat(1 + Math.floor(next() * 400))}e${Math.floor(next() * 99999)}}`;
    }
  });
  return [...fixed, ...generated];
}

describe("the depth check itself", () => {
  it("counts nesting outside strings only, escaped quotes included", () => {
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH, "[", "]"), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1, "[", "]"), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: "[".repeat(500), b: '\\"[[[' }), 3)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: '"' }) + "[[[[", 3)).toBe(true);
  });
});

describe.each([...AUTH_ROUTES, ...API_ROUTES])("POST %s", (url) => {
  it(`answers ${BODIES_PER_ROUTE} hostile bodies below 500 (too deep: 400 with a sentence), with no error log line`, async () => {
    const seed = [...url].reduce((sum, c) => sum + c.charCodeAt(0), 0);
    const before = logLines.length;
    for (const [i, payload] of bodies(seed).entries()) {
      const res = await app.inject({
        method: "POST",
        url,
        headers: { "content-type": "application/json", ...(url.startsWith("/api/auth/") ? {} : { authorization: `Bearer ${KEY}` }) },
        payload,
      });
      const label = `${url} body #${i} (seed ${seed}, ${payload.length} chars: ${JSON.stringify(payload.slice(0, 40))})`;
      expect(res.statusCode, label).toBeLessThan(500);
      if (Buffer.byteLength(payload) > BODY_LIMIT_BYTES) {
        expect(res.statusCode, label).toBe(413);
      } else if (jsonDepthExceeds(payload, MAX_JSON_DEPTH)) {
        expect(res.statusCode, label).toBe(400);
        expect(res.json().error, label).toMatch(/nested more than \d+ levels deep/);
      }
    }
    const errors = logLines.slice(before).filter((line) => line.level >= 50);
    expect(errors.map((line) => line.msg)).toEqual([]);
  }, 60_000);
});
