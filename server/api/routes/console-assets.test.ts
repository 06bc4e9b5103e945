// The built console as the API serves it: precompressed siblings chosen by Accept-Encoding,
// immutable caching for hashed files, no-cache for the shell and its SPA fallback, and 404 (not the
// shell) for unknown build files and paths that try to leave dist/. A tiny fake dist/ stands in for
// the Vite build (the build itself writes the same layout: x, x.br, x.gz).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionOf } from "#contracts/data-source.ts";
import { makeDataSourceInput } from "../../../tests/support/fixtures.ts";
import type { ConnectivityTester } from "../../connectivity/engine.ts";
import { loadConfig } from "../../config.ts";
import type { ApiStores } from "../plugins/stores.ts";
import { buildApp } from "../app.ts";
import { IMMUTABLE, REVALIDATE } from "./console-assets.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";

const SHELL = `<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>`;
const ENTRY = `console.log(${JSON.stringify("console ".repeat(200))});`;
const STYLE = "body{margin:0}";

function writeWithSiblings(file: string, text: string) {
  writeFileSync(file, text);
  writeFileSync(`${file}.br`, brotliCompressSync(text));
  writeFileSync(`${file}.gz`, gzipSync(text));
}

describe("console assets", () => {
  let workDir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "console-assets-"));
    const dist = path.join(workDir, "dist");
    mkdirSync(path.join(dist, "assets"), { recursive: true });
    mkdirSync(path.join(dist, ".vite"));
    writeWithSiblings(path.join(dist, "index.html"), SHELL);
    writeWithSiblings(path.join(dist, "assets", "index-AbC123.js"), ENTRY);
    // Too small to be worth compressing: the build writes no sibling, the server sends it as it is.
    writeFileSync(path.join(dist, "assets", "index-DeF456.css"), STYLE);
    writeFileSync(path.join(dist, ".vite", "manifest.json"), "{}");
    writeFileSync(path.join(workDir, "package.json"), `{"name":"outside-dist"}`);
    app = await buildApp({ authenticate: fixedPrincipal("org-under-test"), config: loadConfig({ ORG_ID: "org-under-test" }), logger: pino({ level: "silent" }), staticDir: dist });
  });
  afterAll(async () => {
    await app.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({ method: "GET", url, headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } });

  it("sends a hashed asset brotli-compressed to a client that accepts br, immutable for a year", async () => {
    const res = await get("/assets/index-AbC123.js", "gzip, deflate, br");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["content-type"]).toMatch(/^text\/javascript|^application\/javascript/);
    expect(res.headers["cache-control"]).toBe(IMMUTABLE);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(ENTRY);
  });

  it("sends gzip to a client that accepts only gzip, and the file itself to one that accepts neither", async () => {
    const gz = await get("/assets/index-AbC123.js", "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers["cache-control"]).toBe(IMMUTABLE);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(ENTRY);

    for (const acceptEncoding of [undefined, "identity"]) {
      const plain = await get("/assets/index-AbC123.js", acceptEncoding);
      expect(plain.statusCode).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers["cache-control"]).toBe(IMMUTABLE);
      expect(plain.body).toBe(ENTRY);
    }
  });

  it("sends a file without a compressed sibling as it is, still immutable", async () => {
    const res = await get("/assets/index-DeF456.css", "br, gzip");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["content-type"]).toMatch(/^text\/css/);
    expect(res.headers["cache-control"]).toBe(IMMUTABLE);
    expect(res.body).toBe(STYLE);
  });

  it("serves index.html and every client-side route as the shell, compressed and revalidated on each load", async () => {
    for (const url of ["/", "/index.html", "/data/sources", "/data/sources/ds-1?tab=tasks"]) {
      const res = await get(url, "br");
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"], url).toMatch(/^text\/html/);
      expect(res.headers["content-encoding"], url).toBe("br");
      expect(res.headers["cache-control"], url).toBe(REVALIDATE);
      expect(brotliDecompressSync(res.rawPayload).toString(), url).toBe(SHELL);

      const gz = await get(url, "gzip");
      expect(gz.headers["content-encoding"], url).toBe("gzip");
      expect(gunzipSync(gz.rawPayload).toString(), url).toBe(SHELL);

      const plain = await get(url);
      expect(plain.statusCode, url).toBe(200);
      expect(plain.headers["content-encoding"], url).toBeUndefined();
      expect(plain.headers["cache-control"], url).toBe(REVALIDATE);
      expect(plain.body, url).toBe(SHELL);
    }
  });

  it("answers an unknown build file with 404, not the shell (a stale hash must not parse HTML as JavaScript)", async () => {
    for (const url of ["/assets/x.js", "/assets/index-AbC123.js.br", "/assets/index-AbC123.js.gz", "/assets/"]) {
      const res = await get(url, "br, gzip");
      expect(res.statusCode, url).toBe(404);
      expect(res.headers["content-type"], url).not.toMatch(/html/);
      expect(res.headers["cache-control"], url).not.toBe(IMMUTABLE);
    }
  });

  it("refuses paths that try to leave dist/ or reach its dot folders", async () => {
    for (const url of ["/assets/..%2f..%2fpackage.json", "/assets/..%5c..%5cpackage.json", "/..%2fpackage.json", "/a/..%2f..%2fpackage.json"]) {
      const res = await get(url, "br, gzip");
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain("outside-dist");
      expect(res.headers["content-type"], url).not.toMatch(/html/);
    }
    // The HTTP client already resolves dot segments (as browsers do): what arrives is /package.json,
    // a client-side route, or the dot folder, which is never served.
    for (const url of ["/assets/%2e%2e/%2e%2e/package.json", "/assets/../../package.json", "/.vite/manifest.json"]) {
      const res = await get(url);
      expect(res.body, url).not.toContain("outside-dist");
      expect(res.body, url).not.toBe("{}");
      expect(res.headers["cache-control"], url).not.toBe(IMMUTABLE);
    }
  });

  it("streams Test Connectivity's NDJSON uncompressed and unbuffered next to the console", async () => {
    // A stand-in tester that reports one check running, then waits until the client has read it.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const connectivity: ConnectivityTester = async (_input, run) => {
      run?.onEvent?.({ event: "running", id: "assume_role" });
      await released;
      return { ok: true, checks: [], tested_at: new Date().toISOString() };
    };
    const stores = { dataSources: { recordConnectivityTest: async () => {} }, tasks: {} } as unknown as ApiStores;
    const streaming = await buildApp({ authenticate: fixedPrincipal("org-under-test"),
      config: loadConfig({ ORG_ID: "org-under-test" }),
      logger: pino({ level: "silent" }),
      staticDir: path.join(workDir, "dist"),
      stores,
      connectivity,
    });
    try {
      const base = await streaming.listen({ port: 0, host: "127.0.0.1" });
      const res = await fetch(`${base}/api/data-sources/test`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/x-ndjson", "accept-encoding": "br, gzip" },
        body: JSON.stringify(connectionOf(makeDataSourceInput("org-under-test"))),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-encoding")).toBeNull();
      const reader = res.body!.getReader();
      // The first line arrives while the test is still running: nothing holds it back.
      expect(new TextDecoder().decode((await reader.read()).value)).toBe(`{"event":"running","id":"assume_role"}\n`);
      release();
      while (!(await reader.read()).done);
    } finally {
      release();
      await streaming.close();
    }
  });

  it("leaves the API alone: JSON, no compression, no static caching, 404 as JSON", async () => {
    const health = await get("/api/health", "br, gzip");
    expect(health.statusCode).toBe(200);
    expect(health.headers["content-encoding"]).toBeUndefined();
    expect(health.headers["cache-control"]).toBeUndefined();
    expect(health.json()).toEqual({ status: "ok" });

    const missing = await get("/api/nope", "br");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toContain("/api/nope");

    const post = await app.inject({ method: "POST", url: "/data/sources", headers: { "accept-encoding": "br" } });
    expect(post.statusCode).toBe(404);
    expect(post.headers["content-type"]).toMatch(/json/);
  });
});
