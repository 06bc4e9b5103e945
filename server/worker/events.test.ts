import { describe, expect, it } from "vitest";
import { decodeS3Key, parseBody, type TaskScope } from "./events.ts";

const scope: TaskScope = { bucket: "my-bucket", prefix: "logs/", suffix: ".csv" };

/** Encodes a key the way S3 writes it into an event notification. */
function s3Encode(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function record(key: string, over: Record<string, unknown> = {}, object: Record<string, unknown> = {}) {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: "us-east-1",
    eventTime: "2024-01-01T00:00:00.000Z",
    eventName: "ObjectCreated:Put",
    s3: {
      s3SchemaVersion: "1.0",
      bucket: { name: "my-bucket", arn: "arn:aws:s3:::my-bucket" },
      object: { key: s3Encode(key), size: 10, eTag: "abc123", sequencer: "0055AED6DCD90281E5", ...object },
    },
    ...over,
  };
}

const body = (...records: unknown[]) => JSON.stringify({ Records: records });

describe("decodeS3Key", () => {
  it("turns '+' into a space before percent-decoding", () => {
    expect(decodeS3Key("logs/my+file.csv")).toBe("logs/my file.csv");
    expect(decodeS3Key("logs/a%2Bb.csv")).toBe("logs/a+b.csv");
    expect(decodeS3Key("logs/%C3%BCber/%E6%97%A5%E6%9C%AC.csv")).toBe("logs/über/日本.csv");
    expect(decodeS3Key("logs/100%25.csv")).toBe("logs/100%.csv");
  });
  it("round-trips keys with spaces, plus, non-ASCII and deep paths", () => {
    for (const key of ["logs/a b+c.csv", "logs/deep/er/and/deeper/x.csv", "logs/émoji 🚀/ü+ö.csv", "logs/%41.csv"]) {
      expect(decodeS3Key(s3Encode(key))).toBe(key);
    }
  });
  it("throws on broken percent encoding", () => {
    expect(() => decodeS3Key("logs/%E0%A4%A.csv")).toThrow();
  });
});

describe("parseBody", () => {
  it("turns ObjectCreated records in scope into objects to load", () => {
    const parsed = parseBody(body(record("logs/a b+c.csv"), record("logs/x/ü.csv", { eventName: "ObjectCreated:CompleteMultipartUpload" })), scope);
    expect(parsed.kind).toBe("records");
    if (parsed.kind !== "records") return;
    expect(parsed.records.map((r) => (r.kind === "load" ? r.object.key : r.reason))).toEqual(["logs/a b+c.csv", "logs/x/ü.csv"]);
    const first = parsed.records[0]!;
    expect(first.kind === "load" && first.object).toMatchObject({ bucket: "my-bucket", size: 10, eTag: "abc123", sequencer: "0055AED6DCD90281E5" });
  });

  it("skips records outside the bucket, prefix or suffix, and folder markers, with a reason", () => {
    const parsed = parseBody(
      body(
        record("other/a.csv"),
        record("logs/a.json"),
        record("logs/folder/", {}, { size: 0 }),
        record("logs/a.csv", { s3: { bucket: { name: "elsewhere" }, object: { key: "logs/a.csv", size: 1 } } }),
      ),
      scope,
    );
    expect(parsed.kind).toBe("records");
    if (parsed.kind !== "records") return;
    expect(parsed.records.every((r) => r.kind === "skip")).toBe(true);
    const reasons = parsed.records.map((r) => (r.kind === "skip" ? r.reason : ""));
    expect(reasons[0]).toMatch(/prefix/);
    expect(reasons[1]).toMatch(/suffix/);
    expect(reasons[2]).toMatch(/folder marker/);
    expect(reasons[3]).toMatch(/bucket "elsewhere"/);
  });

  it("loads a non-empty key ending in '/' when it is in scope (only zero-byte markers are skipped)", () => {
    const parsed = parseBody(body(record("logs/odd/", {}, { size: 5 })), { bucket: "my-bucket", prefix: "", suffix: "" });
    expect(parsed.kind === "records" && parsed.records[0]!.kind).toBe("load");
  });

  it("skips ObjectRemoved and other non-creating S3 events (valid S3 events, nothing to load)", () => {
    const parsed = parseBody(body(record("logs/a.csv", { eventName: "ObjectRemoved:Delete" })), scope);
    expect(parsed.kind).toBe("records");
    if (parsed.kind !== "records") return;
    expect(parsed.records[0]).toMatchObject({ kind: "skip", key: "logs/a.csv" });
  });

  it("recognizes s3:TestEvent", () => {
    const parsed = parseBody(
      JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: "2024-01-01T00:00:00.000Z", Bucket: "my-bucket" }),
      scope,
    );
    expect(parsed).toEqual({ kind: "test_event", bucket: "my-bucket" });
  });

  it("unwraps an SNS envelope", () => {
    const parsed = parseBody(JSON.stringify({ Type: "Notification", Message: body(record("logs/a.csv")) }), scope);
    expect(parsed.kind === "records" && parsed.records[0]!.kind).toBe("load");
  });

  it("calls everything else invalid, with an excerpt", () => {
    const cases: [string | undefined, RegExp][] = [
      ["not json {", /not JSON: not json \{/],
      ["", /empty/],
      [undefined, /empty/],
      ["[1,2]", /not an object/],
      [JSON.stringify({ source: "aws.ec2", detail: {} }), /from aws\.ec2/],
      [JSON.stringify({ hello: "world" }), /no Records/],
      [JSON.stringify({ Records: [] }), /no Records/],
      [body({ ...record("logs/a.csv"), eventSource: "aws:sns" }), /eventSource "aws:sns"/],
      [body({ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: {} }), /no s3\.bucket/],
      [body(record("x", {}, { key: "logs/%E0%A4%A.csv" })), /not valid URL encoding/],
    ];
    for (const [input, reason] of cases) {
      const parsed = parseBody(input, scope);
      expect(parsed.kind, String(input)).toBe("invalid");
      if (parsed.kind === "invalid") expect(parsed.reason).toMatch(reason);
    }
  });

  it("caps the excerpt of a large bad body", () => {
    const parsed = parseBody("x".repeat(10_000), scope);
    expect(parsed.kind === "invalid" && parsed.reason.length).toBeLessThan(200);
  });
});
