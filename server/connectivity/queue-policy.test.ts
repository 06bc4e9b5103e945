import { describe, expect, it } from "vitest";
import { evaluateQueuePolicy, recommendedQueuePolicy, wildcardMatch } from "./queue-policy.ts";

const QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders";
const BUCKET = "arn:aws:s3:::orders-bucket";
const policy = (statement: object | object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const s3Send = (condition?: object, extra: object = {}) => ({
  Effect: "Allow",
  Principal: { Service: "s3.amazonaws.com" },
  Action: "sqs:SendMessage",
  Resource: QUEUE,
  ...(condition ? { Condition: condition } : {}),
  ...extra,
});

describe("wildcardMatch", () => {
  it("matches * and ? and escapes the rest", () => {
    expect(wildcardMatch("arn:aws:s3:::orders-*", BUCKET)).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::orders-bucke?", BUCKET)).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::orders.bucket", BUCKET)).toBe(false);
    expect(wildcardMatch("sqs:send*", "sqs:SendMessage", true)).toBe(true);
  });
});

describe("evaluateQueuePolicy", () => {
  it("accepts the seed's policy (ArnLike aws:SourceArn)", () => {
    expect(evaluateQueuePolicy(recommendedQueuePolicy(QUEUE, BUCKET, "123456789012", "orders"), QUEUE, BUCKET)).toMatchObject({
      kind: "allows_bucket",
      sid: "AllowS3ToSendMessage",
    });
  });

  it.each([
    ["ArnEquals", BUCKET],
    ["StringEquals", BUCKET],
    ["ArnLike", "arn:aws:s3:::orders-*"],
    ["StringLike", "arn:aws:s3:::*"],
    ["ArnLike", ["arn:aws:s3:::a", BUCKET]],
    ["ForAnyValue:ArnLike", BUCKET],
    ["ArnLikeIfExists", BUCKET],
  ])("accepts %s with %j", (operator, value) => {
    expect(evaluateQueuePolicy(policy(s3Send({ [operator]: { "aws:SourceArn": value } })), QUEUE, BUCKET).kind).toBe(
      "allows_bucket",
    );
  });

  it("StringEquals does not expand wildcards", () => {
    const p = policy(s3Send({ StringEquals: { "aws:SourceArn": "arn:aws:s3:::orders-*" } }));
    expect(evaluateQueuePolicy(p, QUEUE, BUCKET)).toEqual({ kind: "other_buckets", sourceArns: ["arn:aws:s3:::orders-*"] });
  });

  it("reads condition keys case-insensitively and accepts sqs:* and Principal *", () => {
    const p = policy(s3Send({ ArnLike: { "AWS:SourceArn": BUCKET } }, { Action: ["sqs:*"], Principal: "*" }));
    expect(evaluateQueuePolicy(p, QUEUE, BUCKET).kind).toBe("allows_bucket");
  });

  it("reports other buckets, no statement, absent and unreadable policies", () => {
    expect(evaluateQueuePolicy(policy(s3Send({ ArnLike: { "aws:SourceArn": "arn:aws:s3:::other" } })), QUEUE, BUCKET)).toEqual({
      kind: "other_buckets",
      sourceArns: ["arn:aws:s3:::other"],
    });
    expect(evaluateQueuePolicy(policy(s3Send(undefined, { Principal: { AWS: "arn:aws:iam::1:root" } })), QUEUE, BUCKET).kind).toBe(
      "no_statement",
    );
    expect(evaluateQueuePolicy(policy(s3Send(undefined, { Action: "sqs:ReceiveMessage" })), QUEUE, BUCKET).kind).toBe("no_statement");
    expect(evaluateQueuePolicy(policy(s3Send(undefined, { Resource: "arn:aws:sqs:us-east-1:123456789012:other" })), QUEUE, BUCKET).kind).toBe(
      "no_statement",
    );
    expect(evaluateQueuePolicy(policy(s3Send(undefined, { Effect: "Deny" })), QUEUE, BUCKET).kind).toBe("no_statement");
    expect(evaluateQueuePolicy(undefined, QUEUE, BUCKET).kind).toBe("absent");
    expect(evaluateQueuePolicy("", QUEUE, BUCKET).kind).toBe("absent");
    expect(evaluateQueuePolicy("{nope", QUEUE, BUCKET).kind).toBe("unreadable");
  });

  it("notices a statement that lets any bucket send", () => {
    expect(evaluateQueuePolicy(policy(s3Send()), QUEUE, BUCKET).kind).toBe("allows_any_bucket");
    // A condition on the account only still lets any bucket of that account send.
    expect(evaluateQueuePolicy(policy(s3Send({ StringEquals: { "aws:SourceAccount": "1" } })), QUEUE, BUCKET).kind).toBe(
      "allows_any_bucket",
    );
  });
});
