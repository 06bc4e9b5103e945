/**
 * S3 addressing and signing variants, signed by the AWS SDK's own signer (@smithy/signature-v4,
 * which @aws-sdk/* clients use internally) so the sandbox's verifier is checked independently.
 */
import { createHash, createHmac } from "node:crypto";
import { request } from "node:http";
import {
  CreateBucketCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, rejection, startTestSandbox, withoutContentType, type TestSandbox } from "./test-helpers.ts";

/** The hash constructor SignatureV4 expects, on node:crypto. */
class Sha256 {
  private h;
  constructor(secret?: unknown) {
    this.h = secret ? createHmac("sha256", secret as string | Buffer) : createHash("sha256");
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

const signer = new SignatureV4({ credentials: CUSTOMER, region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false });

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  await sb.s3().send(new PutObjectCommand({ Bucket: sb.seedValues.bucket, Key: "incoming/hello world.csv", Body: "a,b\n" }));
});
afterAll(() => sb.dispose());

/** Sends a request to the sandbox with an arbitrary Host header. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: sb.port, method, path, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("S3 request variants", () => {
  it("accepts presigned GET and PUT URLs, and a PUT through one still notifies", async () => {
    const host = `127.0.0.1:${sb.port}`;
    const get = await signer.presign(
      { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: sb.port, path: `/${sb.seedValues.bucket}/incoming/hello%20world.csv`, headers: { host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} },
      { expiresIn: 60 },
    );
    const qs = new URLSearchParams(get.query as Record<string, string>).toString();
    const res = await fetch(`${sb.url}${get.path}?${qs}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("a,b\n");

    const put = await signer.presign(
      { method: "PUT", protocol: "http:", hostname: "127.0.0.1", port: sb.port, path: `/${sb.seedValues.bucket}/incoming/presigned.csv`, headers: { host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} },
      { expiresIn: 60 },
    );
    const putRes = await fetch(`${sb.url}${put.path}?${new URLSearchParams(put.query as Record<string, string>)}`, { method: "PUT", body: "1\n" });
    expect(putRes.status).toBe(200);
    const got = await sb.sqs().send(new ReceiveMessageCommand({ QueueUrl: sb.seedValues.queueUrl, MaxNumberOfMessages: 10 }));
    const keys = (got.Messages ?? []).flatMap((m) => (JSON.parse(m.Body!).Records ?? []).map((r: { s3: { object: { key: string } } }) => r.s3.object.key));
    expect(keys).toContain("incoming/presigned.csv");

    const tampered = `${sb.url}${get.path.replace("hello%20world", "other")}?${qs}`;
    expect((await fetch(tampered)).status).toBe(403);
  });

  it("refuses an expired presigned URL", async () => {
    const old = await signer.presign(
      { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: sb.port, path: `/${sb.seedValues.bucket}/incoming/hello%20world.csv`, headers: { host: `127.0.0.1:${sb.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} },
      { expiresIn: 1, signingDate: new Date(Date.now() - 10_000) },
    );
    const res = await fetch(`${sb.url}${old.path}?${new URLSearchParams(old.query as Record<string, string>)}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Request has expired");
  });

  it("serves virtual-hosted-style requests (bucket in the Host header)", async () => {
    const host = `${sb.seedValues.bucket}.s3.localhost:${sb.port}`;
    const signed = await signer.sign({
      method: "GET",
      protocol: "http:",
      hostname: `${sb.seedValues.bucket}.s3.localhost`,
      port: sb.port,
      path: "/incoming/hello%20world.csv",
      headers: { host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      query: {},
    });
    const res = await send("GET", signed.path, signed.headers as Record<string, string>);
    expect(res.status).toBe(200);
    expect(res.text).toBe("a,b\n");
  });

  it("reports the bucket region on HEAD and refuses sub-resources it does not implement", async () => {
    const s3 = sb.s3(undefined, "ap-southeast-2");
    await s3.send(new CreateBucketCommand({ Bucket: "syd-bucket", CreateBucketConfiguration: { LocationConstraint: "ap-southeast-2" } }));
    const head = await s3.send(new HeadBucketCommand({ Bucket: "syd-bucket" }));
    expect(head.BucketRegion).toBe("ap-southeast-2");
    const err = await rejection(sb.s3().send(new GetBucketAclCommand({ Bucket: "syd-bucket" })));
    expect(err.name).toBe("NotImplemented");
  });
});

describe("S3 POST form uploads", () => {
  /** A browser-style upload: policy document signed with the SigV4 signing key. */
  async function postUpload(creds: { accessKeyId: string; secretAccessKey: string }, key: string, filename: string) {
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
    const date = amzDate.slice(0, 8);
    const credential = `${creds.accessKeyId}/${date}/us-east-1/s3/aws4_request`;
    const policy = Buffer.from(
      JSON.stringify({
        expiration: new Date(Date.now() + 60_000).toISOString(),
        conditions: [{ bucket: sb.seedValues.bucket }, ["starts-with", "$key", "incoming/"], { "x-amz-credential": credential }],
      }),
    ).toString("base64");
    let k: Buffer = createHmac("sha256", `AWS4${creds.secretAccessKey}`).update(date).digest();
    for (const part of ["us-east-1", "s3", "aws4_request"]) k = createHmac("sha256", k).update(part).digest();
    const form = new FormData();
    form.set("key", key);
    form.set("x-amz-algorithm", "AWS4-HMAC-SHA256");
    form.set("x-amz-credential", credential);
    form.set("x-amz-date", amzDate);
    form.set("policy", policy);
    form.set("x-amz-signature", createHmac("sha256", k).update(policy).digest("hex"));
    form.set("file", new Blob(["x,y\n"]), filename);
    return fetch(`${sb.url}/${sb.seedValues.bucket}`, { method: "POST", body: form });
  }

  it("accepts a signed POST upload and sends ObjectCreated:Post", async () => {
    const res = await postUpload(CUSTOMER, "incoming/${filename}", "form upload.csv");
    expect(res.status).toBeLessThan(300);
    const got = await sb.sqs().send(new ReceiveMessageCommand({ QueueUrl: sb.seedValues.queueUrl, MaxNumberOfMessages: 10 }));
    const records = (got.Messages ?? []).flatMap((m) => JSON.parse(m.Body!).Records ?? []);
    expect(records.map((r: { eventName: string; s3: { object: { key: string } } }) => [r.eventName, r.s3.object.key])).toContainEqual([
      "ObjectCreated:Post",
      "incoming/form+upload.csv",
    ]);
  });

  it("refuses a POST upload with a wrong signature", async () => {
    const res = await postUpload({ accessKeyId: "test", secretAccessKey: "wrong" }, "incoming/x.csv", "x.csv");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("SignatureDoesNotMatch");
  });
});

