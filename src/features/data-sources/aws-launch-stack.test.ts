// Launch stack only with a published S3 template; otherwise the reason. And what the inputs need.
import { describe, expect, it } from "vitest";
import { isS3TemplateUrl } from "#contracts/aws-names.ts";
import { launchStackLink, stackNameFor } from "./aws-launch-stack.ts";
import { templateInputs } from "./aws-template-model.ts";

const org = {
  org_id: "local-org",
  platform_setup_role_arn: "arn:aws:iam::111111111111:role/platform-setup",
  platform_load_role_arn: "arn:aws:iam::111111111111:role/platform-load",
};

describe("template inputs and the Launch stack link", () => {
  it("names what is missing before anything can be generated", () => {
    expect(templateInputs({ values: {}, org: null, purge: false })).toEqual({
      ok: false,
      missing: [
        "Bucket is required.",
        "Queue Region (or a Queue URL naming it) is required.",
        "The organization's External ID and platform roles are not loaded yet.",
      ],
    });
    const r = templateInputs({ values: { bucket: "b-1", queue_region: "us-east-1", prefix: "a*" }, org, purge: false });
    expect(r.ok ? [] : r.missing).toEqual([expect.stringMatching(/^Object Key Prefix contains \*, \? or \$/)]);
    const fifo = templateInputs({ values: { bucket: "b-1", queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo" }, org, purge: false });
    expect(fifo.ok ? [] : fifo.missing).toContain("Queue URL names q.fifo, a FIFO queue: S3 cannot notify FIFO queues.");
  });

  it("accepts only https Amazon S3 object URLs as the published template", () => {
    for (const good of [
      "https://my-bucket.s3.us-east-1.amazonaws.com/t.json",
      "https://s3.eu-west-1.amazonaws.com/my-bucket/dir/t.json",
      "https://my-bucket.s3.amazonaws.com/t.json?versionId=abc",
    ]) {
      expect(isS3TemplateUrl(good), good).toBe(true);
    }
    for (const bad of [
      "http://my-bucket.s3.us-east-1.amazonaws.com/t.json",
      "https://example.com/t.json",
      "https://s3.amazonaws.com.evil.example/t.json",
      "https://user@my-bucket.s3.amazonaws.com/t.json",
      "https://my-bucket.s3.amazonaws.com/",
      "https://my-bucket.s3.amazonaws.com:8443/t.json",
    ]) {
      expect(isS3TemplateUrl(bad), bad).toBe(false);
    }
  });

  it("builds the quick-create link with every value as param_, or says why not", () => {
    const r = templateInputs({ values: { bucket: "orders", queue_region: "eu-west-1", prefix: "in/" }, org, purge: true });
    if (!r.ok) throw new Error(r.missing.join(" "));
    expect(launchStackLink(r.inputs, undefined)).toMatchObject({ ok: false, reason: expect.stringContaining("CLOUDFORMATION_TEMPLATE_URL") });
    const link = launchStackLink(r.inputs, "https://t.s3.us-east-1.amazonaws.com/a.json");
    if (!link.ok) throw new Error(link.reason);
    const url = new URL(link.url);
    expect(url.host).toBe("eu-west-1.console.aws.amazon.com");
    const params = new URLSearchParams(url.hash.split("?")[1]);
    expect(params.get("param_AllowDeleteObject")).toBe("true");
    expect(params.get("param_ObjectKeyPrefix")).toBe("in/");
    expect(params.get("stackName")).toBe("databend-orders-events");
    const china = templateInputs({ values: { bucket: "orders", queue_region: "cn-north-1" }, org, purge: false });
    if (!china.ok) throw new Error(china.missing.join(" "));
    expect(launchStackLink(china.inputs, "https://t.s3.us-east-1.amazonaws.com/a.json").ok).toBe(false);
    expect(stackNameFor("orders_q")).toBe("databend-orders-q");
  });
});
