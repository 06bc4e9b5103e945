// Test connection (Organization → Warehouses): signs in to a warehouse with databend-driver as the
// worker will, asks its version, then opens the connection's database, and says in one sentence
// which step failed and what to change. Databend's own codes decide (server/databend/errors.ts):
// 1051/5100 AuthenticateFailure → wrong user or password; 1003 UnknownDatabase → no such
// database; 1063 PermissionDenied → no privilege on it. No code at all means no query answer came
// back: the network (refused, DNS, timeout) or the TLS handshake, told apart by the driver's text.
// The password is scrubbed from every text that leaves.
import { Client } from "databend-driver";
import type { WarehouseTestResult } from "#contracts/warehouse-connection.ts";
import { DATABEND_ERROR_CODES, databendErrorCode } from "./errors.ts";
import { scrubSecrets } from "../error-text.ts";
import { sqlIdent } from "./sql.ts";

export interface ConnectionUnderTest {
  host: string;
  port: number;
  user: string;
  database: string;
  tls: boolean;
}

/**
 * Words of a failed TLS handshake in the driver's (reqwest/rustls) errors; a plain-HTTP server
 * spoken to with TLS reads "received corrupt message of type InvalidContentType" (measured).
 */
const TLS_WORDS = /\b(tls|ssl|certificate|handshake|x509|InvalidCertificate|UnknownIssuer|InvalidContentType|corrupt message)\b/i;

const readable = (text: string) =>
  text
    .replace(/<Backtrace disabled[^>]*>\.?/g, "")
    .replace(/\s*\[v\d+(\.\d+)*\]\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();

export async function testConnection(
  c: ConnectionUnderTest,
  dsn: string,
  password: string,
  timeoutMs: number,
): Promise<WarehouseTestResult> {
  const scrub = (text: string) => readable(scrubSecrets(text, password ? [password, encodeURIComponent(password)] : []));
  const where = `${c.host}:${c.port}`;
  let step: "connect" | "database" = "connect";
  let version: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  // No retries: the driver retries a refused login twice, 10 s apart (measured: 13.3 s against a
  // closed port, 11 ms with retry_count=0), and a person pressing Test wants the first answer.
  const client = new Client(`${dsn}${dsn.includes("?") ? "&" : "?"}retry_count=0`);
  const attempt = (async () => {
    const conn = await client.getConn();
    try {
      const row = await conn.queryRow("SELECT version()");
      version = row ? String(row.values()[0] ?? "") : undefined;
      step = "database";
      // The database the connection opens, asked by name so a missing one and a forbidden one differ.
      await conn.queryAll(`SHOW TABLES FROM ${sqlIdent(c.database)}`);
    } finally {
      void conn.close().catch(() => {});
    }
  })();
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    const outcome = await Promise.race([attempt.then(() => "ok" as const), timeout]);
    if (outcome === "timeout") {
      return {
        ok: false,
        status: "unreachable",
        message: `${where} did not answer within ${Math.round(timeoutMs / 100) / 10} s; check the host and port (Databend's HTTP port, 8000 by default; 443 on Databend Cloud) and that the warehouse is running`,
      };
    }
    return { ok: true, status: "ok", message: `Signed in to ${where} as ${c.user} and opened database ${c.database}`, ...(version ? { version } : {}) };
  } catch (error) {
    const detail = scrub(error instanceof Error ? error.message : String(error));
    return { ...explain(c, where, step, databendErrorCode(detail), detail), ...(version ? { version } : {}), detail };
  } finally {
    clearTimeout(timer);
    void attempt.catch(() => {});
  }
}

function explain(c: ConnectionUnderTest, where: string, step: "connect" | "database", code: number | undefined, detail: string): Omit<WarehouseTestResult, "detail"> {
  const name = code === undefined ? "" : ` (${code}${DATABEND_ERROR_CODES[code] ? ` ${DATABEND_ERROR_CODES[code]!.name}` : ""})`;
  switch (code) {
    case 1051:
    case 5100:
      return { ok: false, status: "auth", message: `${where} refused user ${c.user}${name}: the user does not exist or the password is wrong; correct the user or enter the password again` };
    case 1003:
      return { ok: false, status: "database", message: `${where} has no database ${c.database}${name}; enter an existing database (default exists on every Databend) or create it first` };
    case 1063:
      return {
        ok: false,
        status: "database",
        message: `User ${c.user} may not use database ${c.database} on ${where}${name}; grant the user privileges on it (for loading: INSERT and SELECT on its tables), or enter another database`,
      };
    case undefined:
      if (TLS_WORDS.test(detail)) {
        return {
          ok: false,
          status: "tls",
          message: c.tls
            ? `The TLS handshake with ${where} failed; turn TLS off if the warehouse serves plain HTTP (a local databend-query on 8000), or fix its certificate`
            : `${where} did not answer plain HTTP as expected; turn TLS on if it serves HTTPS (Databend Cloud does, on 443)`,
        };
      }
      return {
        ok: false,
        status: step === "connect" ? "unreachable" : "error",
        message:
          step === "connect"
            ? `Could not reach ${where}; check the host and port and that the warehouse is running${c.tls ? " (and serves HTTPS)" : ""}`
            : `${where} stopped answering while database ${c.database} was opened; try again`,
      };
    default:
      return { ok: false, status: "error", message: `${where} answered with an error${name} while ${step === "connect" ? "signing in" : `opening database ${c.database}`}; see the detail` };
  }
}
