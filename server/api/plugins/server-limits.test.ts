// Held connections are cut: a client that sends headers and part of a body, then stalls, loses
// its connection once it has been idle for CONNECTION_TIMEOUT_MS; one that drips a byte at a time
// (never idle) loses it at REQUEST_TIMEOUT_MS. Short timeouts here; every wait is bounded.
import { connect, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { buildApp } from "../app.ts";
import { fixedPrincipal } from "../../../tests/support/fixed-principal.ts";

const CONNECTION_TIMEOUT_MS = 600;
const REQUEST_TIMEOUT_MS = 1_500;
/** Node looks for late requests every requestTimeout / 4 (see server-limits.ts), so a cut comes this late at most. */
const SLACK_MS = REQUEST_TIMEOUT_MS / 4 + 700;

let dataDir: string;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "server-limits-"));
  const config = loadConfig({
    ORG_ID: "org-1",
    DATA_DIR: dataDir,
    CONNECTION_TIMEOUT_MS: String(CONNECTION_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  });
  app = await buildApp({ authenticate: fixedPrincipal(config.orgId!), config, logger: pino({ level: "silent" }) });
  port = Number(new URL(await app.listen({ host: "127.0.0.1", port: 0 })).port);
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Held {
  socket: Socket;
  /** Resolves when the server closes the connection: ms since the headers were sent, and what it answered. */
  closed: Promise<{ afterMs: number; answer: string }>;
}

function holdSlowBody(): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      const started = Date.now();
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      const closed = new Promise<{ afterMs: number; answer: string }>((done) =>
        socket.once("close", () => done({ afterMs: Date.now() - started, answer })),
      );
      socket.write(
        "POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n" + '{"name":"',
      );
      resolve({ socket, closed });
    });
    socket.once("error", reject);
  });
}

/** Fails the test instead of hanging when the server never cuts the connection. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe("held connections", () => {
  it("closes a connection whose body stalls, once it has been idle for the connection timeout", async () => {
    const held = await holdSlowBody();
    try {
      const { afterMs } = await within(held.closed, CONNECTION_TIMEOUT_MS + SLACK_MS, "the stalled connection closed");
      expect(afterMs).toBeGreaterThanOrEqual(CONNECTION_TIMEOUT_MS - 50);
    } finally {
      held.socket.destroy();
    }
  });

  it("answers 408 and closes a body that drips in, never idle, at the request timeout", async () => {
    const held = await holdSlowBody();
    // A byte well inside the idle timeout, so only the request timeout can end it.
    const drip = setInterval(() => held.socket.writable && held.socket.write("a"), CONNECTION_TIMEOUT_MS / 4);
    try {
      const { afterMs, answer } = await within(held.closed, REQUEST_TIMEOUT_MS + SLACK_MS, "the dripping connection closed");
      expect(afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
      held.socket.destroy();
    }
  });

  it("still serves a request that arrives in time", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
  });
});
