// Single sign-on end to end over real HTTP: the OIDC stand-in (oidc-provider, sandbox/oidc) on
// 127.0.0.1:0 and the real API on SQLite with ADMIN_* seeding. The test plays the browser with
// fetch and a cookie jar per site: POST /api/auth/sign-in/social → the provider's authorize URL →
// its login and consent pages → the API's callback → session cookie → GET /api/session. Nothing is
// mocked.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionSchema, signInOptionsSchema } from "#contracts/session.ts";
import { startOidcStandIn, type OidcStandIn } from "../sandbox/oidc/server.ts";
import { buildApp } from "../server/api/app.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { ssoPlugin } from "../server/auth/sso.ts";
import { loadConfig } from "../server/config.ts";
import { openStore, type Stores } from "../server/store/open.ts";

const ADMIN = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: "ak_" + "x".repeat(45) };
const CLIENT = { OIDC_CLIENT_ID: "console", OIDC_CLIENT_SECRET: "console-secret-for-tests" };
const TIMEOUT_MS = 10_000;

/** Cookies of one site, as a browser keeps them (paths ignored: each flow's names are distinct enough). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  has(name: RegExp): boolean {
    return [...this.cookies.keys()].some((key) => name.test(key));
  }
}

/** A browser over fetch: follows nothing by itself, keeps cookies per origin. */
class Browser {
  private readonly jars = new Map<string, Jar>();
  jar(origin: string): Jar {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Jar()));
    return jar;
  }
  async request(url: string, init: { method?: string; json?: unknown; form?: Record<string, string> } = {}): Promise<Response> {
    const jar = this.jar(new URL(url).origin);
    const headers: Record<string, string> = { cookie: jar.header() };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    jar.take(response);
    return response;
  }
  /** GETs `url` and follows redirects while they stay on `origin` (the provider's own steps). */
  async follow(url: string, origin: string): Promise<{ url: string; response: Response }> {
    let response = await this.request(url);
    while (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get("location")!, url).href;
      if (new URL(url).origin !== origin) break;
      response = await this.request(url);
    }
    return { url, response };
  }
}

interface Api {
  address: string;
  app: FastifyInstance;
  stores: Stores;
  dir: string;
  stop(): Promise<void>;
}

