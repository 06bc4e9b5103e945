// The AWS-side setup of the seed (Steps 1-6), generated from a data source's values and the
// organization's platform roles. Documents are built as objects and serialized with JSON.stringify;
// commands quote every value for the shell. Missing values become visible placeholders like <bucket>.
import type { OrgInfo } from "#contracts/api.ts";
import * as documents from "#contracts/aws-setup-documents.ts";
import {
  isAwsRegion,
  isFifoQueueName,
  parseQueueUrl,
  parseRoleArn,
  partitionOfRegion,
  type AwsPartition,
} from "#contracts/aws-names.ts";

export const PLACEHOLDER = {
  region: "<region>",
  accountId: "<account-id>",
  queueName: "<queue-name>",
  bucket: "<bucket>",
  setupRoleArn: "<databend-setup-role-arn>",
  loadRoleArn: "<databend-load-role-arn>",
  externalId: "<external-id>",
} as const;

export const DEFAULT_ROLE_NAME = "databend-s3-sqs-consumer-role";
export const PERMISSIONS_POLICY_NAME = "databend-s3-sqs-access";

/** The connection values the setup needs; any may still be empty while the operator types. */
export interface SetupValues {
  queue_url?: string;
  queue_region?: string;
  role_arn?: string;
  external_id?: string;
  bucket?: string;
  prefix?: string;
  suffix?: string;
}

export interface SetupVariables {
  partition: AwsPartition;
  region: string;
  accountId: string;
  queueName: string;
  queueUrl: string;
  queueArn: string;
  bucket: string;
  bucketArn: string;
  prefix: string;
  suffix: string;
  roleName: string;
  rolePath: string;
  setupRoleArn: string;
  loadRoleArn: string;
  externalId: string;
  /** A FIFO queue named by the Queue URL: never offered (S3 cannot notify FIFO queues), only explained. */
  fifoQueueName: string | null;
}

/** Everything the documents and commands refer to, derived from the values (placeholders if absent). */
export function setupVariables(values: SetupValues, org?: OrgInfo | null): SetupVariables {
  const parsedQueue = parseQueueUrl(values.queue_url ?? "");
  // S3 event notifications cannot target a FIFO queue: such a URL is treated as no queue yet, so no
  // command or document ever names it.
  const fifoQueueName = parsedQueue && isFifoQueueName(parsedQueue.queueName) ? parsedQueue.queueName : null;
  const queue = fifoQueueName ? null : parsedQueue;
  const role = parseRoleArn(values.role_arn ?? "");
  // The Queue URL names the queue's Region; Queue Region counts only without one. Every command,
  // ARN and URL then names the same Region, even while the two fields disagree (the form says so).
  const typedRegion = (values.queue_region ?? "").trim();
  const region = queue?.region ?? (isAwsRegion(typedRegion) ? typedRegion : PLACEHOLDER.region);
  const partition = queue?.partition ?? (region === PLACEHOLDER.region ? "aws" : partitionOfRegion(region));
  const accountId = queue?.accountId ?? role?.accountId ?? PLACEHOLDER.accountId;
  const queueName = queue?.queueName ?? PLACEHOLDER.queueName;
  const queueRegion = region;
  const domain = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  const bucket = (values.bucket ?? "").trim() || PLACEHOLDER.bucket;
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  return {
    partition,
    region,
    accountId,
    queueName,
    queueUrl: queue ? (values.queue_url ?? "").trim() : `https://sqs.${queueRegion}.${domain}/${accountId}/${queueName}`,
    queueArn: `arn:${partition}:sqs:${queueRegion}:${accountId}:${queueName}`,
    bucket,
    bucketArn,
    prefix: values.prefix ?? "",
    suffix: values.suffix ?? "",
    roleName: role?.roleName ?? DEFAULT_ROLE_NAME,
    rolePath: role?.path ?? "/",
    setupRoleArn: org?.platform_setup_role_arn || PLACEHOLDER.setupRoleArn,
    loadRoleArn: org?.platform_load_role_arn || PLACEHOLDER.loadRoleArn,
    externalId: (values.external_id ?? "").trim() || org?.org_id || PLACEHOLDER.externalId,
    fifoQueueName,
  };
}

/** Step 2: only the given bucket (of the given account) may send messages to the queue. */
export function queuePolicy(v: SetupVariables) {
  return documents.queuePolicy(v.queueName, v.queueArn, v.bucketArn, v.accountId);
}

