/**
 * Who is calling: parses the SigV4 credential (Authorization header or presigned query), maps the
 * access key to an identity, checks session tokens and expiry, and verifies the signature.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/core/serde";
import { AUTH_HEADER, MAX_PRESIGNED_TTL, SIGNATURE_QUERY_PARAM, SignatureV4 } from "@smithy/signature-v4";
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
// The expected signature is computed by the AWS SDK's own signer (@smithy/signature-v4) from the
// request as received; this file only parses the credential and compares the result.

const Sha256 = Hash.bind(null, "sha256");

/** The SDK signer, keeping the canonical request it built (reported on a mismatch). */
class VerifyingSigner extends SignatureV4 {
  canonicalRequest = "";
  protected override createCanonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    this.canonicalRequest = super.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    return this.canonicalRequest;
  }
}

const signerFor = (cred: CredentialScope, secret: string): VerifyingSigner =>
  new VerifyingSigner({
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: secret },
    region: cred.region,
    service: cred.service,
    sha256: Sha256,
    // Every service URI-encodes the path in the canonical request (RFC 3986 unreserved characters
    // stay); S3 encodes it once, from its decoded form (see canonicalPath), the others once more.
    uriEscapePath: true,
    // Verification signs exactly the received headers; nothing is added.
    applyChecksum: false,
  });

/**
 * The path the signer encodes. S3 canonicalizes the decoded key with one strict encoding, so a
 * client that leaves `'` or `!` raw in the request line (Databend's S3 client, opendal/reqsign)
 * and one that percent-encodes them (the AWS SDK) sign the same canonical URI. The other services
 * encode the path as sent once more (AWS SigV4 documentation, "Create a canonical request").
 */
function canonicalPath(service: string, rawPath: string): string {
  if (service !== "s3") return rawPath;
  try {
    return rawPath.split("/").map((segment) => decodeURIComponent(segment)).join("/");
  } catch {
    return rawPath; // not valid percent-encoding: verification will fail, as it would on AWS
  }
}

/** `YYYYMMDDTHHMMSSZ` as a Date, or undefined when it is not one. */
function parseAmzDate(amzDate: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

const amzDateOf = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");

/** The query as the signer wants it: decoded names and values (`+` is a space), repeated names as arrays. */
function queryOf(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const dec = (x: string) => {
    try {
      return decodeURIComponent(x.replace(/\+/g, "%20"));
    } catch {
      return x;
    }
  };
  for (const part of rawQuery.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = dec(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? "" : dec(part.slice(eq + 1));
    const seen = Object.hasOwn(query, key) ? query[key] : undefined;
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

/** Throws SignatureDoesNotMatch unless the request was signed with `secret`. */
export async function verifySignature(req: SandboxRequest, cred: CredentialScope, secret: string): Promise<void> {
  if (!cred.presigned && !header(req.headers, "authorization")) {
    // Browser POST upload: the signature covers the base64 policy document.
    return verifyPostPolicy(cred, secret, req);
  }
  const signingDate = parseAmzDate(cred.amzDate);
  // The signer derives the scope date and X-Amz-Date from one timestamp; a request whose two
  // dates disagree (or whose date is not one) cannot have been signed correctly.
  if (!signingDate || amzDateOf(signingDate) !== cred.amzDate || cred.amzDate.slice(0, 8) !== cred.date) {
    throw new AuthError("SignatureDoesNotMatch", `canonical request was:\n(unusable X-Amz-Date ${cred.amzDate})`);
  }
  const signed = new Set(cred.signedHeaders);
  const headers: Record<string, string> = {};
  for (const name of cred.signedHeaders) headers[name] = header(req.headers, name) ?? "";
  // The payload hash the client declared (presigned URLs default to UNSIGNED-PAYLOAD); without
  // one the signer hashes the body.
  const payloadHash = header(req.headers, "x-amz-content-sha256") ?? (cred.presigned ? "UNSIGNED-PAYLOAD" : undefined);
  if (payloadHash !== undefined) headers["x-amz-content-sha256"] = payloadHash;
  // Headers the signer adds or reads that the client did not sign stay out of the canonical request.
  const unsignableHeaders = new Set(["x-amz-date", "x-amz-content-sha256"].filter((name) => !signed.has(name)));
  const hostHeader = header(req.headers, "host") ?? "localhost";
  const request = new HttpRequest({
    method: req.method,
    protocol: "http:",
    hostname: hostHeader.replace(/:\d+$/, ""),
    path: canonicalPath(cred.service, req.path || "/"),
    query: queryOf(req.rawQuery),
    headers,
    body: req.body,
  });
  const signer = signerFor(cred, secret);
  const options = { signingDate, signableHeaders: signed, unsignableHeaders, signingRegion: cred.region, signingService: cred.service };
  let expected: string | undefined;
  const expires = req.query.get("X-Amz-Expires");
  if (cred.presigned && expires !== null && String(cred.expiresSeconds) === expires && cred.expiresSeconds! <= MAX_PRESIGNED_TTL) {
    // presign rebuilds the X-Amz-* parameters from the same scope, date and expiry.
    const presigned = await signer.presign(request, {
      ...options,
      expiresIn: cred.expiresSeconds,
      unhoistableHeaders: new Set(Object.keys(headers)),
    });
    expected = String(presigned.query?.[SIGNATURE_QUERY_PARAM] ?? "");
  } else {
    // Header-signed requests, and presigned URLs outside what presign produces (no or odd
    // X-Amz-Expires): the received query is signed as is (the signer skips X-Amz-Signature).
    const signedRequest = await signer.sign(request, options);
    expected = /Signature=([0-9a-f]+)/.exec(String(signedRequest.headers[AUTH_HEADER] ?? ""))?.[1];
  }
  compare(expected ?? "", cred.signature, signer.canonicalRequest);
}

async function verifyPostPolicy(cred: CredentialScope, secret: string, req: SandboxRequest): Promise<void> {
  const policy = formFieldsOf(req)?.["policy"] ?? "";
  const day = /^(\d{4})(\d{2})(\d{2})$/.exec(cred.date);
  const signingDate = day ? new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!)) : undefined;
  // The policy's signature is the signer's string signature under the credential's scope.
  const expected =
    signingDate && amzDateOf(signingDate).slice(0, 8) === cred.date
      ? await signerFor(cred, secret).sign(policy, { signingDate, signingRegion: cred.region, signingService: cred.service })
      : "";
  compare(expected, cred.signature, "POST policy");
}

function compare(expected: string, given: string, canonical: string): void {
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  if (!expected || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new AuthError("SignatureDoesNotMatch", `canonical request was:\n${canonical}`);
  }
}

/** Checks the presigned URL's own expiry (X-Amz-Date + X-Amz-Expires). */
export function checkPresignExpiry(cred: CredentialScope): void {
  if (!cred.presigned || cred.expiresSeconds === undefined) return;
  const signed = parseAmzDate(cred.amzDate);
  if (!signed) return;
  if (signed.getTime() + cred.expiresSeconds * 1000 < Date.now()) throw new AuthError("RequestExpired");
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
