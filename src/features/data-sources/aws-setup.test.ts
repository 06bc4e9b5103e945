// The generated documents must be exactly the seed's jq templates filled with the same values.
import { describe, expect, it } from "vitest";
import {
  bucketNotification,
  permissionsPolicy,
  queuePolicy,
  setQueueAttributes,
  setupSteps,
  setupVariables,
  shellQuote,
  toJson,
  trustPolicy,
} from "./aws-setup.ts";

const org = {
  org_id: "local-org",
  platform_setup_role_arn: "arn:aws:iam::111111111111:role/platform-setup",
  platform_load_role_arn: "arn:aws:iam::111111111111:role/platform-load",
};
const values = {
  queue_url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-events",
  queue_region: "eu-west-1",
  role_arn: "arn:aws:iam::123456789012:role/databend-reader",
  external_id: "local-org",
  bucket: "orders-bucket",
  prefix: "incoming/",
  suffix: ".csv",
};
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:orders-events";
const BUCKET_ARN = "arn:aws:s3:::orders-bucket";

const parse = (document: unknown) => JSON.parse(toJson(document)) as unknown;

describe("AWS setup documents", () => {
  const v = setupVariables(values, org);

  it("derives the queue ARN from the queue URL", () => {
    expect(v.queueArn).toBe(QUEUE_ARN);
    expect(v.bucketArn).toBe(BUCKET_ARN);
    expect(v.roleName).toBe("databend-reader");
  });

  it("queue policy lets only the bucket of the account send messages (seed Step 2)", () => {
    expect(parse(queuePolicy(v))).toEqual({
      Version: "2012-10-17",
      Id: "orders-events-policy",
      Statement: [
        {
          Sid: "AllowS3ToSendMessage",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: QUEUE_ARN,
          Condition: {
            ArnLike: { "aws:SourceArn": BUCKET_ARN },
            StringEquals: { "aws:SourceAccount": "123456789012" },
          },
        },
      ],
    });
    // set-queue-attributes.json carries the policy as a JSON string, like `jq -c . queue-policy.json`.
    const attributes = parse(setQueueAttributes(v)) as { Policy: string };
    expect(JSON.parse(attributes.Policy)).toEqual(parse(queuePolicy(v)));
  });

  it("bucket notification filters by prefix and suffix only when they are set (seed Step 3)", () => {
    expect(parse(bucketNotification(v))).toEqual({
      QueueConfigurations: [
        {
          Id: "orders-events",
          QueueArn: QUEUE_ARN,
          Events: ["s3:ObjectCreated:*"],
          Filter: {
            Key: {
              FilterRules: [
                { Name: "prefix", Value: "incoming/" },
                { Name: "suffix", Value: ".csv" },
              ],
            },
          },
        },
      ],
    });
    const suffixOnly = setupVariables({ ...values, prefix: "" }, org);
    expect(parse(bucketNotification(suffixOnly))).toEqual({
      QueueConfigurations: [
        {
          Id: "orders-events",
          QueueArn: QUEUE_ARN,
          Events: ["s3:ObjectCreated:*"],
          Filter: { Key: { FilterRules: [{ Name: "suffix", Value: ".csv" }] } },
        },
      ],
    });
    const unfiltered = setupVariables({ ...values, prefix: "", suffix: "" }, org);
    expect(parse(bucketNotification(unfiltered))).toEqual({
      QueueConfigurations: [{ Id: "orders-events", QueueArn: QUEUE_ARN, Events: ["s3:ObjectCreated:*"] }],
    });
  });

  it("trust policy trusts both platform roles on the External ID (seed Step 4)", () => {
    const condition = { StringEquals: { "sts:ExternalId": "local-org" } };
    expect(parse(trustPolicy(v))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowDatabendSetupAssumeRole",
          Effect: "Allow",
          Principal: { AWS: org.platform_setup_role_arn },
          Action: "sts:AssumeRole",
          Condition: condition,
        },
        {
          Sid: "AllowDatabendLoadAssumeRole",
          Effect: "Allow",
          Principal: { AWS: org.platform_load_role_arn },
          Action: "sts:AssumeRole",
          Condition: condition,
        },
      ],
    });
  });

  it("permissions policy is scoped to the bucket, its objects and the queue (seed Step 5)", () => {
    expect(parse(permissionsPolicy(v))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "S3BucketMetadataAccess",
          Effect: "Allow",
          Action: ["s3:GetBucketLocation", "s3:ListBucket"],
          Resource: BUCKET_ARN,
        },
        { Sid: "S3ObjectReadAccess", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${BUCKET_ARN}/*` },
        {
          Sid: "SQSConsumeAccess",
          Effect: "Allow",
          Action: [
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ChangeMessageVisibility",
          ],
          Resource: QUEUE_ARN,
        },
      ],
    });
  });

  it("uses the partition of China and GovCloud regions in every ARN", () => {
    const cn = setupVariables(
      { ...values, queue_url: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", queue_region: "cn-north-1" },
      org,
    );
    expect(cn.queueArn).toBe("arn:aws-cn:sqs:cn-north-1:123456789012:q");
    expect(cn.bucketArn).toBe("arn:aws-cn:s3:::orders-bucket");
  });

  it("shows placeholders for missing values, and values with quotes stay valid JSON", () => {
    const empty = setupVariables({}, null);
    expect(empty.queueArn).toBe("arn:aws:sqs:<region>:<account-id>:<queue-name>");
    expect(empty.bucketArn).toBe("arn:aws:s3:::<bucket>");
    expect(empty.externalId).toBe("<external-id>");
    const tricky = setupVariables({ ...values, prefix: 'a"b\\c/' }, org);
    const rules = (parse(bucketNotification(tricky)) as { QueueConfigurations: [{ Filter: { Key: { FilterRules: unknown[] } } }] })
      .QueueConfigurations[0].Filter.Key.FilterRules;
    expect(rules[0]).toEqual({ Name: "prefix", Value: 'a"b\\c/' });
  });
});

describe("AWS CLI commands", () => {
  const v = setupVariables(values, org);
  const steps = setupSteps(v);
  const all = steps.flatMap((step) => step.items.map((item) => item.code)).join("\n");

  it("follows the seed's six steps with the files the commands read", () => {
    expect(steps.map((step) => step.title.split(":")[0])).toEqual([
      "Step 1",
      "Step 2",
      "Step 3",
      "Step 4",
      "Step 5",
      "Step 6",
    ]);
    const files = steps.flatMap((step) => step.items.flatMap((item) => (item.kind === "file" ? [item.filename] : [])));
    expect(files).toEqual([
      "queue-policy.json",
      "set-queue-attributes.json",
      "bucket-notification.json",
      "trust-policy.json",
      "permissions-policy.json",
    ]);
    for (const file of files.filter((name) => name !== "queue-policy.json")) expect(all).toContain(`file://${file}`);
  });

  it("fills in the values", () => {
    expect(all).toContain("aws sqs create-queue \\\n  --region eu-west-1 \\\n  --queue-name orders-events");
    expect(all).toContain("--queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/orders-events");
    expect(all).toContain("aws iam put-role-policy \\\n  --role-name databend-reader \\\n  --policy-name databend-s3-sqs-access");
    expect(all).toContain('"s3://orders-bucket/incoming/databend-test-$(date +%s).csv"');
  });

  it("names one Region, the Queue URL's, even while Queue Region says another", () => {
    const mixed = setupVariables({ ...values, queue_region: "us-west-2" }, org);
    const text = setupSteps(mixed).flatMap((step) => step.items.map((item) => item.code)).join("\n");
    const regions = new Set([...text.matchAll(/--region (\S+)|:sqs:([a-z0-9-]+):|sqs\.([a-z0-9-]+)\.amazonaws/g)].map((m) => m[1] ?? m[2] ?? m[3]));
    expect([...regions]).toEqual(["eu-west-1"]);
    // Without a region in the URL, Queue Region is the one.
    expect(setupVariables({ ...values, queue_url: "", queue_region: "us-west-2" }, org).queueArn).toBe("arn:aws:sqs:us-west-2:123456789012:<queue-name>");
  });

  it("never offers a FIFO queue: a .fifo Queue URL leaves <queue-name> and says why", () => {
    const fifo = setupVariables(
      { ...values, queue_url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-events.fifo" },
      org,
    );
    const fifoSteps = setupSteps(fifo);
    const text = fifoSteps.flatMap((step) => step.items.map((item) => item.code)).join("\n");
    expect(text).not.toMatch(/\.fifo/);
    expect(text).toContain("aws sqs create-queue \\\n  --region eu-west-1 \\\n  --queue-name '<queue-name>'");
    expect(fifo.queueArn).toBe("arn:aws:sqs:eu-west-1:123456789012:<queue-name>");
    expect(fifoSteps[0]!.note).toMatch(/orders-events\.fifo, a FIFO queue\. S3 event notifications cannot target FIFO queues/);
  });

  it("quotes values for the shell", () => {
    expect(shellQuote("<bucket>")).toBe("'<bucket>'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("eu-west-1")).toBe("eu-west-1");
  });
});
