// The dev warehouse's HTTP server: Databend's HTTP query protocol (the part databend-driver uses)
// on top of the SQLite-backed engine.
//
//   POST /v1/session/login       version + session id (the driver reads the version on connect)
//   POST /v1/query               run a statement; first page of the result
//   GET  /v1/query/:id/page/:n   further pages (next_uri)
//   GET|POST /v1/query/:id/final end of a query (the last page's next_uri); releases it
//   GET|POST /v1/query/:id/kill  cancel (results are computed at once, so this only releases)
//   GET  /v1/query/:id           state
//   POST /v1/session/heartbeat, /v1/session/logout, GET /v1/verify, GET /health

import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import pino from "pino";
import { Catalog } from "./catalog.ts";
import { Engine, SERVER_VERSION, type SchemaField, type Session, type StatementResult } from "./engine.ts";
import { closeS3Clients } from "./copy/s3.ts";
import { asWarehouseError, Codes, WarehouseError } from "./errors.ts";
import { redactSql } from "./redact.ts";

export interface WarehouseOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default: WAREHOUSE_PORT or 8000. */
  port?: number;
  /** State lives in <dataDir>/warehouse/. Default: DATA_DIR or ./data. */
  dataDir?: string;
  /** Log requests and statements (secrets redacted). Default false. */
  log?: boolean;
  /** Rows per result page when the client does not ask (Databend's default is 10000). */
  pageRows?: number;
}

export interface Warehouse {
  dsn: string;
  port: number;
  url: string;
  stop(): Promise<void>;
}

const NODE_ID = "dev-warehouse";
const RESULT_TIMEOUT_SECS = 60;
const USER = "root";

interface StoredQuery {
  id: string;
  schema: SchemaField[];
  rows: (string | null)[][];
  pageRows: number;
  result: StatementResult;
  session: Record<string, unknown>;
  startedAt: number;
  runningMs: number;
  lastAccess: number;
}

function progress(rows: number, bytes: number) {
  return { rows, bytes };
}

function stats(r: StatementResult | undefined, runningMs: number) {
  const resultRows = r?.rows.length ?? 0;
  const resultBytes = r ? JSON.stringify(r.rows).length : 0;
  return {
    scan_progress: progress(r?.scanRows ?? 0, r?.scanBytes ?? 0),
    write_progress: progress(r?.writeRows ?? 0, r?.writeBytes ?? 0),
    result_progress: progress(resultRows, resultBytes),
    total_scan: progress(r?.scanRows ?? 0, r?.scanBytes ?? 0),
    spill_progress: { file_nums: 0, bytes: 0 },
    running_time_ms: runningMs,
  };
}

const uris = (id: string) => ({
  stats_uri: `/v1/query/${id}`,
  final_uri: `/v1/query/${id}/final`,
  kill_uri: `/v1/query/${id}/kill`,
});

function pageResponse(q: StoredQuery, page: number) {
  const start = page * q.pageRows;
  const data = q.rows.slice(start, start + q.pageRows);
  const more = start + q.pageRows < q.rows.length;
  return {
    id: q.id,
    session_id: null,
    node_id: NODE_ID,
    session: q.session,
    schema: q.schema,
    data,
    state: "Succeeded",
    error: null,
    warnings: q.result.warnings ?? [],
    stats: stats(q.result, q.runningMs),
    affect: null,
    result_timeout_secs: RESULT_TIMEOUT_SECS,
    settings: null,
    ...uris(q.id),
    next_uri: more ? `/v1/query/${q.id}/page/${page + 1}` : `/v1/query/${q.id}/final`,
  };
}

function finalResponse(id: string, q: StoredQuery | undefined) {
  return {
    id,
    session_id: null,
    node_id: NODE_ID,
    session: q?.session ?? null,
    schema: q?.schema ?? [],
    data: [],
    state: "Succeeded",
    error: null,
    warnings: [],
    stats: stats(q?.result, q?.runningMs ?? 0),
    affect: null,
    result_timeout_secs: RESULT_TIMEOUT_SECS,
    settings: null,
    ...uris(id),
    next_uri: null,
  };
}

