import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  UploadPartCommand,
  type NotificationConfiguration,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuePolicy } from "./documents.ts";
import { encodeEventKey } from "./notifications.ts";
import { rejection, startTestSandbox, withoutContentType, type TestSandbox } from "./test-helpers.ts";

let sb: TestSandbox;
const bucket = "events-bucket";
const queueName = "events-q";
const queueUrl = `https://sqs.us-east-1.amazonaws.com/000000000000/${queueName}`;
const queueArn = `arn:aws:sqs:us-east-1:000000000000:${queueName}`;

const config: NotificationConfiguration = {
  QueueConfigurations: [
    {
      Id: "created",
      QueueArn: queueArn,
      Events: ["s3:ObjectCreated:*"],
      Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "in/" }, { Name: "suffix", Value: ".csv" }] } },
    },
    { Id: "removed", QueueArn: queueArn, Events: ["s3:ObjectRemoved:*"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "in/" }] } } },
  ],
};

interface EventRecord {
  eventName: string;
  s3: { configurationId: string; object: { key: string; size?: number; eTag?: string; sequencer: string } };
  [field: string]: unknown;
}
interface Message {
  Records?: EventRecord[];
  [field: string]: unknown;
}

/** Everything currently on the queue (and deletes it), parsed. */
async function drain(): Promise<Message[]> {
  const sqs = sb.sqs();
  const out: Message[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const msgs = r.Messages ?? [];
    if (msgs.length === 0) return out;
    out.push(...msgs.map((m) => JSON.parse(m.Body!)));
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
  }
}

const recordsOf = (msgs: Message[]): EventRecord[] => msgs.flatMap((m) => m.Records ?? []);
const decodeKey = (k: string) => decodeURIComponent(k.replace(/\+/g, " "));

beforeAll(async () => {
  sb = await startTestSandbox({ seed: false });
  await sb.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  await sb.sqs().send(new CreateQueueCommand({ QueueName: queueName }));
  await sb.sqs().send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: { Policy: JSON.stringify(queuePolicy(queueName, queueArn, `arn:aws:s3:::${bucket}`, "000000000000")) },
    }),
  );
});
afterAll(() => sb.dispose());

describe("bucket notification configuration", () => {
  it("is validated against the destination queues", async () => {
    const s3 = sb.s3();
    const put = (arn: string) =>
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ["s3:ObjectCreated:*"] }] },
        }),
      );
    const missing = await rejection(put("arn:aws:sqs:us-east-1:000000000000:nope"));
    expect(missing.name).toBe("InvalidArgument");
    expect(missing.message).toBe("Unable to validate the following destination configurations");

    await sb.sqs().send(new CreateQueueCommand({ QueueName: "no-policy" }));
    await sb.sqs().send(new CreateQueueCommand({ QueueName: "events.fifo", Attributes: { FifoQueue: "true" } }));
    expect((await rejection(put("arn:aws:sqs:us-east-1:000000000000:no-policy"))).name).toBe("InvalidArgument");
    expect((await rejection(put("arn:aws:sqs:us-east-1:000000000000:events.fifo"))).name).toBe("InvalidArgument");
    expect(await drain()).toEqual([]);
  });

  it("replaces the whole configuration, returns it, and sends an s3:TestEvent", async () => {
    const s3 = sb.s3();
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { QueueConfigurations: [{ Id: "old", QueueArn: queueArn, Events: ["s3:ObjectCreated:Put"] }] },
      }),
    );
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config }));
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    expect(got.QueueConfigurations).toEqual([
      {
        Id: "created",
        QueueArn: queueArn,
        Events: ["s3:ObjectCreated:*"],
        Filter: { Key: { FilterRules: [{ Name: "Prefix", Value: "in/" }, { Name: "Suffix", Value: ".csv" }] } },
      },
      { Id: "removed", QueueArn: queueArn, Events: ["s3:ObjectRemoved:*"], Filter: { Key: { FilterRules: [{ Name: "Prefix", Value: "in/" }] } } },
    ]);
    const msgs = await drain();
    expect(msgs).toHaveLength(2);
    for (const m of msgs) {
      expect(Object.keys(m)).toEqual(["Service", "Event", "Time", "Bucket", "RequestId", "HostId"]);
      expect(m).toMatchObject({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: bucket });
      expect(new Date(m.Time as string).toISOString()).toBe(m.Time);
    }
  });
});