/** Step 2: the queue policy wrapped as `aws sqs set-queue-attributes --attributes` expects it. */
export function setQueueAttributes(v: SetupVariables) {
  return { Policy: JSON.stringify(queuePolicy(v)) };
}

/** Step 3: ObjectCreated events to the queue, filtered by the prefix and suffix that are set. */
export function bucketNotification(v: SetupVariables) {
  return documents.bucketNotification(v.queueName, v.queueArn, v.prefix, v.suffix);
}

/** Step 4: both platform roles may assume the role, only with the organization's External ID. */
export function trustPolicy(v: SetupVariables) {
  return documents.trustPolicy(v.setupRoleArn, v.loadRoleArn, v.externalId);
}

/** Step 5: read the bucket and its objects, consume the queue; nothing else. */
export function permissionsPolicy(v: SetupVariables) {
  return documents.permissionsPolicy(v.bucketArn, v.queueArn);
}

export function toJson(document: unknown): string {
  return JSON.stringify(document, null, 2);
}

/** A word for a POSIX shell: bare when safe, otherwise single-quoted. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Text inside double quotes, where $(...) elsewhere in the word must still expand. */
function inDoubleQuotes(value: string): string {
  return value.replace(/["\\$`]/g, (c) => `\\${c}`);
}

/** One command, its arguments on continuation lines as the seed writes them. */
function command(words: string[], args: (string | [string, ...string[]])[], tail = ""): string {
  const lines = [words.join(" "), ...args.map((arg) => (typeof arg === "string" ? arg : arg.join(" ")))];
  return lines.join(" \\\n  ") + tail;
}

export type SetupItem =
  | { kind: "command"; title: string; code: string }
  | { kind: "file"; filename: string; title: string; code: string };

export interface SetupStep {
  id: string;
  title: string;
  note?: string;
  items: SetupItem[];
}

const BACKUP_STAMP = "$(date +%Y%m%d-%H%M%S)";

/** The seed's Steps 1-6 for these values: files to save and commands to run, in order. */
export function setupSteps(v: SetupVariables): SetupStep[] {
  const q = shellQuote;
  const region: [string, string] = ["--region", q(v.region)];
  const queueUrl: [string, string] = ["--queue-url", q(v.queueUrl)];
  const bucket: [string, string] = ["--bucket", q(v.bucket)];
  const roleName: [string, string] = ["--role-name", q(v.roleName)];
  const testKey = `s3://${inDoubleQuotes(v.bucket)}/${inDoubleQuotes(v.prefix)}databend-test-$(date +%s)${inDoubleQuotes(v.suffix)}`;
  return [
    {
      id: "queue",
      title: "Step 1: Create or get an SQS standard queue",
      note: v.fifoQueueName
        ? `The Queue URL names ${v.fifoQueueName}, a FIFO queue. S3 event notifications cannot target FIFO queues: create a standard queue (a name without .fifo) and use its URL.`
        : "Use a dedicated standard queue for this data source (S3 event notifications cannot target FIFO queues).",
      items: [
        { kind: "command", title: "Create the queue", code: command(["aws", "sqs", "create-queue"], [region, ["--queue-name", q(v.queueName)]]) },
        {
          kind: "command",
          title: `Confirm the queue ARN (expected ${v.queueArn})`,
          code: command(["aws", "sqs", "get-queue-attributes"], [
            region,
            queueUrl,
            ["--attribute-names", "QueueArn"],
            ["--query", q("Attributes.QueueArn")],
            ["--output", "text"],
          ]),
        },
      ],
    },
    {
      id: "queue-policy",
      title: "Step 2: Configure the SQS queue policy",
      note: "Only the bucket may send messages to the queue.",
      items: [
        {
          kind: "command",
          title: "Back up the current queue attributes",
          code: command(
            ["aws", "sqs", "get-queue-attributes"],
            [region, queueUrl, ["--attribute-names", "Policy", "QueueArn"]],
            ` \\\n  > "sqs-attributes.backup.${BACKUP_STAMP}.json"`,
          ),
        },
        { kind: "file", filename: "queue-policy.json", title: "Queue policy", code: toJson(queuePolicy(v)) },
        {
          kind: "file",
          filename: "set-queue-attributes.json",
          title: "Queue attributes carrying the policy",
          code: toJson(setQueueAttributes(v)),
        },
        {
          kind: "command",
          title: "Apply the policy",
          code: command(["aws", "sqs", "set-queue-attributes"], [region, queueUrl, ["--attributes", "file://set-queue-attributes.json"]]),
        },
      ],
    },
    {
      id: "bucket-notification",
      title: "Step 3: Configure S3 bucket notification",
      note:
        "put-bucket-notification-configuration replaces the bucket's whole notification configuration: back it up and merge any existing notifications first.",
      items: [
        {
          kind: "command",
          title: "Back up the current notification configuration",
          code: command(
            ["aws", "s3api", "get-bucket-notification-configuration"],
            [region, bucket],
            ` \\\n  > "bucket-notification.backup.${BACKUP_STAMP}.json"`,
          ),
        },
        {
          kind: "file",
          filename: "bucket-notification.json",
          title: "Bucket notification configuration",
          code: toJson(bucketNotification(v)),
        },
        {
          kind: "command",
          title: "Apply the configuration",
          code: command(["aws", "s3api", "put-bucket-notification-configuration"], [
            region,
            bucket,
            ["--notification-configuration", "file://bucket-notification.json"],
          ]),
        },
        {
          kind: "command",
          title: "Check the configuration",
          code: command(["aws", "s3api", "get-bucket-notification-configuration"], [region, bucket]),
        },
      ],
    },
    {
      id: "role",
      title: "Step 4: Create an IAM role for Databend to assume",
      note: "The trust policy lets both Databend platform roles assume the role, only with your External ID.",
      items: [
        { kind: "file", filename: "trust-policy.json", title: "Trust policy", code: toJson(trustPolicy(v)) },
        {
          kind: "command",
          title: "Create the role",
          code: command(["aws", "iam", "create-role"], [
            roleName,
            ...(v.rolePath !== "/" ? [["--path", q(v.rolePath)] as [string, string]] : []),
            ["--assume-role-policy-document", "file://trust-policy.json"],
          ]),
        },
        {
          kind: "command",
          title: "If the role already exists: back up and update its trust policy",
          code: [
            command(
              ["aws", "iam", "get-role"],
              [roleName, ["--query", q("Role.AssumeRolePolicyDocument")], ["--output", "json"]],
              ` \\\n  > "trust-policy.backup.${BACKUP_STAMP}.json"`,
            ),
            command(["aws", "iam", "update-assume-role-policy"], [roleName, ["--policy-document", "file://trust-policy.json"]]),
          ].join("\n\n"),
        },
        {
          kind: "command",
          title: "Get the role's ARN for the form",
          code: command(["aws", "iam", "get-role"], [roleName, ["--query", q("Role.Arn")], ["--output", "text"]]),
        },
      ],
    },
    {
      id: "permissions",
      title: "Step 5: Attach S3/SQS permissions",
      note:
        "Scoped to the bucket, its objects and the queue. Add s3:DeleteObject only if a task will purge source files after loading.",
      items: [
        {
          kind: "file",
          filename: "permissions-policy.json",
          title: "Permissions policy",
          code: toJson(permissionsPolicy(v)),
        },
        {
          kind: "command",
          title: "Attach the permissions",
          code: command(["aws", "iam", "put-role-policy"], [
            roleName,
            ["--policy-name", PERMISSIONS_POLICY_NAME],
            ["--policy-document", "file://permissions-policy.json"],
          ]),
        },
      ],
    },
    {
      id: "verify",
      title: "Step 6: Verify S3 to SQS",
      note:
        "receive-message does not delete the message; wait for the visibility timeout to pass before testing connectivity.",
      items: [
        {
          kind: "command",
          title: "Upload a test object that matches the prefix and suffix",
          code: [
            "echo 'a,b' > /tmp/databend-test.csv",
            command(["aws", "s3", "cp", "/tmp/databend-test.csv"], [`"${testKey}"`, region]),
          ].join("\n"),
        },
        {
          kind: "command",
          title: "Receive the event from the queue",
          code: command(["aws", "sqs", "receive-message"], [
            region,
            queueUrl,
            ["--max-number-of-messages", "1"],
            ["--wait-time-seconds", "10"],
            ["--visibility-timeout", "60"],
          ]),
        },
      ],
    },
  ];
}
