// The same AWS side as the CloudFormation template, as one Terraform file (HCL, the `aws` provider's
// aws_sqs_queue, aws_sqs_queue_policy, aws_s3_bucket_notification, aws_iam_role, aws_iam_role_policy).
// The policies are the seed's documents (aws-template-model.ts) under jsonencode(); variables carry
// the form's values as defaults. Terraform cannot merge into a bucket's notification configuration:
// aws_s3_bucket_notification owns it whole, hence the warning in the file and manage_bucket_notification.
import * as documents from "#contracts/aws-setup-documents.ts";
import {
  Choice,
  hasRef,
  ref,
  NOTIFICATION_CAVEAT,
  parts,
  symbolicDocuments,
  TEMPLATE_VERSION,
  type CondName,
  type RefName,
  type Sym,
  type TemplateInputs,
} from "./aws-template-model.ts";
import { PERMISSIONS_POLICY_NAME } from "./aws-setup.ts";

const EXPR: Record<RefName, string> = {
  bucket: "var.bucket",
  queueName: "var.queue_name",
  queueArn: "aws_sqs_queue.events.arn",
  accountId: "data.aws_caller_identity.current.account_id",
  partition: "data.aws_partition.current.partition",
  prefix: "var.object_key_prefix",
  suffix: "var.object_key_suffix",
  externalId: "var.external_id",
  setupRoleArn: "var.databend_setup_role_arn",
  loadRoleArn: "var.databend_load_role_arn",
};

const CONDITION: Record<CondName, string> = {
  hasPrefix: 'var.object_key_prefix != ""',
  hasSuffix: 'var.object_key_suffix != ""',
  allowDelete: "var.allow_delete_object",
};

/** A literal HCL string: JSON's escapes, plus $${ and %%{ so that no template sequence starts. */
export function hclString(value: string): string {
  return JSON.stringify(value).replaceAll("${", "$${").replaceAll("%{", "%%{");
}

