// Whether a task's target table can be loaded into, asked of Databend itself: `DESC <db>.<table>`
// through databend-driver, bounded by a timeout so a hanging warehouse cannot hang the caller.
// Only the outcome is classified here; what to tell a person is the API's business.
import { DatabendWarehouse, type Warehouse } from "./client.ts";
import { databendErrorCode } from "./errors.ts";
import { scrubSecrets } from "../error-text.ts";
import { qualifiedTable, sqlIdent, sqlString } from "./sql.ts";

/** Databend error codes the check tells apart (the driver's message carries them as `[1025]`). */
export const DATABEND_CODES = {
  unknownDatabase: 1003,
  unknownTable: 1025,
  permissionDenied: 1063,
} as const;


/** Where a DSN points, for messages: host and port as configured, never the user or password. */
export function databendAddress(dsn: string): string {
  try {
    return new URL(dsn).host || "(no host in DATABEND_DSN)";
  } catch {
    return "(unparsable DATABEND_DSN)";
  }
}

/** The user a DSN signs in as (empty when it names none). */
export function databendUser(dsn: string): string {
  try {
    return decodeURIComponent(new URL(dsn).username);
  } catch {
    return "";
  }
}

export type TargetCheckResult =
  | { status: "ok" }
  | { status: "missing_database" }
  | { status: "missing_table" }
  | { status: "denied" }
  /** It exists but is not a table COPY can write (a view, or another engine that takes no rows). */
  | { status: "not_a_table"; engine: string }
  /** No answer within the timeout, or no connection at all: nothing is known about the table. */
  | { status: "unreachable"; timedOut: boolean; detail: string }
  /** Databend answered with another error (e.g. authentication): nothing is known about the table. */
  | { status: "error"; code: number | null; detail: string };

/** How a question to Databend failed (the target check's and the warehouse browser's alike). */
export type DatabendFailure = Exclude<TargetCheckResult, { status: "ok" } | { status: "not_a_table" }>;

export interface TargetChecker {
  /** host:port of the warehouse, without credentials. */
  readonly address: string;
  /** The Databend user the checks (and the worker's loads) run as. */
  readonly user: string;
  readonly timeoutMs: number;
  check(target: { database: string; table: string }): Promise<TargetCheckResult>;
  close(): Promise<void>;
}

/** A driver message without its backtrace notice and driver version, for a person to read. */
function readable(message: string): string {
  return message
    .replace(/<Backtrace disabled[^>]*>\.?/g, "")
    .replace(/\s*\[v\d+(\.\d+)*\]\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Classifies a failed DESC from the driver's message. */
export function classifyTargetError(message: string): DatabendFailure {
  const code = databendErrorCode(message) ?? null;
  switch (code) {
    case DATABEND_CODES.unknownDatabase:
      return { status: "missing_database" };
    case DATABEND_CODES.unknownTable:
      return { status: "missing_table" };
    case DATABEND_CODES.permissionDenied:
      return { status: "denied" };
    case null:
      // No Databend code: the request never got a query answer (connection refused, reset, DNS...).
      return { status: "unreachable", timedOut: false, detail: readable(message) };
    default:
      return { status: "error", code, detail: readable(message) };
  }
}

/** Removes the DSN's password from a text (a driver message may echo the DSN). */
export function dsnScrubber(dsn: string): (text: string) => string {
  const password = (() => {
    try {
      return decodeURIComponent(new URL(dsn).password);
    } catch {
      return "";
    }
  })();
  return (text: string) => scrubSecrets(text, password ? [password] : []);
}

/**
 * Runs `ask` against Databend, bounded by `timeoutMs`: its answer, or how it failed (classified by
 * Databend's code; no answer in time is `unreachable` with `timedOut`). The statement itself is not
 * cancelled on a timeout; its connection finishes it in the background.
 */
export async function askDatabend<T>(
  ask: () => Promise<T>,
  timeoutMs: number,
  scrub: (text: string) => string = (t) => t,
): Promise<T | DatabendFailure> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DatabendFailure>((resolve) => {
    timer = setTimeout(() => resolve({ status: "unreachable", timedOut: true, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answer = ask().catch((error: unknown) => classifyTargetError(scrub(error instanceof Error ? error.message : String(error))));
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createTargetChecker(options: { dsn: string; timeoutMs: number }): TargetChecker {
  const { dsn, timeoutMs } = options;
  const scrub = dsnScrubber(dsn);
  let warehouse: DatabendWarehouse | undefined;
  return {
    address: databendAddress(dsn),
    user: databendUser(dsn),
    timeoutMs,
    async check(target) {
      warehouse ??= new DatabendWarehouse(dsn, { maxIdle: 2 });
      return checkTarget(warehouse, target, timeoutMs, scrub);
    },
    async close() {
      await warehouse?.close();
    },
  };
}

/** Engines of system.tables that COPY INTO cannot append to (Databend: `append_data` unsupported). */
const NOT_WRITABLE_ENGINES = new Set(["VIEW", "STREAM"]);

/**
 * DESC of the target, then its engine from system.tables: a view answers DESC like a table but
 * COPY into it fails (1002, "append_data not available"), which reads like a file error.
 */
export async function checkTarget(
  warehouse: Warehouse,
  target: { database: string; table: string },
  timeoutMs: number,
  scrub: (text: string) => string = (t) => t,
): Promise<TargetCheckResult> {
  const ask = async (): Promise<TargetCheckResult> => {
    await warehouse.query(`DESC ${qualifiedTable(target.database, target.table)}`);
    // Databend lists views in system.views, not system.tables.
    const where = `WHERE database = ${sqlString(target.database)} AND name = ${sqlString(target.table)}`;
    const rows = await warehouse.query(`SELECT engine FROM system.views ${where} UNION ALL SELECT engine FROM system.tables ${where}`);
    const engine = String(Object.values(rows[0] ?? {})[0] ?? "");
    return NOT_WRITABLE_ENGINES.has(engine.toUpperCase()) ? { status: "not_a_table", engine } : { status: "ok" };
  };
  return askDatabend(ask, timeoutMs, scrub);
}

/**
 * What is wrong with a target Databend answered about, as the field to blame and one sentence with
 * the fix (the API's 400s and a failed task's reason); undefined when usable or not known.
 */
export function targetProblem(
  result: TargetCheckResult,
  target: { database: string; table: string },
  user: string,
): { field: "target.database" | "target.table"; sentence: string } | undefined {
  const shown = `${target.database}.${target.table}`;
  switch (result.status) {
    case "missing_database":
      return {
        field: "target.database",
        sentence: `Databend has no database ${target.database}; create it first (CREATE DATABASE ${sqlIdent(target.database)}) and the table in it, then try again`,
      };
    case "missing_table":
      return {
        field: "target.table",
        sentence: `Databend has no table ${target.table} in database ${target.database}; create it first (CREATE TABLE ${qualifiedTable(target.database, target.table)} with columns that match the files), then try again`,
      };
    case "denied":
      return {
        field: "target.table",
        sentence: `The Databend user ${user || "of the task's warehouse"} cannot write to ${shown}; grant that user INSERT on the table, then try again`,
      };
    case "not_a_table":
      return {
        field: "target.table",
        sentence: `${shown} is a ${result.engine.toLowerCase()}, and COPY INTO loads only into tables; choose a table, then try again`,
      };
    default:
      return undefined;
  }
}
