// The S3 group: bucket exists in the queue's Region, listing under the prefix and reading objects
// within prefix/suffix are permitted (an existing object's first byte, or a key that does not exist).
import { randomUUID } from "node:crypto";
import { GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { keyInScope } from "#contracts/aws-names.ts";
import type { CheckResult } from "#contracts/connectivity.ts";
import { detailOf } from "../../error-text.ts";
import { classifyAwsError, describeAwsError } from "../aws-errors.ts";
import type { Check, CheckContext } from "../context.ts";

/** LocationConstraint as S3 reports it → Region: empty means us-east-1, "EU" is eu-west-1. */
export function regionOfLocationConstraint(constraint: string | null | undefined): string {
  if (!constraint) return "us-east-1";
  if (constraint === "EU") return "eu-west-1";
  return constraint;
}

/** Keys the list asks for; enough to find one object that matches the suffix. */
export const LIST_MAX_KEYS = 100;

function regionMismatch(ctx: CheckContext, bucketRegion: string): CheckResult {
  const { bucket, region } = ctx.target;
  return {
    id: "s3_bucket",
    status: "fail",
    message: `Bucket ${bucket} is in ${bucketRegion}, not in the Queue Region ${region}`,
    hint:
      `The S3 bucket and the SQS queue must be in the same Region: use a standard queue in ${bucketRegion} ` +
      `(and set Queue URL and Queue Region to it), or a bucket in ${region}`,
  };
}

function scopeText(ctx: CheckContext): string {
  const { bucket, input } = ctx.target;
  return `s3://${bucket}/${input.prefix}${input.suffix ? `…${input.suffix}` : ""}`;
}

export const s3Bucket: Check = {
  id: "s3_bucket",
  needs: ["assume_role"],
  async run(ctx): Promise<CheckResult> {
    const { bucket, bucketArn, region } = ctx.target;
    const describe = (error: unknown, action: string) =>
      describeAwsError(error, ctx.callContext({ service: "s3", action, resource: bucketArn, subject: `bucket ${bucket}` }));
    let locationError: unknown;
    try {
      const out = await ctx.call((abortSignal) =>
        ctx.s3().send(new GetBucketLocationCommand({ Bucket: bucket }), { abortSignal }),
      );
      const bucketRegion = regionOfLocationConstraint(out.LocationConstraint);
      if (bucketRegion !== region) return regionMismatch(ctx, bucketRegion);
      return { id: "s3_bucket", status: "pass", message: `Bucket ${bucket} exists in ${region}` };
    } catch (error) {
      const c = classifyAwsError(error);
      if (c.kind === "wrong_region") return regionMismatch(ctx, c.bucketRegion ?? "another Region");
      if (c.kind !== "access_denied") {
        const mapped = describe(error, "s3:GetBucketLocation");
        return { id: "s3_bucket", status: "fail", message: mapped.message, hint: mapped.hint, ...detailOf(mapped.detail) };
      }
      locationError = error;
    }
    // No s3:GetBucketLocation: HeadBucket (s3:ListBucket) still tells existence and Region.
    try {
      const head = await ctx.call((abortSignal) => ctx.s3().send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }));
      if (head.BucketRegion && head.BucketRegion !== region) return regionMismatch(ctx, head.BucketRegion);
      const missing = describe(locationError, "s3:GetBucketLocation");
      return {
        id: "s3_bucket",
        status: "warn",
        message: `Bucket ${bucket} exists in ${head.BucketRegion ?? region}, but ${missing.message.replace(/^The role/, "the role")}`,
        hint: missing.hint,
        ...detailOf(missing.detail),
      };
    } catch (error) {
      const c = classifyAwsError(error);
      if (c.kind === "wrong_region") return regionMismatch(ctx, c.bucketRegion ?? "another Region");
      if (c.kind === "bucket_not_found") {
        const mapped = describe(error, "s3:ListBucket");
        return { id: "s3_bucket", status: "fail", message: mapped.message, hint: mapped.hint, ...detailOf(mapped.detail) };
      }
      if (c.kind === "access_denied") {
        // S3 checks permissions before it looks the bucket up, so a role scoped to one bucket is refused
        // on any other name: a mistyped Bucket looks exactly like a missing permission.
        return {
          id: "s3_bucket",
          status: "fail",
          message:
            `Access denied to bucket ${bucket}: either the name is wrong (a role allowed only on its own bucket is refused ` +
            `on any other name, existing or not), or the role lacks s3:GetBucketLocation and s3:ListBucket on ${bucketArn}`,
          hint:
            `First check Bucket: it must be the exact name of the bucket that sends the events (aws s3api get-bucket-location --bucket ${bucket}). ` +
            `If the name is right, add "s3:GetBucketLocation" and "s3:ListBucket" on "${bucketArn}" to the role's permissions policy`,
          ...detailOf(describe(error, "s3:ListBucket").detail),
        };
      }
      const mapped = describe(error, "s3:ListBucket");
      return { id: "s3_bucket", status: "fail", message: mapped.message, hint: mapped.hint, ...detailOf(mapped.detail) };
    }
  },
};