describe("object events", () => {
  it("sends one AWS-shaped record per matching PutObject and nothing for non-matching keys", async () => {
    const s3 = sb.s3();
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/a.csv", Body: "a,b\n" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/a.txt", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "out/a.csv", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in.csv", Body: "x" }));
    const msgs = await drain();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.Records).toHaveLength(1);
    const r = msgs[0]!.Records![0];
    expect(r).toEqual({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: "ObjectCreated:Put",
      userIdentity: { principalId: expect.any(String) },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: { "x-amz-request-id": put.$metadata.requestId, "x-amz-id-2": put.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "created",
        bucket: { name: bucket, ownerIdentity: { principalId: expect.any(String) }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: "in/a.csv", size: 4, eTag: put.ETag!.replace(/"/g, ""), sequencer: expect.stringMatching(/^[0-9A-F]+$/) },
      },
    });
  });

  it("reports zero-byte objects with size 0 and the MD5 of nothing, with or without a Content-Type", async () => {
    let msgs: Message[];
    try {
      await sb.s3().send(new PutObjectCommand({ Bucket: bucket, Key: "in/empty.csv", Body: "" }));
      await withoutContentType(sb.s3()).send(new PutObjectCommand({ Bucket: bucket, Key: "in/empty-no-type.csv", Body: "" }));
    } finally {
      msgs = await drain(); // even when a PUT fails, so its neighbour's record does not leak into later tests
    }
    const objects = recordsOf(msgs).map((r) => [r.eventName, r.s3.object.key, r.s3.object.size, r.s3.object.eTag]);
    expect(objects).toEqual([
      ["ObjectCreated:Put", "in/empty.csv", 0, "d41d8cd98f00b204e9800998ecf8427e"],
      ["ObjectCreated:Put", "in/empty-no-type.csv", 0, "d41d8cd98f00b204e9800998ecf8427e"],
    ]);
  });

  it("URL-encodes keys as S3 does, so spaces, plus signs, non-ASCII and nested paths round-trip", async () => {
    const keys = ["in/dir one/sub+dir/ünïcødé file+1.csv", "in/a b/c+d/日本語.csv", "in/x=1&y=(2)!.csv"];
    for (const Key of keys) await sb.s3().send(new PutObjectCommand({ Bucket: bucket, Key, Body: "1" }));
    const got = recordsOf(await drain()).map((r) => r.s3.object.key);
    expect(got[0]).toBe("in/dir+one/sub%2Bdir/%C3%BCn%C3%AFc%C3%B8d%C3%A9+file%2B1.csv");
    expect(got.map(decodeKey)).toEqual(keys);
    expect(encodeEventKey("a b+c/d")).toBe("a+b%2Bc/d");
  });

  it("names multipart, copy and delete events and keeps sequencers increasing per key", async () => {
    const s3 = sb.s3();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "in/big.csv" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "in/big.csv", UploadId, PartNumber: 1, Body: "1,2\n" }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "in/big.csv", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "in/copy.csv", CopySource: `${bucket}/in/big.csv` }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/copy.csv", Body: "again" }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "in/copy.csv" }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "in/big.csv" }, { Key: "out/a.csv" }] } }));
    const records = recordsOf(await drain());
    expect(records.map((r) => [r.eventName, r.s3.object.key, r.s3.configurationId])).toEqual([
      ["ObjectCreated:CompleteMultipartUpload", "in/big.csv", "created"],
      ["ObjectCreated:Copy", "in/copy.csv", "created"],
      ["ObjectCreated:Put", "in/copy.csv", "created"],
      ["ObjectRemoved:Delete", "in/copy.csv", "removed"],
      ["ObjectRemoved:Delete", "in/big.csv", "removed"],
    ]);
    expect(records[0]!.s3.object.eTag).toMatch(/^[0-9a-f]{32}-1$/);
    expect(records[0]!.s3.object.size).toBe(4);
    expect(records[3]!.s3.object).toEqual({ key: "in/copy.csv", sequencer: expect.any(String) });
    const seq = records.filter((r) => r.s3.object.key === "in/copy.csv").map((r) => BigInt(`0x${r.s3.object.sequencer}`));
    expect(seq).toEqual([...seq].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(seq).size).toBe(seq.length);
  });

  it("stores the bucket region and reports events in it", async () => {
    const s3 = sb.s3(undefined, "eu-west-1");
    await s3.send(new CreateBucketCommand({ Bucket: "eu-bucket", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: "eu-bucket" }))).LocationConstraint).toBe("eu-west-1");
    // A us-east-1 queue is not a valid destination for an eu-west-1 bucket.
    const err = await rejection(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: "eu-bucket",
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ["s3:ObjectCreated:*"] }] },
        }),
      ),
    );
    expect(err.name).toBe("InvalidArgument");
  });
});
