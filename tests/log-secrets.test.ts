// No secret in any log line: a whole flow through the real API (listening on 127.0.0.1, real
// better-auth, real Test Connectivity against the AWS sandbox, the real databend-driver at a closed
// port), logged at trace level by the processes' own logger (server/logger.ts), then the log is
// searched for every secret value the flow handled: the setup token, passwords (right, wrong,
// changed, an invitee's, a warehouse's), session tokens, an API key, an invitation id, an OAuth
// code in a query string, and the AWS session credentials the setup identity was handed.
// The External ID is handled too but is not a secret (it is the organization's ID, shown by
// GET /api/org and in the AWS setup documents), so it is not searched for.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../sandbox/aws/server.ts";
import { buildApp } from "../server/api/app.ts";
import { newSetupToken } from "../server/api/routes/setup-token.ts";
import { loadConfig } from "../server/config.ts";
import { createConnectivityTester } from "../server/connectivity/engine.ts";
import { createLogger } from "../server/logger.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import { freePort } from "./support/net.ts";

const TIMEOUT_MS = 20_000;
const ADMIN = { email: "owner@example.com", password: "owner's long passphrase 1", name: "Owner" };
const INVITEE = { email: "ops@example.com", password: "invitee's passphrase 22", name: "Ops" };
const WRONG_PASSWORD = "owner's long passphrase 2";
const CHANGED_PASSWORD = "the invitee's new passphrase 333";
const WAREHOUSE_PASSWORD = "warehouse-pa55word-Zq9";
const OAUTH_CODE = "oauth-code-7f3a9c1e55";

let dataDir: string;
let sandbox: Sandbox;
let stores: Stores;
let app: FastifyInstance;
let base: string;
const log: string[] = [];
const setupToken = newSetupToken();

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "log-secrets-"));
  sandbox = await startSandbox({ port: 0, dataDir, orgId: "log-org", log: false });
  const config = loadConfig({ DATA_DIR: dataDir, ORG_ID: "log-org", HOST: "127.0.0.1" });
  stores = await openStore(dataDir);
  const logger = createLogger(
    "trace",
    "api",
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        log.push(chunk.toString());
        done();
      },
    }),
  );
  const setupIdentity = {
    credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" },
    endpoints: { sts: sandbox.url, sqs: sandbox.url, s3: sandbox.url },
  };
  app = await buildApp({
    config,
    logger,
    stores,
    setupToken,
    connectivity: createConnectivityTester({ platformSetupRoleArn: config.platformSetupRoleArn, platformLoadRoleArn: config.platformLoadRoleArn, aws: setupIdentity }),
  });
  base = await app.listen({ host: "127.0.0.1", port: 0 });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await stores?.close();
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  cookies: string[];
}

async function call(method: string, url: string, options: { body?: unknown; cookie?: string; key?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.cookie) headers.cookie = options.cookie;
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(base + url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json, cookies: response.headers.getSetCookie() };
}

/** The session cookie for the next request, and the secrets in it (the whole value and the token before its signature). */
function session(answer: Answer, secrets: string[]): string {
  const cookie = answer.cookies.find((c) => c.includes("session_token="));
  if (!cookie) throw new Error(`no session cookie in ${answer.status} ${JSON.stringify(answer.json)}`);
  const pair = cookie.split(";")[0]!;
  const value = decodeURIComponent(pair.slice(pair.indexOf("=") + 1));
  secrets.push(value, value.split(".")[0]!);
  return pair;
}

/** Every session the sandbox's STS handed out (its state file), as AWS would return them to the SDK. */
function stsSessions(): Array<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const sessions: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> = [];
  for (const file of readdirSync(sandbox.stateDir).filter((name) => name.endsWith(".json"))) {
    const state = JSON.parse(readFileSync(path.join(sandbox.stateDir, file), "utf8")) as { sessions?: Record<string, (typeof sessions)[number]> };
    sessions.push(...Object.values(state.sessions ?? {}));
  }
  return sessions;
}

