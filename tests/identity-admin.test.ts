// The admin side of identity through the real API on 127.0.0.1, with real better-auth on SQLite
// and PostgreSQL (tests/support/postgres.ts), seeded with ADMIN_*: invitations (link once,
// preview, accept as a new or existing person), members (role changes apply on the next request,
// never without an admin), API keys (shown once, role-bound, last use, revocation, capped by the
// creator's role), the audit log, and another organization's ids answering 404.
// Mocked, and only these: Test Connectivity and the Databend target check are stand-ins that
// pass, since this suite is about who may do what, not about AWS or Databend.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPageSchema } from "#contracts/audit.ts";
import { makeDataSourceInput } from "./support/fixtures.ts";
import { buildApp } from "../server/api/app.ts";
import { createAuth } from "../server/auth/auth.ts";
import { invitationBook, invitationHandle } from "../server/auth/invitations.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { loadConfig } from "../server/config.ts";
import type { ConnectivityTester } from "../server/connectivity/engine.ts";
import type { TargetChecker } from "../server/databend/target-check.ts";
import { openStore } from "../server/store/open.ts";
import { MISSING, SKIP_POSTGRES, SKIP_REASON, postgresBinDir, startPostgres, type PostgresCluster } from "./support/postgres.ts";

const ORG = "local-org";
const ADMIN = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: "ak_" + "x".repeat(45) };
const OPS = { email: "ops@example.com", password: "operator password 1", name: "Ops" };
const PASSWORDS = [ADMIN.ADMIN_PASSWORD, OPS.password, "returning password 2"];
const TIMEOUT_MS = 10_000;

const passingTest: ConnectivityTester = async () => ({ ok: true, checks: [], tested_at: new Date().toISOString() });
const tableExists: TargetChecker = { address: "stand-in:8000", user: "test", timeoutMs: 1000, check: async () => ({ status: "ok" }), close: async () => {} };

async function start(env: Record<string, string>) {
  const config = loadConfig({ HOST: "127.0.0.1", ORG_ID: ORG, ...env, ...ADMIN });
  const stores = await openStore({ dataDir: config.dataDir, url: config.databaseUrl });
  const logger = pino({ level: "silent" });
  await seedFirstRun(config, stores.db, logger);
  const app: FastifyInstance = await buildApp({ config, logger, stores, connectivity: passingTest, targetChecker: tableExists });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return { config, stores, address, stop: async () => (await app.close(), await stores.close()) };
}
type Api = Awaited<ReturnType<typeof start>>;

interface Call {
  cookie?: string;
  key?: string;
  body?: unknown;
}

function client(api: Api) {
  const call = async (method: string, url: string, { cookie, key, body }: Call = {}) => {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(api.address + url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, json: (text ? JSON.parse(text) : null) as any, text, cookies: response.headers.getSetCookie() };
  };
  const cookieOf = (cookies: string[]) => cookies.map((cookie) => cookie.split(";")[0]!).filter((pair) => pair.includes("session_token=")).join("; ");
  const signIn = async (email: string, password: string) => {
    const response = await call("POST", "/api/auth/sign-in/email", { body: { email, password } });
    expect(response.status, response.text).toBe(200);
    return cookieOf(response.cookies);
  };
  return { call, signIn, cookieOf };
}

let cluster: PostgresCluster | undefined;
const dirs: string[] = [];
const targets = [
  { name: "sqlite", skip: null as string | null, env: async () => ({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "identity-admin-")) }) },
  {
    name: "postgres",
    skip: SKIP_POSTGRES ? SKIP_REASON : null,
    env: async () => {
      if (!postgresBinDir()) throw new Error(MISSING);
      cluster ??= await startPostgres();
      return { DATABASE_URL: await cluster.createDatabase() };
    },
  },
];