describe("zero-byte objects", () => {
  /** MD5 of zero bytes, the ETag S3 gives an empty object. */
  const EMPTY_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';

  async function expectEmpty(key: string): Promise<void> {
    const s3 = sb.s3();
    const head = await s3.send(new HeadObjectCommand({ Bucket: sb.seedValues.bucket, Key: key }));
    expect(head.ContentLength).toBe(0);
    expect(head.ETag).toBe(EMPTY_ETAG);
    const got = await s3.send(new GetObjectCommand({ Bucket: sb.seedValues.bucket, Key: key }));
    expect(got.ContentLength).toBe(0);
    expect(got.ETag).toBe(EMPTY_ETAG);
    expect((await got.Body!.transformToByteArray()).length).toBe(0);
  }

  it("stores an empty PutObject from the SDK (Body \"\") and answers HEAD and GET with length 0", async () => {
    const put = await sb.s3().send(new PutObjectCommand({ Bucket: sb.seedValues.bucket, Key: "incoming/empty.csv", Body: "" }));
    expect(put.ETag).toBe(EMPTY_ETAG);
    await expectEmpty("incoming/empty.csv");
  });

  it("stores an empty PUT without Content-Type (as the AWS CLI sends an empty file of unknown type)", async () => {
    // fauxqs answered this one with a 500 (see the preValidation hook in fauxqs.ts).
    const put = await withoutContentType(sb.s3()).send(new PutObjectCommand({ Bucket: sb.seedValues.bucket, Key: "incoming/empty-no-type", Body: "" }));
    expect(put.ETag).toBe(EMPTY_ETAG);
    await expectEmpty("incoming/empty-no-type");
  });

  it("completes a multipart upload whose only part is empty and has no Content-Type", async () => {
    const s3 = withoutContentType(sb.s3());
    const target = { Bucket: sb.seedValues.bucket, Key: "incoming/multipart-empty" };
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand(target));
    const part = await s3.send(new UploadPartCommand({ ...target, UploadId, PartNumber: 1, Body: "" }));
    await s3.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const head = await s3.send(new HeadObjectCommand(target));
    expect(head.ContentLength).toBe(0);
  });

  it("keeps a presigned PUT with no body and no Content-Type", async () => {
    const put = await signer.presign(
      { method: "PUT", protocol: "http:", hostname: "127.0.0.1", port: sb.port, path: `/${sb.seedValues.bucket}/incoming/presigned-empty`, headers: { host: `127.0.0.1:${sb.port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} },
      { expiresIn: 60 },
    );
    const res = await send("PUT", `${put.path}?${new URLSearchParams(put.query as Record<string, string>)}`, { "content-length": "0" });
    expect(res.status).toBe(200);
    await expectEmpty("incoming/presigned-empty");
  });
});

it("answers a body over fauxqs's limit with S3's EntityTooLarge", async () => {
  const err = await rejection(sb.s3().send(new PutObjectCommand({ Bucket: sb.seedValues.bucket, Key: "big.bin", Body: Buffer.alloc(12 * 1024 * 1024) })));
  expect(err.name).toBe("EntityTooLarge");
});