describe("the log of a whole flow", () => {
  it("holds none of the secrets the flow handled", async () => {
    const secrets: string[] = [setupToken.value, ADMIN.password, WRONG_PASSWORD, INVITEE.password, CHANGED_PASSWORD, WAREHOUSE_PASSWORD, OAUTH_CODE];

    expect((await call("GET", "/api/sign-in-options")).json.setup_needed).toBe(true);
    const setUp = await call("POST", "/api/setup", { body: { token: setupToken.value, organization_name: "Log org", ...ADMIN } });
    expect(setUp.status, JSON.stringify(setUp.json)).toBe(200);
    session(setUp, secrets);

    expect((await call("POST", "/api/auth/sign-in/email", { body: { email: ADMIN.email, password: WRONG_PASSWORD } })).status).toBe(401);
    const signedIn = await call("POST", "/api/auth/sign-in/email", { body: { email: ADMIN.email, password: ADMIN.password } });
    expect(signedIn.status).toBe(200);
    const admin = session(signedIn, secrets);

    const key = await call("POST", "/api/keys", { cookie: admin, body: { name: "automation", role: "admin" } });
    expect(key.status, JSON.stringify(key.json)).toBe(201);
    secrets.push(key.json.key);
    expect((await call("GET", "/api/data-sources", { key: key.json.key })).status).toBe(200);

    // An invitation: its link, the invite page (the SPA shell's path, here a 404 without a built
    // console), the sign-in page coming back to it, the preview, accepting, then changing password.
    const invited = await call("POST", "/api/invitations", { key: key.json.key, body: { email: INVITEE.email, role: "operator" } });
    expect(invited.status, JSON.stringify(invited.json)).toBe(201);
    const invitationId = new URL(invited.json.url).pathname.split("/").at(-1)!;
    secrets.push(invitationId);
    await call("GET", `/invite/${invitationId}`);
    await call("GET", `/invite/${invitationId}/`);
    await call("GET", `/sign-in?next=${encodeURIComponent(`/invite/${invitationId}`)}`);
    await call("GET", `/api/invitation/${invitationId}`); // mistyped: a 404 still logs its path
    expect((await call("GET", `/api/invitations/${invitationId}`)).status).toBe(200);
    const accepted = await call("POST", `/api/invitations/${invitationId}/accept`, { body: { name: INVITEE.name, password: INVITEE.password } });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    const invitee = session(accepted, secrets);
    const changed = await call("POST", "/api/auth/change-password", { cookie: invitee, body: { currentPassword: INVITEE.password, newPassword: CHANGED_PASSWORD } });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);

    // A data source: Test Connectivity assumes the role (the sandbox's STS hands out session
    // credentials), then it is saved; both with the key, the External ID the organization's.
    const seed = sandbox.seedValues;
    const orgId = (await call("GET", "/api/org", { key: key.json.key })).json.org_id as string;
    const connection = { queue_url: seed.queueUrl, queue_region: seed.queueRegion, role_arn: seed.roleArn, external_id: orgId, bucket: seed.bucket, prefix: seed.prefix, suffix: seed.suffix };
    const tested = await call("POST", "/api/data-sources/test", { key: key.json.key, body: connection });
    expect(tested.status, JSON.stringify(tested.json)).toBe(200);
    const created = await call("POST", "/api/data-sources", { key: key.json.key, body: { name: "logged-source", ...connection } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const sts = stsSessions();
    expect(sts.length).toBeGreaterThan(0);
    for (const credentials of sts) secrets.push(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);

    // A warehouse with a password, tested at a port nobody listens on (the driver's failure is logged and answered).
    const closed = await freePort();
    const warehouse = { name: "logged-warehouse", host: "127.0.0.1", port: closed, user: "loader", password: WAREHOUSE_PASSWORD };
    expect((await call("POST", "/api/org/warehouses/test", { cookie: admin, body: warehouse })).status).toBeLessThan(500);
    const stored = await call("POST", "/api/org/warehouses", { cookie: admin, body: warehouse });
    expect(stored.status, JSON.stringify(stored.json)).toBe(201);
    expect((await call("POST", `/api/org/warehouses/${stored.json.id}/test`, { cookie: admin })).status).toBeLessThan(500);

    // A query string carrying a secret (single sign-on's callback shape; not configured here, so
    // 404), and one beside a parameter the route declares, which is kept.
    await call("GET", `/api/auth/callback/oidc?code=${OAUTH_CODE}&state=s`);
    await call("GET", `/api/warehouse/databases?warehouse=${stored.json.id}&token=${OAUTH_CODE}`, { cookie: admin });
    expect((await call("POST", "/api/auth/sign-out", { cookie: admin, body: {} })).status).toBe(200);

    const text = log.join("");
    const found = [...new Set(secrets)].filter((secret) => secret.length >= 8 && text.includes(secret));
    const where = found.map((secret) => log.find((line) => line.includes(secret))!.slice(0, 400));
    expect(where).toEqual([]);
    // The log is there and names these requests, so an empty or silent log cannot pass.
    expect(text).toContain('"url":"/api/invitations/[redacted]/accept"');
    expect(text).toContain('"url":"/invite/[redacted]"');
    expect(text).toContain("/api/data-sources/test");
    expect(text).toContain(`"url":"/api/warehouse/databases?warehouse=${stored.json.id}&[redacted]"`);
    expect(text).toContain('"url":"/api/auth/callback/oidc?[redacted]"');
  }, 120_000);
});
