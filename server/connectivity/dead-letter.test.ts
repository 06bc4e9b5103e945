// The redrive policy as SQS answers it (a JSON string) and the values that must never become a
// request: an ARN whose Region is not an AWS Region of its partition would put a typed host name
// in an SDK endpoint. The depth itself is tested against the sandbox in tests/dead-letter-queue.test.ts.
import { describe, expect, it } from "vitest";
import { parseRedrivePolicy } from "./dead-letter.ts";

const arn = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq";

describe("parseRedrivePolicy", () => {
  it("none when absent or empty (a queue without one)", () => {
    expect(parseRedrivePolicy(undefined)).toBeNull();
    expect(parseRedrivePolicy("")).toBeNull();
  });

  it("reads the ARN and maxReceiveCount, as a number or the string SQS also accepts", () => {
    const want = { arn, region: "eu-west-1", accountId: "123456789012", name: "orders-dlq", maxReceiveCount: 5 };
    expect(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 }))).toEqual(want);
    expect(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: "5" }))).toEqual(want);
    expect(parseRedrivePolicy(JSON.stringify({ deadLetterTargetArn: "arn:aws-cn:sqs:cn-north-1:123456789012:q", maxReceiveCount: 1 }))).toMatchObject({ region: "cn-north-1" });
  });

  it("a problem sentence for what is not SQS's shape, never a request to a made-up host", () => {
    const problem = (text: string) => (parseRedrivePolicy(text) as { problem: string }).problem;
    expect(problem("{not json")).toMatch(/^it is not JSON/);
    expect(problem(JSON.stringify({ maxReceiveCount: 3 }))).toBe("it has no deadLetterTargetArn");
    for (const bad of [
      "arn:aws:sqs:evil.example.com:123456789012:q",
      "arn:aws:sqs:mars-north-1:123456789012:q",
      "arn:aws:sqs:cn-north-1:123456789012:q",
      "arn:aws:sqs:us-east-1:1234:q",
      "arn:aws:sqs:us-east-1:123456789012:q/../x",
      "arn:aws:sns:us-east-1:123456789012:topic",
    ]) {
      expect(problem(JSON.stringify({ deadLetterTargetArn: bad, maxReceiveCount: 3 }))).toContain("is not an SQS queue ARN in an AWS Region");
    }
    expect(problem(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: "many" }))).toContain("maxReceiveCount");
    expect(problem(JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 0 }))).toContain("maxReceiveCount");
  });
});
