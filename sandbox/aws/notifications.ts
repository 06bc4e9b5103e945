/**
 * S3 bucket notifications to SQS: configuration (Put/GetBucketNotificationConfiguration) and
 * delivery of `s3:TestEvent` and ObjectCreated/ObjectRemoved event records in AWS's shape.
 */
import { randomUUID } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import type { Caller } from "./auth.ts";
import { CUSTOMER_ACCOUNT } from "./auth.ts";
import type { SandboxContext } from "./context.ts";
import { AwsError, escapeXml } from "./errors.ts";
import type { FauxqsQueue } from "./fauxqs.ts";
import { evaluate, parsePolicy } from "./policy.ts";
import type { BucketMeta, FilterRule, QueueConfiguration } from "./state.ts";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
/** Stands in for the bucket owner's canonical-user-like principal id in event records. */
export const OWNER_PRINCIPAL_ID = "A2SANDBOX000000000000";

export type ObjectEventName =
  | "ObjectCreated:Put"
  | "ObjectCreated:Post"
  | "ObjectCreated:Copy"
  | "ObjectCreated:CompleteMultipartUpload"
  | "ObjectRemoved:Delete";

export interface ObjectEvent {
  bucket: string;
  key: string;
  eventName: ObjectEventName;
  size?: number;
  /** Without quotes. */
  eTag?: string;
  time: Date;
}

export interface RequestInfo {
  caller: Caller;
  sourceIp: string;
  requestId: string;
  hostId: string;
}

const EVENT_TYPES = new Set([
  "s3:ObjectCreated:*",
  "s3:ObjectCreated:Put",
  "s3:ObjectCreated:Post",
  "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload",
  "s3:ObjectRemoved:*",
  "s3:ObjectRemoved:Delete",
  "s3:ObjectRemoved:DeleteMarkerCreated",
]);

/**
 * Object keys in event records are URL-encoded as S3 does it: space becomes `+`, `/` and the
 * characters `A-Za-z0-9.-_*` stay, everything else becomes UTF-8 percent escapes (so `+` is `%2B`).
 * Consumers decode with `decodeURIComponent(key.replace(/\+/g, " "))`.
 */
export function encodeEventKey(key: string): string {
  let out = "";
  for (const byte of Buffer.from(key, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-_*/]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function configurationMatches(cfg: QueueConfiguration, eventName: ObjectEventName, key: string): boolean {
  const eventOk = cfg.Events.some((e) => {
    if (e === `s3:${eventName}`) return true;
    return e.endsWith(":*") && `s3:${eventName}`.startsWith(e.slice(0, -1));
  });
  if (!eventOk) return false;
  for (const rule of cfg.FilterRules) {
    const name = rule.Name.toLowerCase();
    if (name === "prefix" && !key.startsWith(rule.Value)) return false;
    if (name === "suffix" && !key.endsWith(rule.Value)) return false;
  }
  return true;
}

// ---- configuration -------------------------------------------------------------------------

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    ["QueueConfiguration", "TopicConfiguration", "CloudFunctionConfiguration", "Event", "FilterRule"].includes(name),
});

const invalid = (message: string, extra: Record<string, string> = {}) => new AwsError("InvalidArgument", message, 400, extra);

