// Test Connectivity against the local sandbox with real SDK clients (no mocks): one scenario per failure.
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { openBlackhole, type Blackhole } from "./blackhole.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckId, CheckResult } from "#contracts/connectivity.ts";
import type { TestEvent } from "#contracts/connectivity.ts";
import { connectionOf } from "#contracts/data-source.ts";
import { PLATFORM_LOAD_ROLE_ARN, PLATFORM_SETUP_ROLE_ARN } from "./support/customer-aws.ts";
import { createScenario, startFixture, type Fixture } from "./connectivity-env.ts";
import { createConnectivityTester, type TestOutcome } from "../server/connectivity/engine.ts";

const ORG = "org-engine-test";
let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture(ORG);
});
afterAll(() => fx?.stop());

const CSV = [{ key: "incoming/a.csv", body: "a,b\n1,2\n" }];

function byId(outcome: TestOutcome): Record<CheckId, CheckResult> {
  return Object.fromEntries(outcome.checks.map((c) => [c.id, c])) as Record<CheckId, CheckResult>;
}
/** The checks that did not pass, as id → status. */
function problems(outcome: TestOutcome): Record<string, string> {
  return Object.fromEntries(outcome.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.status]));
}

describe("Test Connectivity against the sandbox", () => {
  it("passes every check on the happy path, in the contract's order", async () => {
    // The queue is empty (its events consumed), so sqs_receive can prove the permission.
    const s = await createScenario(fx, { name: "happy", objects: CSV, emptyQueue: true });
    const events: TestEvent[] = [];
    const outcome = await fx.tester()(connectionOf(s), { onEvent: (e) => events.push(e) });
    expect(problems(outcome)).toEqual({});
    expect(outcome.ok).toBe(true);
    expect(outcome.checks.map((c) => c.id)).toEqual([
      "assume_role", "sqs_queue", "sqs_standard", "sqs_policy", "sqs_receive", "s3_bucket", "s3_list", "s3_read",
    ]);
    expect(byId(outcome).s3_read.message).toContain("incoming/a.csv");
    // Every check announces itself before its result; assume_role comes first.
    expect(events[0]).toEqual({ event: "running", id: "assume_role" });
    for (const id of outcome.checks.map((c) => c.id)) {
      const running = events.findIndex((e) => e.event === "running" && e.id === id);
      const result = events.findIndex((e) => e.event === "result" && e.check.id === id);
      expect(running).toBeGreaterThanOrEqual(0);
      expect(result).toBeGreaterThan(running);
    }
  });

  it("never receives a live message: its receive count stays, and a redrive policy of 1 does not dead-letter it", async () => {
    // maxReceiveCount 1: a single receive by Test Connectivity would be one too many for the next consumer.
    const s = await createScenario(fx, { name: "redrive", drainQueue: true, objects: CSV, maxReceiveCount: 1 });
    const sqs = fx.sqs("us-east-1");
    const counts = async (url: string) => {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes ?? {};
      return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
    };
    await waitFor(async () => (await counts(s.realQueueUrl)).visible === 1);
    for (let run = 0; run < 4; run++) {
      const outcome = await fx.tester()(connectionOf(s));
      // Not receiving is said neutrally (skip, never a warning): the task's first receive proves it.
      expect(problems(outcome)).toEqual({ sqs_receive: "skip" });
      expect(outcome.ok).toBe(true);
      expect(byId(outcome).sqs_receive.message).toMatch(
        /^Left to the task's first receive: the queue holds 1 visible message .*maxReceiveCount/,
      );
      expect(byId(outcome).sqs_receive.message).toContain("messages were left untouched");
    }
    expect(await counts(s.realQueueUrl)).toEqual({ visible: 1, inFlight: 0 });
    expect(await counts(s.dlqUrl!)).toEqual({ visible: 0, inFlight: 0 });
    // The first receive of the message is this one: ApproximateReceiveCount 1, still in the source queue.
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: s.realQueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"], VisibilityTimeout: 60 }),
    );
    expect(got.Messages?.[0]?.Body).toContain("incoming/a.csv");
    expect(got.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("1");
  });

  it("right after setup (only S3's s3:TestEvent waits, as after the seed's steps): nothing warns, the event stays", async () => {
    // No drain: saving the bucket notification made S3 send its test event to the queue.
    const s = await createScenario(fx, { name: "fresh-setup" });
    const sqs = fx.sqs("us-east-1");
    const visible = async () =>
      Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: s.realQueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] })))
        .Attributes?.ApproximateNumberOfMessages);
    await waitFor(async () => (await visible()) === 1);
    const outcome = await fx.tester()(connectionOf(s));
    expect(outcome.ok).toBe(true);
    expect(outcome.checks.filter((c) => c.status === "warn" || c.status === "fail")).toEqual([]);
    const receive = byId(outcome).sqs_receive;
    expect(receive.status).toBe("skip");
    expect(receive.message).toMatch(/^Left to the task's first receive: the queue holds 1 visible message/);
    expect(receive.message).toContain("s3:TestEvent");
    expect(receive.message).toContain(`"sqs:ReceiveMessage" on "${s.queueArn}"`);
    expect(receive.hint).toBeUndefined();
    // Still there, never received: the task gets it first (ApproximateReceiveCount 1).
    expect(await visible()).toBe(1);
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: s.realQueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"], VisibilityTimeout: 60 }),
    );
    expect(got.Messages?.[0]?.Body).toContain("s3:TestEvent");
    expect(got.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("1");
  });

  it("does not receive while a consumer holds a message in flight", async () => {
    const s = await createScenario(fx, { name: "inflight", drainQueue: true, objects: CSV, maxReceiveCount: 2 });
    const sqs = fx.sqs("us-east-1");
    await waitFor(async () => Boolean((await sqs.send(new ReceiveMessageCommand({ QueueUrl: s.realQueueUrl, VisibilityTimeout: 60 }))).Messages?.length));
    const outcome = await fx.tester()(connectionOf(s));
    expect(byId(outcome).sqs_receive.status).toBe("skip");
    expect(byId(outcome).sqs_receive.message).toContain("the queue holds 1 message in flight");
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: s.dlqUrl!, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes;
    expect(a?.ApproximateNumberOfMessages).toBe("0");
  });

  it("proves sqs:ReceiveMessage on an empty queue, and the receive leaves the queue as it was", async () => {
    const s = await createScenario(fx, { name: "empty-queue", objects: CSV, emptyQueue: true, maxReceiveCount: 1 });
    const outcome = await fx.tester()(connectionOf(s));
    expect(byId(outcome).sqs_receive).toEqual({
      id: "sqs_receive",
      status: "pass",
      message: "sqs:ReceiveMessage is permitted: the queue was empty, so the receive returned nothing and changed nothing",
    });
  });

  it("wrong external ID in the trust policy: assume_role fails, names both platform roles and the external ID, the rest skip", async () => {
    const s = await createScenario(fx, { name: "wrong-extid", trustExternalId: "someone-else" });
    const outcome = await fx.tester()(connectionOf(s));
    expect(outcome.ok).toBe(false);
    expect(problems(outcome)).toEqual({
      assume_role: "fail", sqs_queue: "skip", sqs_standard: "skip", sqs_policy: "skip", sqs_receive: "skip",
      s3_bucket: "skip", s3_list: "skip", s3_read: "skip",
    });
    const check = byId(outcome).assume_role;
    expect(check.message).toContain(s.role_arn);
    // STS's own answer is the detail behind the sentence, never part of it.
    expect(check.detail).toMatch(/^AccessDenied: /);
    expect(check.message).not.toContain(check.detail!.slice("AccessDenied: ".length));
    // The cause is explained once, where it happened; the 7 others say so in one short sentence.
    for (const skipped of outcome.checks.filter((c) => c.id !== "assume_role")) {
      expect(skipped).toEqual({ id: skipped.id, status: "skip", message: 'Skipped because "Assume IAM role" failed' });
    }
    expect(check.hint).toContain(PLATFORM_SETUP_ROLE_ARN);
    expect(check.hint).toContain(PLATFORM_LOAD_ROLE_ARN);
    expect(check.hint).toContain(`"sts:ExternalId": "${ORG}"`);
  });

  it("untrusted principal: assume_role fails with the trust-policy hint", async () => {
    const s = await createScenario(fx, { name: "untrusted", trustedPrincipals: ["arn:aws:iam::222222222222:role/someone"] });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome).assume_role).toBe("fail");
    expect(outcome.checks.filter((c) => c.id !== "assume_role").every((c) => c.status === "skip")).toBe(true);
    expect(byId(outcome).assume_role.hint).toContain(PLATFORM_SETUP_ROLE_ARN);
    expect(byId(outcome).assume_role.hint).toContain(PLATFORM_LOAD_ROLE_ARN);
  });

  it("missing queue: sqs_queue fails saying it does not exist; the SQS checks after it skip", async () => {
    // The role may read the queue the data source names, but nobody created it.
    const s = await createScenario(fx, { name: "noqueue", objects: CSV, queueExists: false });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ sqs_queue: "fail", sqs_standard: "skip", sqs_policy: "skip", sqs_receive: "skip" });
    expect(byId(outcome).sqs_queue.message).toMatch(/does not exist.*"noqueue-queue" in account 000000000000 in us-east-1/);
    expect(byId(outcome).sqs_queue.hint).toContain("Queue URL");
    for (const id of ["sqs_standard", "sqs_policy", "sqs_receive"] as const) {
      expect(byId(outcome)[id]).toEqual({ id, status: "skip", message: 'Skipped because "SQS queue reachable" failed' });
    }
  });

  it("misspelt queue name, role allowed only on its own queue: sqs_queue leads with the name, then permissions", async () => {
    // IAM decides before SQS looks the queue up: the role's policy names its own queue's ARN, so any
    // other name is AccessDenied, existing or not (the sandbox answers as AWS does; see checks/sqs.ts).
    const s = await createScenario(fx, { name: "misspelt", objects: CSV });
    const misspelt = s.queue_url.replace(/-queue$/, "-qeueu");
    const outcome = await fx.tester()({ ...connectionOf(s), queue_url: misspelt });
    expect(problems(outcome)).toEqual({ sqs_queue: "fail", sqs_standard: "skip", sqs_policy: "skip", sqs_receive: "skip" });
    const check = byId(outcome).sqs_queue;
    expect(check.detail).toMatch(/^AccessDenied: /);
    expect(check.message).toMatch(/^Access denied to queue "misspelt-qeueu" in account 000000000000 in us-east-1: either the Queue URL is wrong/);
    expect(check.message.indexOf("Queue URL is wrong")).toBeLessThan(check.message.indexOf("lacks sqs:GetQueueAttributes"));
    expect(check.hint).toMatch(/^First check Queue URL and Queue Region/);
    expect(check.hint).toContain("aws sqs get-queue-url --region us-east-1 --queue-name misspelt-qeueu");
    expect(check.hint).toContain('add "sqs:GetQueueAttributes" on "arn:aws:sqs:us-east-1:000000000000:misspelt-qeueu"');
  });

  it("queue in another account: sqs_queue fails saying the accounts differ", async () => {
    const s = await createScenario(fx, { name: "other-account", objects: CSV });
    const input = { ...connectionOf(s), queue_url: s.queue_url.replace("/000000000000/", "/999999999999/") };
    const outcome = await fx.tester()(input);
    expect(problems(outcome)).toEqual({ sqs_queue: "fail", sqs_standard: "skip", sqs_policy: "skip", sqs_receive: "skip" });
    expect(byId(outcome).sqs_queue.message).toMatch(/^The queue is in account 999999999999 but the role is in account 000000000000/);
    expect(byId(outcome).sqs_queue.hint).toMatch(/same account/);
  });

  it("FIFO queue: sqs_standard fails and says to use a standard queue", async () => {
    const s = await createScenario(fx, { name: "fifo", fifo: true, objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toMatchObject({ sqs_standard: "fail" });
    expect(Object.keys(problems(outcome)).filter((id) => problems(outcome)[id] === "fail")).toEqual(["sqs_standard"]);
    expect(byId(outcome).sqs_standard.hint).toMatch(/standard queue/);
  });

  it("queue in another Region: sqs_queue fails and the hint points at Queue Region", async () => {
    const s = await createScenario(fx, { name: "queue-elsewhere", queueRegion: "eu-west-1", objects: CSV, notification: false });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ sqs_queue: "fail", sqs_standard: "skip", sqs_policy: "skip", sqs_receive: "skip" });
    expect(byId(outcome).sqs_queue.message).toMatch(/does not exist.*in us-east-1/);
    expect(byId(outcome).sqs_queue.hint).toMatch(/Queue Region.*another Region/);
  });

  it("bucket in another Region: s3_bucket fails naming both Regions; list and read skip", async () => {
    const s = await createScenario(fx, { name: "bucket-elsewhere", bucketRegion: "eu-west-1" });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toMatchObject({ s3_bucket: "fail", s3_list: "skip", s3_read: "skip" });
    expect(problems(outcome)).not.toHaveProperty("sqs_queue");
    expect(byId(outcome).s3_bucket.message).toBe(`Bucket ${s.bucket} is in eu-west-1, not in the Queue Region us-east-1`);
    expect(byId(outcome).s3_bucket.hint).toContain("same Region");
    // s3_read needs s3_list, which was skipped: the sentence names the check that failed.
    expect(byId(outcome).s3_read.message).toBe(`Skipped because "Bucket exists in the queue's Region" failed`);
    expect(byId(outcome).s3_list.hint).toBeUndefined();
  });

  it("mistyped bucket with a role scoped to its own bucket: s3_bucket fails saying the name may be wrong and what would be missing", async () => {
    const s = await createScenario(fx, { name: "typo", objects: CSV, emptyQueue: true });
    const outcome = await fx.tester()({ ...connectionOf(s), bucket: "typo-bukcet" });
    // The queue policy names the real bucket, so sqs_policy rightly warns about the typed one too.
    expect(problems(outcome)).toEqual({ sqs_policy: "warn", s3_bucket: "fail", s3_list: "skip", s3_read: "skip" });
    const check = byId(outcome).s3_bucket;
    expect(check.message).toMatch(/^Access denied to bucket typo-bukcet: either the name is wrong .* or the role lacks s3:GetBucketLocation and s3:ListBucket on arn:aws:s3:::typo-bukcet$/);
    expect(check.hint).toMatch(/^First check Bucket: .*add "s3:GetBucketLocation" and "s3:ListBucket" on "arn:aws:s3:::typo-bukcet"/);
  });

  it("role without s3:GetBucketLocation: HeadBucket still finds the bucket; s3_bucket warns naming the permission", async () => {
    const s = await createScenario(fx, { name: "no-location", emptyQueue: true, withoutActions: ["s3:GetBucketLocation"], objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ s3_bucket: "warn" });
    expect(byId(outcome).s3_bucket.message).toBe(
      `Bucket ${s.bucket} exists in us-east-1, but the role lacks s3:GetBucketLocation on ${s.bucketArn}`,
    );
    expect(byId(outcome).s3_bucket.hint).toContain('Add "s3:GetBucketLocation"');
  });

  it("role without s3:ListBucket: s3_list fails naming the permission; s3_read skips", async () => {
    const s = await createScenario(fx, { name: "no-list", emptyQueue: true, withoutActions: ["s3:ListBucket"], objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ s3_list: "fail", s3_read: "skip" });
    expect(byId(outcome).s3_list.message).toBe(`The role lacks s3:ListBucket on ${s.bucketArn}`);
  });

  it("role without s3:GetObject: s3_read fails naming the permission and the object ARN", async () => {
    const s = await createScenario(fx, { name: "no-getobject", emptyQueue: true, withoutActions: ["s3:GetObject"], objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ s3_read: "fail" });
    expect(byId(outcome).s3_read.message).toBe(`The role lacks s3:GetObject on arn:aws:s3:::${s.bucket}/*`);
    expect(byId(outcome).s3_read.hint).toContain('Add "s3:GetObject"');
  });

  it("role without s3:GetObject and no object yet: s3_read fails (a read of a missing key is refused), ok is false", async () => {
    const s = await createScenario(fx, { name: "no-getobject-empty", emptyQueue: true, withoutActions: ["s3:GetObject"] });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ s3_read: "fail" });
    expect(outcome.ok).toBe(false);
    expect(byId(outcome).s3_read.message).toBe(`The role lacks s3:GetObject on arn:aws:s3:::${s.bucket}/*`);
    expect(byId(outcome).s3_read.hint).toMatch(/^Add "s3:GetObject".*No object matches yet/);
  });

  it("role without sqs:ReceiveMessage: sqs_receive fails naming the permission and the queue ARN", async () => {
    const s = await createScenario(fx, { name: "no-receive", emptyQueue: true, withoutActions: ["sqs:ReceiveMessage"], objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ sqs_receive: "fail" });
    expect(byId(outcome).sqs_receive.message).toBe(`The role lacks sqs:ReceiveMessage on ${s.queueArn}`);
    expect(byId(outcome).sqs_receive.hint).toContain('Add "sqs:ReceiveMessage"');
    expect(outcome.ok).toBe(false);
  });

  it("role without sqs:ReceiveMessage and a live message: sqs_receive leaves it to the task, naming the permission", async () => {
    const s = await createScenario(fx, { name: "no-receive-live", drainQueue: true, withoutActions: ["sqs:ReceiveMessage"], objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ sqs_receive: "skip" });
    expect(byId(outcome).sqs_receive.message).toMatch(/^Left to the task's first receive/);
    expect(byId(outcome).sqs_receive.message).toContain(`"sqs:ReceiveMessage" on "${s.queueArn}"`);
  });

  it("role without sqs:GetQueueAttributes: sqs_queue fails naming the permission (after the name, which AWS cannot tell apart)", async () => {
    const s = await createScenario(fx, { name: "no-getattrs", withoutActions: ["sqs:GetQueueAttributes"], objects: CSV });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ sqs_queue: "fail", sqs_standard: "skip", sqs_policy: "skip", sqs_receive: "skip" });
    expect(byId(outcome).sqs_queue.message).toMatch(/^Access denied to queue "no-getattrs-queue" .*either the Queue URL is wrong/);
    expect(byId(outcome).sqs_queue.message).toMatch(new RegExp(`or the role lacks sqs:GetQueueAttributes on ${s.queueArn}$`));
    expect(byId(outcome).sqs_queue.hint).toContain(`add "sqs:GetQueueAttributes" on "${s.queueArn}" to the role's permissions policy`);
  });

  it("queue policy not naming the bucket: sqs_policy warns and the hint carries the policy to apply", async () => {
    const s = await createScenario(fx, {
      name: "policy-other",
      queuePolicy: { bucketArns: ["arn:aws:s3:::some-other-bucket"] },
      notification: false,
      objects: CSV,
    });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({ sqs_policy: "warn" });
    expect(outcome.ok).toBe(true);
    const hint = byId(outcome).sqs_policy.hint!;
    expect(hint).toContain('"Service":"s3.amazonaws.com"');
    expect(hint).toContain(`"aws:SourceArn":"${s.bucketArn}"`);
    expect(hint).toContain(s.queueArn);
  });

  it("empty bucket: s3_read proves s3:GetObject with a key that does not exist (NoSuchKey) and passes", async () => {
    const s = await createScenario(fx, { name: "empty", emptyQueue: true });
    const outcome = await fx.tester()(connectionOf(s));
    expect(problems(outcome)).toEqual({});
    expect(outcome.ok).toBe(true);
    expect(byId(outcome).s3_read.message).toBe(
      "s3:GetObject is permitted in s3://empty-bucket/incoming/….csv: no object matches yet, so a key that does not exist was read " +
        "and S3 answered NoSuchKey, which it answers only to a role allowed to read there",
    );
  });
});

