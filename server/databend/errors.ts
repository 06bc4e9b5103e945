// Databend errors, classified by Databend's error code rather than by message text, each with a
// sentence an operator can act on. The raw driver text stays available, scrubbed, as `detail`.
//
// Codes and names: src/common/exception/src/exception_code.rs in databendlabs/databend (v1.2.453,
// the engine the dev warehouse runs; later releases keep these numbers, except that
// AuthenticateFailure moved from 1051 to 5100). The driver (databend-driver, bendsql
// core/src/error.rs + error_code.rs) writes a failed query as `APIError: QueryFailed: [<code>]<text>`
// (`BadRequest:(<status>)[<code>]` for a non-200 answer, `AuthFailure: [<code>]` on login); the
// engine's own rendering is `<Name>. Code: <code>, Text = <text>`. Both are read here.
import { scrubSecrets } from "../error-text.ts";

/**
 * What the worker does about a failed load:
 * - `configuration`: nothing works until someone changes the task or the warehouse; fail the task.
 * - `transient`: Databend or the path to it is unwell, or another load got in the way; retry the
 *   whole batch later.
 * - `file`: one file is at fault (malformed, vanished, not what the format says); isolate it (by
 *   `file` when the error names it, else by splitting the batch) and load the others.
 * - `access`: S3 refused Databend the objects; retry later with fresh credentials.
 */
export type DatabendErrorClass = "configuration" | "transient" | "file" | "access";

interface CodeRule {
  name: string;
  errorClass: DatabendErrorClass;
}

/** Every code the worker acts on by class; any other code is treated as a file error (see below). */
export const DATABEND_ERROR_CODES: Readonly<Record<number, CodeRule>> = {
  // configuration: the statement cannot succeed as the task and the warehouse stand.
  1003: { name: "UnknownDatabase", errorClass: "configuration" },
  1005: { name: "SyntaxException", errorClass: "configuration" },
  1025: { name: "UnknownTable", errorClass: "configuration" },
  1051: { name: "AuthenticateFailure", errorClass: "configuration" },
  1062: { name: "ManagementModePermissionDenied", errorClass: "configuration" },
  1063: { name: "PermissionDenied", errorClass: "configuration" },
  1074: { name: "UnknownFormat", errorClass: "configuration" },
  1075: { name: "UnknownCompressionType", errorClass: "configuration" },
  2012: { name: "TableNotWritable", errorClass: "configuration" },
  2508: { name: "IllegalFileFormat", errorClass: "configuration" },
  3902: { name: "StorageUnsupported", errorClass: "configuration" },
  3903: { name: "StorageInsecure", errorClass: "configuration" },
  5100: { name: "AuthenticateFailure", errorClass: "configuration" },
  // transient: retrying the same batch later can succeed.
  1035: { name: "NotFoundClusterNode", errorClass: "transient" },
  1038: { name: "CannotConnectNode", errorClass: "transient" },
  1041: { name: "TooManyUserConnections", errorClass: "transient" },
  1042: { name: "AbortedSession", errorClass: "transient" },
  1043: { name: "AbortedQuery", errorClass: "transient" },
  1122: { name: "Timeout", errorClass: "transient" },
  2001: { name: "MetaServiceError", errorClass: "transient" },
  2003: { name: "MetaStorageError", errorClass: "transient" },
  2009: { name: "TableVersionMismatched", errorClass: "transient" },
  2011: { name: "OCCRetryFailure", errorClass: "transient" },
  2014: { name: "DuplicatedUpsertFiles", errorClass: "transient" },
  2015: { name: "TableAlreadyLocked", errorClass: "transient" },
  2016: { name: "TableLockExpired", errorClass: "transient" },
  3901: { name: "StorageUnavailable", errorClass: "transient" },
  4000: { name: "StorageOther", errorClass: "transient" },
  4001: { name: "UnresolvableConflict", errorClass: "transient" },
  4002: { name: "CurrentTransactionIsAborted", errorClass: "transient" },
  4003: { name: "TransactionTimeout", errorClass: "transient" },
  5101: { name: "SessionTokenExpired", errorClass: "transient" },
  5103: { name: "SessionTokenNotFound", errorClass: "transient" },
  // file: one file of the batch is at fault. Observed on Databend 1.2.453 for COPY: 1046 for every
  // CSV/NDJSON row error, 1076 for a corrupt gzip, 3001 for a vanished object; for Parquet a type
  // mismatch is 1002, a file lacking a column 1065 (when first) or 1104 (a panic), a corrupt footer
  // 1001, none of them naming the file.
  1001: { name: "Internal", errorClass: "file" },
  1002: { name: "Unimplemented", errorClass: "file" },
  1006: { name: "BadArguments", errorClass: "file" },
  1010: { name: "BadDataValueType", errorClass: "file" },
  1046: { name: "BadBytes", errorClass: "file" },
  1049: { name: "Overflow", errorClass: "file" },
  1058: { name: "UnknownColumn", errorClass: "file" },
  1060: { name: "StrParseError", errorClass: "file" },
  1065: { name: "SemanticError", errorClass: "file" },
  1076: { name: "InvalidCompressionData", errorClass: "file" },
  1079: { name: "InvalidDate", errorClass: "file" },
  1080: { name: "InvalidTimestamp", errorClass: "file" },
  1104: { name: "PanicError", errorClass: "file" },
  1201: { name: "ParquetFileInvalid", errorClass: "file" },
  1202: { name: "InvalidUtf8String", errorClass: "file" },
  1303: { name: "TableSchemaMismatch", errorClass: "file" },
  3001: { name: "StorageNotFound", errorClass: "file" },
  // access: S3 (through OpenDAL: src/common/exception/src/exception_into.rs maps its
  // PermissionDenied to 3002) refused the request: denied, bad or expired keys.
  3002: { name: "StoragePermissionDenied", errorClass: "access" },
};

