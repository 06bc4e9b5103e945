import { describe, expect, it } from "vitest";
import { awsFailureStatus, PERMANENT_AWS_KINDS, type AwsErrorKind } from "./errors.ts";

describe("what an AWS error kind means (one table)", () => {
  it("permanent kinds are the ones retrying cannot fix; a vanished key or a throttle are not", () => {
    expect([...PERMANENT_AWS_KINDS].sort()).toEqual(
      ["access_denied", "bucket_not_found", "invalid_credentials", "kms_denied", "queue_not_found", "region_disabled", "wrong_region"],
    );
  });
  it("the API says 422 when the customer's AWS side said no, 502 when AWS could not be asked or refused our own identity", () => {
    const status = (k: AwsErrorKind) => awsFailureStatus(k);
    expect(["access_denied", "bucket_not_found", "key_not_found", "wrong_region"].map((k) => status(k as AwsErrorKind))).toEqual([422, 422, 422, 422]);
    expect(["invalid_credentials", "expired_credentials", "throttled", "timeout", "other"].map((k) => status(k as AwsErrorKind))).toEqual([502, 502, 502, 502, 502]);
    // Every permanent kind but our own identity's keys is the customer's to fix.
    for (const kind of PERMANENT_AWS_KINDS) expect(status(kind), kind).toBe(kind === "invalid_credentials" ? 502 : 422);
  });
});