describe("bounds and cancellation (a local socket that never answers)", () => {
  let blackhole: Blackhole;
  let url: string;
  beforeAll(async () => {
    blackhole = await openBlackhole();
    url = blackhole.url;
  });
  afterAll(() => blackhole.close());

  const input = {
    queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/q",
    queue_region: "us-east-1",
    role_arn: "arn:aws:iam::000000000000:role/r",
    external_id: ORG,
    bucket: "b-bucket",
    prefix: "",
    suffix: "",
  };
  const tester = (callTimeoutMs: number, totalTimeoutMs: number) =>
    createConnectivityTester({
      platformSetupRoleArn: PLATFORM_SETUP_ROLE_ARN,
      platformLoadRoleArn: PLATFORM_LOAD_ROLE_ARN,
      aws: {
        credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" },
        endpoints: { sts: url, sqs: url, s3: url },
        timeouts: { connectionMs: 60_000, requestMs: 60_000 },
        maxAttempts: 1,
      },
      callTimeoutMs,
      totalTimeoutMs,
    });

  it("a call that never answers fails assume_role with a timeout sentence", async () => {
    const outcome = await tester(300, 60_000)(input);
    expect(byId(outcome).assume_role).toMatchObject({ status: "fail" });
    expect(byId(outcome).assume_role.message).toMatch(/did not answer within/);
  });

  it("the whole test stops at its limit", async () => {
    const outcome = await tester(60_000, 300)(input);
    expect(byId(outcome).assume_role.message).toBe("Stopped: Test Connectivity is limited to 0.3 s and this call had not finished");
  });

  it("aborting the signal (client gone) aborts the call in flight", async () => {
    const controller = new AbortController();
    const running = tester(60_000, 60_000)(input, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.event === "running") setTimeout(() => controller.abort(), 50);
      },
    });
    const outcome = await running;
    expect(byId(outcome).assume_role.message).toMatch(/^Cancelled/);
    // The SDK dropped the connection instead of waiting on it.
    await waitFor(async () => blackhole.openSockets.size === 0);
  });
});

async function waitFor(predicate: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}
