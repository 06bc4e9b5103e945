import { describe, expect, it } from "vitest";
import { decodeS3Key, messageScope, parseQueueMessage } from "./s3-events.ts";

const scope = { bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" };
const event = (bucket: string, key: string) =>
  JSON.stringify({
    Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { bucket: { name: bucket }, object: { key } } }],
  });

describe("S3 event messages", () => {
  it("decodes keys the way S3 encodes them", () => {
    expect(decodeS3Key("incoming/my+file%C3%A9.csv")).toBe("incoming/my fileé.csv");
    expect(decodeS3Key("bad%zz")).toBe("bad%zz");
  });

  it("accepts this bucket's events within prefix and suffix", () => {
    expect(messageScope(parseQueueMessage(event("orders-bucket", "incoming/a+b.csv")), scope)).toEqual({
      kind: "in_scope",
      detail: "ObjectCreated:Put for orders-bucket/incoming/a b.csv",
    });
  });

  it("accepts an s3:TestEvent for this bucket", () => {
    const body = JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "orders-bucket" });
    expect(messageScope(parseQueueMessage(body), scope).kind).toBe("in_scope");
  });

  it("flags another bucket, a key outside the prefix or suffix, and non-S3 messages", () => {
    expect(messageScope(parseQueueMessage(event("other", "incoming/a.csv")), scope)).toEqual({
      kind: "foreign",
      detail: "other/incoming/a.csv",
    });
    expect(messageScope(parseQueueMessage(event("orders-bucket", "archive/a.csv")), scope).kind).toBe("foreign");
    expect(messageScope(parseQueueMessage(event("orders-bucket", "incoming/a.json")), scope).kind).toBe("foreign");
    const test = JSON.stringify({ Event: "s3:TestEvent", Bucket: "other" });
    expect(messageScope(parseQueueMessage(test), scope).kind).toBe("foreign");
    expect(messageScope(parseQueueMessage("hello"), scope).kind).toBe("not_s3");
    const sns = JSON.stringify({ Type: "Notification", TopicArn: "arn:aws:sns:us-east-1:1:t", Message: event("orders-bucket", "incoming/a.csv") });
    expect(messageScope(parseQueueMessage(sns), scope)).toEqual({ kind: "not_s3", detail: "an SNS notification envelope" });
  });
});
