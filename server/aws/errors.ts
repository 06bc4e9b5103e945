// The one classification of AWS SDK and network errors into kinds, shared by Test Connectivity
// (which turns a kind into a sentence, server/connectivity/aws-errors.ts) and the worker (which
// decides from it whether retrying can help).
import { scrubSecrets } from "../error-text.ts";

export type AwsErrorKind =
  | "access_denied"
  | "kms_denied"
  | "invalid_credentials"
  | "expired_credentials"
  | "missing_credentials"
  | "queue_not_found"
  | "bucket_not_found"
  | "key_not_found"
  | "wrong_region"
  | "region_disabled"
  | "throttled"
  | "timeout"
  | "aborted"
  | "dns"
  | "tls"
  | "connection_refused"
  | "other";

export interface ClassifiedError {
  kind: AwsErrorKind;
  /** AWS error code or Node error code, for the log and the fallback message. */
  code: string;
  status: number | undefined;
  /** Where S3 says the bucket really is, when a redirect or a malformed-header error tells us. */
  bucketRegion: string | undefined;
  detail: string;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  Region?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError",
  "Forbidden",
  "AllAccessDisabled",
]);
const KMS_DENIED = new Set(["KmsAccessDenied", "KMS.AccessDeniedException", "KmsDisabled", "KmsNotFound"]);
const INVALID_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidSecurity",
  "InvalidToken",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"]);
const QUEUE_NOT_FOUND = new Set([
  "QueueDoesNotExist",
  "NonExistentQueue",
  "AWS.SimpleQueueService.NonExistentQueue",
]);
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "SlowDown",
  "ServiceUnavailable",
  "PriorRequestNotComplete",
]);
const TLS_CODES = [
  "CERT_",
  "ERR_TLS",
  "ERR_SSL",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "EPROTO",
];

const str = (value: unknown): string | undefined => (typeof value === "string" && value ? value : undefined);

/** Reduces whatever the SDK threw to a kind, without keeping the error (it may hold request details). */
export function classifyAwsError(error: unknown): ClassifiedError {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ErrorLike;
  const cause = (typeof e.cause === "object" && e.cause !== null ? e.cause : {}) as ErrorLike;
  const name = str(e.name) ?? "Error";
  const nodeCode = str(e.code) ?? str(cause.code);
  const awsCode = str(e.Code) ?? name;
  const status = e.$metadata?.httpStatusCode;
  const detail = scrubSecrets(str(e.message) ?? "");
  const headerRegion = e.$response?.headers?.["x-amz-bucket-region"];
  const malformedRegion = /expecting '([a-z0-9-]+)'/.exec(detail)?.[1];
  const bucketRegion = str(headerRegion) ?? str(e.Region) ?? malformedRegion;
  const result = (kind: AwsErrorKind, code = awsCode): ClassifiedError => ({
    kind,
    code,
    status,
    bucketRegion,
    detail,
  });

  if (name === "AbortError") return result("aborted");
  if (name === "TimeoutError" || nodeCode === "ETIMEDOUT" || awsCode === "RequestTimeout") {
    return result("timeout", nodeCode ?? awsCode);
  }
  if (nodeCode === "ENOTFOUND" || nodeCode === "EAI_AGAIN") return result("dns", nodeCode);
  if (nodeCode && TLS_CODES.some((prefix) => nodeCode.startsWith(prefix))) return result("tls", nodeCode);
  if (
    nodeCode === "ECONNREFUSED" ||
    nodeCode === "ECONNRESET" ||
    nodeCode === "EHOSTUNREACH" ||
    nodeCode === "ENETUNREACH" ||
    nodeCode === "EPIPE"
  ) {
    return result("connection_refused", nodeCode);
  }
  if (name === "CredentialsProviderError") return result("missing_credentials");
  if (KMS_DENIED.has(awsCode) || (ACCESS_DENIED.has(awsCode) && /\bkms\b/i.test(detail))) return result("kms_denied");
  if (ACCESS_DENIED.has(awsCode)) return result("access_denied");
  if (INVALID_CREDENTIALS.has(awsCode)) return result("invalid_credentials");
  if (EXPIRED.has(awsCode)) return result("expired_credentials");
  if (QUEUE_NOT_FOUND.has(awsCode)) return result("queue_not_found");
  if (awsCode === "NoSuchBucket") return result("bucket_not_found");
  if (awsCode === "NoSuchKey") return result("key_not_found");
  if (
    awsCode === "PermanentRedirect" ||
    awsCode === "AuthorizationHeaderMalformed" ||
    awsCode === "IllegalLocationConstraintException" ||
    status === 301 ||
    (status === 400 && headerRegion !== undefined && awsCode === "BadRequest")
  ) {
    return result("wrong_region");
  }
  if (awsCode === "RegionDisabledException") return result("region_disabled");
  if (THROTTLED.has(awsCode) || status === 429 || status === 503) return result("throttled");
  if (status === 403) return result("access_denied");
  if (status === 404 && awsCode === "NotFound") return result("bucket_not_found");
  return result("other");
}

/**
 * The one table of what each kind means for whoever got it:
 * - `retry`: whether asking again later can succeed with nothing changed (the worker retries, a
 *   task does not fail on it);
 * - `answeredNo`: AWS answered and refused because of how the customer's side is set up, so the
 *   API answers 422 and names the fix; otherwise AWS could not be asked, or our own identity was
 *   refused, and the API answers 502.
 */
const AWS_KIND_RULES: Readonly<Record<AwsErrorKind, { retry: boolean; answeredNo: boolean }>> = {
  access_denied: { retry: false, answeredNo: true },
  kms_denied: { retry: false, answeredNo: true },
  // Our platform identity's keys are wrong: no retry helps, and it is not the customer's to fix.
  invalid_credentials: { retry: false, answeredNo: false },
  expired_credentials: { retry: true, answeredNo: false },
  missing_credentials: { retry: true, answeredNo: false },
  queue_not_found: { retry: false, answeredNo: true },
  bucket_not_found: { retry: false, answeredNo: true },
  // One object gone: the next one may be there; the task goes on.
  key_not_found: { retry: true, answeredNo: true },
  wrong_region: { retry: false, answeredNo: true },
  region_disabled: { retry: false, answeredNo: true },
  throttled: { retry: true, answeredNo: false },
  timeout: { retry: true, answeredNo: false },
  aborted: { retry: true, answeredNo: false },
  dns: { retry: true, answeredNo: false },
  tls: { retry: true, answeredNo: false },
  connection_refused: { retry: true, answeredNo: false },
  other: { retry: true, answeredNo: false },
};

/** Kinds after which retrying cannot help until someone changes the AWS side. */
export const PERMANENT_AWS_KINDS: ReadonlySet<AwsErrorKind> = new Set(
  (Object.keys(AWS_KIND_RULES) as AwsErrorKind[]).filter((kind) => !AWS_KIND_RULES[kind].retry),
);

/** The API's status for a failed AWS call: 422 when the customer's AWS side said no, else 502. */
export function awsFailureStatus(kind: AwsErrorKind): 422 | 502 {
  return AWS_KIND_RULES[kind].answeredNo ? 422 : 502;
}

