import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../error-text.ts";
import { classifyAwsError, describeAwsError, type AwsCallContext } from "./aws-errors.ts";

// SDK-shaped errors built by hand: the mapping is a pure function of name/code/status/headers.
const awsError = (name: string, status = 400, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status }, ...extra });
const nodeError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

const getObject: AwsCallContext = {
  service: "s3",
  action: "s3:GetObject",
  resource: "arn:aws:s3:::bucket/*",
  region: "us-east-1",
  subject: "s3://bucket/a.csv",
  timeoutSeconds: 8,
};

describe("classifyAwsError", () => {
  it.each([
    ["AccessDenied", 403, "access_denied"],
    ["AccessDeniedException", 400, "access_denied"],
    ["InvalidClientTokenId", 403, "invalid_credentials"],
    ["ExpiredToken", 400, "expired_credentials"],
    ["NonExistentQueue", 400, "queue_not_found"],
    ["AWS.SimpleQueueService.NonExistentQueue", 400, "queue_not_found"],
    ["QueueDoesNotExist", 400, "queue_not_found"],
    ["NoSuchBucket", 404, "bucket_not_found"],
    ["PermanentRedirect", 301, "wrong_region"],
    ["AuthorizationHeaderMalformed", 400, "wrong_region"],
    ["Throttling", 400, "throttled"],
    ["ThrottlingException", 400, "throttled"],
    ["SlowDown", 503, "throttled"],
    ["KmsAccessDenied", 400, "kms_denied"],
    ["RegionDisabledException", 403, "region_disabled"],
    ["SomethingNew", 400, "other"],
  ])("%s (%i) → %s", (name, status, kind) => {
    expect(classifyAwsError(awsError(name, status)).kind).toBe(kind);
  });

  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "connection_refused"],
    ["ECONNRESET", "connection_refused"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["ETIMEDOUT", "timeout"],
  ])("network %s → %s", (code, kind) => {
    expect(classifyAwsError(nodeError(code)).kind).toBe(kind);
  });

  it("reads timeouts and aborts from the SDK's error names", () => {
    expect(classifyAwsError(Object.assign(new Error("x"), { name: "TimeoutError" })).kind).toBe("timeout");
    expect(classifyAwsError(Object.assign(new Error("x"), { name: "AbortError" })).kind).toBe("aborted");
    expect(classifyAwsError(Object.assign(new Error("x"), { name: "CredentialsProviderError" })).kind).toBe("missing_credentials");
  });

  it("finds the bucket's Region in a redirect header or a malformed-header message", () => {
    const redirect = awsError("PermanentRedirect", 301, { $response: { headers: { "x-amz-bucket-region": "eu-west-1" } } });
    expect(classifyAwsError(redirect).bucketRegion).toBe("eu-west-1");
    const malformed = Object.assign(new Error("the region 'us-east-1' is wrong; expecting 'ap-south-1'"), {
      name: "AuthorizationHeaderMalformed",
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyAwsError(malformed)).toMatchObject({ kind: "wrong_region", bucketRegion: "ap-south-1" });
  });

  it("an S3 403 without a code is access denied; a 404 NotFound from HeadBucket is a missing bucket", () => {
    expect(classifyAwsError(awsError("Forbidden", 403)).kind).toBe("access_denied");
    expect(classifyAwsError(awsError("NotFound", 404)).kind).toBe("bucket_not_found");
  });
});

describe("describeAwsError", () => {
  it("names the missing permission and the resource, and says where to add it", () => {
    const mapped = describeAwsError(awsError("AccessDenied", 403), getObject);
    expect(mapped.message).toBe("The role lacks s3:GetObject on arn:aws:s3:::bucket/*");
    expect(mapped.hint).toContain('Add "s3:GetObject" on "arn:aws:s3:::bucket/*" to the role\'s permissions policy');
  });

  it("says which side must act for platform credential problems", () => {
    const sts = { ...getObject, service: "sts" as const, action: "sts:AssumeRole", resource: "arn:aws:iam::1:role/r" };
    expect(describeAwsError(awsError("InvalidClientTokenId", 403), sts).hint).toMatch(/Databend's side/);
    expect(describeAwsError(awsError("ExpiredToken", 400), sts).hint).toMatch(/Databend's side/);
  });

  it("gives the bucket's real Region and the same-Region rule", () => {
    const redirect = awsError("PermanentRedirect", 301, { $response: { headers: { "x-amz-bucket-region": "eu-west-1" } } });
    const mapped = describeAwsError(redirect, getObject);
    expect(mapped.message).toBe("The bucket is in eu-west-1, not in the Queue Region us-east-1");
    expect(mapped.hint).toMatch(/same Region/);
  });

  it("states the timeout, DNS, TLS and connection failures with the Region", () => {
    expect(describeAwsError(Object.assign(new Error("x"), { name: "TimeoutError" }), getObject).message).toBe(
      "Amazon S3 in us-east-1 did not answer within 8 s",
    );
    expect(describeAwsError(nodeError("ENOTFOUND"), getObject).hint).toMatch(/Queue Region/);
    expect(describeAwsError(nodeError("CERT_HAS_EXPIRED"), getObject).message).toMatch(/TLS/);
    expect(describeAwsError(nodeError("ECONNREFUSED"), getObject).message).toMatch(/Could not connect to Amazon S3/);
    expect(describeAwsError(awsError("SlowDown", 503), getObject).hint).toMatch(/wait a minute/);
  });

  it("never repeats an access key or a long token from an AWS message", () => {
    const leaky = awsError("SomethingNew", 400);
    leaky.message = `key ASIAABCDEFGHIJKLMNOP token ${"A".repeat(120)} end`;
    const mapped = describeAwsError(leaky, getObject);
    expect(mapped.message).not.toMatch(/ASIAABCDEFGHIJKLMNOP|AAAAAAAAAA/);
    expect(mapped.detail).not.toMatch(/ASIAABCDEFGHIJKLMNOP|AAAAAAAAAA/);
    expect(scrubSecrets("AKIAIOSFODNN7EXAMPLE")).toBe("[redacted]");
  });

  it("keeps AWS's own message out of the sentence and in the detail", () => {
    const odd = awsError("InvalidParameterValue", 400);
    odd.message = "Value (quux) for parameter AttributeName is invalid. Unknown Attribute quux.";
    const mapped = describeAwsError(odd, getObject);
    expect(mapped.message).toBe("Amazon S3 refused s3:GetObject on arn:aws:s3:::bucket/* (InvalidParameterValue)");
    expect(mapped.detail).toBe(`InvalidParameterValue: ${odd.message}`);
    const denied = describeAwsError(awsError("AccessDenied", 403), getObject);
    expect(denied.message).not.toContain("AccessDenied message");
    expect(denied.detail).toBe("AccessDenied: AccessDenied message");
  });
});
