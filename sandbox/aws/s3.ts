/**
 * S3 on top of fauxqs: path-style and virtual-host addressing, per-request IAM authorization,
 * GetBucketLocation with stored bucket regions, bucket notifications, and event delivery for
 * objects created or removed through any route (found by watching fauxqs's S3 store).
 */
import { randomUUID } from "node:crypto";
import { FORM_FILENAME, type Caller, type CredentialScope, type SandboxRequest } from "./auth.ts";
import type { SandboxContext, SandboxResponse } from "./context.ts";
import { AuthError, AwsError, authErrorForS3, s3ErrorXml, s3HostId, s3RequestId } from "./errors.ts";
import type { Fauxqs, FauxqsS3Object } from "./fauxqs.ts";
import {
  dispatchObjectEvents,
  notificationXml,
  putNotificationConfiguration,
  S3_XMLNS,
  type ObjectEvent,
  type ObjectEventName,
} from "./notifications.ts";
import { decide, deniedMessage } from "./permissions.ts";

interface Tracking {
  /** Event name for objects written by plain putObject calls in this request. */
  putEventName: ObjectEventName;
  events: ObjectEvent[];
}

/**
 * Which sandbox request a store call belongs to. fauxqs's S3 route handlers call the store
 * synchronously, so the tracking set in the preHandler hook is the current one until the next
 * microtask (AsyncLocalStorage does not survive Fastify's inject path).
 */
const pending = new Map<string, Tracking>();
let current: Tracking | undefined;
const TRACK_HEADER = "x-sandbox-track";
const tracking = { getStore: () => current };

