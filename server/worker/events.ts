// Parsing SQS message bodies into S3 objects to load. Pure: no I/O, no clock.
//
// What a body can be, and what the worker does with it:
// - S3 event notification (`Records[]`, eventSource `aws:s3`): each record is an object to load
//   (ObjectCreated:*) or a deliberate skip (another bucket, outside prefix/suffix, a zero-byte
//   folder marker, a key Databend cannot address (see `keyAddressProblem`), or an S3 event that
//   creates nothing, such as ObjectRemoved:*). Skips are noted in run history and the message is
//   deleted once every record is handled.
// - `s3:TestEvent` (sent when a notification is configured): acknowledged and noted.
// - Anything else (bad JSON, another service, a record without bucket/key, an undecodable key):
//   invalid. The worker records it once and leaves it to the queue's redrive policy.
// Bodies that SNS wrapped (`Type: Notification`, `Message: "<json>"`) are unwrapped first.
import { isFolderMarker, scopeMiss } from "#contracts/aws-names.ts";
import { excerpt, oneLine } from "../error-text.ts";
import type { LedgerObject } from "../store/tasks.ts";

export interface S3ObjectRef {
  bucket: string;
  /** Decoded key, exactly as stored in S3. */
  key: string;
  size: number;
  eTag: string;
  sequencer: string;
  versionId: string | undefined;
  eventName: string;
  eventTime: string;
}

export type RecordOutcome =
  | { kind: "load"; object: S3ObjectRef }
  | { kind: "skip"; key: string | undefined; reason: string };

export type ParsedBody =
  | { kind: "records"; records: RecordOutcome[] }
  | { kind: "test_event"; bucket: string | undefined }
  | { kind: "invalid"; reason: string };

export interface TaskScope {
  bucket: string;
  prefix: string;
  suffix: string;
}

/**
 * S3 writes object keys into event notifications URL-encoded the way HTML forms are
 * (application/x-www-form-urlencoded): a space becomes '+', other bytes %XX. So '+' must be turned
 * back into a space before percent-decoding, and a literal '+' arrives as %2B.
 */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replaceAll("+", " "));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Rust's `char::is_whitespace` (Unicode White_Space), which `str::trim` uses. Not JavaScript's `\s`:
 * that also has U+FEFF, which Rust keeps, and lacks U+0085, which Rust trims.
 */
const WHITE_SPACE = "\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
const EDGE_WHITE_SPACE = new RegExp(`^[${WHITE_SPACE}]+|[${WHITE_SPACE}]+$`, "g");

/**
 * The path Databend reads for a key named in `FILES = (...)`: its storage layer, OpenDAL,
 * normalizes every path (`normalize_path` in core/src/raw/path.rs, OpenDAL rev 53377ca as locked
 * by Databend v1.2.453): whitespace at both ends trimmed, leading `/` dropped, empty segments (`//`)
 * collapsed, a trailing `/` kept (a folder). `.` and `..` are left in place and sent on in the
 * request URL, where whatever sits in between may resolve them.
 */
export function databendPath(key: string): string {
  const path = key.replace(EDGE_WHITE_SPACE, "").replace(/^\/+/, "");
  if (path === "") return "/";
  const joined = path
    .split("/")
    .filter((segment) => segment !== "")
    .join("/");
  return path.endsWith("/") ? `${joined}/` : joined;
}

/**
 * Why Databend cannot load exactly this object, or null when it can. On Databend 1.2.453 against
 * S3, `FILES = ('in//a.csv')`, `('/in/a.csv')` and `('in/a.csv ')` each load the object `in/a.csv`
 * instead (COPY's result may still name the key asked for); a key ending in `/` is refused ("is not a
 * file", 1006); `in/../private/x.csv` passes a prefix check on `in/` but names an object outside it.
 * Such keys are skipped, never loaded.
 */
export function keyAddressProblem(key: string): string | null {
  if (key.split("/").some((segment) => segment === "." || segment === "..")) {
    return `key has a "." or ".." path segment, which may resolve to an object outside the task's prefix; not loaded`;
  }
  const reads = () => `it would read ${JSON.stringify(databendPath(key))}`;
  if (key.replace(EDGE_WHITE_SPACE, "") !== key) {
    return `key starts or ends with whitespace, which Databend trims (${reads()}); not loaded`;
  }
  if (key.startsWith("/")) return `key starts with "/", which Databend drops (${reads()}); not loaded`;
  if (key.includes("//")) {
    return `key has an empty path segment ("//"), which Databend collapses (${reads()}); not loaded`;
  }
  if (key.endsWith("/")) return `key ends with "/", which Databend reads as a folder, not a file; not loaded`;
  return null;
}