/** `logged`, when given, receives the API's error lines. */
async function startApi(env: Record<string, string>, logged?: string[]): Promise<Api> {
  const dir = mkdtempSync(path.join(tmpdir(), "sso-"));
  const config = loadConfig({ HOST: "127.0.0.1", DATA_DIR: dir, ORG_ID: "local-org", ...ADMIN, ...CLIENT, ...env });
  const stores = await openStore({ dataDir: config.dataDir, url: config.databaseUrl });
  const logger = logged ? pino({ level: "error" }, { write: (line: string) => void logged.push(line) }) : pino({ level: "silent" });
  await seedFirstRun(config, stores.db, logger);
  const app = await buildApp({ config, logger, stores });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    address,
    app,
    stores,
    dir,
    async stop() {
      await app.close();
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Up to the provider's login page: the API's answer and the page's URL. */
async function startSignIn(browser: Browser, api: Api, idp: OidcStandIn) {
  const started = await browser.request(`${api.address}/api/auth/sign-in/social`, { json: { provider: "oidc", callbackURL: "/" } });
  expect(started.status).toBe(200);
  const { url } = (await started.json()) as { url: string };
  expect(new URL(url).origin).toBe(idp.issuer);
  const authorize = new URL(url).searchParams;
  // PKCE and the OIDC nonce, made and kept by the library.
  expect(authorize.get("code_challenge_method")).toBe("S256");
  expect(authorize.get("nonce")).toBeTruthy();
  expect(authorize.get("redirect_uri")).toBe(`${api.address}/api/auth/callback/oidc`);
  const login = await browser.follow(url, idp.issuer);
  expect(login.response.status).toBe(200);
  expect(await login.response.text()).toContain('name="password"');
  return login.url;
}

/** Logs in at the provider and consents; answers the provider's redirect back to the API. */
async function loginAndConsent(browser: Browser, idp: OidcStandIn, loginUrl: string, password: string): Promise<Response> {
  const loggedIn = await browser.request(`${loginUrl}/login`, { form: { email: idp.user.email, password } });
  if (loggedIn.status !== 303) return loggedIn;
  const consent = await browser.follow(new URL(loggedIn.headers.get("location")!, loginUrl).href, idp.issuer);
  expect(await consent.response.text()).toContain("Allow");
  const allowed = await browser.request(`${consent.url}/confirm`, { form: {} });
  expect(allowed.status).toBe(303);
  const back = await browser.follow(new URL(allowed.headers.get("location")!, consent.url).href, idp.issuer);
  return back.response;
}

const callbackOf = (response: Response) => new URL(response.headers.get("location")!);

describe("single sign-on through the OIDC stand-in", () => {
  let idp: OidcStandIn;
  let api: Api;

  beforeAll(async () => {
    idp = await startOidcStandIn({ port: 0 });
    api = await startApi({ OIDC_ISSUER: idp.issuer, OIDC_LABEL: "Example SSO" });
    idp.register({ clientId: CLIENT.OIDC_CLIENT_ID, clientSecret: CLIENT.OIDC_CLIENT_SECRET, redirectUris: [`${api.address}/api/auth/callback/oidc`] });
  });
  afterAll(async () => {
    await api?.stop();
    await idp?.stop();
  });

  it("offers the button on the sign-in options", async () => {
    const response = await fetch(`${api.address}/api/sign-in-options`);
    expect(signInOptionsSchema.parse(await response.json()).sso).toEqual({ provider_id: "oidc", label: "Example SSO" });
  });

  it("signs in a first-time user, who joins OIDC_ORG_ID as a viewer", async () => {
    const browser = new Browser();
    const loginUrl = await startSignIn(browser, api, idp);
    const back = await loginAndConsent(browser, idp, loginUrl, idp.user.password);
    const callback = callbackOf(back);
    expect(callback.origin + callback.pathname).toBe(`${api.address}/api/auth/callback/oidc`);
    // RFC 9207: the provider names itself on the way back; the library checks it.
    expect(callback.searchParams.get("iss")).toBe(idp.issuer);

    const landed = await browser.request(callback.href);
    expect(landed.status).toBe(302);
    expect(landed.headers.get("location")).toBe("/");
    const session = await browser.request(`${api.address}/api/session`);
    expect(session.status).toBe(200);
    const body = sessionSchema.parse(await session.json());
    expect(body.user.email).toBe(idp.user.email);
    expect(body.via).toBe("session");
    expect(body.organizations).toEqual([{ org_id: "local-org", name: "local-org", role: "viewer" }]);
    expect(body.active).toEqual({ org_id: "local-org", name: "local-org", role: "viewer" });
  });

  it("a second sign-on reuses the user and changes no membership", async () => {
    const db = api.stores.db.db;
    const [user] = await db.selectFrom("user" as never).selectAll().where("email" as never, "=", idp.user.email as never).execute();
    const { id } = user as { id: string };
    await db.updateTable("member" as never).set({ role: "operator" } as never).where("userId" as never, "=", id as never).execute();

    const browser = new Browser();
    const loginUrl = await startSignIn(browser, api, idp);
    const back = await loginAndConsent(browser, idp, loginUrl, idp.user.password);
    expect((await browser.request(callbackOf(back).href)).status).toBe(302);
    const body = sessionSchema.parse(await (await browser.request(`${api.address}/api/session`)).json());
    expect(body.user.id).toBe(id);
    expect(body.organizations).toEqual([{ org_id: "local-org", name: "local-org", role: "operator" }]);
    const users = await db.selectFrom("user" as never).select("id" as never).execute();
    expect(users).toHaveLength(2);
  });

  it("a wrong password at the provider goes no further and gives no session", async () => {
    const browser = new Browser();
    const loginUrl = await startSignIn(browser, api, idp);
    const refused = await loginAndConsent(browser, idp, loginUrl, "not the password");
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain("Wrong email or password.");
    expect(browser.jar(api.address).has(/session_token/)).toBe(false);
    expect((await browser.request(`${api.address}/api/session`)).status).toBe(401);
  });

  it("refuses a tampered state, and a callback naming another issuer", async () => {
    const cases: Array<[error: string, tamper: (url: URL) => void]> = [
      ["state_mismatch", (url) => url.searchParams.set("state", url.searchParams.get("state")!.replace(/.$/, (c) => (c === "a" ? "b" : "a")))],
      // A mix-up: the code came back marked as another provider's (RFC 9207).
      ["issuer_mismatch", (url) => url.searchParams.set("iss", "http://127.0.0.1:1")],
    ];
    for (const [error, tamper] of cases) {
      const browser = new Browser();
      const loginUrl = await startSignIn(browser, api, idp);
      const callback = callbackOf(await loginAndConsent(browser, idp, loginUrl, idp.user.password));
      tamper(callback);
      const refused = await browser.request(callback.href);
      expect(refused.status).toBe(302);
      expect(new URL(refused.headers.get("location")!).searchParams.get("error")).toBe(error);
      expect(browser.jar(api.address).has(/session_token/)).toBe(false);
      expect((await browser.request(`${api.address}/api/session`)).status).toBe(401);
    }
  });

  it("does not accept an ID token posted by the browser instead of the redirect flow", async () => {
    const response = await fetch(`${api.address}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "oidc", idToken: { token: "eyJhbGciOiJub25lIn0.e30." } }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^idToken: /);
    expect(response.headers.getSetCookie().join()).not.toMatch(/session_token/);
  });
});

describe("single sign-on refused by configuration", () => {
  let idp: OidcStandIn;
  beforeAll(async () => {
    idp = await startOidcStandIn({ port: 0 });
  });
  afterAll(async () => {
    await idp?.stop();
  });

  it("is off when discovery names another issuer than OIDC_ISSUER", async () => {
    // Same provider, reached by another name: its discovery says 127.0.0.1, not localhost.
    const logged: string[] = [];
    const api = await startApi({ OIDC_ISSUER: idp.issuer.replace("127.0.0.1", "localhost") }, logged);
    try {
      idp.register({ clientId: CLIENT.OIDC_CLIENT_ID, clientSecret: CLIENT.OIDC_CLIENT_SECRET, redirectUris: [`${api.address}/api/auth/callback/oidc`] });
      const response = await fetch(`${api.address}/api/auth/sign-in/social`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
      });
      expect(response.status).toBe(404);
      expect(logged.join("\n")).toContain(`names issuer \\"${idp.issuer}\\", not OIDC_ISSUER`);
    } finally {
      await api.stop();
    }
  });

  it("creates no user when OIDC_ORG_ID names no organization", async () => {
    const stale = await startOidcStandIn({ port: 0 });
    const api = await startApi({ OIDC_ISSUER: stale.issuer, OIDC_ORG_ID: "no-such-org" });
    try {
      stale.register({ clientId: CLIENT.OIDC_CLIENT_ID, clientSecret: CLIENT.OIDC_CLIENT_SECRET, redirectUris: [`${api.address}/api/auth/callback/oidc`] });
      const browser = new Browser();
      const loginUrl = await startSignIn(browser, api, stale);
      const refused = await browser.request(callbackOf(await loginAndConsent(browser, stale, loginUrl, stale.user.password)).href);
      expect(refused.status).toBe(302);
      expect(refused.headers.get("location")).toMatch(/[?&]error=sso_not_set_up/);
      const users = await api.stores.db.db.selectFrom("user" as never).select("email" as never).execute();
      expect(users).toEqual([{ email: ADMIN.ADMIN_EMAIL }]);
    } finally {
      await api.stop();
      await stale.stop();
    }
  });

  it("does not hand an existing password user's account to a provider user with the same email", async () => {
    const impostor = await startOidcStandIn({ port: 0, user: { sub: "someone-else", email: ADMIN.ADMIN_EMAIL } });
    const api = await startApi({ OIDC_ISSUER: impostor.issuer });
    try {
      impostor.register({ clientId: CLIENT.OIDC_CLIENT_ID, clientSecret: CLIENT.OIDC_CLIENT_SECRET, redirectUris: [`${api.address}/api/auth/callback/oidc`] });
      const browser = new Browser();
      const loginUrl = await startSignIn(browser, api, impostor);
      const refused = await browser.request(callbackOf(await loginAndConsent(browser, impostor, loginUrl, impostor.user.password)).href);
      expect(refused.status).toBe(302);
      expect(new URL(refused.headers.get("location")!).searchParams.get("error")).toBe("account_not_linked");
      expect(browser.jar(api.address).has(/session_token/)).toBe(false);
      const accounts = await api.stores.db.db.selectFrom("account" as never).select("providerId" as never).execute();
      expect(accounts).toEqual([{ providerId: "credential" }]);
    } finally {
      await api.stop();
      await impostor.stop();
    }
  });

  it("generic-oauth brings no tables of its own (the migrate step builds without OIDC configuration)", () => {
    const plugin = ssoPlugin(loadConfig({ OIDC_ISSUER: "https://idp.example.com", ORG_ID: "local-org", ...CLIENT }).oidc!);
    expect("schema" in plugin).toBe(false);
  });
});
