// The ETag check after a COPY, against the sandbox's S3 through the real AWS SDK: the answers must
// equal one HEAD per key whatever mix of listing and HEADs produced them, and the requests actually
// sent (counted by a middleware, not by the function's own tally) must be the fewer.
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox, type TestSandbox } from "../../../sandbox/aws/test-helpers.ts";
import { createCustomerRole, platformTrust } from "../../../tests/support/customer-aws.ts";
import { classifyAwsError } from "../../aws/errors.ts";
import { currentEtags } from "./current-etags.ts";

const BUCKET = "etags";
let sb: TestSandbox;
let s3: S3Client;
const sent: string[] = [];
/** MaxKeys of each ListObjectsV2 sent. */
const pageSizes: number[] = [];

beforeAll(async () => {
  sb = await startTestSandbox();
  s3 = sb.s3();
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? "?");
      if (context.commandName === "ListObjectsV2Command") pageSizes.push((args.input as { MaxKeys?: number }).MaxKeys ?? 1000);
      return next(args);
    },
    { step: "initialize", name: "countRequests" },
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // a/: 40 objects, every other one wanted; b/: 2 objects; c/: 600 objects, 4 wanted far apart.
  const keys = [
    ...Array.from({ length: 40 }, (_, i) => `a/obj-${String(i).padStart(3, "0")}.csv`),
    "b/one.csv",
    "b/two.csv",
    ...Array.from({ length: 600 }, (_, i) => `c/${String(i).padStart(4, "0")}.csv`),
  ];
  await pLimit(20).map(keys, (Key) => sb.s3().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `x\n${Key}\n` })));
}, 120_000);
afterAll(() => sb.dispose());

/** One HEAD per key, the answer a listing must agree with. */
async function headAll(keys: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const key of keys) {
    try {
      out.set(key, ((await sb.s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ETag ?? "").replaceAll('"', ""));
    } catch {
      out.set(key, null);
    }
  }
  return out;
}

async function counted<T>(run: () => Promise<T>): Promise<{ value: T; lists: number; heads: number }> {
  sent.length = 0;
  pageSizes.length = 0;
  const value = await run();
  return { value, lists: sent.filter((c) => c === "ListObjectsV2Command").length, heads: sent.filter((c) => c === "HeadObjectCommand").length };
}

describe("currentEtags: what S3 holds after a COPY's read", () => {
  it("lists a folder with many wanted keys in one page, HEADs a small folder and a missing key, and answers as HEADs do", async () => {
    const wanted = [...Array.from({ length: 20 }, (_, i) => `a/obj-${String(i * 2).padStart(3, "0")}.csv`), "a/obj-gone.csv", "b/one.csv", "b/two.csv"];
    const { value, lists, heads } = await counted(() => currentEtags(s3, BUCKET, wanted, { list: true }));
    expect(value.etags).toEqual(await headAll(wanted));
    expect(value.etags.get("a/obj-gone.csv")).toBeNull();
    expect(value.etags.get("a/obj-000.csv")).toMatch(/^[0-9a-f]{32}$/);
    expect(lists).toBe(1);
    // One page of about twice the wanted keys, not a full page of entries beyond them to parse.
    expect(pageSizes).toEqual([2 * 21 + 8]);
    expect(heads).toBe(3); // b/ has fewer keys than a listing is worth; a/obj-gone.csv was not listed
    expect({ lists: value.lists, heads: value.heads }).toEqual({ lists, heads });
  });

  it("sees an overwrite made just before it (the listing is as current as a HEAD)", async () => {
    const wanted = Array.from({ length: 10 }, (_, i) => `a/obj-${String(i).padStart(3, "0")}.csv`);
    const before = (await currentEtags(s3, BUCKET, wanted, { list: true })).etags.get("a/obj-004.csv");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a/obj-004.csv", Body: "y\nchanged\n" }));
    const after = await counted(() => currentEtags(s3, BUCKET, wanted, { list: true }));
    expect(after.value.etags.get("a/obj-004.csv")).not.toBe(before);
    expect(after.value.etags).toEqual(await headAll(wanted));
    expect(after.heads).toBe(0);
  });

  it("stops listing a sparse folder at its budget and HEADs what it did not reach", async () => {
    // 4 wanted keys spread over 600: pages of 16, 32, 64 and the budget's last 88 entries reach
    // the first two; the other two get HEADs.
    const wanted = ["c/0000.csv", "c/0150.csv", "c/0300.csv", "c/0599.csv"];
    const { value, lists, heads } = await counted(() => currentEtags(s3, BUCKET, wanted, { list: true }));
    expect(value.etags).toEqual(await headAll(wanted));
    expect(pageSizes).toEqual([16, 32, 64, 88]);
    expect(lists).toBe(4);
    expect(heads).toBe(2);
  });

  it("with listing off, HEADs every key", async () => {
    const wanted = Array.from({ length: 8 }, (_, i) => `a/obj-${String(i).padStart(3, "0")}.csv`);
    const { value, lists, heads } = await counted(() => currentEtags(s3, BUCKET, wanted, { list: false }));
    expect(value.etags).toEqual(await headAll(wanted));
    expect({ lists, heads }).toEqual({ lists: 0, heads: 8 });
  });

  it("a role that may read but not list: the refused listing is reported and every key gets a HEAD", async () => {
    const roleArn = await createCustomerRole(sb.iam(), {
      roleName: "read-only-objects",
      trust: platformTrust("org-1"),
      policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${BUCKET}/*`] }] },
    });
    const role = sb.s3(await sb.assume(roleArn, "org-1"));
    const wanted = Array.from({ length: 6 }, (_, i) => `a/obj-${String(i + 20).padStart(3, "0")}.csv`);
    const found = await currentEtags(role, BUCKET, wanted, { list: true });
    expect(classifyAwsError(found.listError).kind).toBe("access_denied");
    expect(found.heads).toBe(6);
    expect(found.etags).toEqual(await headAll(wanted));
  });
});