export const STORAGE_NOT_FOUND = 3001;

/** Databend's error code in a driver or engine error text, or undefined when it has none. */
export function databendErrorCode(text: string): number | undefined {
  const driver = /(?:QueryFailed: |AuthFailure: |BadRequest:\(\d{3}[^)]*\))\[(\d{3,5})\]/.exec(text);
  if (driver) return Number(driver[1]);
  const engine = /\bCode: (\d{3,5}), Text = /.exec(text);
  return engine ? Number(engine[1]) : undefined;
}

/** The text after the code: what Databend said, without the driver's framing. */
function databendText(text: string): string {
  const driver = /(?:QueryFailed: |AuthFailure: |BadRequest:\(\d{3}[^)]*\))\[\d{3,5}\]([\s\S]*)$/.exec(text);
  const engine = driver ? null : /\bCode: \d{3,5}, Text = ([\s\S]*)$/.exec(text);
  const body = driver?.[1] ?? engine?.[1] ?? text;
  // The driver appends its version; the engine a backtrace, or a notice that it has none.
  return body
    .replace(/\s*\[v\d+\.\d+\.\d+[^\]]*\]\s*$/, "")
    .replace(/\s*<Backtrace disabled[^>]*>\.?\s*$/, "")
    .replace(/\n\s*\n\s+0: [\s\S]*$/, "")
    .trim();
}

/** Decodes a URL path the way OpenDAL encoded it (percent_encode_path), keeping it when it is not. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The key of the file an error is about, when it names one:
 * - `at file '<path>', line <n>` (src/common/storage/src/copy.rs: a row error in COPY; the path is
 *   relative to the location, the bucket root here, and is not escaped, so it may hold quotes);
 * - `uri: <url>` in a storage error's context (3001 StorageNotFound, 3002 StoragePermissionDenied):
 *   OpenDAL's request URL, percent-encoded, path-style (`http://host/<bucket>/<key>`) unless the
 *   bucket is the host's first label;
 * - else `path: <path> }` from the same context (a filesystem location has no uri).
 */
