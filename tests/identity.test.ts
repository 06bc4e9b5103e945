// Identity groundwork on SQLite and PostgreSQL (a throwaway cluster, tests/support/postgres.ts):
// first-run seeding from ADMIN_EMAIL/ADMIN_PASSWORD/ADMIN_API_KEY, sign-in through better-auth's
// handler with a session cookie, and GET /api/session by cookie or `Authorization: Bearer <key>`.
// Real servers on 127.0.0.1, real fetch, real better-auth; nothing is mocked.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionSchema } from "#contracts/session.ts";
import { buildApp } from "../server/api/app.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { SIGN_IN_MAX_ATTEMPTS } from "../server/auth/options.ts";
import { newSetupToken, type SetupToken } from "../server/api/routes/setup-token.ts";
import { loadConfig } from "../server/config.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import { MISSING, SKIP_POSTGRES, SKIP_REASON, postgresBinDir, startPostgres, type PostgresCluster } from "./support/postgres.ts";

const ADMIN = { ORG_ID: "local-org", ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: "ak_" + "x".repeat(45) };
const AUTH_TABLES = ["user", "account", "organization", "member", "apikey"] as const;
const TIMEOUT_MS = 10_000;

interface Target {
  name: string;
  skip: string | null;
  setup(): Promise<void>;
  /** A fresh, empty store's environment: DATA_DIR or DATABASE_URL. */
  env(): Promise<Record<string, string>>;
  teardown(): Promise<void>;
}

const dirs: string[] = [];
const sqlite: Target = {
  name: "sqlite",
  skip: null,
  async setup() {},
  async env() {
    const dir = mkdtempSync(path.join(tmpdir(), "identity-"));
    dirs.push(dir);
    return { DATA_DIR: dir };
  },
  async teardown() {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
};

let cluster: PostgresCluster | undefined;
const postgres: Target = {
  name: "postgres",
  skip: SKIP_POSTGRES ? SKIP_REASON : null,
  async setup() {
    if (!postgresBinDir()) throw new Error(MISSING);
    cluster = await startPostgres();
  },
  async env() {
    return { DATABASE_URL: await cluster!.createDatabase() };
  },
  async teardown() {
    await cluster?.stop();
  },
};

/** One start of the API: open (and migrate) the store, seed, listen on 127.0.0.1:0. */
async function start(env: Record<string, string>, options: { setupToken?: SetupToken } = {}) {
  const config = loadConfig({ HOST: "127.0.0.1", ...env });
  const stores = await openStore({ dataDir: config.dataDir, url: config.databaseUrl });
  const logger = pino({ level: "silent" });
  const seed = await seedFirstRun(config, stores.db, logger);
  const app: FastifyInstance = await buildApp({ config, logger, stores, ...options });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    app,
    dataDir: config.dataDir,
    stores,
    seed,
    fetch: (url: string, init: RequestInit = {}) => fetch(address + url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) }),
    async stop() {
      await app.close();
      await stores.close();
    },
  };
}

type Started = Awaited<ReturnType<typeof start>>;

/** The auth tables' rows, sorted, to compare two starts. */
async function authRows(stores: Stores) {
  const rows: Record<string, unknown[]> = {};
  for (const table of AUTH_TABLES) {
    const found = await stores.db.db.selectFrom(table as never).selectAll().execute();
    rows[table] = found.map((row) => JSON.stringify(row)).sort();
  }
  return rows;
}

