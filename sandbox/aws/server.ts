/**
 * The local AWS sandbox: one HTTP endpoint on 127.0.0.1 for S3, SQS, STS and IAM.
 * Requests are routed by the service in their SigV4 credential scope, attributed to an identity by
 * access key (and session token), signature-checked, authorized, and then served either by the
 * sandbox itself (IAM, STS, bucket location/notifications) or by fauxqs in-process (SQS, S3).
 */
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { pino, type Logger } from "pino";
import {
  checkPresignExpiry,
  formFieldsOf,
  identify,
  parseCredential,
  verifySignature,
  type Caller,
  type CredentialScope,
  type SandboxRequest,
} from "./auth.ts";
import type { SandboxContext, SandboxResponse } from "./context.ts";
import { AuthError, AwsError, authErrorForQuery, queryErrorXml, requestId, s3ErrorXml } from "./errors.ts";
import { createFauxqs } from "./fauxqs.ts";
import { handleIam, IAM_XMLNS } from "./iam.ts";
import { handleS3, watchS3Store } from "./s3.ts";
import { applySeed, seedValues, type SeedValues } from "../seed.ts";
import { handleSqs } from "./sqs.ts";
import { StateFile } from "./state.ts";
import { handleSts, STS_XMLNS } from "./sts.ts";

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default: env SANDBOX_PORT or 4566. */
  port?: number;
  /** Root data directory; the sandbox keeps its files in `<dataDir>/sandbox`. Default: env DATA_DIR or ./data. */
  dataDir?: string;
  /** Organization ID, the External ID of the seeded role's trust policy. Default: env ORG_ID or local-org. */
  orgId?: string;
  /** Delete the sandbox's stored state before starting. */
  reset?: boolean;
  /** Log requests with pino (info level). Default false; a pino Logger may be passed instead. */
  log?: boolean | Logger;
  /** Create the demo resources from sandbox/seed.json when the state is new. Default true. */
  seed?: boolean;
  /** Lowest AssumeRole DurationSeconds accepted. Default: env SANDBOX_MIN_SESSION_SECONDS or 900 (AWS). */
  minSessionSeconds?: number;
  /** Verify SigV4 signatures. Default true unless env SANDBOX_VERIFY_SIGNATURES=0. */
  verifySignatures?: boolean;
  /** Require the queue policy to allow s3.amazonaws.com for notifications. Default true unless env SANDBOX_ENFORCE_QUEUE_POLICY=0. */
  enforceQueuePolicy?: boolean;
}

export interface Sandbox {
  url: string;
  port: number;
  /** Where the sandbox keeps its state (`<dataDir>/sandbox`). */
  stateDir: string;
  orgId: string;
  /** True when this start created the demo resources. */
  seeded: boolean;
  /** The demo's values (queue URL, role ARN, External ID, bucket, prefix, suffix, …). */
  seedValues: SeedValues;
  stop(): Promise<void>;
}

