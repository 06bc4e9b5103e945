// POST /api/organizations through the real app and real better-auth on SQLite. The provisioner is a
// tiny local HTTP server that records what it is sent and answers as the contract says the dev
// warehouse front's POST /v1/dev/tenants answers (201 {tenant, user}, or an error): it stands in for
// that endpoint, which the engine branch tests against the real front. What is checked here is the
// API's side: the request it makes (basic auth root:, JSON body, a generated user and a 32+
// character password) and the managed warehouse it stores.
import type { FastifyInstance } from "fastify";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/api/app.ts";
import { ORG_CREATION_OFF } from "../server/api/routes/organizations.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { loadConfig } from "../server/config.ts";
import { openStore, type Stores } from "../server/store/open.ts";

const ORG_A = "org-first";
const ADMIN_KEY = "ak_orgs_" + "k".repeat(40);

interface Recorded {
  authorization: string | undefined;
  contentType: string | undefined;
  body: { tenant: string; user: string; password: string };
}

let dir: string;
let stores: Stores;
let provisioner: Server;
let provisionerUrl: string;
const recorded: Recorded[] = [];
/** What the stand-in answers next. */
let answer: { status: number; body: unknown } | null = null;

const appWith = (env: Record<string, string>) =>
  buildApp({
    config: loadConfig({ ORG_ID: ORG_A, DATA_DIR: dir, DATABEND_DSN: "databend://root:@127.0.0.1:1/default?sslmode=disable", ...env }),
    logger: pino({ level: "silent" }),
    stores,
  });

const create = (app: FastifyInstance, name: string) =>
  app.inject({ method: "POST", url: "/api/organizations", headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { name } });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "organizations-"));
  stores = await openStore(dir);
  await seedFirstRun(
    loadConfig({ ORG_ID: ORG_A, DATA_DIR: dir, ADMIN_EMAIL: "admin@first.example.com", ADMIN_PASSWORD: "admin password first", ADMIN_API_KEY: ADMIN_KEY }),
    stores.db,
    pino({ level: "silent" }),
  );
  provisioner = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(text) as Recorded["body"];
      recorded.push({ authorization: req.headers.authorization, contentType: req.headers["content-type"], body });
      const reply = answer ?? { status: 201, body: { tenant: body.tenant, user: body.user } };
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => provisioner.listen(0, "127.0.0.1", resolve));
  provisionerUrl = `http://127.0.0.1:${(provisioner.address() as { port: number }).port}/v1/dev/tenants`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => provisioner?.close(resolve));
  await stores?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/organizations", () => {
  it("makes an organization with a generated id, its caller its admin, and a managed warehouse of its own tenant", async () => {
    const app = await appWith({ WAREHOUSE_PROVISIONER_URL: provisionerUrl });
    try {
      const res = await create(app, "Second org");
      expect(res.statusCode, res.body).toBe(201);
      const { id, name } = res.json() as { id: string; name: string };
      expect(name).toBe("Second org");
      expect(id).not.toBe(ORG_A);
      expect(id.length).toBeGreaterThanOrEqual(16);
      const { rows } = await sql<{ role: string; email: string }>`select m.role, u.email from member m join "user" u on u.id = m."userId" where m."organizationId" = ${id}`.execute(stores.db.db);
      expect(rows).toEqual([{ role: "admin", email: "admin@first.example.com" }]);

      // The request the API made: basic auth root with an empty password, JSON, a tenant named by the id.
      expect(recorded).toHaveLength(1);
      const sent = recorded[0]!;
      expect(sent.authorization).toBe(`Basic ${Buffer.from("root:").toString("base64")}`);
      expect(sent.contentType).toBe("application/json");
      expect(sent.body.tenant).toBe(id);
      expect(sent.body.user).toMatch(/^org_[0-9a-f]{16}$/);
      expect(sent.body.password.length).toBeGreaterThanOrEqual(32);

      // Stored: managed, the default, that user, the provisioner's host and port; the password sealed.
      const [warehouse] = await stores.warehouses.listWarehouses(id);
      const port = Number(new URL(provisionerUrl).port);
      expect(warehouse).toMatchObject({ managed: true, is_default: true, user: sent.body.user, host: "127.0.0.1", port, database: "default", tls: false });
      expect(warehouse!.password_enc).not.toContain(sent.body.password);
      // Organization A is untouched and still has only DATABEND_DSN's warehouse.
      expect((await stores.warehouses.listWarehouses(ORG_A)).every((w) => !w.managed)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it("says so when the tenant cannot be provisioned (the organization exists; a warehouse can be added)", async () => {
    const app = await appWith({ WAREHOUSE_PROVISIONER_URL: provisionerUrl });
    answer = { status: 409, body: { error: { code: "user_taken", message: "the user exists for another tenant" } } };
    try {
      const res = await create(app, "Third org");
      expect(res.statusCode).toBe(502);
      expect(res.json().error).toMatch(/^Organization Third org \(.+\) was made and you are its admin, but its own warehouse was not provisioned: the dev warehouse answered 409 .*user_taken.*Organization → Warehouses\.$/);
      expect(res.body).not.toContain(recorded.at(-1)!.body.password);
    } finally {
      answer = null;
      await app.close();
    }
  });

  it("without a provisioner: an organization without a warehouse, which an admin adds", async () => {
    const app = await appWith({});
    try {
      const before = recorded.length;
      const res = await create(app, "Fourth org");
      expect(res.statusCode, res.body).toBe(201);
      expect(recorded.length).toBe(before);
      expect(await stores.warehouses.listWarehouses(res.json().id)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("ALLOW_ORG_CREATION=false: 403 saying who can make them", async () => {
    const app = await appWith({ ALLOW_ORG_CREATION: "false" });
    try {
      const res = await create(app, "Refused org");
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toBe(ORG_CREATION_OFF);
    } finally {
      await app.close();
    }
    expect(() => loadConfig({ ALLOW_ORG_CREATION: "maybe" })).toThrow(/ALLOW_ORG_CREATION must be true or false/);
    expect(() => loadConfig({ WAREHOUSE_PROVISIONER_URL: "http://root:pw@127.0.0.1:8000/v1/dev/tenants" })).toThrow(/without credentials/);
  });
});