const signIn = (api: Started, password: string) =>
  api.fetch("/api/auth/sign-in/email", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password }),
  });

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe.each([sqlite, postgres])("identity on $name", (target) => {
  const suite = target.skip ? describe.skip : describe;
  suite("", () => {
    let env: Record<string, string>;
    let api: Started;
    beforeAll(async () => {
      await target.setup();
      env = { ...(await target.env()), ...ADMIN };
      api = await start(env);
    }, 120_000);
    afterAll(async () => {
      await api?.stop();
      await target.teardown();
    });

    it("seeds an empty store with the first organization (id ORG_ID), its admin and the admin key", async () => {
      expect(api.seed).toMatchObject({ seeded: true, organizationId: "local-org" });
      const db = api.stores.db.db;
      const users = await db.selectFrom("user" as never).selectAll().execute();
      expect(users).toMatchObject([{ email: ADMIN.ADMIN_EMAIL }]);
      expect(await db.selectFrom("organization" as never).selectAll().execute()).toMatchObject([{ id: "local-org" }]);
      expect(await db.selectFrom("member" as never).selectAll().execute()).toMatchObject([
        { organizationId: "local-org", userId: (users[0] as { id: string }).id, role: "admin" },
      ]);
      const keys = (await db.selectFrom("apikey" as never).selectAll().execute()) as { key: string; referenceId: string }[];
      expect(keys).toHaveLength(1);
      expect(keys[0]!.referenceId).toBe((users[0] as { id: string }).id);
      // Stored hashed: the value itself is nowhere in the row.
      expect(JSON.stringify(keys[0])).not.toContain(ADMIN.ADMIN_API_KEY);
    });

    it("ignores the seed variables on a later start: nothing duplicated or changed, the first key still works", async () => {
      const before = await authRows(api.stores);
      await api.stop();
      const otherKey = "ak_" + "y".repeat(45);
      api = await start({ ...env, ADMIN_PASSWORD: "another password entirely", ADMIN_API_KEY: otherKey });
      expect(api.seed).toEqual({ seeded: false });
      expect(await authRows(api.stores)).toEqual(before);
      expect((await api.fetch("/api/session", bearer(otherKey))).status).toBe(401);
      expect((await signIn(api, "another password entirely")).status).toBe(401);
      expect((await api.fetch("/api/session", bearer(ADMIN.ADMIN_API_KEY))).status).toBe(200);
    });

    it("signs the admin in with a session cookie (HttpOnly, SameSite=Lax, not Secure on loopback) that GET /api/session knows", async () => {
      const response = await signIn(api, ADMIN.ADMIN_PASSWORD);
      expect(response.status).toBe(200);
      const cookies = response.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith("better-auth.session_token="));
      expect(session, cookies.join("\n")).toBeDefined();
      expect(session).toMatch(/; HttpOnly/i);
      expect(session).toMatch(/; SameSite=Lax/i);
      expect(session).not.toMatch(/; Secure/i);

      const me = await api.fetch("/api/session", { headers: { cookie: session!.split(";")[0]! } });
      expect(me.status).toBe(200);
      expect(sessionSchema.parse(await me.json())).toMatchObject({
        user: { email: ADMIN.ADMIN_EMAIL },
        via: "session",
        organizations: [{ org_id: "local-org", role: "admin" }],
        active: { org_id: "local-org", role: "admin" },
      });
    });

    it("authenticates GET /api/session with the admin key as Authorization: Bearer, again and again", async () => {
      // More requests than the library's default per-key limit (10 a day), which is turned off.
      for (let i = 0; i < 12; i++) {
        const me = await api.fetch("/api/session", bearer(ADMIN.ADMIN_API_KEY));
        expect(me.status).toBe(200);
        expect(sessionSchema.parse(await me.json())).toMatchObject({
          user: { email: ADMIN.ADMIN_EMAIL },
          organizations: [{ org_id: "local-org", role: "admin" }],
        });
      }
    });

    it("answers 401 for a wrong password, a wrong key, and no credentials", async () => {
      const wrong = await signIn(api, "not the password");
      expect(wrong.status).toBe(401);
      expect(wrong.headers.getSetCookie().some((c) => c.includes("session_token=") && !/Max-Age=0/.test(c))).toBe(false);
      expect((await api.fetch("/api/session", bearer("ak_" + "z".repeat(45)))).status).toBe(401);
      expect((await api.fetch("/api/session", bearer("short"))).status).toBe(401);
      const none = await api.fetch("/api/session");
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: expect.stringMatching(/sign in/i) });
    });

    it("lets nobody sign themselves up through the served handler", async () => {
      const response = await api.fetch("/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "stranger@example.com", password: "a long enough password", name: "stranger" }),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await api.stores.db.db.selectFrom("user" as never).selectAll().execute()).toHaveLength(1);
    });

    it("answers 401 on the API's routes without credentials, and serves them to the admin's key", async () => {
      expect((await api.fetch("/api/data-sources")).status).toBe(401);
      expect((await api.fetch("/api/org")).status).toBe(401);
      expect((await api.fetch("/api/data-sources", bearer(ADMIN.ADMIN_API_KEY))).status).toBe(200);
      expect(await (await api.fetch("/api/org", bearer(ADMIN.ADMIN_API_KEY))).json()).toMatchObject({ org_id: "local-org" });
    });
  });
});

