// The dead-letter queue's depth on the task page, read the way the backlog is (the data source's
// role assumed as the platform setup identity) against the AWS sandbox with real SDK clients.
// Messages reach the dead-letter queue the way SQS moves them: received more than maxReceiveCount
// times (the sandbox's SQS is fauxqs, which implements the redrive policy). Four answers: a depth,
// "no redrive policy", a role that may not read the dead-letter queue (the permission named), and
// a policy naming a queue that no longer exists.
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { ChangeMessageVisibilityCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as documents from "../sandbox/aws/documents.ts";
import { CUSTOMER_ACCOUNT, createScenario, startFixture, type Fixture, type Scenario } from "./connectivity-env.ts";
import { createBacklogReader } from "../server/connectivity/backlog.ts";

const ORG = "org-dlq-test";
const REGION = "us-east-1";
let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture(ORG);
});
afterAll(() => fx?.stop());

const dlqArn = (name: string) => `arn:aws:sqs:${REGION}:${CUSTOMER_ACCOUNT}:${name}-dlq`;

/** The seed's permissions, plus sqs:GetQueueAttributes on the scenario's dead-letter queue. */
async function allowReadingDeadLetterQueue(s: Scenario, name: string): Promise<void> {
  const policy = documents.permissionsPolicy(s.bucketArn, s.queueArn);
  const statements = [...policy.Statement, { Sid: "DeadLetterQueueDepth", Effect: "Allow", Action: ["sqs:GetQueueAttributes"], Resource: dlqArn(name) }];
  await fx.iam.send(
    new PutRolePolicyCommand({ RoleName: s.roleName, PolicyName: "databend-s3-sqs-access", PolicyDocument: JSON.stringify({ ...policy, Statement: statements }) }),
  );
}

/** Sends `n` messages and receives each until SQS moves it: maxReceiveCount receives, then one more. */
async function deadLetter(s: Scenario, n: number, maxReceiveCount: number): Promise<void> {
  const sqs = fx.sqs(REGION);
  for (let i = 0; i < n; i++) await sqs.send(new SendMessageCommand({ QueueUrl: s.realQueueUrl, MessageBody: JSON.stringify({ poison: i }) }));
  for (let receive = 0; receive < maxReceiveCount; receive++) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: s.realQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    expect(got.Messages ?? []).toHaveLength(n);
    for (const m of got.Messages ?? []) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: s.realQueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    }
  }
  // The receive past maxReceiveCount finds nothing: SQS moved the messages instead.
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: s.realQueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []).toHaveLength(0);
}

let now = Date.now();
/** Asked afresh each time (no cache). */
const read = (s: Scenario, taskId: string) => createBacklogReader({ aws: fx.aws, cacheMs: 0 }).read(ORG, taskId, s);

describe("dead-letter queue depth", () => {
  it("a queue with a redrive policy: the dead-letter queue's depth, its ARN and maxReceiveCount, beside the backlog", { timeout: 60_000 }, async () => {
    const s = await createScenario(fx, { name: "dlq-depth", maxReceiveCount: 2, emptyQueue: true });
    await allowReadingDeadLetterQueue(s, "dlq-depth");
    const before = await read(s, "t-depth");
    expect(before).toMatchObject({ visible: 0, dead_letter: { status: "counted", visible: 0, in_flight: 0, max_receive_count: 2, queue_arn: dlqArn("dlq-depth"), queue_name: "dlq-depth-dlq" } });
    await deadLetter(s, 3, 2);
    const after = await read(s, "t-depth");
    expect(after).toMatchObject({ visible: 0, in_flight: 0, dead_letter: { status: "counted", visible: 3, in_flight: 0 } });
  });

  it("is cached with the backlog: the same answer until the cache time has passed", { timeout: 60_000 }, async () => {
    const s = await createScenario(fx, { name: "dlq-cache", maxReceiveCount: 1, emptyQueue: true });
    await allowReadingDeadLetterQueue(s, "dlq-cache");
    const cached = createBacklogReader({ aws: fx.aws, cacheMs: 10_000, now: () => now });
    const first = await cached.read(ORG, "t-cache", s);
    expect(first).toMatchObject({ dead_letter: { status: "counted", visible: 0 } });
    await deadLetter(s, 2, 1);
    expect(await cached.read(ORG, "t-cache", s)).toEqual(first);
    now += 10_000;
    expect(await cached.read(ORG, "t-cache", s)).toMatchObject({ dead_letter: { status: "counted", visible: 2 } });
  });

  it("a queue without a redrive policy: says there is none", { timeout: 60_000 }, async () => {
    const s = await createScenario(fx, { name: "dlq-none", emptyQueue: true });
    expect(await read(s, "t-none")).toMatchObject({ visible: 0, dead_letter: { status: "none" } });
  });

  it("a role that may not read the dead-letter queue: the permission and the queue named, the backlog still counted", { timeout: 60_000 }, async () => {
    // The seed's permissions policy names only the task's queue.
    const s = await createScenario(fx, { name: "dlq-denied", maxReceiveCount: 3, emptyQueue: true });
    const answer = await read(s, "t-denied");
    expect(answer).toMatchObject({
      visible: 0,
      dead_letter: {
        status: "unavailable",
        queue_arn: dlqArn("dlq-denied"),
        max_receive_count: 3,
        unavailable: `The dead-letter queue cannot be read: the role ${s.role_arn} lacks sqs:GetQueueAttributes on ${dlqArn("dlq-denied")}. ` +
          "Add it to the role's permissions policy to see its depth here (loading does not need it)",
        detail: expect.stringMatching(/AccessDenied/),
      },
    });
  });

  it("a redrive policy naming a queue that no longer exists: says so", { timeout: 60_000 }, async () => {
    const s = await createScenario(fx, { name: "dlq-gone", maxReceiveCount: 2, emptyQueue: true });
    await allowReadingDeadLetterQueue(s, "dlq-gone");
    await fx.sqs(REGION).send(new DeleteQueueCommand({ QueueUrl: s.dlqUrl }));
    const answer = await read(s, "t-gone");
    expect(answer).toMatchObject({
      dead_letter: { status: "unavailable", unavailable: expect.stringContaining(`names the dead-letter queue ${dlqArn("dlq-gone")}, which does not exist`) },
    });
  });
});