export function parseNotificationXml(xml: string): { queues: QueueConfiguration[]; eventBridge: boolean } {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  }
  const root = (doc.NotificationConfiguration ?? {}) as Record<string, unknown>;
  if (typeof root !== "object") return { queues: [], eventBridge: false };
  if (root.TopicConfiguration || root.CloudFunctionConfiguration) {
    throw invalid("The sandbox delivers bucket notifications to SQS queues only (no SNS topics or Lambda functions).");
  }
  const queues: QueueConfiguration[] = [];
  for (const raw of (root.QueueConfiguration ?? []) as Array<Record<string, unknown>>) {
    const arn = String(raw.Queue ?? "");
    if (!arn) throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
    const events = ((raw.Event ?? []) as unknown[]).map(String);
    if (events.length === 0) throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
    for (const e of events) {
      if (!EVENT_TYPES.has(e)) throw invalid("The event is not supported for notifications", { ArgumentName: "Event", ArgumentValue: e });
    }
    const filter = raw.Filter as { S3Key?: { FilterRule?: Array<{ Name?: unknown; Value?: unknown }> } } | undefined;
    const rules: FilterRule[] = [];
    const seen = new Set<string>();
    for (const r of filter?.S3Key?.FilterRule ?? []) {
      const name = String(r.Name ?? "");
      const lower = name.toLowerCase();
      if (lower !== "prefix" && lower !== "suffix") {
        throw invalid("filter rule name must be either prefix or suffix", { ArgumentName: "FilterRule.Name", ArgumentValue: name });
      }
      if (seen.has(lower)) throw invalid("Cannot specify more than one prefix rule in a filter.", { ArgumentName: "FilterRule.Name", ArgumentValue: name });
      seen.add(lower);
      rules.push({ Name: lower === "prefix" ? "Prefix" : "Suffix", Value: String(r.Value ?? "") });
    }
    const id = raw.Id === undefined || raw.Id === "" ? Buffer.from(randomUUID()).toString("base64") : String(raw.Id);
    queues.push({ Id: id, QueueArn: arn, Events: events, FilterRules: rules });
  }
  return { queues, eventBridge: root.EventBridgeConfiguration !== undefined };
}

