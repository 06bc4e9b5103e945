// S3 access for COPY INTO, with the CONNECTION's credentials and endpoint, like Databend's
// external locations. Errors become Databend storage errors naming the S3 error code.
// Clients (and their keep-alive sockets) are kept per connection (keys, endpoint, region,
// addressing style) and reused by later statements; idle ones are closed after a minute.

import { createHash } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { Codes, unsupported, WarehouseError } from "../errors.ts";

export interface S3Location {
  bucket: string;
  /** Key prefix ('' or ending without a leading slash), as written after the bucket. */
  path: string;
}

export interface S3File {
  key: string;
  etag: string | null;
  size: number;
  lastModified: string | null;
}

export function parseLocation(location: string): S3Location {
  const m = /^(s3|s3a):\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (!m) {
    if (/^[a-z][a-z0-9+]*:\/\//i.test(location)) throw unsupported(`COPY INTO from '${location.split("://")[0]}://' locations`);
    throw new WarehouseError(Codes.BadArguments, `invalid location '${location}', expected 's3://<bucket>[/<path>]'`);
  }
  return { bucket: m[2]!, path: m[3]! };
}

const CONNECTION_KEYS = new Set([
  "ACCESS_KEY_ID",
  "AWS_KEY_ID",
  "SECRET_ACCESS_KEY",
  "AWS_SECRET_KEY",
  "SESSION_TOKEN",
  "SECURITY_TOKEN",
  "AWS_TOKEN",
  "REGION",
  "ENDPOINT_URL",
  "ENABLE_VIRTUAL_HOST_STYLE",
  "ROLE_ARN",
  "EXTERNAL_ID",
]);

function endpointFromEnv(service: "S3" | "STS"): string | undefined {
  return process.env[`AWS_ENDPOINT_URL_${service}`] || process.env.AWS_ENDPOINT_URL || undefined;
}

/** An S3 client lent to one statement; `release()` when the statement is done with it. */
export interface S3Lease {
  client: S3Client;
  release(): void;
}

interface PooledClient {
  client: S3Client;
  users: number;
  idleSince: number;
}

const IDLE_MS = 60_000;
const MAX_IDLE_CLIENTS = 16;
const pool = new Map<string, PooledClient>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(keep: number, idleMs: number): void {
  const idle = [...pool].filter(([, p]) => p.users === 0).sort((a, b) => a[1].idleSince - b[1].idleSince);
  const now = Date.now();
  let excess = idle.length - keep;
  for (const [key, p] of idle) {
    if (excess <= 0 && now - p.idleSince < idleMs) continue;
    pool.delete(key);
    p.client.destroy();
    excess--;
  }
  if (pool.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** Closes every pooled client that no statement is using (the server calls it on stop). */
export function closeS3Clients(): void {
  sweep(0, 0);
}

/** An S3 client for a COPY CONNECTION = (...) list, shared with statements that use the same connection. */
export async function acquireS3Client(connection: Record<string, string>): Promise<S3Lease> {
  for (const key of Object.keys(connection)) {
    if (!CONNECTION_KEYS.has(key)) throw unsupported(`CONNECTION parameter ${key}`);
  }
  const region = connection.REGION || "us-east-1";
  const endpoint = connection.ENDPOINT_URL || endpointFromEnv("S3");
  const forcePathStyle = !/^true$/i.test(connection.ENABLE_VIRTUAL_HOST_STYLE ?? "");
  const accessKeyId = connection.ACCESS_KEY_ID ?? connection.AWS_KEY_ID;
  const secretAccessKey = connection.SECRET_ACCESS_KEY ?? connection.AWS_SECRET_KEY;
  const sessionToken = connection.SESSION_TOKEN ?? connection.SECURITY_TOKEN ?? connection.AWS_TOKEN;
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  if (accessKeyId || secretAccessKey) {
    if (!accessKeyId || !secretAccessKey) {
      throw new WarehouseError(Codes.BadArguments, "CONNECTION needs both ACCESS_KEY_ID and SECRET_ACCESS_KEY");
    }
    credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  if (connection.ROLE_ARN) {
    // Databend assumes the role with its own identity; the dev warehouse uses the AWS SDK's default
    // credential chain (or the keys given) and the STS endpoint of the environment / ENDPOINT_URL.
    // The role is assumed for every statement, so a changed trust policy shows at once.
    const sts = new STSClient({
      region,
      endpoint: endpointFromEnv("STS") ?? connection.ENDPOINT_URL,
      ...(credentials ? { credentials } : {}),
      maxAttempts: 1,
    });
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: connection.ROLE_ARN,
          RoleSessionName: "databend-dev-warehouse",
          ...(connection.EXTERNAL_ID ? { ExternalId: connection.EXTERNAL_ID } : {}),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials");
      credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
    } catch (e) {
      throw storageError(e, `assume role ${connection.ROLE_ARN}`);
    } finally {
      sts.destroy();
    }
  }
  const make = () =>
    new S3Client({
      region,
      ...(endpoint ? { endpoint } : {}),
      forcePathStyle,
      ...(credentials ? { credentials } : {}),
      maxAttempts: 2,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // Directory buckets (S3 Express) are not supported; skipping their session-auth step saves
      // about a sixth of the SDK's CPU per request.
      disableS3ExpressSessionAuth: true,
    });
  if (connection.ROLE_ARN) {
    // Fresh session keys every statement: nothing to share.
    const client = make();
    return { client, release: () => client.destroy() };
  }
  // Keyed by a digest, so the pool's keys hold no secret in clear.
  const key = createHash("sha256")
    .update(JSON.stringify([region, endpoint ?? "", forcePathStyle, accessKeyId ?? "", secretAccessKey ?? "", sessionToken ?? ""]))
    .digest("hex");
  let pooled = pool.get(key);
  if (!pooled) {
    pooled = { client: make(), users: 0, idleSince: Date.now() };
    pool.set(key, pooled);
    sweep(MAX_IDLE_CLIENTS, IDLE_MS);
    sweeper ??= setInterval(() => sweep(MAX_IDLE_CLIENTS, IDLE_MS), IDLE_MS / 2).unref();
  }
  const entry = pooled;
  entry.users++;
  let released = false;
  return {
    client: entry.client,
    release() {
      if (released) return;
      released = true;
      entry.users--;
      entry.idleSince = Date.now();
    },
  };
}

/** A failed S3 call as a Databend storage error (permission, not found, other). */
export function storageError(e: unknown, action: string): WarehouseError {
  if (e instanceof WarehouseError) return e;
  const name = e instanceof S3ServiceException ? e.name : e instanceof Error ? e.name : "Error";
  const status = e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
  const message = e instanceof Error ? e.message : String(e);
  const detail = `${action}: ${name}${status ? ` (HTTP ${status})` : ""}${message && message !== name ? `: ${message}` : ""}`;
  if (status === 403 || /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|InvalidClientTokenId/i.test(name)) {
    return new WarehouseError(Codes.StoragePermissionDenied, `PermissionDenied (persistent) at ${detail}`);
  }
  if (status === 404 || /NoSuchKey|NoSuchBucket|NotFound/i.test(name)) {
    return new WarehouseError(Codes.StorageNotFound, `NotFound (persistent) at ${detail}`);
  }
  return new WarehouseError(Codes.StorageOther, `Unexpected (temporary) at ${detail}`);
}

function cleanEtag(etag: string | undefined): string | null {
  return etag ? etag.replace(/^W\//, "").replaceAll('"', "") : null;
}

export async function listFiles(client: S3Client, loc: S3Location): Promise<S3File[]> {
  const files: S3File[] = [];
  let token: string | undefined;
  do {
    let out;
    try {
      out = await client.send(
        new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.path || undefined, ContinuationToken: token }),
      );
    } catch (e) {
      throw storageError(e, `list s3://${loc.bucket}/${loc.path}`);
    }
    for (const o of out.Contents ?? []) {
      if (!o.Key || o.Key.endsWith("/")) continue;
      files.push({
        key: o.Key,
        etag: cleanEtag(o.ETag),
        size: Number(o.Size ?? 0),
        lastModified: o.LastModified ? o.LastModified.toISOString() : null,
      });
    }
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Reads a file with one GET, which also gives what a HEAD would (ETag, size, last-modified).
 * With `ifNoneMatch` (an ETag recorded in the load metadata) an unchanged object answers 304 and
 * is not transferred: `unchanged` is returned.
 */
export async function fetchFile(
  client: S3Client,
  bucket: string,
  key: string,
  ifNoneMatch?: string,
): Promise<{ file: S3File; bytes: Uint8Array } | "unchanged"> {
  try {
    const out = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(ifNoneMatch ? { IfNoneMatch: `"${ifNoneMatch}"` } : {}) }),
    );
    const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    return {
      file: {
        key,
        etag: cleanEtag(out.ETag),
        size: Number(out.ContentLength ?? bytes.length),
        lastModified: out.LastModified ? out.LastModified.toISOString() : null,
      },
      bytes,
    };
  } catch (e) {
    if (ifNoneMatch && e instanceof S3ServiceException && e.$metadata.httpStatusCode === 304) return "unchanged";
    throw storageError(e, `stat s3://${bucket}/${key}`);
  }
}

export async function readFile(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) return new Uint8Array();
    return await out.Body.transformToByteArray();
  } catch (e) {
    throw storageError(e, `read s3://${bucket}/${key}`);
  }
}

export async function deleteFile(client: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    throw storageError(e, `delete s3://${bucket}/${key}`);
  }
}
