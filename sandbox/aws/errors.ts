/** One error type for all services; each protocol renders it in its own shape. */
import { randomBytes, randomUUID } from "node:crypto";

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra elements for S3's <Error> (e.g. Resource, ArgumentName1). */
  readonly extra: Record<string, string>;
  constructor(code: string, message: string, status = 400, extra: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

/** Authentication failures, named once and rendered per protocol (see the tables below). */
export type AuthFailure =
  | "MissingAuthenticationToken"
  | "InvalidClientTokenId"
  | "InvalidToken"
  | "ExpiredToken"
  | "SignatureDoesNotMatch"
  | "RequestExpired";

export class AuthError extends Error {
  readonly failure: AuthFailure;
  constructor(failure: AuthFailure, detail = "") {
    super(detail || failure);
    this.failure = failure;
  }
}

/** How STS, IAM and SQS (Query) say it. */
export function authErrorForQuery(e: AuthError): AwsError {
  switch (e.failure) {
    case "MissingAuthenticationToken":
      return new AwsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
    case "InvalidClientTokenId":
    case "InvalidToken":
      return new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    case "ExpiredToken":
      return new AwsError("ExpiredToken", "The security token included in the request is expired", 403);
    case "SignatureDoesNotMatch":
      return new AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        403,
      );
    case "RequestExpired":
      return new AwsError("RequestExpired", "Request has expired.", 400);
  }
}

/** How S3 says it. */
export function authErrorForS3(e: AuthError): AwsError {
  switch (e.failure) {
    case "MissingAuthenticationToken":
      return new AwsError("AccessDenied", "Access Denied", 403);
    case "InvalidClientTokenId":
      return new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
    case "InvalidToken":
      return new AwsError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400);
    case "ExpiredToken":
      return new AwsError("ExpiredToken", "The provided token has expired.", 400);
    case "SignatureDoesNotMatch":
      return new AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        403,
      );
    case "RequestExpired":
      return new AwsError("AccessDenied", "Request has expired", 403);
  }
}

export const requestId = (): string => randomUUID();
/** S3-style request id (16 uppercase hex) and host id. */
export const s3RequestId = (): string => randomBytes(8).toString("hex").toUpperCase();
export const s3HostId = (): string => randomBytes(48).toString("base64");

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** `<ErrorResponse>` as the Query protocol services (STS, IAM, SQS Query) return it. */
export function queryErrorXml(xmlns: string, err: AwsError, id = requestId()): string {
  const type = err.status >= 500 ? "Receiver" : "Sender";
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`
  );
}

/** `<Error>` as S3 returns it. */
export function s3ErrorXml(err: AwsError, id: string, hostId: string): string {
  const extra = Object.entries(err.extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message>${extra}<RequestId>${id}</RequestId><HostId>${escapeXml(hostId)}</HostId></Error>`
  );
}
