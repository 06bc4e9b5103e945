// Signing in behind a real reverse proxy process (tests/support/reverse-proxy.ts, node:http, its
// own process on 127.0.0.1), with clients on distinct loopback addresses (127.0.0.2, .3, …: Linux
// routes all of 127/8 to lo) so the proxy sees each person's own address, as a TLS proxy would.
// Without TRUST_PROXY every person shares the proxy's address and one sign-in budget: one
// stranger's 10 wrong passwords lock everyone out. With TRUST_PROXY=127.0.0.1, request.ip is the
// address the proxy saw, never a header a client sets itself, and the limit per account (growing
// delays per account and address, server/auth/sign-in-throttle.ts) slows a stranger without
// locking the owner out. Real better-auth on SQLite; the throttle's clock is the test's, so delays
// are checked without waiting for them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../server/api/app.ts";
import { SIGN_IN_MAX_ATTEMPTS } from "../server/auth/options.ts";
import { seedFirstRun } from "../server/auth/seed.ts";
import { SIGN_IN_THROTTLE_DEFAULTS, SignInThrottle } from "../server/auth/sign-in-throttle.ts";
import { loadConfig } from "../server/config.ts";
import { openStore, type Stores } from "../server/store/open.ts";

const OWNER = { email: "owner@example.com", password: "the owner's passphrase" };
const SEED = { ORG_ID: "proxy-org", ADMIN_EMAIL: OWNER.email, ADMIN_PASSWORD: OWNER.password, ADMIN_API_KEY: "ak_" + "p".repeat(45) };
const TIMEOUT_MS = 15_000;

interface Started {
  app: FastifyInstance;
  stores: Stores;
  apiPort: number;
  proxyPort: number;
  proxy: ChildProcess;
  dataDir: string;
}

/** The proxy process, up once it prints its port (bounded). */
function startProxy(upstreamPort: number): Promise<{ proxy: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proxy = spawn(process.execPath, [path.resolve("tests/support/reverse-proxy.ts"), String(upstreamPort)], { stdio: ["ignore", "pipe", "inherit"] });
    const timer = setTimeout(() => reject(new Error("the reverse proxy did not start within 20 s")), 20_000);
    let out = "";
    proxy.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ proxy, port: Number(port) });
      }
    });
    proxy.once("exit", (code) => reject(new Error(`the reverse proxy exited (${code}) before listening`)));
  });
}

async function start(env: Record<string, string>, throttle?: SignInThrottle): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "behind-proxy-"));
  const config = loadConfig({ ...SEED, ...env, DATA_DIR: dataDir, HOST: "127.0.0.1" });
  const stores = await openStore(dataDir);
  await seedFirstRun(config, stores.db);
  const app = await buildApp({ config, logger: pino({ level: "silent" }), stores, ...(throttle ? { signInThrottle: throttle } : {}) });
  const apiPort = Number(new URL(await app.listen({ host: "127.0.0.1", port: 0 })).port);
  const { proxy, port: proxyPort } = await startProxy(apiPort);
  return { app, stores, apiPort, proxyPort, proxy, dataDir };
}

