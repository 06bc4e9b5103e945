// The worker's access to Databend: the official databend-driver, a few pooled connections, and
// errors turned into an operator sentence, a scrubbed detail and a class the worker can act on
// (server/databend/errors.ts).
import { Client, type Connection } from "databend-driver";
import { classifyDatabendError, type DatabendErrorClass } from "./errors.ts";
import { scrubSecrets } from "../error-text.ts";
import { UnsafeIdentifierError } from "./sql.ts";
import { RollbackFailed, runTransaction } from "./transaction.ts";

export { classifyDatabendError, databendErrorCode, failingFile, type DatabendErrorClass } from "./errors.ts";

/** One line of COPY INTO's result: a file it loaded. Files already loaded are not listed. */
export interface CopyFileResult {
  file: string;
  rowsLoaded: number;
  errorsSeen: number;
  firstError: string | null;
  firstErrorLine: number | null;
}

export interface WarehouseErrorInfo {
  code?: number | undefined;
  codeName?: string | undefined;
  /** One sentence for the operator; defaults to the message. */
  sentence?: string | undefined;
  /** The driver's text, scrubbed, as Databend wrote it (line breaks kept); defaults to the message. */
  detail?: string | undefined;
  /** The key of the file the error is about, when Databend named it. */
  file?: string | undefined;
}

/**
 * A failed Databend call. `message` is the driver's text, scrubbed, on one line (as before);
 * `sentence` says what happened and what to do, for run history and a failed task's reason;
 * `detail` is the scrubbed driver text with its line breaks.
 */
export class WarehouseError extends Error {
  /** What the worker does about it (see `DatabendErrorClass`). */
  readonly errorClass: DatabendErrorClass;
  readonly code: number | undefined;
  readonly codeName: string | undefined;
  readonly sentence: string;
  readonly detail: string;
  readonly file: string | undefined;
  constructor(errorClass: DatabendErrorClass, message: string, info: WarehouseErrorInfo = {}) {
    super(message);
    this.name = "WarehouseError";
    this.errorClass = errorClass;
    this.code = info.code;
    this.codeName = info.codeName;
    this.sentence = info.sentence ?? message;
    this.detail = info.detail ?? message;
    this.file = info.file;
  }
}

/**
 * Any thrown value as a WarehouseError: classified by Databend's code, with the operator sentence and
 * the driver's text; `secrets` are scrubbed from all of it. `bucket` helps name the failing file
 * of a storage error.
 */
export function toWarehouseError(
  error: unknown,
  secrets: readonly string[] = [],
  bucket?: string,
  during: "connect" | "statement" = "statement",
): WarehouseError {
  if (error instanceof WarehouseError) return error;
  if (error instanceof UnsafeIdentifierError) {
    const detail = scrubSecrets(error.message, secrets);
    return new WarehouseError("configuration", detail, {
      sentence: `The task's target cannot be written in SQL: ${detail}. Edit the task's target, then start the task again.`,
    });
  }
  const raw = error instanceof Error ? error.message : String(error);
  const c = classifyDatabendError(raw || "Databend request failed", { secrets, during, ...(bucket ? { bucket } : {}) });
  return new WarehouseError(c.errorClass, c.detail.replace(/\s+/g, " ").trim(), {
    code: c.code,
    codeName: c.codeName,
    sentence: c.sentence,
    detail: c.detail,
    file: c.file,
  });
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

/** Statements on one connection, inside one Databend transaction (see `Warehouse.transaction`). */
export interface WarehouseSession {
  copyInto(sql: string, secrets: readonly string[]): Promise<CopyFileResult[]>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
}

/** What a transaction's body decides: COMMIT (its writes become one fact) or ROLLBACK (none of them). */
export interface TransactionEnd<T> {
  commit: boolean;
  value: T;
}

export interface Warehouse {
  /** Runs a COPY INTO; `secrets` are scrubbed from any error. */
  copyInto(sql: string, secrets: readonly string[]): Promise<CopyFileResult[]>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * BEGIN, the body's statements, then COMMIT or ROLLBACK as the body decides, all on ONE
   * connection (a Databend transaction lives in its HTTP session: server/databend/transaction.ts).
   * A body that throws, or a failed statement, rolls back; a failed COMMIT (another transaction
   * committed a conflicting change first: 2009 or 4001) throws and leaves nothing written.
   */
  transaction<T>(body: (tx: WarehouseSession) => Promise<TransactionEnd<T>>, secrets: readonly string[]): Promise<T>;
}

/**
 * The DSN with databend-driver's `retry_delay_secs` at 1 unless it says otherwise. The driver
 * retries a request that could not be sent 3 times, 10 s apart by default (measured: 12.6 s to
 * fail against a closed port; 0.5 s with 1 s). Every caller here already handles an unreachable
 * Databend itself (the worker holds its batch and probes with its own backoff, the API answers
 * 503 within its timeout), and a load is now several requests (BEGIN, COPY, receipts, COMMIT), so
 * the default delay only made the worker notice an outage half a minute late.
 */
export function withShortRetryDelay(dsn: string): string {
  if (/[?&]retry_delay_secs=/.test(dsn)) return dsn;
  return `${dsn}${dsn.includes("?") ? "&" : "?"}retry_delay_secs=1`;
}

/** A small pool over databend-driver connections; a connection that failed is not reused. */
export class DatabendWarehouse implements Warehouse {
  private readonly client: Client;
  private readonly idle: Connection[] = [];
  private readonly maxIdle: number;
  private closed = false;

  constructor(dsn: string, options: { maxIdle?: number } = {}) {
    this.client = new Client(withShortRetryDelay(dsn));
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
      // Usually unreachable (transient); a refused login or a DSN naming a missing database is not.
      throw toWarehouseError(error, secrets, undefined, "connect");
    }
    try {
      const result = await fn(conn);
      this.release(conn, true);
      return result;
    } catch (error) {
      const e = toWarehouseError(error, secrets);
      this.release(conn, e.errorClass !== "transient");
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

  async transaction<T>(body: (tx: WarehouseSession) => Promise<TransactionEnd<T>>, secrets: readonly string[]): Promise<T> {
    let conn: Connection;
    try {
      conn = await this.acquire();
    } catch (error) {
      throw toWarehouseError(error, secrets, undefined, "connect");
    }
    let broken = false;
    try {
      const value = await runTransaction(conn, body, () => (broken = true));
      this.release(conn, true);
      return value;
    } catch (error) {
      const e = toWarehouseError(error instanceof RollbackFailed ? error.cause : error, secrets);
      this.release(conn, !broken && e.errorClass !== "transient");
      throw e;
    }
  }

  /**
   * Runs a query and answers its result schema (Databend's names and types, e.g. `Nullable(Int32)`)
   * with the rows as arrays in that order; `secrets` are scrubbed from any error.
   */
  async read(sql: string, secrets: readonly string[]): Promise<{ fields: { name: string; dataType: string }[]; rows: unknown[][] }> {
    return this.withConn(async (conn) => {
      const iterator = await conn.queryIter(sql);
      const rows: unknown[][] = [];
      for (;;) {
        const next = await iterator.next();
        if (next === null) break;
        if (next instanceof Error) throw next;
        rows.push(next.values());
      }
      return { fields: iterator.schema().fields(), rows };
    }, secrets);
  }

  async close(): Promise<void> {
    this.closed = true;
    const conns = this.idle.splice(0);
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
  }
}