const envFlag = (name: string, dflt: boolean): boolean => {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  return !/^(0|false|no|off)$/i.test(v);
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolveBody(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Which service an unsigned request was meant for, to answer in its error shape. */
function guessService(req: SandboxRequest): string {
  const ct = String(req.headers["content-type"] ?? "");
  if (ct.includes("x-amz-json-1.0")) return "sqs";
  if (ct.includes("x-www-form-urlencoded") && req.method === "POST" && req.path === "/") {
    const action = new URLSearchParams(req.body.toString("utf8")).get("Action") ?? "";
    if (["AssumeRole", "GetCallerIdentity"].includes(action)) return "sts";
    if (/Role/.test(action)) return "iam";
    return "sqs";
  }
  return "s3";
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dataDir = resolve(options.dataDir ?? process.env.DATA_DIR ?? "./data");
  const stateDir = join(dataDir, "sandbox");
  const orgId = options.orgId ?? process.env.ORG_ID ?? "local-org";
  if (options.reset) rmSync(stateDir, { recursive: true, force: true });
  const log: Logger =
    typeof options.log === "object" ? options.log : pino({ name: "sandbox", enabled: options.log === true, level: "info" });

  const state = new StateFile(stateDir);
  const fauxqs = await createFauxqs(join(stateDir, "fauxqs"));
  watchS3Store(fauxqs);
  const minEnv = process.env.SANDBOX_MIN_SESSION_SECONDS;
  const ctx: SandboxContext = {
    state,
    fauxqs,
    log,
    minSessionSeconds: options.minSessionSeconds ?? (minEnv ? Number(minEnv) : 900),
    enforceQueuePolicy: options.enforceQueuePolicy ?? envFlag("SANDBOX_ENFORCE_QUEUE_POLICY", true),
  };
  const verify = options.verifySignatures ?? envFlag("SANDBOX_VERIFY_SIGNATURES", true);

  async function route(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.method === "GET" && (req.path === "/_sandbox/health" || req.path === "/health") && !req.headers.authorization && !req.rawQuery) {
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "ok" }) };
    }
    const formFields = req.method === "POST" ? formFieldsOf(req) : undefined;
    let cred: CredentialScope | undefined;
    let parseError: AuthError | undefined;
    try {
      cred = parseCredential(req, formFields);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      parseError = err;
    }
    const service = cred?.service ?? guessService(req);
    // The signer is asynchronous; its verdict is ready before the handlers ask for the caller, and
    // reported in the same order as before (unknown or expired credentials first).
    let signatureError: AuthError | undefined;
    if (verify && cred && !parseError) {
      let secret: string | undefined;
      try {
        secret = identify(cred, state).secretAccessKey;
      } catch {
        // authenticate() reports it.
      }
      if (secret !== undefined) {
        try {
          await verifySignature(req, cred, secret);
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          signatureError = err;
        }
      }
    }
    const authenticate = (): Caller => {
      if (parseError) throw parseError;
      if (!cred) throw new AuthError("MissingAuthenticationToken");
      const caller = identify(cred, state);
      if (signatureError) throw signatureError;
      checkPresignExpiry(cred);
      return caller;
    };
    const queryParams = () =>
      new URLSearchParams(req.method === "POST" && req.body.length ? req.body.toString("utf8") : req.rawQuery);
    const queryAuth = (xmlns: string, handler: (p: URLSearchParams, c: Caller) => SandboxResponse): SandboxResponse => {
      try {
        return handler(queryParams(), authenticate());
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        const id = requestId();
        const e = authErrorForQuery(err);
        return { status: e.status, headers: { "content-type": "text/xml" }, body: queryErrorXml(xmlns, e, id) };
      }
    };
    switch (service) {
      case "s3":
        return handleS3(ctx, req, cred, authenticate, formFields);
      case "sqs": {
        const json = String(req.headers["content-type"] ?? "").includes("x-amz-json-1.0");
        return handleSqs(ctx, req, json ? "json" : "query", cred, authenticate);
      }
      case "sts":
        return queryAuth(STS_XMLNS, (p, c) => handleSts(ctx, p, c));
      case "iam":
        return queryAuth(IAM_XMLNS, (p, c) => handleIam(ctx, p, c));
      default: {
        const err = new AwsError(
          "UnsupportedService",
          `The local sandbox does not implement the '${service}' service (it serves s3, sqs, sts and iam).`,
          400,
        );
        return { status: 400, headers: { "content-type": "text/xml" }, body: queryErrorXml(STS_XMLNS, err) };
      }
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    let sreq: SandboxRequest | undefined;
    try {
      const body = await readBody(req);
      const rawQuery = qi === -1 ? "" : url.slice(qi + 1);
      sreq = {
        method: req.method ?? "GET",
        path: qi === -1 ? url : url.slice(0, qi),
        rawQuery,
        query: new URLSearchParams(rawQuery),
        headers: req.headers,
        body,
        remoteAddress: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      };
      const out = await route(sreq);
      res.writeHead(out.status, out.headers);
      res.end(out.body);
      log.info({ method: sreq.method, url, status: out.status, ms: Date.now() - started }, "request");
    } catch (err) {
      log.error({ err, method: req.method, url }, "sandbox request failed");
      if (!res.headersSent) {
        const e = new AwsError("InternalError", `Sandbox error: ${(err as Error).message}`, 500);
        res.writeHead(500, { "content-type": "application/xml" });
        res.end(s3ErrorXml(e, requestId(), "sandbox"));
      } else res.end();
    }
  }

  // Seed on first start (or after reset), through the same handlers clients use.
  const values = seedValues(orgId);
  let seeded = false;
  if ((options.seed ?? true) && !state.existed) {
    await applySeed(ctx, values);
    seeded = true;
  }
  state.save(); // marks the state as initialized, so later starts never re-seed

  const server = createServer((req, res) => void onRequest(req, res));
  const port = options.port ?? Number(process.env.SANDBOX_PORT ?? 4566);
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}`;
  log.info({ url, stateDir }, "sandbox listening");

  let stopped: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    stateDir,
    orgId,
    seeded,
    seedValues: values,
    stop() {
      stopped ??= (async () => {
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        });
        await fauxqs.close();
        state.save();
      })();
      return stopped;
    },
  };
}