async function stop(started: Started | undefined) {
  if (!started) return;
  const exited = new Promise((resolve) => started.proxy.once("exit", resolve));
  started.proxy.kill("SIGTERM");
  await exited;
  await started.app.close();
  await started.stores.close();
  rmSync(started.dataDir, { recursive: true, force: true });
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** A sign-in from `from` (a loopback address this client binds to), to `port` (the proxy or the API). */
function signIn(port: number, from: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        localAddress: from,
        method: "POST",
        path: "/api/auth/sign-in/email",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => {
          const retry = res.headers["retry-after"] ?? res.headers["x-retry-after"];
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retry) ? retry[0] : retry, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("sign-in timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}

describe("without TRUST_PROXY, behind a proxy", () => {
  let s: Started | undefined;
  beforeAll(async () => {
    s = await start({});
  }, 60_000);
  afterAll(() => stop(s));

  it("everyone shares the proxy's address: one stranger's wrong passwords lock the owner out (why TRUST_PROXY exists)", async () => {
    for (let i = 0; i < SIGN_IN_MAX_ATTEMPTS; i++) {
      // Different accounts, so only the limit per address is at work.
      expect((await signIn(s!.proxyPort, "127.0.0.2", `nobody${i}@example.com`, "guess")).status).toBe(401);
    }
    expect((await signIn(s!.proxyPort, "127.0.0.3", OWNER.email, OWNER.password)).status).toBe(429);
  });
});

describe("with TRUST_PROXY=127.0.0.1, behind a proxy", () => {
  let s: Started | undefined;
  let clock = Date.now();
  const throttle = new SignInThrottle({ now: () => clock });
  beforeAll(async () => {
    s = await start({ TRUST_PROXY: "127.0.0.1" }, throttle);
  }, 60_000);
  afterAll(() => stop(s));

  const sessionAddresses = async () =>
    (await s!.stores.db.db.selectFrom("session" as never).select("ipAddress" as never).execute()).map((row) => (row as { ipAddress: string }).ipAddress);

  it("request.ip is the address the proxy saw, recorded on the session", async () => {
    expect((await signIn(s!.proxyPort, "127.0.0.3", OWNER.email, OWNER.password)).status).toBe(200);
    expect(await sessionAddresses()).toEqual(["127.0.0.3"]);
  });

  it("one stranger's wrong passwords spend only their own address's budget", async () => {
    for (let i = 0; i < SIGN_IN_MAX_ATTEMPTS; i++) {
      expect((await signIn(s!.proxyPort, "127.0.0.5", `nobody${i}@example.com`, "guess")).status).toBe(401);
    }
    const limited = await signIn(s!.proxyPort, "127.0.0.5", "another@example.com", "guess");
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect((await signIn(s!.proxyPort, "127.0.0.3", OWNER.email, OWNER.password)).status).toBe(200);
  });

  it("guessing one account from one address meets growing delays there, the right password included; the owner elsewhere signs in", async () => {
    const stranger = "127.0.0.2";
    for (let i = 0; i < SIGN_IN_THROTTLE_DEFAULTS.pairFree; i++) {
      expect((await signIn(s!.proxyPort, stranger, OWNER.email, `guess ${i}`)).status).toBe(401);
    }
    const first = await signIn(s!.proxyPort, stranger, OWNER.email, OWNER.password);
    expect(first.status).toBe(429);
    expect(first.retryAfter).toBe("1");
    expect(JSON.parse(first.body).error).toBe("Too many failed sign-ins to this account from your address; try again in 1 second");
    expect((await signIn(s!.proxyPort, "127.0.0.3", OWNER.email, OWNER.password)).status).toBe(200);

    // Once the delay has passed, one more guess is let through, and the next wait doubles.
    clock += 1_000;
    expect((await signIn(s!.proxyPort, stranger, OWNER.email, "guess again")).status).toBe(401);
    expect((await signIn(s!.proxyPort, stranger, OWNER.email, "and again")).retryAfter).toBe("2");
  });

  it("a client's own X-Forwarded-For names no one: through the proxy, or straight to the API", async () => {
    // Through the proxy, the stranger claims the owner's address: the proxy appends the real one,
    // and that is the one counted (still delayed from the test before).
    const spoofed = await signIn(s!.proxyPort, "127.0.0.2", OWNER.email, "guess", { "x-forwarded-for": "127.0.0.3" });
    expect(spoofed.status).toBe(429);
    // Straight to the API from an address that is not a trusted proxy, the header is ignored.
    for (let i = 0; i < SIGN_IN_THROTTLE_DEFAULTS.pairFree; i++) {
      expect((await signIn(s!.apiPort, "127.0.0.4", OWNER.email, `direct ${i}`, { "x-forwarded-for": "127.0.0.3" })).status).toBe(401);
    }
    expect((await signIn(s!.apiPort, "127.0.0.4", OWNER.email, "direct", { "x-forwarded-for": "127.0.0.3" })).status).toBe(429);
    expect((await signIn(s!.proxyPort, "127.0.0.3", OWNER.email, OWNER.password)).status).toBe(200);
  });

  it("guesses spread over many addresses slow the account for new addresses, never for one the owner signed in from", async () => {
    clock += 60 * 60_000 + 1; // what the tests before left is forgotten
    const free = SIGN_IN_THROTTLE_DEFAULTS.pairFree - 1;
    let failures = 0;
    for (let host = 10; failures < SIGN_IN_THROTTLE_DEFAULTS.accountFree; host++) {
      for (let i = 0; i < free && failures < SIGN_IN_THROTTLE_DEFAULTS.accountFree; i++, failures++) {
        expect((await signIn(s!.proxyPort, `127.0.0.${host}`, OWNER.email, `spread ${host} ${i}`)).status).toBe(401);
      }
    }
    const newcomer = await signIn(s!.proxyPort, "127.0.0.40", OWNER.email, OWNER.password);
    expect(newcomer.status).toBe(429);
    expect(Number(newcomer.retryAfter)).toBeLessThanOrEqual(SIGN_IN_THROTTLE_DEFAULTS.accountMaxDelayMs / 1000);
    // The owner's address is known (signed in from before): not slowed.
    expect((await signIn(s!.proxyPort, "127.0.0.3", OWNER.email, OWNER.password)).status).toBe(200);
    // After the wait, the newcomer (the owner on a new network, say) gets in.
    clock += Number(newcomer.retryAfter) * 1000;
    expect((await signIn(s!.proxyPort, "127.0.0.40", OWNER.email, OWNER.password)).status).toBe(200);
  });
});