afterAll(async () => {
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(targets)("members, invitations, keys and audit on $name", (target) => {
  const suite = target.skip ? describe.skip : describe;
  suite("", () => {
    let api: Api;
    let c: ReturnType<typeof client>;
    let admin: string;
    let ops: string;
    let opsId: string;
    const keyValues: string[] = [];

    beforeAll(async () => {
      const env: Record<string, string> = await target.env();
      if (env.DATA_DIR) dirs.push(env.DATA_DIR);
      api = await start(env);
      c = client(api);
      admin = await c.signIn(ADMIN.ADMIN_EMAIL, ADMIN.ADMIN_PASSWORD);
    }, 120_000);
    afterAll(async () => api?.stop());

    it("invites by email: the link once, a public preview, then accepting makes the person and signs them in with their role", async () => {
      const invited = await c.call("POST", "/api/invitations", { cookie: admin, body: { email: " OPS@example.com ", role: "operator" } });
      expect(invited.status, invited.text).toBe(201);
      expect(invited.json).toMatchObject({ email: OPS.email, role: "operator", invited_by: ADMIN.ADMIN_EMAIL });
      const url = new URL(invited.json.url);
      expect(url.origin).toBe(api.address);
      const secret = decodeURIComponent(url.pathname.replace(/^\/invite\//, ""));
      expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(invited.json.id).toBe(invitationHandle(secret));

      // The list names it by its handle; the link's secret is in no answer but the first.
      const listed = await c.call("GET", "/api/invitations", { cookie: admin });
      expect(listed.json.items).toMatchObject([{ id: invited.json.id, email: OPS.email, role: "operator" }]);
      expect(listed.text).not.toContain(secret);

      const preview = await c.call("GET", `/api/invitations/${secret}`);
      expect(preview.status).toBe(200);
      expect(preview.json).toEqual({ organization_name: ORG, email: OPS.email, role: "operator", account_exists: false });
      expect((await c.call("GET", `/api/invitations/${"A".repeat(32)}`)).status).toBe(404);

      const incomplete = await c.call("POST", `/api/invitations/${secret}/accept`, { body: {} });
      expect(incomplete.status).toBe(400);
      expect(Object.keys(incomplete.json.fields).sort()).toEqual(["name", "password"]);

      const accepted = await c.call("POST", `/api/invitations/${secret}/accept`, { body: { name: OPS.name, password: OPS.password } });
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.json).toMatchObject({ user: { email: OPS.email }, via: "session", active: { org_id: ORG, role: "operator" } });
      const fromAccept = c.cookieOf(accepted.cookies);
      expect(fromAccept).toContain("session_token=");
      opsId = accepted.json.user.id;
      expect((await c.call("GET", "/api/session", { cookie: fromAccept })).json.active).toMatchObject({ role: "operator" });

      // Used once: the link is gone; the person signs in with the password they chose.
      expect((await c.call("GET", `/api/invitations/${secret}`)).status).toBe(404);
      expect((await c.call("POST", `/api/invitations/${secret}/accept`, { body: { name: "Again", password: "another password x" } })).status).toBe(404);
      ops = await c.signIn(OPS.email, OPS.password);
      expect((await c.call("GET", "/api/session", { cookie: ops })).json.active).toEqual({ org_id: ORG, name: ORG, role: "operator" });
      expect((await c.call("GET", "/api/members", { cookie: ops })).status).toBe(403);
      const members = await c.call("GET", "/api/members", { cookie: admin });
      expect(members.json.items.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
        [ADMIN.ADMIN_EMAIL, "admin"],
        [OPS.email, "operator"],
      ]);
      expect((await c.call("GET", "/api/invitations", { cookie: admin })).json.items).toEqual([]);
    });

    it("cancels an invitation: its link stops working", async () => {
      const invited = await c.call("POST", "/api/invitations", { cookie: admin, body: { email: "late@example.com", role: "viewer" } });
      const secret = new URL(invited.json.url).pathname.split("/").pop()!;
      expect((await c.call("DELETE", `/api/invitations/${invited.json.id}`, { cookie: admin })).status).toBe(204);
      expect((await c.call("GET", `/api/invitations/${secret}`)).status).toBe(404);
      expect((await c.call("DELETE", `/api/invitations/${invited.json.id}`, { cookie: admin })).status).toBe(404);
      expect((await c.call("POST", "/api/invitations", { cookie: admin, body: { email: OPS.email, role: "viewer" } })).status).toBe(409);
    });

    it("applies a role change on the member's next request", async () => {
      const test = () => c.call("POST", "/api/data-sources/test", { cookie: ops, body: makeDataSourceInput(ORG) });
      expect((await test()).status).toBe(200);
      const changed = await c.call("PATCH", `/api/members/${opsId}`, { cookie: admin, body: { role: "viewer" } });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.json).toMatchObject({ user_id: opsId, role: "viewer" });
      const refused = await test();
      expect(refused.status).toBe(403);
      expect(refused.json.error).toMatch(/Viewer/);
      expect((await c.call("PATCH", `/api/members/${opsId}`, { cookie: admin, body: { role: "operator" } })).status).toBe(200);
      expect((await test()).status).toBe(200);
      expect((await c.call("PATCH", `/api/members/${opsId}`, { cookie: admin, body: { role: "owner" } })).status).toBe(400);
    });

    it("never leaves the organization without an admin", async () => {
      const me = (await c.call("GET", "/api/session", { cookie: admin })).json.user.id as string;
      const demote = await c.call("PATCH", `/api/members/${me}`, { cookie: admin, body: { role: "operator" } });
      expect(demote.status).toBe(409);
      expect(demote.json.error).toMatch(/last admin/);
      expect((await c.call("DELETE", `/api/members/${me}`, { cookie: admin })).status).toBe(409);
      expect((await c.call("GET", "/api/session", { cookie: admin })).json.active.role).toBe("admin");
    });

    it("an existing account accepts only when signed in as the invited email; removal and re-invitation", async () => {
      // A person removed from the organization keeps their account; invited again, they sign in to accept.
      expect((await c.call("DELETE", `/api/members/${opsId}`, { cookie: admin })).status).toBe(204);
      expect((await c.call("GET", "/api/session", { cookie: ops })).json.active).toBeNull();
      expect((await c.call("GET", "/api/data-sources", { cookie: ops })).status).toBe(403);
      const invited = await c.call("POST", "/api/invitations", { cookie: admin, body: { email: OPS.email, role: "operator" } });
      const secret = new URL(invited.json.url).pathname.split("/").pop()!;
      expect((await c.call("GET", `/api/invitations/${secret}`)).json.account_exists).toBe(true);
      const anonymous = await c.call("POST", `/api/invitations/${secret}/accept`, { body: { name: "Mallory", password: "mallory's password" } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.json.error).toMatch(/sign in as ops@example.com/);
      expect((await c.call("POST", `/api/invitations/${secret}/accept`, { cookie: admin, body: {} })).status).toBe(403);
      expect((await c.call("POST", `/api/invitations/${secret}/accept`, { key: ADMIN.ADMIN_API_KEY, body: {} })).status).toBe(401);
      // Nothing changed by the refusals: the password is still the person's own.
      ops = await c.signIn(OPS.email, OPS.password);
      const accepted = await c.call("POST", `/api/invitations/${secret}/accept`, { cookie: ops, body: {} });
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.json.active).toEqual({ org_id: ORG, name: ORG, role: "operator" });
    });

    it("API keys: shown once, act with their role, listed with last use and never the key, revoked at once", async () => {
      const made = await c.call("POST", "/api/keys", { cookie: admin, body: { name: "ci-readonly", role: "viewer" } });
      expect(made.status, made.text).toBe(201);
      const { key, id } = made.json as { key: string; id: string };
      keyValues.push(key);
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect(made.json).toMatchObject({ name: "ci-readonly", role: "viewer", created_by: ADMIN.ADMIN_EMAIL, last_used_at: null, start: key.slice(0, 6) });

      const listing = () => c.call("GET", "/api/keys", { cookie: admin });
      const before = await listing();
      expect(before.text).not.toContain(key);
      expect(before.json.items.find((k: { id: string }) => k.id === id)).toMatchObject({ last_used_at: null });
      expect(before.json.items.map((k: { name: string }) => k.name).sort()).toEqual(["ADMIN_API_KEY", "ci-readonly"]);

      expect((await c.call("GET", "/api/data-sources", { key })).status).toBe(200);
      expect((await c.call("POST", "/api/data-sources/test", { key, body: makeDataSourceInput(ORG) })).status).toBe(403);
      expect((await c.call("GET", "/api/keys", { key })).status).toBe(403);
      const used = (await listing()).json.items.find((k: { id: string }) => k.id === id);
      expect(used.last_used_at).not.toBeNull();
      expect(Date.now() - Date.parse(used.last_used_at)).toBeLessThan(60_000);

      expect((await c.call("DELETE", `/api/keys/${id}`, { cookie: admin })).status).toBe(204);
      expect((await c.call("GET", "/api/data-sources", { key })).status).toBe(401);
      expect((await c.call("DELETE", `/api/keys/${id}`, { cookie: admin })).status).toBe(404);
      expect((await listing()).json.items.map((k: { id: string }) => k.id)).not.toContain(id);
    });

    it("a key acts with at most its creator's current role", async () => {
      expect((await c.call("PATCH", `/api/members/${opsId}`, { cookie: admin, body: { role: "admin" } })).status).toBe(200);
      const made = await c.call("POST", "/api/keys", { cookie: ops, body: { name: "ops-admin", role: "admin" } });
      expect(made.status).toBe(201);
      keyValues.push(made.json.key);
      expect((await c.call("GET", "/api/members", { key: made.json.key })).status).toBe(200);
      expect((await c.call("PATCH", `/api/members/${opsId}`, { cookie: admin, body: { role: "operator" } })).status).toBe(200);
      expect((await c.call("GET", "/api/members", { key: made.json.key })).status).toBe(403);
      expect((await c.call("GET", "/api/session", { key: made.json.key })).json.active.role).toBe("operator");
      // An operator cannot make keys at all (admin only), so cannot make one above their role.
      expect((await c.call("POST", "/api/keys", { cookie: ops, body: { name: "sneaky", role: "admin" } })).status).toBe(403);
      expect((await c.call("POST", "/api/keys", { key: made.json.key, body: { name: "sneaky", role: "admin" } })).status).toBe(403);
    });

    it("records who did what, from which session or key, newest first, and no secret", async () => {
      const input = makeDataSourceInput(ORG, { name: "audited", queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/audited" });
      expect((await c.call("POST", "/api/data-sources/test", { cookie: ops, body: input })).status).toBe(200);
      const source = await c.call("POST", "/api/data-sources", { cookie: ops, body: input });
      expect(source.status, source.text).toBe(201);
      const renamed = { ...input, name: "audited-2" };
      expect((await c.call("PUT", `/api/data-sources/${source.json.id}`, { cookie: ops, body: renamed })).status).toBe(200);
      expect((await c.call("POST", "/api/data-sources/test", { key: ADMIN.ADMIN_API_KEY, body: renamed })).status).toBe(200);
      const taskInput = { name: "audited-task", data_source_id: source.json.id, file_format: { type: "csv" }, target: { database: "sales", table: "orders" } };
      const task = await c.call("POST", "/api/tasks", { key: ADMIN.ADMIN_API_KEY, body: taskInput });
      expect(task.status, task.text).toBe(201);
      expect((await c.call("PUT", `/api/tasks/${task.json.id}`, { cookie: ops, body: { ...taskInput, name: "audited-task-2" } })).status).toBe(200);
      expect((await c.call("POST", `/api/tasks/${task.json.id}/start`, { cookie: ops })).status).toBe(200);
      expect((await c.call("POST", `/api/tasks/${task.json.id}/stop`, { cookie: ops })).status).toBe(200);
      expect((await c.call("DELETE", `/api/tasks/${task.json.id}`, { cookie: ops })).status).toBe(204);
      expect((await c.call("DELETE", `/api/data-sources/${source.json.id}`, { cookie: ops })).status).toBe(204);

      expect((await c.call("GET", "/api/audit", { cookie: ops })).status).toBe(403);
      const page = await c.call("GET", "/api/audit?limit=10", { cookie: admin });
      expect(page.status, page.text).toBe(200);
      const log = auditPageSchema.parse(page.json);
      const asOps = { user_id: opsId, email: OPS.email, via: "session", key_id: null, key_name: null };
      const asKey = { email: ADMIN.ADMIN_EMAIL, via: "api_key", key_name: "ADMIN_API_KEY" };
      expect(log.items.map((e) => [e.action, e.resource_type, e.resource_name, e.outcome])).toEqual([
        ["deleted", "data_source", "audited-2", null],
        ["deleted", "task", "audited-task-2", null],
        ["stopped", "task", "audited-task-2", null],
        ["started", "task", "audited-task-2", null],
        ["edited", "task", "audited-task-2", null],
        ["created", "task", "audited-task", null],
        ["tested", "data_source", "audited-2", "passed"],
        ["edited", "data_source", "audited-2", null],
        ["created", "data_source", "audited", null],
        ["tested", "data_source", "audited", "passed"],
      ]);
      expect(log.items[0]!.actor).toEqual(asOps);
      expect(log.items[5]!.actor).toMatchObject(asKey);
      expect(log.items[6]).toMatchObject({ resource_id: source.json.id, actor: asKey });
      expect(log.items[8]).toMatchObject({ resource_id: source.json.id, actor: asOps });
      // Tested before it was saved under that name: no record, named by the name typed.
      expect(log.items[9]!.resource_id).toBeNull();

      // Older pages, down to the first event (the ADMIN_* seeding records none).
      const all = [...log.items];
      let before = log.next_before;
      while (before) {
        const next = auditPageSchema.parse((await c.call("GET", `/api/audit?limit=7&before=${before}`, { cookie: admin })).json);
        all.push(...next.items);
        before = next.next_before;
      }
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      expect(all.at(-1)).toMatchObject({ action: "invited", resource_type: "invitation", resource_name: OPS.email, outcome: "Operator" });
      const actions = all.map((e) => `${e.action} ${e.resource_type}`);
      for (const expected of ["joined member", "revoked invitation", "role_changed member", "removed member", "created api_key", "revoked api_key"]) {
        expect(actions).toContain(expected);
      }
      expect(all.filter((e) => e.action === "role_changed").map((e) => e.outcome).reverse()).toEqual(["Operator → Viewer", "Viewer → Operator", "Operator → Admin", "Admin → Operator"]);
      expect(all.find((e) => e.action === "joined")!.actor).toMatchObject({ user_id: opsId, email: OPS.email, via: "session" });

      const text = JSON.stringify(all);
      for (const secret of [...keyValues, ...PASSWORDS, ADMIN.ADMIN_API_KEY, input.queue_url, "sqs.us-east-1"]) expect(text).not.toContain(secret);
      expect((await c.call("GET", "/api/audit?before=nope", { cookie: admin })).status).toBe(400);
    });

    it("answers 404 for another organization's member, key and invitation", async () => {
      // Another organization with its own admin, key and invitation, made through better-auth directly.
      const auth = createAuth(api.config, api.stores.db, { allowSignUp: true });
      const { user } = await auth.api.signUpEmail({ body: { email: "other@example.com", password: "other admin password", name: "Other" } });
      const org = await auth.api.createOrganization({ body: { name: "Other org", slug: "other-org", userId: user.id } });
      const key = await auth.api.createApiKey({ body: { userId: user.id, name: "other-key", metadata: { org_id: org!.id, role: "admin" } } });
      const invitation = await invitationBook(auth, api.stores.db).create(org!.id, "guest@example.com", "viewer", user.id);

      expect((await c.call("PATCH", `/api/members/${user.id}`, { cookie: admin, body: { role: "viewer" } })).status).toBe(404);
      expect((await c.call("DELETE", `/api/members/${user.id}`, { cookie: admin })).status).toBe(404);
      expect((await c.call("DELETE", `/api/keys/${key.id}`, { cookie: admin })).status).toBe(404);
      expect((await c.call("DELETE", `/api/invitations/${invitationHandle(invitation.id)}`, { cookie: admin })).status).toBe(404);
      expect((await c.call("GET", "/api/keys", { cookie: admin })).text).not.toContain(key.id);
      expect((await c.call("GET", "/api/members", { cookie: admin })).text).not.toContain("other@example.com");
      expect((await c.call("GET", "/api/invitations", { cookie: admin })).text).not.toContain("guest@example.com");
      // And the other organization's key sees none of ours.
      expect((await c.call("GET", "/api/members", { key: key.key })).json.items).toMatchObject([{ email: "other@example.com" }]);
      expect((await c.call("DELETE", `/api/members/${opsId}`, { key: key.key })).status).toBe(404);
      expect((await c.call("GET", "/api/audit", { key: key.key })).json.items).toEqual([]);
    });
  });
});