/** Symbolic document → HCL expression: references become interpolations, choices conditionals. */
export function toHcl(value: Sym, indent = ""): string {
  const inner = indent + "  ";
  if (value instanceof Choice) return `(${CONDITION[value.cond]} ? ${toHcl(value.then, indent)} : ${toHcl(value.otherwise, indent)})`;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + toHcl(v, inner)).join(",\n")},\n${indent}]`;
  }
  if (typeof value === "string") {
    if (!hasRef(value)) return hclString(value);
    const ps = parts(value);
    if (ps.length === 1 && "ref" in ps[0]!) return EXPR[ps[0].ref];
    return `"${ps.map((p) => ("ref" in p ? `\${${EXPR[p.ref]}}` : hclString(p.text).slice(1, -1))).join("")}"`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${hclString(k)} = ${toHcl(v, inner)}`).join("\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** A variable whose default is the form's value; an empty required value has no default (Terraform asks). */
function variable(name: string, type: string, description: string, value: string | boolean, emptyIsValue = false): string {
  const lines = [`variable "${name}" {`, `  type        = ${type}`, `  description = ${hclString(description)}`];
  if (value !== "" || emptyIsValue) lines.push(`  default     = ${typeof value === "boolean" ? String(value) : hclString(value)}`);
  return [...lines, "}"].join("\n");
}

const comment = (text: string) => text.match(/.{1,96}(\s|$)/g)!.map((line) => `# ${line.trim()}`).join("\n");

/** The Terraform file for these inputs (variable defaults). */
export function terraformFile(inputs: TemplateInputs): string {
  const docs = symbolicDocuments();
  // The notification block takes the seed document's queue configuration: its Id, queue ARN and events.
  const queue = documents.bucketNotification(ref("queueName"), ref("queueArn"), "", "").QueueConfigurations[0]!;
  return [
    comment(
      `Databend SQS (S3) ingestion, AWS side (template v${TEMPLATE_VERSION}): an SQS standard queue only the bucket may send to, ` +
        "ObjectCreated notifications from the existing bucket to it, and the IAM role Databend assumes with your External ID. " +
        `Apply it in the bucket's Region (${inputs.region} for this data source).`,
    ),
    comment(
      "WARNING: " +
        NOTIFICATION_CAVEAT +
        "aws_s3_bucket_notification manages the bucket's WHOLE notification configuration: applying it drops every other notification of the bucket, " +
        "and destroying it removes them all. To keep existing notifications, first read them (aws s3api get-bucket-notification-configuration --bucket <bucket>) " +
        "and add each as another queue/topic/lambda_function block in this resource, or set manage_bucket_notification = false and merge Step 3 of the console's AWS setup by hand.",
    ),
    `terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = var.region
}`,
    variable("region", "string", "Region of the bucket; the queue is created there too.", inputs.region),
    variable("bucket", "string", "The existing S3 bucket that sends ObjectCreated events.", inputs.bucket),
    variable("object_key_prefix", "string", "Only keys starting with this (empty: all); equal to the data source's Object Key Prefix.", inputs.prefix, true),
    variable("object_key_suffix", "string", "Only keys ending with this (empty: all); equal to the data source's Object Key Suffix.", inputs.suffix, true),
    variable("manage_bucket_notification", "bool", "false: leave the bucket's notifications alone (merge them by hand).", true),
    variable("queue_name", "string", "Name of the SQS standard queue to create.", inputs.queueName),
    variable("role_name", "string", "Name of the IAM role to create for Databend to assume.", inputs.roleName),
    variable("role_path", "string", "Path of the IAM role.", inputs.rolePath),
    variable("allow_delete_object", "bool", "true only if a task purges source files: grants s3:DeleteObject under the prefix.", inputs.allowDeleteObject),
    variable("external_id", "string", "Your organization ID in the Databend console.", inputs.externalId),
    variable("databend_setup_role_arn", "string", "Databend's setup and validation role.", inputs.setupRoleArn),
    variable("databend_load_role_arn", "string", "Databend's data loading role.", inputs.loadRoleArn),
    `data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

resource "aws_sqs_queue" "events" {
  name = var.queue_name
}

resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy = jsonencode(${toHcl(docs.queuePolicy, "  ")})
}

resource "aws_s3_bucket_notification" "events" {
  count  = var.manage_bucket_notification ? 1 : 0
  bucket = var.bucket

  queue {
    id            = ${toHcl(queue.Id)}
    queue_arn     = ${toHcl(queue.QueueArn)}
    events        = ${toHcl(queue.Events, "    ")}
    filter_prefix = ${CONDITION.hasPrefix} ? ${EXPR.prefix} : null
    filter_suffix = ${CONDITION.hasSuffix} ? ${EXPR.suffix} : null
  }

  # S3 sends a test message when the configuration is written: the queue policy must be in place.
  depends_on = [aws_sqs_queue_policy.events]
}

resource "aws_iam_role" "databend" {
  name = var.role_name
  path = var.role_path
  assume_role_policy = jsonencode(${toHcl(docs.trustPolicy, "  ")})
}

resource "aws_iam_role_policy" "databend" {
  name = ${hclString(PERMISSIONS_POLICY_NAME)}
  role = aws_iam_role.databend.id
  policy = jsonencode(${toHcl(docs.permissionsPolicy, "  ")})
}

# What the data source form asks for.
output "queue_url" {
  value = aws_sqs_queue.events.url
}

output "queue_region" {
  value = var.region
}

output "role_arn" {
  value = aws_iam_role.databend.arn
}

output "external_id" {
  value = var.external_id
}

output "bucket" {
  value = var.bucket
}

output "object_key_prefix" {
  value = var.object_key_prefix
}

output "object_key_suffix" {
  value = var.object_key_suffix
}
`,
  ].join("\n\n");
}
