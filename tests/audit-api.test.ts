// The audit log's newer half through the real API on 127.0.0.1, real better-auth and the real store
// on SQLite and PostgreSQL: Load existing objects (start, cancel) and first-run setup are recorded;
// a test of unsaved values names what was tested; the filters (who, action, record type, record,
// time range) are validated and bounded; the CSV export holds the filtered rows, escaped, and no
// secret. (Creating a table is recorded too: tests/task-preview.test.ts, against the dev warehouse.)
// Stand-ins, and only these: Test Connectivity and the Databend target check pass, since this
// suite is about what is recorded, not about AWS or Databend.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPageSchema, type AuditEvent } from "#contracts/audit.ts";
import { makeDataSourceInput } from "./support/fixtures.ts";
import { buildApp } from "../server/api/app.ts";
import { newSetupToken, type SetupToken } from "../server/api/routes/setup-token.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { loadConfig } from "../server/config.ts";
import type { ConnectivityTester } from "../server/connectivity/engine.ts";
import type { TargetChecker } from "../server/databend/target-check.ts";
import { openStore } from "../server/store/open.ts";
import { MISSING, SKIP_POSTGRES, SKIP_REASON, postgresBinDir, startPostgres, type PostgresCluster } from "./support/postgres.ts";

const ORG = "local-org";
const ADMIN = { ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "correct horse battery staple", ADMIN_API_KEY: "ak_" + "y".repeat(45) };
const TIMEOUT_MS = 10_000;

const passingTest: ConnectivityTester = async () => ({ ok: true, checks: [], tested_at: new Date().toISOString() });
const tableExists: TargetChecker = { address: "stand-in:8000", user: "test", timeoutMs: 1000, check: async () => ({ status: "ok" }), close: async () => {} };