/** Why a key is outside the task's scope, or null when it is inside. */
export function scopeProblem(key: string, scope: TaskScope): string | null {
  const miss = scopeMiss(key, scope);
  if (miss === "prefix") return `key is outside the task's prefix "${scope.prefix}"`;
  if (miss === "suffix") return `key does not end with the task's suffix "${scope.suffix}"`;
  return null;
}

function parseRecord(record: unknown, index: number, scope: TaskScope): RecordOutcome | string {
  if (!isObject(record)) return `record ${index} is not an object`;
  if (record.eventSource !== "aws:s3") {
    return `record ${index} has eventSource ${JSON.stringify(record.eventSource ?? null)}, not "aws:s3"`;
  }
  const eventName = record.eventName;
  if (typeof eventName !== "string" || eventName === "") return `record ${index} has no eventName`;
  const s3 = record.s3;
  if (!isObject(s3) || !isObject(s3.bucket) || !isObject(s3.object)) {
    return `record ${index} has no s3.bucket and s3.object`;
  }
  const bucket = s3.bucket.name;
  const rawKey = s3.object.key;
  if (typeof bucket !== "string" || bucket === "") return `record ${index} has no s3.bucket.name`;
  if (typeof rawKey !== "string" || rawKey === "") return `record ${index} has no s3.object.key`;
  let key: string;
  try {
    key = decodeS3Key(rawKey);
  } catch {
    return `record ${index} has an object key that is not valid URL encoding: ${excerpt(oneLine(rawKey), 80)}`;
  }
  const created = eventName.startsWith("ObjectCreated:");
  if (!created) {
    return { kind: "skip", key, reason: `${eventName} event; only ObjectCreated events are loaded` };
  }
  if (bucket !== scope.bucket) {
    return { kind: "skip", key, reason: `bucket "${bucket}" is not the data source's bucket "${scope.bucket}"` };
  }
  const size = typeof s3.object.size === "number" ? s3.object.size : Number(s3.object.size ?? NaN);
  if (isFolderMarker(key, size)) {
    return { kind: "skip", key, reason: "zero-byte folder marker" };
  }
  const problem = keyAddressProblem(key) ?? scopeProblem(key, scope);
  if (problem) return { kind: "skip", key, reason: problem };
  return {
    kind: "load",
    object: {
      bucket,
      key,
      size: Number.isFinite(size) ? size : -1,
      eTag: typeof s3.object.eTag === "string" ? s3.object.eTag.replaceAll('"', "") : "",
      sequencer: typeof s3.object.sequencer === "string" ? s3.object.sequencer : "",
      versionId: typeof s3.object.versionId === "string" ? s3.object.versionId : undefined,
      eventName,
      eventTime: typeof record.eventTime === "string" ? record.eventTime : "",
    },
  };
}

export function parseBody(body: string | undefined, scope: TaskScope): ParsedBody {
  if (body === undefined || body.trim() === "") return { kind: "invalid", reason: "empty message body" };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return { kind: "invalid", reason: `body is not JSON: ${excerpt(oneLine(body), 120)}` };
  }
  // S3 -> SNS -> SQS without raw message delivery wraps the notification in an SNS envelope.
  if (isObject(doc) && doc.Type === "Notification" && typeof doc.Message === "string") {
    const inner = doc.Message;
    try {
      doc = JSON.parse(inner);
    } catch {
      return { kind: "invalid", reason: `SNS notification whose Message is not JSON: ${excerpt(oneLine(inner), 120)}` };
    }
  }
  if (!isObject(doc)) return { kind: "invalid", reason: `body is JSON but not an object: ${excerpt(oneLine(body), 120)}` };
  if (doc.Event === "s3:TestEvent") {
    return { kind: "test_event", bucket: typeof doc.Bucket === "string" ? doc.Bucket : undefined };
  }
  if (!("Records" in doc)) {
    const service = typeof doc.Service === "string" ? doc.Service : typeof doc.source === "string" ? doc.source : undefined;
    return {
      kind: "invalid",
      reason: service
        ? `not an S3 event notification (from ${service}): ${excerpt(oneLine(body), 120)}`
        : `not an S3 event notification (no Records): ${excerpt(oneLine(body), 120)}`,
    };
  }
  if (!Array.isArray(doc.Records) || doc.Records.length === 0) {
    return { kind: "invalid", reason: "S3 event notification with no Records" };
  }
  const records: RecordOutcome[] = [];
  for (const [index, record] of doc.Records.entries()) {
    const outcome = parseRecord(record, index, scope);
    if (typeof outcome === "string") return { kind: "invalid", reason: outcome };
    records.push(outcome);
  }
  return { kind: "records", records };
}

/** The ledger's view of an event's object (the message id, when given, names who loaded it). */
export function ledgerObject(object: S3ObjectRef, messageId?: string): LedgerObject {
  return { bucket: object.bucket, key: object.key, etag: object.eTag, sequencer: object.sequencer, message_id: messageId };
}