export const s3List: Check = {
  id: "s3_list",
  needs: ["s3_bucket"],
  async run(ctx): Promise<CheckResult> {
    const { bucket, bucketArn, input } = ctx.target;
    try {
      const out = await ctx.call((abortSignal) =>
        ctx.s3().send(
          new ListObjectsV2Command({ Bucket: bucket, MaxKeys: LIST_MAX_KEYS, ...(input.prefix ? { Prefix: input.prefix } : {}) }),
          { abortSignal },
        ),
      );
      ctx.facts.objects = (out.Contents ?? []).flatMap((o) => (o.Key ? [{ key: o.Key, size: o.Size ?? 0 }] : []));
      ctx.facts.listTruncated = out.IsTruncated === true;
      const n = ctx.facts.objects.length;
      return {
        id: "s3_list",
        status: "pass",
        message: `Listed s3://${bucket}/${input.prefix} (${n === 0 ? "no objects" : `${n}${ctx.facts.listTruncated ? "+" : ""} object${n === 1 ? "" : "s"}`})`,
      };
    } catch (error) {
      const mapped = describeAwsError(
        error,
        ctx.callContext({ service: "s3", action: "s3:ListBucket", resource: bucketArn, subject: `bucket ${bucket}` }),
      );
      return { id: "s3_list", status: "fail", message: mapped.message, hint: mapped.hint, ...detailOf(mapped.detail) };
    }
  },
};

/** A key under the prefix (with the suffix) that no one writes: the read probe when no object matches yet. */
export function probeKey(prefix: string, suffix: string): string {
  return `${prefix}databend-connectivity-probe-${randomUUID()}${suffix}`;
}

// With no object to read, s3:GetObject is proven by reading a key that does not exist. S3 decides
// on the permission first and then says how the key is missing: "If you have the s3:ListBucket
// permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found error. If you don't
// have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Forbidden error"
// (API_GetObject and API_HeadObject, Permissions:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). So:
// - 404 NoSuchKey proves s3:GetObject on that key (a caller without it gets 403, never 404);
// - 403 AccessDenied means no s3:GetObject *or* no s3:ListBucket. This check runs only after
//   s3_list proved s3:ListBucket (ListObjectsV2 under the prefix), so 403 refutes s3:GetObject.
//   One corner remains: a ListBucket allowed only under an s3:prefix condition may not count for
//   the missing-key answer; the hint then offers a real object, whose read needs no ListBucket.
// A byte range of the probe key is asked for, so even a key that did exist would cost one byte.
export const s3Read: Check = {
  id: "s3_read",
  needs: ["s3_list"],
  async run(ctx): Promise<CheckResult> {
    const { bucket, objectArn, input } = ctx.target;
    const inScope = (ctx.facts.objects ?? []).filter((o) => keyInScope(o.key, input));
    const object = inScope.find((o) => o.size > 0) ?? inScope[0];
    const key = object?.key ?? probeKey(input.prefix, input.suffix);
    try {
      await ctx.call(async (abortSignal) => {
        const out = await ctx.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: "bytes=0-0" }), { abortSignal });
        await out.Body?.transformToByteArray();
      });
      return {
        id: "s3_read",
        status: "pass",
        message: object
          ? `Read the first byte of s3://${bucket}/${key}`
          : `s3:GetObject is permitted: read the first byte of s3://${bucket}/${key}`,
      };
    } catch (error) {
      const c = classifyAwsError(error);
      // An empty object cannot serve byte 0, but S3 only says so once the read was authorized.
      if (c.code === "InvalidRange" || c.status === 416) {
        return { id: "s3_read", status: "pass", message: `s3:GetObject is permitted on s3://${bucket}/${key} (empty object)` };
      }
      if (!object && c.kind === "key_not_found") {
        return {
          id: "s3_read",
          status: "pass",
          message:
            `s3:GetObject is permitted in ${scopeText(ctx)}: no object matches yet, so a key that does not exist was read ` +
            "and S3 answered NoSuchKey, which it answers only to a role allowed to read there",
        };
      }
      const mapped = describeAwsError(
        error,
        ctx.callContext({ service: "s3", action: "s3:GetObject", resource: objectArn, subject: `s3://${bucket}/${key}` }),
      );
      if (!object && mapped.kind === "access_denied") {
        return {
          id: "s3_read",
          status: "fail",
          message: mapped.message,
          hint:
            `${mapped.hint}. No object matches yet, so a key that does not exist was read: S3 refuses that with AccessDenied when the role ` +
            "lacks s3:GetObject (s3:ListBucket was proven above). If s3:ListBucket is allowed only under an s3:prefix condition, " +
            `S3 may refuse it even with s3:GetObject: then upload a test object, e.g. aws s3 cp ./test.csv "s3://${bucket}/${input.prefix}databend-test${input.suffix}", and test again`,
          ...detailOf(mapped.detail),
        };
      }
      return { id: "s3_read", status: "fail", message: mapped.message, hint: mapped.hint, ...detailOf(mapped.detail) };
    }
  },
};
