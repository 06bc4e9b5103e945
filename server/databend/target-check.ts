// Whether a task's target table can be loaded into, asked of Databend itself: `DESC <db>.<table>`
// through databend-driver, bounded by a timeout so a hanging warehouse cannot hang the caller.
// Only the outcome is classified here; what to tell a person is the API's business.
import { DatabendWarehouse } from "./client.ts";
import { qualifiedTable, scrubSecrets } from "./sql.ts";

/** Databend error codes the check tells apart (the driver's message carries them as `[1025]`). */
export const DATABEND_CODES = {
  unknownDatabase: 1003,
  unknownTable: 1025,
  permissionDenied: 1063,
} as const;

/** The Databend error code in a driver message (`... QueryFailed: [1025]Unknown table ...`), or null. */
export function databendErrorCode(message: string): number | null {
  const match = /\[(\d+)\]/.exec(message);
  return match ? Number(match[1]) : null;
}

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
  /** No answer within the timeout, or no connection at all: nothing is known about the table. */
  | { status: "unreachable"; timedOut: boolean; detail: string }
  /** Databend answered with another error (e.g. authentication): nothing is known about the table. */
  | { status: "error"; code: number | null; detail: string };

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
export function classifyTargetError(message: string): TargetCheckResult {
  const code = databendErrorCode(message);
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

export function createTargetChecker(options: { dsn: string; timeoutMs: number }): TargetChecker {
  const { dsn, timeoutMs } = options;
  const password = (() => {
    try {
      return decodeURIComponent(new URL(dsn).password);
    } catch {
      return "";
    }
  })();
  const scrub = (text: string) => scrubSecrets(text, password ? [password] : []);
  let warehouse: DatabendWarehouse | undefined;
  return {
    address: databendAddress(dsn),
    user: databendUser(dsn),
    timeoutMs,
    async check(target) {
      warehouse ??= new DatabendWarehouse(dsn, { maxIdle: 2 });
      const query = warehouse.query(`DESC ${qualifiedTable(target.database, target.table)}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<TargetCheckResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ status: "unreachable", timedOut: true, detail: `no answer within ${timeoutMs} ms` }),
          timeoutMs,
        );
      });
      const answer = query.then(
        (): TargetCheckResult => ({ status: "ok" }),
        (error: unknown) => classifyTargetError(scrub(error instanceof Error ? error.message : String(error))),
      );
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await warehouse?.close();
    },
  };
}