function failedResponse(id: string, session: unknown, err: WarehouseError, runningMs: number) {
  return {
    id,
    session_id: null,
    node_id: NODE_ID,
    session,
    schema: [],
    data: [],
    state: "Failed",
    error: { code: err.code, message: err.message, detail: null },
    warnings: [],
    stats: stats(undefined, runningMs),
    affect: null,
    result_timeout_secs: RESULT_TIMEOUT_SECS,
    settings: null,
    ...uris(id),
    next_uri: null,
  };
}

function errorBody(code: number, message: string) {
  return { error: { code, message } };
}

/** Basic auth as a fresh Databend: user root with an empty password. */
function authenticate(req: FastifyRequest): WarehouseError | undefined {
  const header = req.headers.authorization;
  if (!header) return new WarehouseError(Codes.AuthenticateFailure, "No authorization header detected");
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return new WarehouseError(Codes.AuthenticateFailure, "the dev warehouse accepts only basic authentication (user root, empty password)");
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const sep = decoded.indexOf(":");
  const user = sep >= 0 ? decoded.slice(0, sep) : decoded;
  const password = sep >= 0 ? decoded.slice(sep + 1) : "";
  if (user !== USER || password !== "") {
    return new WarehouseError(Codes.AuthenticateFailure, `wrong password or unknown user '${user}' (the dev warehouse has only user root with an empty password)`);
  }
  return undefined;
}

function sessionFrom(raw: unknown): { session: Session; echo: Record<string, unknown> } {
  const obj = raw && typeof raw === "object" ? { ...(raw as Record<string, unknown>) } : {};
  const database = typeof obj.database === "string" && obj.database !== "" ? obj.database : "default";
  const settings: Record<string, string> = {};
  if (obj.settings && typeof obj.settings === "object") {
    for (const [k, v] of Object.entries(obj.settings as Record<string, unknown>)) settings[k] = String(v);
  }
  return { session: { database, settings }, echo: obj };
}