export function notificationXml(meta: BucketMeta): string {
  const queues = meta.queueConfigurations
    .map((q) => {
      const filter = q.FilterRules.length
        ? `<Filter><S3Key>${q.FilterRules.map((r) => `<FilterRule><Name>${r.Name}</Name><Value>${escapeXml(r.Value)}</Value></FilterRule>`).join("")}</S3Key></Filter>`
        : "";
      return `<QueueConfiguration><Id>${escapeXml(q.Id)}</Id><Queue>${escapeXml(q.QueueArn)}</Queue>${q.Events.map((e) => `<Event>${e}</Event>`).join("")}${filter}</QueueConfiguration>`;
    })
    .join("");
  const eb = meta.eventBridge ? "<EventBridgeConfiguration></EventBridgeConfiguration>" : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="${S3_XMLNS}">${queues}${eb}</NotificationConfiguration>`;
}

/** Whether the queue policy lets S3 (for this bucket) send to the queue. */
export function queuePolicyAllowsS3(queue: FauxqsQueue, bucket: string): boolean {
  const text = queue.attributes.Policy;
  if (!text) return false;
  try {
    return (
      evaluate([parsePolicy(text)], {
        action: "sqs:SendMessage",
        resource: queue.arn,
        principal: { arns: [], service: "s3.amazonaws.com" },
        context: { "aws:SourceArn": `arn:aws:s3:::${bucket}`, "aws:SourceAccount": CUSTOMER_ACCOUNT },
      }) === "allow"
    );
  } catch {
    return false;
  }
}

function queueFor(ctx: SandboxContext, arn: string): FauxqsQueue | undefined {
  const parts = arn.split(":");
  if (parts.length !== 6 || parts[2] !== "sqs" || parts[4] !== CUSTOMER_ACCOUNT) return undefined;
  return ctx.fauxqs.sqs.getQueueByArn(arn);
}

/**
 * Replaces the bucket's whole notification configuration (as AWS does), after validating every
 * destination, then sends an `s3:TestEvent` to each configured queue.
 */
export function putNotificationConfiguration(ctx: SandboxContext, bucket: string, xml: string, info: RequestInfo): void {
  const { queues, eventBridge } = parseNotificationXml(xml);
  const meta = ctx.state.bucket(bucket);
  const problems: Array<[string, string]> = [];
  for (const cfg of queues) {
    const queue = queueFor(ctx, cfg.QueueArn);
    const arnRegion = cfg.QueueArn.split(":")[3];
    if (!queue) problems.push([cfg.QueueArn, "The destination queue does not exist"]);
    else if (arnRegion !== meta.region) {
      throw invalid("The notification destination service region is not valid for the bucket location constraint", {
        ArgumentName: cfg.QueueArn,
        ArgumentValue: "The destination queue's region is not the bucket's region",
      });
    } else if (queue.isFifo()) problems.push([cfg.QueueArn, "FIFO queues are not supported as S3 event notification destinations"]);
    else if (ctx.enforceQueuePolicy && !queuePolicyAllowsS3(queue, bucket)) {
      problems.push([cfg.QueueArn, "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"]);
    }
  }
  if (problems.length) {
    const extra: Record<string, string> = {};
    problems.forEach(([name, value], i) => {
      extra[`ArgumentName${i + 1}`] = name;
      extra[`ArgumentValue${i + 1}`] = value;
    });
    throw invalid("Unable to validate the following destination configurations", extra);
  }
  ctx.state.data.buckets[bucket] = { ...meta, queueConfigurations: queues, eventBridge: eventBridge || undefined };
  ctx.state.save();
  const sent = new Set<string>();
  for (const cfg of queues) {
    if (sent.has(cfg.QueueArn)) continue;
    sent.add(cfg.QueueArn);
    const testEvent = {
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: new Date().toISOString(),
      Bucket: bucket,
      RequestId: info.requestId,
      HostId: info.hostId,
    };
    ctx.fauxqs.enqueue(queueFor(ctx, cfg.QueueArn)!, JSON.stringify(testEvent));
  }
}

function principalIdOf(caller: Caller): string {
  return caller.kind === "root" ? OWNER_PRINCIPAL_ID : `AWS:${caller.userId}`;
}

/** Sends one message per matching queue configuration for each object event. */
export function dispatchObjectEvents(ctx: SandboxContext, events: ObjectEvent[], info: RequestInfo): void {
  for (const ev of events) {
    const meta = ctx.state.data.buckets[ev.bucket];
    if (!meta || meta.queueConfigurations.length === 0) continue;
    const matching = meta.queueConfigurations.filter((cfg) => configurationMatches(cfg, ev.eventName, ev.key));
    if (matching.length === 0) continue;
    const sequencer = ctx.state.nextSequencer();
    for (const cfg of matching) {
      const queue = queueFor(ctx, cfg.QueueArn);
      if (!queue) {
        ctx.log.warn({ bucket: ev.bucket, queue: cfg.QueueArn }, "notification target queue no longer exists; event dropped");
        continue;
      }
      if (ctx.enforceQueuePolicy && !queuePolicyAllowsS3(queue, ev.bucket)) {
        ctx.log.warn({ bucket: ev.bucket, queue: cfg.QueueArn }, "queue policy does not allow S3 to send; event dropped (as AWS)");
        continue;
      }
      const object: Record<string, unknown> = { key: encodeEventKey(ev.key) };
      if (ev.size !== undefined) object.size = ev.size;
      if (ev.eTag !== undefined) object.eTag = ev.eTag;
      object.sequencer = sequencer;
      const record = {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: meta.region,
        eventTime: ev.time.toISOString(),
        eventName: ev.eventName,
        userIdentity: { principalId: principalIdOf(info.caller) },
        requestParameters: { sourceIPAddress: info.sourceIp },
        responseElements: { "x-amz-request-id": info.requestId, "x-amz-id-2": info.hostId },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: cfg.Id,
          bucket: {
            name: ev.bucket,
            ownerIdentity: { principalId: OWNER_PRINCIPAL_ID },
            arn: `arn:aws:s3:::${ev.bucket}`,
          },
          object,
        },
      };
      ctx.fauxqs.enqueue(queue, JSON.stringify({ Records: [record] }));
      ctx.log.debug({ bucket: ev.bucket, key: ev.key, event: ev.eventName, queue: queue.name }, "S3 event delivered");
    }
  }
}
