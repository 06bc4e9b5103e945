// /api/alerts through the real app and store (SQLite), with webhook receivers of this test's own
// (node:http on 127.0.0.1, port 0) that verify every request with the `standardwebhooks` library:
// SSRF refusals when saving and at connect time (a name resolving to loopback, a redirect inward),
// Send test in both formats (the Slack body's shape), the secret answered only by create and
// rotate, the organization boundary, audit events without secrets. No Databend is needed: the
// warehouse DSN points nowhere and no route here touches it.
import type { FastifyInstance } from "fastify";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { lookup } from "node:dns/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_MESSAGES, alertWebhookPayloadSchema } from "#contracts/alerts.ts";
import { buildApp } from "../server/api/app.ts";
import { loadAlertConfig } from "../server/alerts/config.ts";
import { isPrivateAddress, safePost } from "../server/alerts/safe-post.ts";
import { AlertDestinations } from "../server/alerts/destinations.ts";
import { AlertSender } from "../server/alerts/sender.ts";
import { secretBoxFor } from "../server/warehouses/secret-box.ts";
import { loadConfig } from "../server/config.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import { makeDataSourceInput } from "./support/fixtures.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";

const ORG = "org-alerts-a";
const OTHER = "org-alerts-b";
const logLines: string[] = [];
const bodies: string[] = [];

interface Hit {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A receiver answering `status` (or each of a list in turn, the last repeated; a Location for 3xx), keeping every request it gets. */
async function receiver(status: number | number[] = 200, location?: string): Promise<{ url: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body });
      const answer = Array.isArray(status) ? (status[hits.length - 1] ?? status.at(-1)!) : status;
      res.writeHead(answer, location ? { location } : {}).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let dir: string;
let stores: Stores;
/** Org A as the deployment defaults (no private targets). */
let strict: FastifyInstance;
/** Org A where private targets are allowed (the embedded run and tests). */
let open: FastifyInstance;
let other: FastifyInstance;
let viewer: FastifyInstance;

const makeApp = (org: string, allowPrivate: boolean, role: "admin" | "viewer" = "admin") =>
  buildApp({
    authenticate: fixedPrincipal(org, role),
    config: loadConfig({ ORG_ID: ORG, DATA_DIR: dir, DATABEND_DSN: "databend://root:@127.0.0.1:1/default?sslmode=disable" }),
    logger: pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) }),
    stores,
    alerts: { ...loadAlertConfig({}), allowPrivate, timeoutMs: 3_000 },
  });

async function call(a: FastifyInstance, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) {
  const res = await a.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  bodies.push(res.body);
  return res;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "alerts-api-"));
  stores = await openStore(dir);
  [strict, open, other, viewer] = await Promise.all([makeApp(ORG, false), makeApp(ORG, true), makeApp(OTHER, true), makeApp(ORG, true, "viewer")]);
});

