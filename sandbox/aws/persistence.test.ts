import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateRoleCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetBucketLocationCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, expect, it } from "vitest";
import { seedValues } from "../seed.ts";
import { PLATFORM_LOAD, rejection, startTestSandbox, type Creds, type TestSandbox } from "./test-helpers.ts";

const dataDir = mkdtempSync(join(tmpdir(), "sandbox-persist-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const seed = seedValues("persist-org");

async function withSandbox<T>(opts: { reset?: boolean }, fn: (sb: TestSandbox) => Promise<T>): Promise<T> {
  const sb = await startTestSandbox({ dataDir, orgId: "persist-org", ...opts });
  try {
    return await fn(sb);
  } finally {
    await sb.stop();
  }
}

it("keeps roles, sessions, queues, messages, objects, regions and notifications across a restart; --reset starts clean", async () => {
  let session!: Creds;
  await withSandbox({}, async (sb) => {
    expect(sb.seeded).toBe(true);
    await sb.iam().send(
      new CreateRoleCommand({ RoleName: "extra", AssumeRolePolicyDocument: JSON.stringify(seed.trustPolicy) }),
    );
    session = await sb.assume(seed.roleArn, "persist-org", PLATFORM_LOAD);
    await sb.s3(undefined, "eu-central-1").send(
      new CreateBucketCommand({ Bucket: "kept-eu", CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } }),
    );
    await sb.s3().send(new PutObjectCommand({ Bucket: seed.bucket, Key: "incoming/before.csv", Body: "1\n" }));
  });

  await withSandbox({}, async (sb) => {
    expect(sb.seeded).toBe(false);
    expect((await sb.iam().send(new GetRoleCommand({ RoleName: "extra" }))).Role?.Arn).toBe("arn:aws:iam::000000000000:role/extra");
    const me = await sb.sts(session).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toContain("assumed-role/databend-s3-sqs-consumer-role/");
    const obj = await sb.s3(session).send(new GetObjectCommand({ Bucket: seed.bucket, Key: "incoming/before.csv" }));
    expect(await obj.Body?.transformToString()).toBe("1\n");
    expect((await sb.s3().send(new GetBucketLocationCommand({ Bucket: "kept-eu" }))).LocationConstraint).toBe("eu-central-1");
    // The seeded notification still delivers after the restart.
    await sb.s3().send(new PutObjectCommand({ Bucket: seed.bucket, Key: "incoming/after.csv", Body: "2\n" }));
    const sqs = sb.sqs(session);
    const bodies: string[] = [];
    for (;;) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: seed.queueUrl, MaxNumberOfMessages: 10 }));
      if (!r.Messages?.length) break;
      bodies.push(...r.Messages.map((m) => m.Body!));
    }
    const keys = bodies.flatMap((b) => (JSON.parse(b).Records ?? []).map((r: { s3: { object: { key: string } } }) => r.s3.object.key));
    expect(bodies.some((b) => b.includes("s3:TestEvent"))).toBe(true);
    expect(keys).toEqual(["incoming/before.csv", "incoming/after.csv"]);
  });

  await withSandbox({ reset: true }, async (sb) => {
    expect(sb.seeded).toBe(true);
    expect((await rejection(sb.iam().send(new GetRoleCommand({ RoleName: "extra" })))).name).toBe("NoSuchEntityException"); // the SDK's name for the wire code NoSuchEntity
    expect((await rejection(sb.sts(session).send(new GetCallerIdentityCommand({})))).name).toBe("InvalidClientTokenId");
    expect((await rejection(sb.s3().send(new GetObjectCommand({ Bucket: seed.bucket, Key: "incoming/before.csv" })))).name).toBe("NoSuchKey");
    const attrs = await sb.sqs().send(
      new GetQueueAttributesCommand({ QueueUrl: seed.queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe("1"); // just the fresh TestEvent
  });
});
