import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_LOAD, PLATFORM_SETUP, rejection, startTestSandbox, type Creds, type TestSandbox } from "./test-helpers.ts";

let sb: TestSandbox;
let limited: Creds;
const queueA = "https://sqs.us-east-1.amazonaws.com/000000000000/perm-a";
const queueB = "https://sqs.us-east-1.amazonaws.com/000000000000/perm-b";

beforeAll(async () => {
  sb = await startTestSandbox({ seed: false });
  const s3 = sb.s3();
  const sqs = sb.sqs();
  for (const b of ["perm-a", "perm-b"]) {
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: "data/x.csv", Body: "1,2\n" }));
    await sqs.send(new CreateQueueCommand({ QueueName: b }));
    await sqs.send(new SendMessageCommand({ QueueUrl: `https://sqs.us-east-1.amazonaws.com/000000000000/${b}`, MessageBody: "hi" }));
  }
  const iam = sb.iam();
  await iam.send(
    new CreateRoleCommand({
      RoleName: "limited",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/platform-load" }, Action: "sts:AssumeRole" }],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "limited",
      PolicyName: "only-a",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::perm-a" },
          { Effect: "Allow", Action: "S3:Get*", Resource: "arn:aws:s3:::perm-a/data/*" },
          { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::perm-a/data/secret?.csv" },
          { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes"], Resource: "arn:aws:sqs:*:000000000000:perm-a" },
        ],
      }),
    }),
  );
  limited = await sb.assume("arn:aws:iam::000000000000:role/limited", undefined, PLATFORM_LOAD);
});
afterAll(() => sb.dispose());

describe("permissions of an assumed role", () => {
  it("allows what its policy allows", async () => {
    const s3 = sb.s3(limited);
    const list = await s3.send(new ListObjectsV2Command({ Bucket: "perm-a" }));
    expect(list.Contents?.map((o) => o.Key)).toEqual(["data/x.csv"]);
    const obj = await s3.send(new GetObjectCommand({ Bucket: "perm-a", Key: "data/x.csv" }));
    expect(await obj.Body?.transformToString()).toBe("1,2\n");
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: "perm-a" }))).LocationConstraint).toBeUndefined();
    const got = await sb.sqs(limited).send(new ReceiveMessageCommand({ QueueUrl: queueA, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe("hi");
  });

  it("denies another bucket as S3 does (403 AccessDenied)", async () => {
    const err = await rejection(sb.s3(limited).send(new GetObjectCommand({ Bucket: "perm-b", Key: "data/x.csv" })));
    expect(err.name).toBe("AccessDenied");
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toBe(
      "User: arn:aws:sts::000000000000:assumed-role/limited/test-session is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::perm-b/data/x.csv because no identity-based policy allows the s3:GetObject action",
    );
    expect((await rejection(sb.s3(limited).send(new ListObjectsV2Command({ Bucket: "perm-b" })))).name).toBe("AccessDenied");
  });

  it("denies object actions it lacks, and explicit Deny wins over Allow", async () => {
    const s3 = sb.s3(limited);
    expect((await rejection(s3.send(new PutObjectCommand({ Bucket: "perm-a", Key: "data/y.csv", Body: "x" })))).name).toBe("AccessDenied");
    expect((await rejection(s3.send(new DeleteObjectCommand({ Bucket: "perm-a", Key: "data/x.csv" })))).name).toBe("AccessDenied");
    const denied = await rejection(s3.send(new GetObjectCommand({ Bucket: "perm-a", Key: "data/secret1.csv" })));
    expect(denied.message).toContain("with an explicit deny in an identity-based policy");
  });

  it("answers a missing key with 404 NoSuchKey only with s3:ListBucket, else 403 AccessDenied (as S3)", async () => {
    const iam = sb.iam();
    await iam.send(
      new CreateRoleCommand({
        RoleName: "get-only",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/platform-load" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "get-only",
        PolicyName: "get",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::perm-b/*" }],
        }),
      }),
    );
    const getOnly = sb.s3(await sb.assume("arn:aws:iam::000000000000:role/get-only", undefined, PLATFORM_LOAD));
    expect(await (await getOnly.send(new GetObjectCommand({ Bucket: "perm-b", Key: "data/x.csv" }))).Body?.transformToString()).toBe("1,2\n");
    const hidden = await rejection(getOnly.send(new GetObjectCommand({ Bucket: "perm-b", Key: "data/missing.csv" })));
    expect(hidden.name).toBe("AccessDenied");
    expect(hidden.$metadata?.httpStatusCode).toBe(403);
    const headHidden = await rejection(getOnly.send(new HeadObjectCommand({ Bucket: "perm-b", Key: "data/missing.csv" })));
    expect(headHidden.$metadata?.httpStatusCode).toBe(403);
    // With s3:ListBucket on the bucket (the "limited" role on perm-a), the same read is 404 NoSuchKey.
    const missing = await rejection(sb.s3(limited).send(new GetObjectCommand({ Bucket: "perm-a", Key: "data/missing.csv" })));
    expect(missing.name).toBe("NoSuchKey");
    expect(missing.$metadata?.httpStatusCode).toBe(404);
  });

  it("denies another queue and a missing SQS action (sqs:DeleteMessage)", async () => {
    const sqs = sb.sqs(limited);
    const other = await rejection(sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueB, AttributeNames: ["All"] })));
    expect(other.Code).toBe("AccessDenied");
    expect(other.message).toContain("sqs:GetQueueAttributes on resource: arn:aws:sqs:us-east-1:000000000000:perm-b");
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueA, VisibilityTimeout: 0 }));
    const del = await rejection(
      sqs.send(new DeleteMessageCommand({ QueueUrl: queueA, ReceiptHandle: received.Messages?.[0]?.ReceiptHandle ?? "x" })),
    );
    expect(del.Code).toBe("AccessDenied");
    expect(del.message).toContain("is not authorized to perform: sqs:DeleteMessage");
    expect((await rejection(sqs.send(new SendMessageCommand({ QueueUrl: queueA, MessageBody: "x" })))).Code).toBe("AccessDenied");
  });

  it("gives platform role keys used directly no access to customer resources", async () => {
    for (const who of [PLATFORM_SETUP, PLATFORM_LOAD]) {
      expect((await rejection(sb.s3(who).send(new ListObjectsV2Command({ Bucket: "perm-a" })))).name).toBe("AccessDenied");
      expect((await rejection(sb.sqs(who).send(new ReceiveMessageCommand({ QueueUrl: queueA })))).Code).toBe("AccessDenied");
    }
  });

  it("answers NonExistentQueue for a queue URL in another account", async () => {
    const err = await rejection(
      sb.sqs().send(new GetQueueAttributesCommand({ QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/perm-a" })),
    );
    expect(err.name).toBe("QueueDoesNotExist");
    expect(err.Code).toBe("AWS.SimpleQueueService.NonExistentQueue");
  });
});
