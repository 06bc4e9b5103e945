// The worker's access to Databend: the official databend-driver, a few pooled connections, and
// errors turned into a scrubbed message plus a class the worker can act on.
import { Client, type Connection } from "databend-driver";
import { scrubSecrets } from "./sql.ts";

/** One line of COPY INTO's result: a file it loaded. Files already loaded are not listed. */
export interface CopyFileResult {
  file: string;
  rowsLoaded: number;
  errorsSeen: number;
  firstError: string | null;
  firstErrorLine: number | null;
}

/**
 * - `unavailable`: Databend could not be reached or answered with a server error; retry later.
 * - `target`: the target database or table does not exist (or is not accessible); the task fails.
 * - `access`: Databend could not read the bucket with the credentials given (denied, expired, no
 *   such bucket); affects every file alike, so retry later with fresh credentials.
 * - `statement`: the statement ran and failed, for example on a malformed file or a missing object.
 */
export type WarehouseErrorKind = "unavailable" | "target" | "access" | "statement";

export class WarehouseError extends Error {
  readonly kind: WarehouseErrorKind;
  constructor(kind: WarehouseErrorKind, message: string) {
    super(message);
    this.name = "WarehouseError";
    this.kind = kind;
  }
}

const UNAVAILABLE = [
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN/i,
  /error sending request|connection (refused|reset|closed)|connect error|tcp connect/i,
  /timed? ?out|timeout/i,
  /\b(502|503|504)\b|service unavailable|bad gateway/i,
  /failed to (connect|get|send)|hyper|reqwest|transport|broken pipe/i,
];
const ACCESS = [
  /\[3002\]|access ?denied|forbidden|\b403\b|permission ?denied|PermissionDenied/i,
  /InvalidAccessKeyId|ExpiredToken|TokenRefreshRequired|InvalidToken|SignatureDoesNotMatch|NoSuchBucket/i,
];
const TARGET = [/\[10(25|03)\]/, /unknown (table|database)/i, /UnknownTable|UnknownDatabase/];

export function classifyWarehouseError(message: string): WarehouseErrorKind {
  if (TARGET.some((re) => re.test(message))) return "target";
  if (ACCESS.some((re) => re.test(message))) return "access";
  if (UNAVAILABLE.some((re) => re.test(message))) return "unavailable";
  return "statement";
}

export function toWarehouseError(error: unknown, secrets: readonly string[] = []): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = scrubSecrets(raw, secrets).replace(/\s+/g, " ").trim();
  return new WarehouseError(classifyWarehouseError(message), message || "Databend request failed");
}

function pick(data: Record<string, unknown>, name: string): unknown {
  if (name in data) return data[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(data)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function num(value: unknown): number {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return 0;
}

export function copyResultFromRow(data: Record<string, unknown>): CopyFileResult {
  const firstError = pick(data, "First_error");
  const firstErrorLine = pick(data, "First_error_line");
  return {
    file: String(pick(data, "File") ?? ""),
    rowsLoaded: num(pick(data, "Rows_loaded")),
    errorsSeen: num(pick(data, "Errors_seen")),
    firstError: firstError === null || firstError === undefined || firstError === "" ? null : String(firstError),
    firstErrorLine: firstErrorLine === null || firstErrorLine === undefined ? null : num(firstErrorLine),
  };
}

export interface Warehouse {
  /** Runs a COPY INTO; `secrets` are scrubbed from any error. */
  copyInto(sql: string, secrets: readonly string[]): Promise<CopyFileResult[]>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** A small pool over databend-driver connections; a connection that failed is not reused. */
export class DatabendWarehouse implements Warehouse {
  private readonly client: Client;
  private readonly idle: Connection[] = [];
  private readonly maxIdle: number;
  private closed = false;

  constructor(dsn: string, options: { maxIdle?: number } = {}) {
    this.client = new Client(dsn);
    this.maxIdle = options.maxIdle ?? 4;
  }

  private async acquire(): Promise<Connection> {
    return this.idle.pop() ?? (await this.client.getConn());
  }

  private release(conn: Connection, healthy: boolean): void {
    if (healthy && !this.closed && this.idle.length < this.maxIdle) this.idle.push(conn);
    else void conn.close().catch(() => {});
  }

  private async withConn<T>(fn: (conn: Connection) => Promise<T>, secrets: readonly string[]): Promise<T> {
    let conn: Connection;
    try {
      conn = await this.acquire();
    } catch (error) {
      const e = toWarehouseError(error, secrets);
      throw new WarehouseError("unavailable", e.message);
    }
    try {
      const result = await fn(conn);
      this.release(conn, true);
      return result;
    } catch (error) {
      const e = toWarehouseError(error, secrets);
      this.release(conn, e.kind !== "unavailable");
      throw e;
    }
  }

  async copyInto(sql: string, secrets: readonly string[]): Promise<CopyFileResult[]> {
    return this.withConn(async (conn) => {
      const rows = await conn.queryAll(sql);
      return rows.map((row) => copyResultFromRow(row.data() as Record<string, unknown>));
    }, secrets);
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.withConn(async (conn) => {
      const rows = await conn.queryAll(sql);
      return rows.map((row) => row.data() as Record<string, unknown>);
    }, []);
  }

  async exec(sql: string): Promise<void> {
    await this.withConn((conn) => conn.exec(sql), []);
  }

  async close(): Promise<void> {
    this.closed = true;
    const conns = this.idle.splice(0);
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
  }
}