afterAll(async () => {
  await Promise.all([strict, open, other, viewer].map((a) => a?.close()));
  await stores?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("alert destinations: SSRF", () => {
  it("refuses loopback, private, link-local, unique-local and plain-http URLs when saved, naming the url field", async () => {
    for (const url of [
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://169.254.169.254/latest/meta-data/",
      "https://10.1.2.3/hook",
      "https://192.168.0.10/hook",
      "https://[::1]/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://0x7f.1/hook",
      "http://hooks.example.com/hook",
    ]) {
      const res = await call(strict, "POST", "/api/alerts/destinations", { name: "bad", url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().fields.url, url).toMatch(/https:\/\/|private, loopback or link-local/);
    }
    expect((await call(strict, "POST", "/api/alerts/destinations", { name: "bad", url: "ftp://x/y" })).json().fields.url).toMatch(/https:\/\//);
    expect((await call(strict, "POST", "/api/alerts/destinations", { name: "public", url: "https://hooks.example.com/a/b" })).statusCode).toBe(201);
  });

  it("judges the address it connects to: a name that resolves to loopback is refused at connect time", async () => {
    // This machine's own name resolves to a loopback address here (/etc/hosts); "localhost" is
    // refused by its text already, so it would not exercise the lookup.
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    expect(addresses.length, `${name} must resolve for this test`).toBeGreaterThan(0);
    expect(addresses.every((a) => isPrivateAddress(a.address)), `${name} resolves to a private address here`).toBe(true);
    const hit = await receiver();
    const port = new URL(hit.url).port;
    const result = await safePost(`https://${name}:${port}/hook`, "{}", {}, { allowPrivate: false, timeoutMs: 3_000 });
    expect(result).toMatchObject({ status: null, refused: true });
    expect(result.error).toMatch(/resolves to .* private, loopback or link-local/);
    expect(hit.hits).toEqual([]);
    await hit.close();
  });

  it("does not follow a redirect: a 302 is the delivery's (failed) answer and its Location gets nothing", async () => {
    const inner = await receiver();
    const bouncer = await receiver(302, `${inner.url}/internal`);
    const made = (await call(open, "POST", "/api/alerts/destinations", { name: "bouncer", url: `${bouncer.url}/hook` })).json();
    const res = await call(open, "POST", `/api/alerts/destinations/${made.destination.id}/test`);
    expect(res.json()).toMatchObject({ ok: false, delivery: { status: "failed", response_status: 302, attempts: 1, error: expect.stringMatching(/redirect/) } });
    expect(bouncer.hits).toHaveLength(1);
    expect(inner.hits).toEqual([]);
    await Promise.all([inner.close(), bouncer.close()]);
  });

  it("classifies addresses, IPv4 forms inside IPv6 included", () => {
    for (const a of ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::", "fd12::1", "fe80::1", "::ffff:169.254.169.254", "::ffff:7f00:1", "64:ff9b::10.0.0.1", "not-an-ip"]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(a), a).toBe(false);
  });
});

describe("alert destinations: secrets, Send test, formats", () => {
  it("answers the secret only on create and rotate; Send test signs with it (standard) and posts Slack's body shape (slack)", async () => {
    const hook = await receiver(200);
    const created = await call(open, "POST", "/api/alerts/destinations", { name: "standard hook", url: `${hook.url}/hooks/standard?token=abc` });
    expect(created.statusCode).toBe(201);
    const { destination, secret } = created.json() as { destination: { id: string; url_hint: string }; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(destination.url_hint).toBe(`${hook.url}/hooks/…`);
    const reads = [await call(open, "GET", "/api/alerts/destinations"), await call(open, "GET", `/api/alerts/destinations/${destination.id}`), await call(viewer, "GET", "/api/alerts/destinations")];
    for (const r of reads) {
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(secret.slice(6));
      expect(r.body).not.toContain("token=abc");
    }

    const tested = await call(open, "POST", `/api/alerts/destinations/${destination.id}/test`);
    expect(tested.json()).toMatchObject({ ok: true, delivery: { event_type: "test", status: "delivered", response_status: 200, attempts: 1, incident_id: null } });
    expect(hook.hits).toHaveLength(1);
    const payload = alertWebhookPayloadSchema.parse(new Webhook(secret).verify(hook.hits[0]!.body, hook.hits[0]!.headers));
    expect(payload).toMatchObject({ type: "alert.test", data: { org_id: ORG, incident: null } });
    expect(hook.hits[0]!.headers["webhook-id"]).toBe(tested.json().delivery.id);

    // Rotate: a new secret, shown once; the old one no longer verifies what is sent next.
    const rotated = (await call(open, "POST", `/api/alerts/destinations/${destination.id}/rotate-secret`)).json() as { secret: string };
    expect(rotated.secret).not.toBe(secret);
    await call(open, "POST", `/api/alerts/destinations/${destination.id}/test`);
    expect(() => new Webhook(secret).verify(hook.hits[1]!.body, hook.hits[1]!.headers)).toThrow();
    expect(new Webhook(rotated.secret).verify(hook.hits[1]!.body, hook.hits[1]!.headers)).toMatchObject({ type: "alert.test" });

    // Slack: `text` plus a section block in mrkdwn, the body Slack's incoming webhooks take.
    const slack = (await call(open, "POST", "/api/alerts/destinations", { name: "slack", url: `${hook.url}/services/T000/B000/XXXX`, format: "slack" })).json();
    expect(slack.destination.url_hint).toBe(`${hook.url}/services/…`);
    expect((await call(open, "POST", `/api/alerts/destinations/${slack.destination.id}/test`)).json()).toMatchObject({ ok: true });
    const body = JSON.parse(hook.hits[2]!.body) as { text: string; blocks: { type: string; text: { type: string; text: string } }[] };
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toMatch(/Test alert/);
    expect(body.blocks).toEqual([{ type: "section", text: { type: "mrkdwn", text: body.text } }]);

    // A receiver that fails: the outcome says so, with its status.
    const failing = await receiver(500);
    const bad = (await call(open, "POST", "/api/alerts/destinations", { name: "failing", url: `${failing.url}/x` })).json();
    expect((await call(open, "POST", `/api/alerts/destinations/${bad.destination.id}/test`)).json()).toMatchObject({
      ok: false,
      delivery: { status: "failed", response_status: 500, error: "The destination answered HTTP 500" },
    });

    // Audit: every write, no secret, no URL.
    const audit = await stores.audit.list(ORG, { limit: 50, resource_type: "alert_destination" });
    expect(audit!.items.map((e) => e.action)).toEqual(expect.arrayContaining(["created", "tested", "secret_rotated"]));
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(secret.slice(6));
    expect(auditText).not.toContain(rotated.secret.slice(6));
    expect(auditText).not.toContain("token=abc");
    expect(logLines.join("\n")).not.toContain(secret.slice(6));
    expect(logLines.join("\n")).not.toContain(rotated.secret.slice(6));
    await Promise.all([hook.close(), failing.close()]);
  });

  it("PUT keeps the stored URL when `url` is left out (what the console's Edit sends with the URL field empty) and replaces it when sent", async () => {
    const first = await receiver(200);
    const second = await receiver(200);
    const made = (await call(open, "POST", "/api/alerts/destinations", { name: "movable", url: `${first.url}/one/a` })).json() as { destination: { id: string }; secret: string };
    const id = made.destination.id;

    const renamed = await call(open, "PUT", `/api/alerts/destinations/${id}`, { name: "movable-renamed", format: "standard" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: "movable-renamed", url_hint: `${first.url}/one/…` });
    await call(open, "POST", `/api/alerts/destinations/${id}/test`);
    expect([first.hits.length, second.hits.length]).toEqual([1, 0]);

    // An empty URL is not "keep": the contract refuses it, naming the field (the console leaves `url` out instead).
    const empty = await call(open, "PUT", `/api/alerts/destinations/${id}`, { url: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().fields.url).toBe(ALERT_MESSAGES.urlRequired);

    const moved = await call(open, "PUT", `/api/alerts/destinations/${id}`, { url: `${second.url}/two/b` });
    expect(moved.json()).toMatchObject({ name: "movable-renamed", url_hint: `${second.url}/two/…` });
    await call(open, "POST", `/api/alerts/destinations/${id}/test`);
    expect([first.hits.length, second.hits.length]).toEqual([1, 1]);
    // The secret is the destination's, not the URL's: an edit keeps it.
    expect(new Webhook(made.secret).verify(second.hits[0]!.body, second.hits[0]!.headers)).toMatchObject({ type: "alert.test" });
    await Promise.all([first.close(), second.close()]);
  });
});

describe("alert deliveries: retries", () => {
  it("retries a 503 with backoff until delivered; gives up after the bounded attempts; fails a 4xx at once", async () => {
    const flaky = await receiver([503, 503, 200]);
    const down = await receiver(503);
    const refusing = await receiver(400);
    const box = secretBoxFor(loadConfig({ ORG_ID: ORG, DATA_DIR: dir }));
    const destinations = new AlertDestinations(stores.alerts, box);
    const sender = new AlertSender(stores.alerts, destinations, { holder: "retry-test", allowPrivate: true, timeoutMs: 3_000, retryBaseMs: 20, retryMaxMs: 80 });
    const ids: string[] = [];
    for (const [name, r] of [["flaky", flaky], ["down", down], ["refusing", refusing]] as const) {
      const made = await destinations.create(ORG, { name: `retry ${name}`, url: `${r.url}/x`, format: "standard" });
      ids.push(...(await stores.alerts.queue(ORG, [{ destination_id: made.destination.id, destination_name: name, event_type: "test", payload: () => "{}" }])));
    }
    const settled = async () => {
      await sender.sendDue();
      const rows = await Promise.all(ids.map((id) => stores.alerts.getDelivery(ORG, id)));
      return rows.every((r) => r!.status !== "pending") ? rows : undefined;
    };
    let rows: Awaited<ReturnType<typeof settled>>;
    for (let i = 0; i < 400 && !(rows = await settled()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(rows!.map((r) => [r!.status, r!.attempts, r!.response_status])).toEqual([
      ["delivered", 3, 200],
      ["failed", 8, 503],
      ["failed", 1, 400],
    ]);
    expect(down.hits).toHaveLength(8);
    // Every attempt of one delivery carries the same webhook-id and a fresh signature.
    expect(new Set(flaky.hits.map((h) => h.headers["webhook-id"]))).toEqual(new Set([ids[0]]));
    await Promise.all([flaky.close(), down.close(), refusing.close()]);
  });
});

describe("alert rules: the organization boundary and references", () => {
  it("another organization cannot see, change, delete, use or test the first's rules and destinations", async () => {
    const source = await stores.dataSources.createDataSource(ORG, makeDataSourceInput(ORG), null);
    const task = await stores.dataSources.createTask(ORG, { name: "orders", data_source_id: source.id });
    const dest = (await call(open, "POST", "/api/alerts/destinations", { name: "boundary", url: "https://hooks.example.com/b" })).json().destination;
    const made = await call(open, "POST", "/api/alerts/rules", {
      name: "lag",
      condition: { kind: "lag_p95_above", threshold_seconds: 60, for_minutes: 5 },
      task_ids: [task.id],
      destination_ids: [dest.id],
    });
    expect(made.statusCode, made.body).toBe(201);
    const rule = made.json();
    expect(rule).toMatchObject({ quiet_minutes: 10, enabled: true, open_incidents: 0 });

    expect((await call(other, "GET", `/api/alerts/rules/${rule.id}`)).statusCode).toBe(404);
    expect((await call(other, "PUT", `/api/alerts/rules/${rule.id}`, { enabled: false })).statusCode).toBe(404);
    expect((await call(other, "DELETE", `/api/alerts/rules/${rule.id}`)).statusCode).toBe(404);
    expect((await call(other, "GET", `/api/alerts/destinations/${dest.id}`)).statusCode).toBe(404);
    expect((await call(other, "PUT", `/api/alerts/destinations/${dest.id}`, { name: "x" })).statusCode).toBe(404);
    expect((await call(other, "POST", `/api/alerts/destinations/${dest.id}/test`)).statusCode).toBe(404);
    expect((await call(other, "POST", `/api/alerts/destinations/${dest.id}/rotate-secret`)).statusCode).toBe(404);
    expect((await call(other, "DELETE", `/api/alerts/destinations/${dest.id}`)).statusCode).toBe(404);
    for (const list of ["/api/alerts/rules", "/api/alerts/destinations", "/api/alerts/deliveries", "/api/alerts/incidents"]) {
      expect((await call(other, "GET", list)).json().items, list).toEqual([]);
    }
    // Naming the first organization's destination or task in its own rule is refused, naming the field.
    const useDest = await call(other, "POST", "/api/alerts/rules", { name: "x", condition: { kind: "task_failed" }, destination_ids: [dest.id] });
    expect(useDest.statusCode).toBe(400);
    expect(useDest.json().fields.destination_ids).toMatch(/No alert destination/);
    const useTask = await call(other, "POST", "/api/alerts/rules", { name: "x", condition: { kind: "task_failed" }, task_ids: [task.id] });
    expect(useTask.json().fields.task_ids).toMatch(/No task/);
    expect(await stores.alerts.getRule(ORG, rule.id)).toMatchObject({ enabled: true, name: "lag" });

    // Bad input names the field; a destination in use cannot be deleted; a viewer reads but cannot write.
    const bad = await call(open, "POST", "/api/alerts/rules", { name: "x", condition: { kind: "lag_p95_above", threshold_seconds: 0, for_minutes: 5 } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().fields)).toMatch(/Lag p95 above/);
    expect((await call(open, "DELETE", `/api/alerts/destinations/${dest.id}`)).json().error).toMatch(/"lag" sends to this destination/);
    expect((await call(viewer, "GET", "/api/alerts/rules")).json().items).toHaveLength(1);
    expect((await call(viewer, "PUT", `/api/alerts/rules/${rule.id}`, { enabled: false })).statusCode).toBe(403);
    expect((await call(open, "DELETE", `/api/alerts/rules/${rule.id}`)).statusCode).toBe(204);
    expect((await call(open, "DELETE", `/api/alerts/destinations/${dest.id}`)).statusCode).toBe(204);
    const audit = await stores.audit.list(ORG, { limit: 50, resource_type: "alert_rule" });
    expect(audit!.items.map((e) => e.action).sort()).toEqual(["created", "deleted"]);
  });
});