async function start(env: Record<string, string>, setupToken?: SetupToken) {
  const config = loadConfig({ HOST: "127.0.0.1", ...env });
  const stores = await openStore({ dataDir: config.dataDir, url: config.databaseUrl });
  const logger = pino({ level: "silent" });
  await seedFirstRun(config, stores.db, logger);
  const app: FastifyInstance = await buildApp({ config, logger, stores, connectivity: passingTest, targetChecker: tableExists, setupToken });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const call = async (method: string, url: string, { cookie, key, body }: { cookie?: string; key?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(address + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    const json = response.headers.get("content-type")?.startsWith("application/json") && text ? JSON.parse(text) : null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, json: json as any, text, headers: response.headers };
  };
  return { call, stop: async () => (await app.close(), await stores.close()) };
}

let cluster: PostgresCluster | undefined;
const dirs: string[] = [];
const sqliteEnv = async () => {
  const DATA_DIR = mkdtempSync(path.join(tmpdir(), "audit-api-"));
  dirs.push(DATA_DIR);
  return { DATA_DIR };
};
const targets = [
  { name: "sqlite", skip: null as string | null, env: sqliteEnv },
  {
    name: "postgres",
    skip: SKIP_POSTGRES ? SKIP_REASON : null,
    env: async (): Promise<Record<string, string>> => {
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

const shape = (e: AuditEvent) => [e.action, e.resource_type, e.resource_name, e.outcome];

describe.each(targets)("audit log on $name", (target) => {
  const suite = target.skip ? describe.skip : describe;
  suite("", () => {
    let api: Awaited<ReturnType<typeof start>>;
    const key = ADMIN.ADMIN_API_KEY;
    let taskId: string;
    let firstAt: string;

    const log = async (query = "") => {
      const page = await api.call("GET", `/api/audit?limit=200${query}`, { key });
      expect(page.status, page.text).toBe(200);
      return auditPageSchema.parse(page.json).items;
    };

    beforeAll(async () => {
      api = await start({ ORG_ID: ORG, ...ADMIN, ...(await target.env()) });
    }, 120_000);
    afterAll(async () => api?.stop());

    it("names a test of unsaved values by the name typed, or else by the bucket tested", async () => {
      const input = makeDataSourceInput(ORG, { name: "draft_1", bucket: "audit-bucket" });
      expect((await api.call("POST", "/api/data-sources/test", { key, body: input })).status).toBe(200);
      expect((await api.call("POST", "/api/data-sources/test", { key, body: { ...input, name: "" } })).status).toBe(200);
      const [blank, named] = await log();
      expect(named).toMatchObject({ action: "tested", resource_type: "data_source", resource_id: null, resource_name: "draft_1", outcome: "passed" });
      expect(blank).toMatchObject({ action: "tested", resource_id: null, resource_name: "bucket audit-bucket" });
      firstAt = named!.at;
    });

    it("records Load existing objects once per job (a repeat is the same action) and its cancel", async () => {
      // A name a spreadsheet would run as a formula, with a comma and quotes: the CSV export below.
      const input = makeDataSourceInput(ORG, { name: "=cmd|' /C calc'!A0, \"quoted\"" });
      expect((await api.call("POST", "/api/data-sources/test", { key, body: input })).status).toBe(200);
      const source = await api.call("POST", "/api/data-sources", { key, body: input });
      expect(source.status, source.text).toBe(201);
      const task = await api.call("POST", "/api/tasks", {
        key,
        body: { name: "backfilled", data_source_id: source.json.id, file_format: { type: "csv" }, target: { database: "sales", table: "orders" } },
      });
      expect(task.status, task.text).toBe(201);
      taskId = task.json.id;
      expect((await api.call("POST", `/api/tasks/${taskId}/start`, { key })).status).toBe(200);
      const first = await api.call("POST", `/api/tasks/${taskId}/backfill`, { key, body: { since: "2024-05-01" } });
      expect(first.status, first.text).toBe(202);
      expect((await api.call("POST", `/api/tasks/${taskId}/backfill`, { key, body: {} })).status).toBe(200);
      expect((await api.call("DELETE", `/api/tasks/${taskId}/backfill`, { key })).status).toBe(200);
      // Nothing runs now: a refused cancel changes nothing and records nothing.
      expect((await api.call("DELETE", `/api/tasks/${taskId}/backfill`, { key })).status).toBe(409);

      const items = await log();
      expect(items.slice(0, 3).map(shape)).toEqual([
        ["backfill_cancelled", "task", "backfilled", null],
        ["backfill_started", "task", "backfilled", "objects modified since 2024-05-01T00:00:00.000Z"],
        ["started", "task", "backfilled", null],
      ]);
      expect(items[0]).toMatchObject({ resource_id: taskId, actor: { via: "api_key", key_name: "ADMIN_API_KEY", email: ADMIN.ADMIN_EMAIL } });
    });

    it("records each API key revoked with a removed member, by id and name, never its value", async () => {
      const invited = await api.call("POST", "/api/invitations", { key, body: { email: "kim@example.com", role: "admin" } });
      expect(invited.status, invited.text).toBe(201);
      const secret = new URL(invited.json.url).pathname.split("/").pop()!;
      const accepted = await api.call("POST", `/api/invitations/${secret}/accept`, { body: { name: "Kim", password: "kim's own password 1" } });
      expect(accepted.status, accepted.text).toBe(200);
      const kim = accepted.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!.split(";")[0]!;
      const made = await api.call("POST", "/api/keys", { cookie: kim, body: { name: "kim-ci", role: "operator" } });
      expect(made.status, made.text).toBe(201);
      expect((await api.call("DELETE", `/api/members/${accepted.json.user.id}`, { key })).status).toBe(204);

      const [revoked, removed] = await log();
      expect(removed).toMatchObject({ action: "removed", resource_type: "member", resource_name: "kim@example.com" });
      expect(revoked).toMatchObject({ action: "revoked", resource_type: "api_key", resource_id: made.json.id, resource_name: "kim-ci", outcome: "its creator kim@example.com was removed" });
      expect(JSON.stringify(await log())).not.toContain(made.json.key);
    });

    it("filters by who, action, record type, record and time, each validated and bounded", async () => {
      const all = await log();
      expect(all.length).toBeGreaterThanOrEqual(7);

      expect((await log("&action=backfill_started")).map(shape)).toEqual([["backfill_started", "task", "backfilled", expect.any(String)]]);
      expect(new Set((await log("&resource_type=task")).map((e) => e.resource_type))).toEqual(new Set(["task"]));
      // Record: the id exactly, or the name as a case-blind substring; LIKE's _ and % are literal.
      expect((await log(`&record=${taskId}`)).every((e) => e.resource_id === taskId)).toBe(true);
      expect((await log(`&record=${taskId}`)).length).toBe(4);
      expect((await log("&record=BACKFILL")).length).toBe(4);
      expect((await log("&record=draft_1")).map((e) => e.resource_name)).toEqual(["draft_1"]);
      expect(await log("&record=draft%25")).toEqual([]);
      expect(await log("&record=draft_x")).toEqual([]);
      // Who: the actor's email or the key's name.
      const byAdminKey = all.filter((e) => e.actor.key_name === "ADMIN_API_KEY");
      expect(byAdminKey.length).toBeLessThan(all.length);
      expect((await log("&who=admin_api")).map((e) => e.id)).toEqual(byAdminKey.map((e) => e.id));
      expect((await log("&who=KIM@")).map((e) => `${e.action} ${e.resource_type}`)).toEqual(["created api_key", "joined member"]);
      expect(await log("&who=nobody@example.com")).toEqual([]);
      // Time: [from, to).
      expect((await log(`&from=${encodeURIComponent(firstAt)}`)).length).toBe(all.length);
      expect(await log(`&to=${encodeURIComponent(firstAt)}`)).toEqual([]);
      const shifted = new Date(Date.parse(firstAt) + 1).toISOString().replace("Z", "+00:00");
      const early = await log(`&to=${encodeURIComponent(shifted)}`);
      expect(early.map((e) => e.resource_name)).toContain("draft_1");
      expect(early.every((e) => e.at <= firstAt)).toBe(true);
      // Paging keeps the filter.
      const page = auditPageSchema.parse((await api.call("GET", "/api/audit?limit=1&resource_type=data_source", { key })).json);
      const next = auditPageSchema.parse((await api.call("GET", `/api/audit?limit=1&resource_type=data_source&before=${page.next_before}`, { key })).json);
      expect([...page.items, ...next.items].map((e) => e.resource_type)).toEqual(["data_source", "data_source"]);

      for (const [query, field] of [
        ["action=exploded", "action"],
        ["resource_type=database", "resource_type"],
        [`who=${"x".repeat(201)}`, "who"],
        [`record=${"x".repeat(201)}`, "record"],
        ["from=yesterday", "from"],
        ["to=2024-01-01", "to"],
        ["from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", "to"],
      ] as const) {
        const refused = await api.call("GET", `/api/audit?${query}`, { key });
        expect(refused.status, query).toBe(400);
        expect(JSON.stringify(refused.json), query).toContain(field);
      }
    });

    it("exports the filtered rows as CSV with formulas defused and quotes doubled, and no secret", async () => {
      const csv = await api.call("GET", "/api/audit.csv?resource_type=data_source", { key });
      expect(csv.status, csv.text).toBe(200);
      expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-[\dT-]+Z\.csv"$/);
      const lines = csv.text.split("\r\n");
      expect(lines[0]).toBe("time_utc,actor_email,via,api_key_id,api_key_name,action,resource_type,resource_id,resource_name,outcome");
      expect(lines.at(-1)).toBe("");
      const rows = lines.slice(1, -1);
      expect(rows).toHaveLength((await log("&resource_type=data_source")).length);
      expect(rows.every((row) => row.includes(",data_source,"))).toBe(true);
      expect(rows[0]).toContain(`,created,data_source,`);
      expect(rows[0]).toMatch(/,"'=cmd\|' \/C calc'!A0, ""quoted""",$/);

      const everything = (await api.call("GET", "/api/audit.csv", { key })).text;
      for (const secret of [ADMIN.ADMIN_PASSWORD, ADMIN.ADMIN_API_KEY]) expect(everything).not.toContain(secret);
      expect(everything).not.toContain("sqs.");
      expect((await api.call("GET", "/api/audit.csv?action=exploded", { key })).status).toBe(400);
      expect((await api.call("GET", "/api/audit.csv")).status).toBe(401);
    });
  });
});

describe("first-run setup", () => {
  it("is recorded in the organization it made, as the admin it made, with no token or password", async () => {
    const token = newSetupToken();
    const api = await start(await sqliteEnv(), token);
    try {
      const body = { token: token.value, organization_name: "Acme Data", name: "Ana Admin", email: "ana@example.com", password: "a first-run password" };
      const setup = await api.call("POST", "/api/setup", { body });
      expect(setup.status, setup.text).toBe(200);
      const cookie = setup.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!.split(";")[0]!;
      const page = await api.call("GET", "/api/audit", { cookie });
      expect(page.status, page.text).toBe(200);
      const [event, ...rest] = auditPageSchema.parse(page.json).items;
      expect(rest).toEqual([]);
      expect(event).toMatchObject({
        action: "set_up",
        resource_type: "organization",
        resource_id: setup.json.active.org_id,
        resource_name: "Acme Data",
        actor: { user_id: setup.json.user.id, email: "ana@example.com", via: "session", key_id: null, key_name: null },
      });
      expect(page.text).not.toContain(token.value);
      expect(page.text).not.toContain(body.password);
    } finally {
      await api.stop();
    }
  });
});