export function failingFile(text: string, bucket?: string): string | undefined {
  const atFile = /\bat file '([\s\S]*)', line \d+/.exec(text);
  if (atFile) return atFile[1]!.replace(/^\/+/, "");
  const uri = /\buri: ([a-z][a-z0-9+.-]*:\/\/[^/\s,]*)(\/[^\s,?#]*)/i.exec(text);
  if (uri) {
    const host = uri[1]!.replace(/^[^:]+:\/\//, "");
    let path = decodePath(uri[2]!).replace(/^\//, "");
    if (bucket && host.startsWith(`${bucket}.`)) return path;
    if (bucket ? path.startsWith(`${bucket}/`) : true) path = path.slice(path.indexOf("/") + 1);
    return path;
  }
  const context = /\bcontext: \{[^}]*?\bpath: ([\s\S]*?) \}/.exec(text);
  return context ? context[1]!.replace(/^\/+/, "") : undefined;
}

/** Drops OpenDAL's `, context: { ... }` (request URL, response headers) from a storage error. */
function withoutContext(text: string): string {
  const start = text.indexOf(", context: {");
  if (start < 0) return text;
  let depth = 0;
  for (let i = start + ", context: ".length; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(0, start) + text.slice(i + 1);
  }
  return text;
}

/** Databend's one-line reason: the informative line of its text, capped. */
function headline(text: string, max = 240): string {
  const lines = withoutContext(text).split("\n").map((line) => line.trim());
  // A syntax error is a caret diagram ("error:", "--> SQL:1:20", ...); its reason is the
  // "unexpected ..." line.
  const diagram = /^error:?$/.test(lines[0] ?? "");
  const unexpected = diagram ? lines.find((line) => /\bunexpected\b/.test(line)) : undefined;
  let line = unexpected
    ? unexpected.slice(unexpected.indexOf("unexpected"))
    : (lines.find((l) => l !== "" && !/^(error:?|-->.*|\|.*|\d+ \|.*)$/.test(l)) ?? "");
  line = line.replace(/\s+/g, " ").replace(/\.$/, "");
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

const NETWORK =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|error sending request|connection (?:refused|reset|closed)|connect error|tcp connect|timed? ?out|broken pipe|QueryNotFound|ResponseError: \(5\d\d/i;

/**
 * Why a request got no answer, in plain words, from a driver error without a Databend code (the
 * driver's framing, request kinds and library names stay in the detail).
 */
function noAnswerReason(text: string): string {
  const badArgument = /\bBadArgument: ([^\n[]*)/.exec(text);
  if (badArgument && !NETWORK.test(text)) return badArgument[1]!.trim().replace(/\.$/, "");
  const status = /ResponseError: \((\d{3})[^)]*\)/.exec(text);
  if (status) return `it answered HTTP ${status[1]}`;
  if (/QueryNotFound/.test(text)) return "it lost the query (restarted or moved)";
  if (/ECONNREFUSED|connection refused/i.test(text)) return "connection refused";
  if (/ENOTFOUND|EAI_AGAIN|dns error|failed to lookup/i.test(text)) return "its host name does not resolve";
  if (/ETIMEDOUT|timed? ?out/i.test(text)) return "no answer in time";
  if (/ECONNRESET|EPIPE|connection (?:reset|closed)|broken pipe/i.test(text)) return "the connection was cut";
  if (/EHOSTUNREACH/.test(text)) return "its host is unreachable";
  return "";
}

export interface ClassifiedDatabendError {
  errorClass: DatabendErrorClass;
  /** Databend's error code, when Databend answered with one. */
  code: number | undefined;
  /** Databend's name for the code (exception_code.rs). */
  codeName: string | undefined;
  /** One sentence for the operator: what happened and what to do. */
  sentence: string;
  /** The driver's text, scrubbed of secrets. */
  detail: string;
  /** The key of the file the error is about, for `file` and `access` errors that name one. */
  file: string | undefined;
}

/** The line number of an `at file '<path>', line <n>` detail. */
function failingLine(text: string): number | undefined {
  const match = /\bat file '[\s\S]*', line (\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Where in its file a row error is, as far as Databend's text says: the line (`at file '<path>',
 * line <n>`), and from `Invalid value '<value>' for column <n> (<name> <type>)` the column's name
 * (its index when unnamed) and the value. Each null when the text does not say.
 */
export function failurePosition(text: string): { line: number | null; column: string | null; value: string | null } {
  const invalid = /Invalid value '([\s\S]*?)' for column (\d+)(?: \((\S+)[^)]*\))?/.exec(text);
  return {
    line: failingLine(text) ?? null,
    column: invalid ? (invalid[3] ?? invalid[2]!) : null,
    value: invalid ? invalid[1]! : null,
  };
}

function sentenceFor(
  errorClass: DatabendErrorClass,
  code: number | undefined,
  codeName: string | undefined,
  reason: string,
  file: string | undefined,
  line: number | undefined,
): string {
  const tag = code === undefined ? "" : ` (${code} ${codeName ?? "error"})`;
  const said = reason ? `: ${reason}` : "";
  const restart = "then start the task again";
  switch (errorClass) {
    case "configuration":
      switch (code) {
        case 1003:
          return `The target database does not exist in Databend${tag}${said}. Create it or edit the task's target database, ${restart}.`;
        case 1025:
          return `The target table does not exist in Databend${tag}${said}. Create it or edit the task's target table, ${restart}.`;
        case 1062:
        case 1063:
          return `Databend's user may not load into the target table${tag}${said}. Grant it INSERT on the table, ${restart}.`;
        case 1051:
        case 5100:
          return `Databend refused the worker's login${tag}${said}. Correct the user and password of the task's warehouse on Organization → Warehouses (Test connection says what is wrong), ${restart}.`;
        case 3903:
          return `Databend refuses to read from an http:// storage endpoint${tag}${said}. Use an https endpoint, or allow it in Databend's configuration ([storage] allow_insecure = true) for a test setup, ${restart}.`;
        case 1005:
          return `Databend could not parse the load statement${tag}${said}. This Databend may be too old for an option the task uses; check its version and the task's file format, ${restart}.`;
        case 1006:
        case 1074:
        case 1075:
        case 2508:
          return `Databend refused the task's file format${tag}${said}. Edit the task's file format, ${restart}.`;
        case undefined:
          return `The worker cannot run the load${said}. Correct the task or its warehouse (Organization → Warehouses), ${restart}.`;
        default:
          return `Databend refused the load${tag}${said}. Correct the task or the warehouse, ${restart}.`;
      }
    case "transient":
      if (code === undefined) return `Databend is unavailable${said}. The batch stays in the queue and is retried.`;
      if (code === 3901 || code === 4000) {
        return `Databend could not read from S3 this time${tag}${said}. The batch stays in the queue and is retried.`;
      }
      return `Databend could not finish the load this time${tag}${said}. The batch stays in the queue and is retried.`;
    case "file":
      if (code === STORAGE_NOT_FOUND) {
        return `${file ? `Object '${file}'` : "An object of the batch"} is not in the bucket any more${tag}; there is nothing to load.`;
      }
      return file
        ? `File '${file}'${line === undefined ? "" : ` (line ${line})`} cannot be loaded${tag}${said}. Fix or replace the object; the other files are loaded.`
        : `The load failed on a file Databend does not name${tag}${said}. Files are loaded in smaller groups until the failing one is found; fix or replace it.`;
    case "access":
      return `S3 refused Databend access to ${file ? `'${file}'` : "the objects"}${tag}. Check that the role allows s3:GetObject on the bucket's objects (and kms:Decrypt if they are encrypted); the batch is retried with fresh credentials.`;
  }
}

/**
 * Classifies a Databend failure by its code. Without a code the server did not answer the query:
 * a driver BadArgument (an invalid DSN) is configuration, anything else (refused connection,
 * timeout, HTTP 5xx, lost query) is transient. A code that the table does not list is a file error:
 * the worker then isolates files rather than stall or fail the whole task on something unknown.
 * BadArguments (1006) is also how Databend refuses a file format option ("Invalid CSV option
 * value: ...", FileFormatParams::try_from_ast in src/meta/app/src/principal/file_format.rs), which
 * is configuration; that one message is told apart by its fixed prefix.
 */
export function classifyDatabendError(
  raw: string,
  options: {
    secrets?: readonly string[];
    bucket?: string;
    /** `connect`: the error came from logging in, so a refusal is about the warehouse's connection, not the task. */
    during?: "connect" | "statement";
  } = {},
): ClassifiedDatabendError {
  const detail = scrubSecrets(raw, options.secrets ?? []).trim();
  const code = databendErrorCode(detail);
  const text = databendText(detail);
  let errorClass: DatabendErrorClass;
  let codeName: string | undefined;
  if (code === undefined) {
    errorClass = /\bBadArgument: /.test(detail) && !NETWORK.test(detail) ? "configuration" : "transient";
  } else {
    const rule = DATABEND_ERROR_CODES[code];
    codeName = rule?.name;
    errorClass = rule?.errorClass ?? "file";
    if (code === 1006 && /^Invalid [A-Za-z]+ option value: /.test(text)) errorClass = "configuration";
  }
  const file = errorClass === "file" || errorClass === "access" ? failingFile(text, options.bucket) : undefined;
  const reason = code === undefined ? noAnswerReason(detail) : headline(text);
  const line = file === undefined ? undefined : failingLine(text);
  const sentence =
    options.during === "connect" && errorClass === "configuration"
      ? `Databend refused the worker's connection${code === undefined ? "" : ` (${code} ${codeName ?? "error"})`}${reason ? `: ${reason}` : ""}. Correct the task's warehouse (user, password, database) on Organization → Warehouses, then start the task again.`
      : sentenceFor(errorClass, code, codeName, reason, file, line);
  return { errorClass, code, codeName, sentence, detail, file };
}
