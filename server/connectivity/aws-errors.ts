// The one mapping from an AWS error's kind (server/aws/errors.ts) to a sentence an operator can act
// on: each names the missing permission or the wrong value, and the hint says what to change in AWS.
import { classifyAwsError, type AwsErrorKind } from "../aws/errors.ts";

export { classifyAwsError, type AwsErrorKind, type ClassifiedError } from "../aws/errors.ts";

export interface AwsCallContext {
  service: "sts" | "sqs" | "s3";
  /** The IAM action this call needs, e.g. "s3:GetObject". */
  action: string;
  /** The ARN the action is on, e.g. "arn:aws:s3:::bucket/*". */
  resource: string;
  region: string;
  /** What the call was about, for sentences: `queue "orders" in account 123456789012`. */
  subject: string;
  /** Seconds a single call may take, for the timeout sentence. */
  timeoutSeconds?: number;
  /** Why the call was aborted, when the caller knows (the whole test ran out of time, the client left). */
  abortReason?: string;
}

export interface MappedError {
  kind: AwsErrorKind;
  message: string;
  hint: string;
  /** AWS's own answer, code and message (scrubbed), for a details view; never part of `message`. */
  detail?: string;
}

const SERVICE_NAMES = { sts: "AWS STS", sqs: "Amazon SQS", s3: "Amazon S3" } as const;

/** The sentence and hint for a failed AWS call. Never includes credentials: only codes and ARNs. */
export function describeAwsError(error: unknown, ctx: AwsCallContext): MappedError {
  const c = classifyAwsError(error);
  const service = SERVICE_NAMES[ctx.service];
  const said = [c.code, c.detail].filter((part) => part && part !== "").join(": ");
  const out = (message: string, hint: string): MappedError => ({ kind: c.kind, message, hint, ...(said ? { detail: said } : {}) });
  switch (c.kind) {
    case "access_denied":
      return out(
        `The role lacks ${ctx.action} on ${ctx.resource}`,
        `Add "${ctx.action}" on "${ctx.resource}" to the role's permissions policy (aws iam put-role-policy), ` +
          "and check that no permissions boundary, SCP or resource policy denies it",
      );
    case "kms_denied":
      return out(
        `The role may not use the KMS key that encrypts ${ctx.subject} (${ctx.action} needs kms:Decrypt)`,
        "Allow kms:Decrypt on the key in the role's permissions policy and in the key policy, " +
          "or use SSE-SQS / SSE-S3 encryption instead of a customer managed key",
      );
    case "invalid_credentials":
      return out(
        `${service} rejected the credentials of the calling identity (${c.code})`,
        ctx.service === "sts"
          ? "This is on Databend's side: the platform setup identity's keys are invalid; the operator must fix the API's AWS credentials"
          : "The temporary credentials of the assumed role were rejected; run Test Connectivity again",
      );
    case "expired_credentials":
      return out(
        `${service} says the credentials have expired (${c.code})`,
        ctx.service === "sts"
          ? "This is on Databend's side: the platform setup identity's session expired; the operator must refresh the API's AWS credentials"
          : "The role session expired during the test; run Test Connectivity again",
      );
    case "missing_credentials":
      return out(
        "The API has no AWS credentials for the platform setup identity",
        "This is on Databend's side: give the API process the setup identity through the AWS SDK's default credential chain (environment, profile or instance role)",
      );
    case "queue_not_found":
      return out(
        `The queue does not exist: no ${ctx.subject} in ${ctx.region}`,
        `Check Queue URL and Queue Region; a queue in another Region is not visible from ${ctx.region}. ` +
          `Copy the URL from: aws sqs get-queue-url --region ${ctx.region} --queue-name <name>`,
      );
    case "bucket_not_found":
      return out(
        `The bucket does not exist: ${ctx.subject}`,
        "Check Bucket: it is the bucket name only (no s3:// and no path), and the bucket must already exist",
      );
    case "key_not_found":
      return out(
        `${ctx.subject} disappeared between listing and reading`,
        "Run Test Connectivity again; another process deleted the object meanwhile",
      );
    case "wrong_region":
      return out(
        c.bucketRegion
          ? `The bucket is in ${c.bucketRegion}, not in the Queue Region ${ctx.region}`
          : `The bucket is not in the Queue Region ${ctx.region} (S3 answered with a redirect)`,
        "The S3 bucket and the SQS queue must be in the same Region: use a queue in the bucket's Region " +
          "(and set Queue URL and Queue Region to it), or a bucket in the queue's Region",
      );
    case "region_disabled":
      return out(
        `AWS STS is not enabled in ${ctx.region} for the calling account`,
        "This is on Databend's side: the platform account must activate STS in this Region; contact support",
      );
    case "throttled":
      return out(
        `${service} throttled the request (${c.code})`,
        "AWS limits how fast an account may call this API; wait a minute and run Test Connectivity again",
      );
    case "timeout":
      return out(
        `${service} in ${ctx.region} did not answer${ctx.timeoutSeconds ? ` within ${ctx.timeoutSeconds} s` : " in time"}`,
        "Run Test Connectivity again; if it keeps timing out, the Region may be unreachable from Databend or AWS is degraded",
      );
    case "aborted":
      return out(
        ctx.abortReason ?? `The call to ${service} was cancelled`,
        "Run Test Connectivity again",
      );
    case "dns":
      return out(
        `Could not resolve the ${service} endpoint for ${ctx.region} (${c.code})`,
        `Check Queue Region: ${ctx.region} must be a Region where ${service} is available; if it is, this is a network problem on Databend's side`,
      );
    case "tls":
      return out(
        `The TLS connection to ${service} in ${ctx.region} failed (${c.code})`,
        "This is a network problem on Databend's side (a proxy intercepting TLS or a bad certificate store); contact support",
      );
    case "connection_refused":
      return out(
        `Could not connect to ${service} in ${ctx.region} (${c.code})`,
        "This is a network problem on Databend's side or an AWS outage; run Test Connectivity again later",
      );
    case "other":
      return out(
        `${service} refused ${ctx.action} on ${ctx.resource}${c.code ? ` (${c.code})` : ""}`,
        "Check the value this call uses and the role's permissions",
      );
  }
}
