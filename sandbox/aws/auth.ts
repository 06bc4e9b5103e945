/**
 * Who is calling: parses the SigV4 credential (Authorization header or presigned query), maps the
 * access key to an identity, checks session tokens and expiry, and verifies the signature.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AuthError } from "./errors.ts";
import type { Session, StateFile } from "./state.ts";

export const CUSTOMER_ACCOUNT = "000000000000";
export const PLATFORM_ACCOUNT = "111111111111";
export const PLATFORM_SETUP_ROLE_ARN = `arn:aws:iam::${PLATFORM_ACCOUNT}:role/platform-setup`;
export const PLATFORM_LOAD_ROLE_ARN = `arn:aws:iam::${PLATFORM_ACCOUNT}:role/platform-load`;

export interface SandboxRequest {
  method: string;
  /** Raw path as sent (still percent-encoded), without the query string. */
  path: string;
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string;
}

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  presigned: boolean;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  sessionToken?: string;
  expiresSeconds?: number;
}

export interface Caller {
  kind: "root" | "platform" | "session";
  accessKeyId: string;
  secretAccessKey: string;
  account: string;
  /** As GetCallerIdentity reports it and as AccessDenied messages name it. */
  arn: string;
  userId: string;
  /** The role the caller acts as (platform roles and assumed-role sessions). */
  roleArn?: string;
  roleName?: string;
  session?: Session;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(",") : v;
};

/** The SigV4 credential of a request, or undefined when it is unsigned. */
export function parseCredential(req: SandboxRequest, formFields?: Record<string, string>): CredentialScope | undefined {
  const auth = header(req.headers, "authorization");
  if (auth) {
    const m =
      /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)/i.exec(
        auth,
      );
    if (!m) {
      // An access key we can still name (e.g. SigV2 "AWS AKID:sig") is refused as unknown.
      throw new AuthError("InvalidClientTokenId", "unsupported Authorization header");
    }
    return {
      accessKeyId: m[1]!,
      date: m[2]!,
      region: m[3]!,
      service: m[4]!,
      presigned: false,
      signedHeaders: m[5]!.toLowerCase().split(";"),
      signature: m[6]!.toLowerCase(),
      amzDate: header(req.headers, "x-amz-date") ?? "",
      sessionToken: header(req.headers, "x-amz-security-token"),
    };
  }
  const q = req.query;
  const cred = q.get("X-Amz-Credential") ?? formFields?.["x-amz-credential"];
  if (cred) {
    const parts = cred.split("/");
    if (parts.length !== 5 || parts[4] !== "aws4_request") {
      throw new AuthError("InvalidClientTokenId", "malformed X-Amz-Credential");
    }
    const fromForm = !q.get("X-Amz-Credential");
    return {
      accessKeyId: parts[0]!,
      date: parts[1]!,
      region: parts[2]!,
      service: parts[3]!,
      presigned: !fromForm,
      signedHeaders: (q.get("X-Amz-SignedHeaders") ?? "host").toLowerCase().split(";"),
      signature: (fromForm ? formFields?.["x-amz-signature"] : q.get("X-Amz-Signature")) ?? "",
      amzDate: (fromForm ? formFields?.["x-amz-date"] : q.get("X-Amz-Date")) ?? "",
      sessionToken: (fromForm ? formFields?.["x-amz-security-token"] : q.get("X-Amz-Security-Token")) ?? undefined,
      expiresSeconds: q.get("X-Amz-Expires") ? Number(q.get("X-Amz-Expires")) : undefined,
    };
  }
  return undefined;
}

/** A stable role id (AROA + 17 characters) derived from a role ARN. */
export function roleIdFor(seed: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = createHash("sha256").update(seed).digest();
  let id = "AROA";
  for (let i = 0; i < 17; i++) id += alphabet[bytes[i]! % 32];
  return id;
}

function platformCaller(name: "platform-setup" | "platform-load"): Caller {
  const roleArn = `arn:aws:iam::${PLATFORM_ACCOUNT}:role/${name}`;
  return {
    kind: "platform",
    accessKeyId: name,
    secretAccessKey: name,
    account: PLATFORM_ACCOUNT,
    // Role credentials are always session credentials in AWS; this is how AWS names such a caller.
    arn: `arn:aws:sts::${PLATFORM_ACCOUNT}:assumed-role/${name}/${name}`,
    userId: `${roleIdFor(roleArn)}:${name}`,
    roleArn,
    roleName: name,
  };
}

const STATIC: Record<string, () => Caller> = {
  test: () => ({
    kind: "root",
    accessKeyId: "test",
    secretAccessKey: "test",
    account: CUSTOMER_ACCOUNT,
    arn: `arn:aws:iam::${CUSTOMER_ACCOUNT}:root`,
    userId: CUSTOMER_ACCOUNT,
  }),
  "platform-setup": () => platformCaller("platform-setup"),
  "platform-load": () => platformCaller("platform-load"),
};

