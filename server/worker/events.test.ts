import { describe, expect, it } from "vitest";
import { databendPath, decodeS3Key, keyAddressProblem, parseBody, type TaskScope } from "./events.ts";

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

  it("skips a non-empty key ending in '/' too: Databend reads it as a folder (\"is not a file\", 1006)", () => {
    const parsed = parseBody(body(record("logs/odd/", {}, { size: 5 })), { bucket: "my-bucket", prefix: "", suffix: "" });
    expect(parsed.kind === "records" && parsed.records[0]).toMatchObject({ kind: "skip", reason: expect.stringMatching(/ends with "\/"/) });
  });

  it("never loads a key that climbs out of the prefix with '..', though it passes the prefix check", () => {
    const inScope: TaskScope = { bucket: "my-bucket", prefix: "incoming/", suffix: ".csv" };
    const parsed = parseBody(body(record("incoming/../private/secret.csv"), record("incoming/ok.csv")), inScope);
    expect(parsed.kind).toBe("records");
    if (parsed.kind !== "records") return;
    expect(parsed.records[0]).toEqual({
      kind: "skip",
      key: "incoming/../private/secret.csv",
      reason: expect.stringMatching(/"\.\." path segment/),
    });
    expect(parsed.records[1]!.kind).toBe("load");
  });

  it("skips every key Databend cannot address, with the reason, whatever the scope", () => {
    const open: TaskScope = { bucket: "my-bucket", prefix: "", suffix: "" };
    const keys = ["a/./b.csv", "a/../b.csv", "./a.csv", "a/..", " a.csv", "a.csv ", "a.csv\t", "/a.csv", "a//b.csv", "a/b/"];
    const parsed = parseBody(body(...keys.map((k) => record(k, {}, { size: 10 }))), open);
    expect(parsed.kind === "records" && parsed.records.map((r) => r.kind)).toEqual(keys.map(() => "skip"));
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

describe("keyAddressProblem", () => {
  it("accepts keys Databend reads as written, odd characters included", () => {
    for (const key of [
      "incoming/a.csv",
      "incoming/ lead.csv",
      "incoming/seg /x.csv",
      "incoming/..a/b..c/.hidden/...csv",
      "incoming/a%20b+c.csv",
      "incoming/q?x=1#h*.csv",
      "incoming/it's \\ \"x\" 日本 🚀.csv",
      "incoming/bom\ufeff",
      "k".repeat(1024),
    ]) {
      expect(keyAddressProblem(key), JSON.stringify(key)).toBeNull();
    }
  });

  it("names the reason and what Databend would read instead", () => {
    expect(keyAddressProblem("incoming/./dot.csv")).toMatch(/"\." or "\.\." path segment/);
    expect(keyAddressProblem("incoming/x/../up.csv")).toMatch(/"\." or "\.\." path segment/);
    expect(keyAddressProblem("incoming/trail.csv ")).toBe(
      'key starts or ends with whitespace, which Databend trims (it would read "incoming/trail.csv"); not loaded',
    );
    expect(keyAddressProblem(" incoming/sp.csv")).toMatch(/whitespace.*"incoming\/sp\.csv"/);
    expect(keyAddressProblem("incoming/nb.csv\u00a0")).toMatch(/whitespace/);
    expect(keyAddressProblem("incoming/nel.csv\u0085")).toMatch(/whitespace/);
    expect(keyAddressProblem("/incoming/abs.csv")).toBe(
      'key starts with "/", which Databend drops (it would read "incoming/abs.csv"); not loaded',
    );
    expect(keyAddressProblem("incoming//double.csv")).toBe(
      'key has an empty path segment ("//"), which Databend collapses (it would read "incoming/double.csv"); not loaded',
    );
    expect(keyAddressProblem("incoming/dir/")).toBe('key ends with "/", which Databend reads as a folder, not a file; not loaded');
  });
});

describe("databendPath (OpenDAL's normalize_path)", () => {
  it("trims Unicode white space at both ends, drops leading '/', collapses '//', keeps a trailing '/'", () => {
    expect(databendPath(" abc/def ")).toBe("abc/def");
    expect(databendPath("///abc")).toBe("abc");
    expect(databendPath("abc///def")).toBe("abc/def");
    expect(databendPath("abc/def/")).toBe("abc/def/");
    expect(databendPath("")).toBe("/");
    expect(databendPath("\u3000a\u2028")).toBe("a");
    expect(databendPath("a/./../b")).toBe("a/./../b");
    // U+FEFF is not White_Space for Rust: Databend 1.2.453 loaded "bom.csv\ufeff", not "bom.csv".
    expect(databendPath("bom.csv\ufeff")).toBe("bom.csv\ufeff");
  });
});