const etagOf = (obj: FauxqsS3Object) => obj.etag.replace(/"/g, "");

/** Wraps fauxqs's S3 store so every object write or delete inside a request is recorded. */
export function watchS3Store(fauxqs: Fauxqs): void {
  const store = fauxqs.s3;
  fauxqs.onHandler((headers) => {
    const t = pending.get(String(headers[TRACK_HEADER] ?? ""));
    current = t;
    if (t) {
      queueMicrotask(() => {
        if (current === t) current = undefined;
      });
    }
  });
  const put = store.putObject.bind(store);
  store.putObject = (bucket, key, ...rest) => {
    const obj = put(bucket, key, ...rest);
    const t = tracking.getStore();
    t?.events.push({ bucket, key, eventName: t.putEventName, size: obj.contentLength, eTag: etagOf(obj), time: obj.lastModified });
    return obj;
  };
  const complete = store.completeMultipartUpload.bind(store);
  store.completeMultipartUpload = (uploadId, parts) => {
    const upload = store.multipartUploads.get(uploadId);
    const obj = complete(uploadId, parts);
    if (upload) {
      tracking.getStore()?.events.push({
        bucket: upload.bucket,
        key: upload.key,
        eventName: "ObjectCreated:CompleteMultipartUpload",
        size: obj.contentLength,
        eTag: etagOf(obj),
        time: obj.lastModified,
      });
    }
    return obj;
  };
  const del = store.deleteObject.bind(store);
  store.deleteObject = (bucket, key) => {
    const existed = store.buckets.get(bucket)?.has(key) ?? false;
    del(bucket, key);
    // Only deletions of existing objects are reported (S3 itself may also report no-op deletes).
    if (existed) tracking.getStore()?.events.push({ bucket, key, eventName: "ObjectRemoved:Delete", time: new Date() });
  };
}

interface Check {
  action: string;
  resource: string;
}

const bucketArn = (b: string) => `arn:aws:s3:::${b}`;
const objectArn = (b: string, k: string) => `arn:aws:s3:::${b}/${k}`;

/** Sub-resources fauxqs does not implement; refused instead of being mistaken for other calls. */
const UNSUPPORTED = [
  "accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory", "logging",
  "metrics", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication",
  "requestPayment", "tagging", "website", "restore", "select", "torrent", "retention", "legal-hold", "versions",
];

const decodeKey = (raw: string) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** Bucket from a virtual-hosted-style Host header (`bucket.s3.amazonaws.com`, `bucket.localhost`). */
function virtualHostBucket(host: string): string | undefined {
  const hostname = host.replace(/:\d+$/, "");
  if (!hostname.includes(".") || /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.startsWith("[")) return undefined;
  const first = hostname.slice(0, hostname.indexOf("."));
  if (first === "s3" || first.startsWith("s3-") || first === "sqs" || first === "sts" || first === "iam") return undefined;
  return first;
}

export async function handleS3(
  ctx: SandboxContext,
  req: SandboxRequest,
  cred: CredentialScope | undefined,
  authenticate: () => Caller,
  formFields: Record<string, string> | undefined,
): Promise<SandboxResponse> {
  const reqId = s3RequestId();
  const hostId = s3HostId();
  const ids = { "x-amz-request-id": reqId, "x-amz-id-2": hostId };
  const fail = (err: AwsError): SandboxResponse => ({
    status: err.status,
    headers: { "content-type": "application/xml", ...ids },
    body: req.method === "HEAD" ? "" : s3ErrorXml(err, reqId, hostId),
  });
  const ok = (body: string, headers: Record<string, string> = {}): SandboxResponse => ({
    status: 200,
    headers: { "content-type": "application/xml", ...ids, ...headers },
    body,
  });

  let caller: Caller;
  try {
    caller = authenticate();
  } catch (err) {
    if (err instanceof AuthError) return fail(authErrorForS3(err));
    throw err;
  }

  // Path-style /bucket/key or virtual-hosted bucket.host/key.
  const vhost = virtualHostBucket(String(req.headers.host ?? ""));
  const fullPath = vhost ? `/${vhost}${req.path}` : req.path;
  const rest = fullPath.slice(1);
  const slash = rest.indexOf("/");
  const bucket = decodeKey(slash === -1 ? rest : rest.slice(0, slash));
  const rawKey = slash === -1 ? "" : rest.slice(slash + 1);
  const key = decodeKey(rawKey);
  const q = req.query;
  const has = (name: string) => q.has(name);
  const method = req.method;
  const copySource = req.headers["x-amz-copy-source"];

  // ---- what this request is, in IAM terms ----
  const checks: Check[] = [];
  let putEventName: ObjectEventName = "ObjectCreated:Put";
  let intercept: undefined | "location" | "getNotification" | "putNotification" | "getVersioning" | "createBucket";
  const unsupported = UNSUPPORTED.find((s) => has(s));
  if (!bucket) {
    checks.push({ action: "s3:ListAllMyBuckets", resource: "*" });
  } else if (!key) {
    const b = bucketArn(bucket);
    if (method === "GET" && has("location")) {
      intercept = "location";
      checks.push({ action: "s3:GetBucketLocation", resource: b });
    } else if (has("notification")) {
      intercept = method === "PUT" ? "putNotification" : "getNotification";
      checks.push({ action: method === "PUT" ? "s3:PutBucketNotification" : "s3:GetBucketNotification", resource: b });
    } else if (has("versioning")) {
      if (method !== "GET") return fail(notImplemented());
      intercept = "getVersioning";
      checks.push({ action: "s3:GetBucketVersioning", resource: b });
    } else if (has("lifecycle")) {
      checks.push({ action: method === "GET" ? "s3:GetLifecycleConfiguration" : "s3:PutLifecycleConfiguration", resource: b });
    } else if (unsupported || (method === "GET" && has("uploads"))) {
      return fail(notImplemented());
    } else if (method === "PUT") {
      intercept = "createBucket";
      checks.push({ action: "s3:CreateBucket", resource: b });
    } else if (method === "GET" || method === "HEAD") {
      checks.push({ action: "s3:ListBucket", resource: b });
    } else if (method === "DELETE") {
      checks.push({ action: "s3:DeleteBucket", resource: b });
    } else if (method === "POST" && formFields) {
      putEventName = "ObjectCreated:Post";
      const formKey = (formFields["key"] ?? "").replaceAll("${filename}", formFields[FORM_FILENAME] ?? "");
      checks.push({ action: "s3:PutObject", resource: objectArn(bucket, formKey) });
    } else if (method === "POST") {
      for (const m of req.body.toString("utf8").matchAll(/<Key>([\s\S]*?)<\/Key>/g)) {
        checks.push({ action: "s3:DeleteObject", resource: objectArn(bucket, unescapeXml(m[1]!)) });
      }
    }
  } else {
    const o = objectArn(bucket, key);
    if (unsupported) return fail(notImplemented());
    if (method === "GET" || method === "HEAD") {
      const action = has("uploadId") ? "s3:ListMultipartUploadParts" : has("attributes") ? "s3:GetObjectAttributes" : "s3:GetObject";
      checks.push({ action, resource: o });
    } else if (method === "PUT") {
      checks.push({ action: "s3:PutObject", resource: o });
      if (typeof copySource === "string") {
        const src = decodeKey(copySource.split("?")[0]!).replace(/^\//, "");
        checks.push({ action: "s3:GetObject", resource: `arn:aws:s3:::${src}` });
        putEventName = "ObjectCreated:Copy";
      }
    } else if (method === "POST") {
      checks.push({ action: "s3:PutObject", resource: o });
    } else if (method === "DELETE") {
      checks.push({ action: has("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject", resource: o });
    }
  }

  for (const check of checks) {
    const decision = decide(ctx, caller, check.action, check.resource);
    if (decision !== "allow") {
      return fail(new AwsError("AccessDenied", deniedMessage(caller, check.action, check.resource, decision), 403));
    }
  }

  const info = { caller, sourceIp: req.remoteAddress, requestId: reqId, hostId };
  const s3 = ctx.fauxqs.s3;
  const noSuchBucket = () => new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket });
  try {
    switch (intercept) {
      case "location": {
        if (!s3.hasBucket(bucket)) throw noSuchBucket();
        const region = ctx.state.bucket(bucket).region;
        // AWS reports us-east-1 as an empty LocationConstraint.
        return ok(
          region === "us-east-1"
            ? `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}"/>`
            : `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${region}</LocationConstraint>`,
        );
      }
      case "getNotification":
        if (!s3.hasBucket(bucket)) throw noSuchBucket();
        return ok(notificationXml(ctx.state.bucket(bucket)));
      case "putNotification":
        if (!s3.hasBucket(bucket)) throw noSuchBucket();
        putNotificationConfiguration(ctx, bucket, req.body.toString("utf8"), info);
        return { status: 200, headers: { ...ids }, body: "" };
      case "getVersioning":
        if (!s3.hasBucket(bucket)) throw noSuchBucket();
        return ok(`<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${S3_XMLNS}"/>`);
      default:
        break;
    }
  } catch (err) {
    if (err instanceof AwsError) return fail(err);
    throw err;
  }

  const existedBefore = bucket ? s3.hasBucket(bucket) : true;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || ["host", "content-length", "connection", "transfer-encoding", "expect"].includes(k)) continue;
    headers[k] = Array.isArray(v) ? v.join(",") : v;
  }
  headers.host = "127.0.0.1";
  // fauxqs parses these two content types as SQS/SNS bodies; S3 wants raw bytes.
  if (/x-www-form-urlencoded|x-amz-json-1\.0/.test(headers["content-type"] ?? "")) headers["content-type"] = "application/octet-stream";
  const search = req.rawQuery ? `?${req.rawQuery}` : "";
  const path = `/${encodeURIComponent(bucket)}${slash === -1 && !vhost ? "" : `/${rawKey}`}${search}`;
  const t: Tracking = { putEventName, events: [] };
  const trackId = randomUUID();
  headers[TRACK_HEADER] = trackId;
  pending.set(trackId, t);
  let res;
  try {
    res = await ctx.fauxqs.app.inject({ method: method as "GET", url: path, headers, payload: req.body.length ? req.body : undefined });
  } finally {
    pending.delete(trackId);
  }

  if (res.statusCode >= 400 && String(res.headers["content-type"] ?? "").includes("json")) {
    // Fastify's own errors (body limit, parse errors) come as JSON; S3 clients expect XML.
    let message = res.body;
    try {
      message = String((JSON.parse(res.body) as { message?: string }).message ?? res.body);
    } catch {
      // keep the raw body
    }
    return fail(
      res.statusCode === 413
        ? new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (the sandbox takes up to 11 MiB per request; use multipart upload)", 400)
        : new AwsError(res.statusCode >= 500 ? "InternalError" : "InvalidRequest", message, res.statusCode),
    );
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || ["connection", "transfer-encoding", "keep-alive", "date"].includes(k)) continue;
    out[k] = Array.isArray(v) ? v.join(",") : String(v);
  }
  Object.assign(out, ids);
  // AWS answers a read of a missing key with 404 only to a caller that also has s3:ListBucket on the
  // bucket; anyone else gets 403 AccessDenied, so that existence does not leak (API_GetObject and
  // API_HeadObject, "Permissions": https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
  if (res.statusCode === 404 && key && (method === "GET" || method === "HEAD") && !has("uploadId") && s3.hasBucket(bucket)) {
    const listDecision = decide(ctx, caller, "s3:ListBucket", bucketArn(bucket));
    if (listDecision !== "allow") {
      return fail(new AwsError("AccessDenied", deniedMessage(caller, "s3:ListBucket", bucketArn(bucket), listDecision), 403));
    }
  }
  const success = res.statusCode >= 200 && res.statusCode < 300;
  if (success && bucket && !key) {
    if (intercept === "createBucket" && !existedBefore) {
      const m = /<LocationConstraint>\s*([^<\s]*)\s*<\/LocationConstraint>/.exec(req.body.toString("utf8"));
      const constraint = m?.[1] ?? "";
      const region = constraint === "" ? "us-east-1" : constraint === "EU" ? "eu-west-1" : constraint;
      ctx.state.data.buckets[bucket] = { region, queueConfigurations: [] };
      ctx.state.save();
    } else if (method === "DELETE" && !has("lifecycle") && !s3.hasBucket(bucket)) {
      delete ctx.state.data.buckets[bucket];
      ctx.state.save();
    } else if (method === "HEAD") {
      out["x-amz-bucket-region"] = ctx.state.bucket(bucket).region;
    }
  }
  if (success && t.events.length) dispatchObjectEvents(ctx, t.events, info);
  return { status: res.statusCode, headers: out, body: res.rawPayload };
}

function notImplemented(): AwsError {
  return new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501);
}