export async function startWarehouse(options: WarehouseOptions = {}): Promise<Warehouse> {
  const port = options.port ?? Number(process.env.WAREHOUSE_PORT || 8000);
  const dataDir = path.resolve(options.dataDir ?? process.env.DATA_DIR ?? "./data", "warehouse");
  mkdirSync(dataDir, { recursive: true });
  const catalog = new Catalog(path.join(dataDir, "warehouse.sqlite"));
  const engine = new Engine(catalog, USER);
  const defaultPageRows = options.pageRows ?? 10_000;

  const logger = pino({ name: "warehouse", level: options.log ? process.env.LOG_LEVEL || "info" : "silent" });
  const app = Fastify({ loggerInstance: logger, bodyLimit: 256 * 1024 * 1024 });
  const queries = new Map<string, StoredQuery>();

  const sweep = setInterval(() => {
    const cutoff = Date.now() - 5 * 60_000;
    for (const [id, q] of queries) if (q.lastAccess < cutoff) queries.delete(id);
  }, 30_000);
  sweep.unref();

  app.addHook("onRequest", async (req, reply) => {
    if (req.url === "/health" || req.url.startsWith("/health?")) return;
    const err = authenticate(req);
    if (err) return reply.code(401).send(errorBody(err.code, err.message));
  });

  app.get("/health", async () => ({ status: "ok" }));
  app.get("/v1/verify", async () => ({ tenant: "default", user: USER }));

  app.post("/v1/session/login", async (req, reply) => {
    const body = (req.body ?? {}) as { database?: string };
    if (body.database && !catalog.databaseExists(body.database)) {
      return reply.code(400).send(errorBody(Codes.UnknownDatabase, `Unknown database '${body.database}'`));
    }
    const sessionId = randomUUID();
    return reply.header("X-DATABEND-SESSION-ID", sessionId).send({ version: SERVER_VERSION, session_id: sessionId });
  });
  app.post("/v1/session/logout", async () => ({}));
  app.post("/v1/session/heartbeat", async (req) => {
    const body = (req.body ?? {}) as { node_to_queries?: Record<string, string[]> };
    const ids = Object.values(body.node_to_queries ?? {}).flat();
    for (const id of ids) {
      const q = queries.get(id);
      if (q) q.lastAccess = Date.now();
    }
    return { queries_to_remove: ids.filter((id) => !queries.has(id)) };
  });

  app.post("/v1/query", async (req: FastifyRequest, reply: FastifyReply) => {
    const body = (req.body ?? {}) as { sql?: unknown; session?: unknown; pagination?: { max_rows_per_page?: number } };
    const id = randomUUID().replaceAll("-", "");
    const { session, echo } = sessionFrom(body.session);
    const started = Date.now();
    reply.header("X-DATABEND-QUERY-ID", id);
    if (typeof body.sql !== "string") {
      return reply.code(400).send(errorBody(Codes.BadArguments, "request body needs a 'sql' string"));
    }
    if ((body as { stage_attachment?: unknown }).stage_attachment) {
      const err = new WarehouseError(Codes.Unimplemented, "stage attachments (driver load/streamLoad) are not supported by the dev warehouse");
      return failedResponse(id, echo, err, 0);
    }
    const sql = body.sql;
    try {
      const result = await engine.execute(sql, session);
      const next = result.session ?? session;
      const echoed: Record<string, unknown> = { ...echo, database: next.database };
      if (Object.keys(next.settings).length > 0 || echo.settings) echoed.settings = next.settings;
      const runningMs = Date.now() - started;
      const pageRows = Math.max(1, Number(body.pagination?.max_rows_per_page) || defaultPageRows);
      const q: StoredQuery = {
        id,
        schema: result.schema,
        rows: result.rows,
        pageRows,
        result,
        session: echoed,
        startedAt: started,
        runningMs,
        lastAccess: Date.now(),
      };
      queries.set(id, q);
      req.log.info({ queryId: id, sql: redactSql(sql), rows: result.rows.length, written: result.writeRows, ms: runningMs }, "query succeeded");
      for (const w of result.warnings ?? []) req.log.warn({ queryId: id }, redactSql(w));
      return pageResponse(q, 0);
    } catch (e) {
      const err = asWarehouseError(e);
      req.log.info({ queryId: id, sql: redactSql(sql), code: err.code, error: err.message }, "query failed");
      return failedResponse(id, echo, err, Date.now() - started);
    }
  });

  app.get("/v1/query/:id/page/:page", async (req, reply) => {
    const { id, page } = req.params as { id: string; page: string };
    const q = queries.get(id);
    if (!q) return reply.code(404).send(errorBody(Codes.UnknownQuery, `query id not found ${id}`));
    const n = Number(page);
    if (!Number.isInteger(n) || n < 0 || n * q.pageRows > Math.max(q.rows.length, 0)) {
      return reply.code(404).send(errorBody(Codes.UnknownQuery, `wrong page number ${page} for query ${id}`));
    }
    q.lastAccess = Date.now();
    return pageResponse(q, n);
  });

  const finalHandler = async (req: FastifyRequest) => {
    const { id } = req.params as { id: string };
    const q = queries.get(id);
    queries.delete(id);
    return finalResponse(id, q);
  };
  app.get("/v1/query/:id/final", finalHandler);
  app.post("/v1/query/:id/final", finalHandler);

  const killHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    const { id } = req.params as { id: string };
    if (!queries.delete(id)) return reply.code(404).send(errorBody(Codes.UnknownQuery, `query id not found ${id}`));
    return {};
  };
  app.get("/v1/query/:id/kill", killHandler);
  app.post("/v1/query/:id/kill", killHandler);

  app.get("/v1/query/:id", async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = queries.get(id);
    if (!q) return reply.code(404).send(errorBody(Codes.UnknownQuery, `query id not found ${id}`));
    return { ...finalResponse(id, q), next_uri: null };
  });

  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send(errorBody(Codes.Unimplemented, `${req.method} ${req.url.split("?")[0]} is not implemented by the dev warehouse`)),
  );

  try {
    await app.listen({ host: "127.0.0.1", port });
  } catch (e) {
    catalog.close();
    throw e;
  }
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://127.0.0.1:${actualPort}`;
  logger.info({ url, dataDir }, "dev warehouse listening");
  let stopped = false;
  return {
    dsn: `databend://root:@127.0.0.1:${actualPort}/default?sslmode=disable`,
    port: actualPort,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweep);
      await app.close();
      catalog.close();
      closeS3Clients(); // idle S3 clients of COPY (shared within the process; in-use ones stay)
    },
  };
}