describe("session cookie outside loopback", () => {
  it("is Secure when PUBLIC_URL is not a loopback address", async () => {
    const api = await start({ ...(await sqlite.env()), ...ADMIN, PUBLIC_URL: "https://console.example.com" });
    try {
      const response = await api.fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://console.example.com" },
        body: JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD }),
      });
      expect(response.status).toBe(200);
      const session = response.headers.getSetCookie().find((c) => c.includes("session_token="));
      expect(session).toMatch(/; Secure/i);
      expect(session).toMatch(/; HttpOnly/i);
      expect(session).toMatch(/; SameSite=Lax/i);
    } finally {
      await api.stop();
      await sqlite.teardown();
    }
  });
});

describe("sign-in attempts", () => {
  it(`are throttled per client address after ${SIGN_IN_MAX_ATTEMPTS} a minute, and a forged x-client-address does not reset the count`, async () => {
    const api = await start({ ...(await sqlite.env()), ...ADMIN });
    try {
      const attempt = (remoteAddress: string, password: string, headers: Record<string, string> = {}, email: string = ADMIN.ADMIN_EMAIL) =>
        api.app.inject({
          method: "POST",
          url: "/api/auth/sign-in/email",
          remoteAddress,
          headers: { "content-type": "application/json", ...headers },
          payload: JSON.stringify({ email, password }),
        });
      // A different account each time, so the limit per account (tests/sign-in-behind-proxy.test.ts) stays out of it.
      for (let i = 0; i < SIGN_IN_MAX_ATTEMPTS; i++) {
        expect((await attempt("10.0.0.1", `guess ${i}`, { "x-client-address": `10.9.9.${i}` }, `nobody${i}@example.com`)).statusCode).toBe(401);
      }
      const throttled = await attempt("10.0.0.1", ADMIN.ADMIN_PASSWORD, { "x-client-address": "10.9.9.200" });
      expect(throttled.statusCode).toBe(429);
      expect(Number(throttled.headers["x-retry-after"] ?? throttled.headers["retry-after"])).toBeGreaterThan(0);
      // Another client is not locked out by the first one's guesses.
      expect((await attempt("10.0.0.2", ADMIN.ADMIN_PASSWORD)).statusCode).toBe(200);
    } finally {
      await api.stop();
      await sqlite.teardown();
    }
  });
});

describe("first-run setup", () => {
  const body = (token: string) => ({
    token,
    organization_name: "Acme Data",
    name: "Ana Admin",
    email: "Ana@Example.com",
    password: "a first-run password",
  });
  const post = (api: Awaited<ReturnType<typeof start>>, payload: unknown) =>
    api.fetch("/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });

  it("creates the first organization (a generated ID) and its admin with the printed token, once, and signs the admin in", async () => {
    const token = newSetupToken();
    const api = await start(await sqlite.env(), { setupToken: token });
    try {
      expect(await (await api.fetch("/api/sign-in-options")).json()).toEqual({ setup_needed: true, sso: null });
      const wrong = await post(api, body("not-the-token"));
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ fields: { token: expect.any(String) } });

      const made = await post(api, body(token.value));
      expect(made.status).toBe(200);
      const answer = sessionSchema.parse(await made.json());
      expect(answer).toMatchObject({ user: { email: "ana@example.com" }, active: { name: "Acme Data", role: "admin" } });
      // Generated: not the old fixed default, and long enough not to be guessed.
      expect(answer.active!.org_id).not.toBe("local-org");
      expect(answer.active!.org_id.length).toBeGreaterThanOrEqual(16);
      const cookie = made.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!.split(";")[0]!;
      const me = await api.fetch("/api/org", { headers: { cookie } });
      expect(await me.json()).toMatchObject({ org_id: answer.active!.org_id });

      // The token is dead, and the console no longer offers setup.
      expect((await post(api, { ...body(token.value), email: "other@example.com" })).status).toBe(400);
      expect(await (await api.fetch("/api/sign-in-options")).json()).toMatchObject({ setup_needed: false });
    } finally {
      await api.stop();
      await sqlite.teardown();
    }
  });

  it("is refused with 409 once a user exists, even with a live token", async () => {
    const api = await start({ ...(await sqlite.env()), ...ADMIN }, { setupToken: newSetupToken() });
    try {
      const token = newSetupToken();
      await api.stop();
      const again = await start({ DATA_DIR: api.dataDir }, { setupToken: token });
      try {
        expect((await post(again, body(token.value))).status).toBe(409);
      } finally {
        await again.stop();
      }
    } finally {
      await sqlite.teardown();
    }
  });
});