export function sessionCaller(s: Session): Caller {
  return {
    kind: "session",
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
    account: s.account,
    arn: `arn:aws:sts::${s.account}:assumed-role/${s.roleName}/${s.sessionName}`,
    userId: `${s.roleId}:${s.sessionName}`,
    roleArn: s.roleArn,
    roleName: s.roleName,
    session: s,
  };
}

/** Maps the credential to an identity; throws AuthError for unknown, invalid or expired credentials. */
export function identify(cred: CredentialScope, state: StateFile): Caller {
  const fixed = STATIC[cred.accessKeyId];
  if (fixed) return fixed();
  const session = state.data.sessions[cred.accessKeyId];
  if (!session) throw new AuthError("InvalidClientTokenId", `unknown access key ${cred.accessKeyId}`);
  if (cred.sessionToken !== session.sessionToken) throw new AuthError("InvalidToken", "session token mismatch");
  if (session.expiration <= Date.now()) throw new AuthError("ExpiredToken");
  return sessionCaller(session);
}

// ---- SigV4 verification ------------------------------------------------------------------

const sha256hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  if (!rawQuery) return "";
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? "" : part.slice(eq + 1);
    const dec = (x: string) => {
      try {
        return decodeURIComponent(x.replace(/\+/g, "%20"));
      } catch {
        return x;
      }
    };
    const key = dec(rawKey);
    if (presigned && key === "X-Amz-Signature") continue;
    pairs.push([uriEncode(key), uriEncode(dec(rawValue))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function canonicalPath(path: string, service: string): string {
  if (service === "s3") return path || "/";
  // Other services: normalize and encode each segment once more (double encoding).
  const segments = path.split("/").map((seg) => uriEncode(seg));
  return segments.join("/") || "/";
}

/** Throws SignatureDoesNotMatch unless the request was signed with `secret`. */
export function verifySignature(req: SandboxRequest, cred: CredentialScope, secret: string): void {
  if (!cred.presigned && !header(req.headers, "authorization")) {
    // Browser POST upload: the signature covers the base64 policy document.
    return verifyPostPolicy(cred, secret, req);
  }
  const headers = cred.signedHeaders
    .map((name) => `${name}:${(header(req.headers, name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  let payloadHash = header(req.headers, "x-amz-content-sha256");
  if (cred.presigned) payloadHash = payloadHash ?? "UNSIGNED-PAYLOAD";
  if (!payloadHash) payloadHash = sha256hex(req.body);
  const canonical = [
    req.method,
    canonicalPath(req.path, cred.service),
    canonicalQuery(req.rawQuery, cred.presigned),
    headers,
    cred.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${cred.date}/${cred.region}/${cred.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", cred.amzDate, scope, sha256hex(canonical)].join("\n");
  compare(signingKey(secret, cred), stringToSign, cred.signature, canonical);
}

/** Derived signing keys by secret, date, region and service (four HMACs saved per request). */
const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, cred: CredentialScope): Buffer {
  const id = `${secret}\0${cred.date}\0${cred.region}\0${cred.service}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, cred.date), cred.region), cred.service), "aws4_request");
    if (signingKeys.size >= 1000) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

function verifyPostPolicy(cred: CredentialScope, secret: string, req: SandboxRequest): void {
  const policy = formFieldsOf(req)?.["policy"] ?? "";
  compare(signingKey(secret, cred), policy, cred.signature, "POST policy");
}

function compare(key: Buffer, stringToSign: string, given: string, canonical: string): void {
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AuthError("SignatureDoesNotMatch", `canonical request was:\n${canonical}`);
  }
}

/** Checks the presigned URL's own expiry (X-Amz-Date + X-Amz-Expires). */
export function checkPresignExpiry(cred: CredentialScope): void {
  if (!cred.presigned || cred.expiresSeconds === undefined) return;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(cred.amzDate);
  if (!m) return;
  const signed = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (signed + cred.expiresSeconds * 1000 < Date.now()) throw new AuthError("RequestExpired");
}

/** Where formFieldsOf puts the uploaded file's name (not a valid form field name). */
export const FORM_FILENAME = " filename";

/** Lower-cased text fields of a multipart/form-data body (S3 POST uploads). */
export function formFieldsOf(req: SandboxRequest): Record<string, string> | undefined {
  const ct = header(req.headers, "content-type") ?? "";
  const m = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(ct);
  if (!m) return undefined;
  const fields: Record<string, string> = {};
  const text = req.body.toString("latin1");
  for (const part of text.split(`--${m[1]}`)) {
    const hm = /^\r\n([\s\S]*?)\r\n\r\n([\s\S]*)\r\n$/.exec(part);
    if (!hm) continue;
    const name = /name="([^"]+)"/i.exec(hm[1]!)?.[1];
    const filename = /filename="([^"]*)"/i.exec(hm[1]!)?.[1];
    if (filename !== undefined) fields[FORM_FILENAME] = Buffer.from(filename, "latin1").toString("utf8");
    if (!name || filename !== undefined) continue;
    fields[name.toLowerCase()] = Buffer.from(hm[2]!, "latin1").toString("utf8");
  }
  return fields;
}

/** The customer account's root identity (keys `test`/`test`), for the sandbox's own set-up calls. */
export const customerRoot = (): Caller => STATIC.test!();
