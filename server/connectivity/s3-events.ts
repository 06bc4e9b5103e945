// Reading one SQS message body as S3 delivers it, to tell whether the queue carries this data
// source's events only. Keys in S3 event notifications are URL-encoded with "+" for spaces.
import { keyInScope } from "../../src/contracts/aws-names.ts";

export type QueueMessage =
  | { kind: "test_event"; bucket: string | undefined }
  | { kind: "s3_records"; records: { bucket: string; key: string; eventName: string }[] }
  | { kind: "sns_envelope" }
  | { kind: "other" };

export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
}

export function parseQueueMessage(body: string | undefined): QueueMessage {
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch {
    return { kind: "other" };
  }
  if (typeof value !== "object" || value === null) return { kind: "other" };
  const v = value as Record<string, unknown>;
  if (v.Event === "s3:TestEvent") return { kind: "test_event", bucket: typeof v.Bucket === "string" ? v.Bucket : undefined };
  if (v.Type === "Notification" && typeof v.Message === "string" && typeof v.TopicArn === "string") {
    return { kind: "sns_envelope" };
  }
  if (!Array.isArray(v.Records)) return { kind: "other" };
  const records: { bucket: string; key: string; eventName: string }[] = [];
  for (const r of v.Records as unknown[]) {
    const rec = r as { eventSource?: unknown; eventName?: unknown; s3?: { bucket?: { name?: unknown }; object?: { key?: unknown } } };
    if (rec?.eventSource !== "aws:s3") return { kind: "other" };
    const bucket = rec.s3?.bucket?.name;
    const key = rec.s3?.object?.key;
    if (typeof bucket !== "string" || typeof key !== "string") return { kind: "other" };
    records.push({ bucket, key: decodeS3Key(key), eventName: typeof rec.eventName === "string" ? rec.eventName : "" });
  }
  return records.length > 0 ? { kind: "s3_records", records } : { kind: "other" };
}

export type ScopeVerdict =
  | { kind: "in_scope"; detail: string }
  | { kind: "foreign"; detail: string }
  | { kind: "not_s3" ; detail: string };

/** Whether a message belongs to this data source: its bucket, within prefix/suffix. */
export function messageScope(message: QueueMessage, scope: { bucket: string; prefix: string; suffix: string }): ScopeVerdict {
  switch (message.kind) {
    case "test_event":
      if (message.bucket === undefined || message.bucket === scope.bucket) {
        return { kind: "in_scope", detail: `an s3:TestEvent for ${scope.bucket}` };
      }
      return { kind: "foreign", detail: `${message.bucket} (s3:TestEvent)` };
    case "s3_records": {
      const outside = message.records.find((r) => r.bucket !== scope.bucket || !keyInScope(r.key, scope));
      if (outside) return { kind: "foreign", detail: `${outside.bucket}/${outside.key}` };
      const first = message.records[0]!;
      return { kind: "in_scope", detail: `${first.eventName || "an event"} for ${first.bucket}/${first.key}` };
    }
    case "sns_envelope":
      return { kind: "not_s3", detail: "an SNS notification envelope" };
    case "other":
      return { kind: "not_s3", detail: "a message that is not an S3 event notification" };
  }
}
