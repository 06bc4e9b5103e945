// The backlog's bound: an AWS endpoint that accepts and never answers (a local blackhole socket,
// since the real sandbox always answers) gives a sentence naming the limit, and the call is cut
// (its socket closed) rather than left waiting. The answers themselves are tested against the
// sandbox in tests/worker-activity.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBlackhole, type Blackhole } from "../../tests/blackhole.ts";
import { createBacklogReader } from "./backlog.ts";

let hole: Blackhole;
beforeAll(async () => {
  hole = await openBlackhole();
});
afterAll(() => hole.close());

const source = {
  queue_url: "https://sqs.us-east-1.amazonaws.com/000000000000/orders",
  queue_region: "us-east-1",
  role_arn: "arn:aws:iam::000000000000:role/databend",
};

describe("queue backlog", () => {
  it("STS that never answers: unavailable within the bound, in words, and the request is cut", { timeout: 15_000 }, async () => {
    const reader = createBacklogReader({
      timeoutMs: 500,
      aws: { credentials: { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" }, endpoints: { sts: hole.url, sqs: hole.url, s3: hole.url } },
    });
    const answer = await reader.read("org-a", "t-1", source);
    expect(answer).toMatchObject({ unavailable: expect.stringMatching(/^The backlog cannot be read: AWS STS .*did not answer within 0\.5 s; it is asked again at the next refresh$/) });
    await expect.poll(() => hole.openSockets.size, { timeout: 5_000 }).toBe(0);
  });
});
