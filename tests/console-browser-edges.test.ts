// The server's edges as a real browser meets them (Debian's Chromium): the built console runs
// under its Content Security Policy without a single violation, and a page on another site can
// neither frame it, nor start a task with a cross-site form, nor read the API by DNS rebinding.
// Another site is `evil.test`, which Chromium resolves to 127.0.0.1.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import { chromiumPath } from "./e2e/browser.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";

const DIST = path.resolve("dist");

let dataDir: string;
let api: FastifyInstance;
let apiPort: string;
let evil: Server;
let evilPort: number;
let browser: Browser;
let page: Page;
let consoleMessages: string[];
/** Every request the API answered: method, path and status. */
const answered: string[] = [];

/** What the attacker's site serves: one page per path. */
const EVIL_PAGES: Record<string, (apiOrigin: string) => string> = {
  "/frame": (apiOrigin) => `<!doctype html><iframe id="console" src="${apiOrigin}/data/sources"></iframe>`,
  "/fetch": () => "<!doctype html><p>fetching</p>",
  "/form": (apiOrigin) =>
    `<!doctype html><form id="f" method="POST" enctype="text/plain" action="${apiOrigin}/api/tasks/t-1/start">` +
    `<input name='{"a":"' value='"}'></form>`,
};

beforeAll(async () => {
  if (!existsSync(path.join(DIST, "index.html"))) throw new Error("The console is not built: run `npx vite build` first");
  dataDir = mkdtempSync(path.join(tmpdir(), "browser-edges-"));
  api = await buildApp({ authenticate: fixedPrincipal("org-1"), config: loadConfig({ ORG_ID: "org-1", DATA_DIR: dataDir }), logger: pino({ level: "silent" }), staticDir: DIST });
  api.addHook("onResponse", async (request, reply) => void answered.push(`${request.method} ${request.url} ${reply.statusCode}`));
  apiPort = new URL(await api.listen({ host: "127.0.0.1", port: 0 })).port;
  evil = createServer((req, res) => {
    const pageOf = EVIL_PAGES[req.url ?? ""];
    res.writeHead(pageOf ? 200 : 404, { "content-type": "text/html" }).end(pageOf?.(`http://127.0.0.1:${apiPort}`) ?? "");
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilPort = (evil.address() as { port: number }).port;
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--host-resolver-rules=MAP evil.test 127.0.0.1",
      // Recent Chromium also holds back a public page's requests to loopback (Local Network
      // Access); off, as in other browsers and older Chromium, so what is tested is the server.
      "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights",
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await new Promise((resolve) => evil?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  consoleMessages = [];
  page = await browser.newPage();
  page.on("console", (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleMessages.push(`pageerror: ${error.message}`));
  // Injected by the browser itself, so the page's own CSP does not stop it from listening.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
});
afterEach(() => page.close());

describe("the console under its CSP", () => {
  it("loads the Data Sources page with no CSP violation and no console error", async () => {
    const response = await page.goto(`http://127.0.0.1:${apiPort}/data/sources`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.getByRole("heading", { name: "Data Sources", level: 1 }).waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "Create Data Source" }).first().waitFor();
    // Mantine's runtime <style> elements are in place: its CSS variables reach the page.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--mantine-color-body").trim())).not.toBe("");
    expect(consoleMessages.filter((m) => /Content Security Policy|^error|^pageerror/i.test(m))).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it("runs no inline script even if one got into the page", async () => {
    await page.goto(`http://127.0.0.1:${apiPort}/data/sources`);
    await page.getByRole("heading", { name: "Data Sources", level: 1 }).waitFor({ timeout: 15_000 });
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([
      expect.stringMatching(/^script-src-elem inline$/),
    ]);
  });
});

describe("the console's own requests", () => {
  it("pass the edge as Chromium sends them: a bodiless start and a JSON create reach their routes", async () => {
    await page.goto(`http://127.0.0.1:${apiPort}/data/sources`);
    const answers = await page.evaluate(async () => {
      // As src/lib/api-client.ts sends them: no content type without a body.
      const start = await fetch("/api/tasks/t-1/start", { method: "POST" });
      const create = await fetch("/api/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      return [start.status, (await start.json()).error, create.status, (await create.json()).fields];
    });
    // The routes' own answers (no such task; the contract's field messages), not 403 or 415.
    expect(answers).toEqual([404, expect.stringContaining("t-1"), 400, expect.objectContaining({ name: expect.any(String) })]);
  });
});

describe("another site", () => {
  it("cannot frame the console", async () => {
    await page.goto(`http://evil.test:${evilPort}/frame`);
    const frame = page.frameLocator("#console");
    await expect.poll(() => consoleMessages.some((m) => m.includes("frame-ancestors 'none'")), { timeout: 10_000 }).toBe(true);
    expect(await frame.getByRole("heading", { name: "Data Sources" }).count()).toBe(0);
  });

  it("cannot start a task with a cross-site <form enctype=text/plain> POST", async () => {
    await page.goto(`http://evil.test:${evilPort}/form`);
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith("/api/tasks/t-1/start"), { timeout: 10_000 }),
      page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit()),
    ]);
    // Refused at the edge (a task that existed would not have started): not the route's 404.
    expect(answer.status()).toBe(403);
    expect((await answer.json()).error).toMatch(/^Cross-origin request refused: Origin "http:\/\/evil\.test:\d+"/);
  });

  it("cannot start a task with fetch: a simple no-cors POST is refused at the edge, a JSON POST never leaves the browser", async () => {
    await page.goto(`http://evil.test:${evilPort}/fetch`);
    answered.length = 0;
    const apiOrigin = `http://127.0.0.1:${apiPort}`;
    const outcomes = await page.evaluate(async (target) => {
      const simple = await fetch(`${target}/api/tasks/t-1/start`, { method: "POST", mode: "no-cors", credentials: "include", body: "{}" })
        .then((r) => `opaque:${r.type}`)
        .catch((e: Error) => `failed:${e.name}`);
      const json = await fetch(`${target}/api/tasks/t-1/start`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
        .then((r) => `read:${r.status}`)
        .catch((e: Error) => `failed:${e.name}`);
      return { simple, json };
    }, apiOrigin);
    // The simple request is sent (the browser cannot stop it) and refused by the Origin check; even
    // its opaque answer is withheld from the page (Cross-Origin-Resource-Policy: same-origin). The
    // JSON one needs a CORS preflight, which the API never grants, so it is never sent.
    expect(outcomes).toEqual({ simple: "failed:TypeError", json: "failed:TypeError" });
    await expect.poll(() => answered.filter((line) => line.startsWith("POST /api/tasks/t-1/start")), { timeout: 5_000 }).toEqual([
      expect.stringMatching(/ 403$/),
    ]);
    expect(answered.some((line) => line.startsWith("OPTIONS") && / 2\d\d$/.test(line))).toBe(false);
  });

  it("cannot read the API through DNS rebinding: its name is not one the server answers for", async () => {
    // The attack's second half: the page came from evil.test:<port> while the name pointed at the
    // attacker (served here by Playwright), then evil.test was re-pointed at the API's address.
    // Its fetch is now same-origin, so only the Host check stands between it and the data.
    const origin = `http://evil.test:${apiPort}`;
    await page.route(`${origin}/rebind`, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><p>rebinding</p>" }));
    await page.goto(`${origin}/rebind`);
    const result = await page.evaluate(async () => {
      const response = await fetch("/api/data-sources");
      return { status: response.status, body: await response.text() };
    });
    expect(result.status).toBe(421);
    expect(JSON.parse(result.body).error).toContain("ALLOWED_HOSTS");
  });
});
