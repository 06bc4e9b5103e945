// AWS naming rules shared by the console and the API. Each rule lives here once; schemas compose them.

export const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "af-south-1",
  "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
  "ap-southeast-6", "ap-southeast-7",
  "ca-central-1", "ca-west-1",
  "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
  "eu-south-1", "eu-south-2", "eu-north-1",
  "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
  "cn-north-1", "cn-northwest-1",
  "us-gov-east-1", "us-gov-west-1",
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];
export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

export function isAwsRegion(value: string): value is AwsRegion {
  return (AWS_REGIONS as readonly string[]).includes(value);
}

export function partitionOfRegion(region: string): AwsPartition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export interface ParsedQueueUrl {
  region: string;
  accountId: string;
  queueName: string;
  partition: AwsPartition;
}

// The queue URL is parsed only for its region, account and name; requests never go to its host.
const QUEUE_URL_FORMS = [
  /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/(\d{12})\/([^/?#]+)\/?$/,
  /^https:\/\/([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?\/(\d{12})\/([^/?#]+)\/?$/,
];

export function parseQueueUrl(url: string): ParsedQueueUrl | null {
  for (const form of QUEUE_URL_FORMS) {
    const match = form.exec(url.trim());
    if (!match) continue;
    const [, region, cn, accountId, queueName] = match;
    if (!region || !accountId || !queueName) return null;
    const partition: AwsPartition = cn ? "aws-cn" : partitionOfRegion(region);
    return { region, accountId, queueName, partition };
  }
  return null;
}

/** The region written in a queue URL, for suggesting Queue Region while the operator types. */
export function regionFromQueueUrl(url: string): string | null {
  const parsed = parseQueueUrl(url);
  return parsed && isAwsRegion(parsed.region) ? parsed.region : null;
}

export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

export function isFifoQueueName(name: string): boolean {
  return name.endsWith(".fifo");
}

export interface ParsedRoleArn {
  partition: AwsPartition;
  accountId: string;
  roleName: string;
  path: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\x21-\x7e]{1,511}\/)?)([\w+=,.@-]{1,64})$/;

export function parseRoleArn(arn: string): ParsedRoleArn | null {
  const match = ROLE_ARN.exec(arn.trim());
  if (!match) return null;
  const [, partition, accountId, path, roleName] = match;
  return {
    partition: partition as AwsPartition,
    accountId: accountId!,
    path: `/${path ?? ""}`,
    roleName: roleName!,
  };
}

/** S3 general purpose bucket naming rules; returns the first broken rule, or null when valid. */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return "Bucket names are 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return "Bucket names use only lowercase letters, digits, dots (.) and hyphens (-)";
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return "Bucket names begin and end with a letter or digit";
  if (name.includes("..")) return "Bucket names cannot contain two adjacent dots";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "Bucket names cannot look like an IP address";
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(prefix)) return `Bucket names cannot start with "${prefix}"`;
  }
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
    if (name.endsWith(suffix)) return `Bucket names cannot end with "${suffix}"`;
  }
  return null;
}

/** Bytes of a string in UTF-8 (no TextEncoder: the contracts use neither DOM nor Node APIs). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    // A lone surrogate is encoded as U+FFFD: 3 bytes, as the < 0x10000 branch counts it.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Which part of a prefix/suffix scope an object key misses (empty means unrestricted), as S3
 * notification filter rules match; null when the key lies in the scope. The one scope rule.
 */
export function scopeMiss(key: string, scope: { prefix: string; suffix: string }): "prefix" | "suffix" | null {
  if (!key.startsWith(scope.prefix)) return "prefix";
  if (!key.endsWith(scope.suffix)) return "suffix";
  return null;
}

export function keyInScope(key: string, scope: { prefix: string; suffix: string }): boolean {
  return scopeMiss(key, scope) === null;
}

/**
 * A zero-byte key ending in "/": what the S3 console writes for "Create folder". It is no object
 * to load, to count or to preview. (A key ending in "/" with content is an object Databend cannot
 * address; callers report that one instead of passing over it.)
 */
export function isFolderMarker(key: string, size: number | undefined): boolean {
  return key.endsWith("/") && (size ?? 0) === 0;
}

/**
 * Whether a URL can be a CloudFormation quick-create link's templateURL: an https Amazon S3 object
 * URL (virtual-hosted `bucket.s3.region.amazonaws.com/key` or path-style `s3.region.amazonaws.com/bucket/key`),
 * as CloudFormation requires of templateURL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-console-create-stacks-quick-create-links.html).
 */
export function isS3TemplateUrl(value: string): boolean {
  if (value.length > 1024) return false;
  // https, an S3 host (no user, no port), an object key, and at most a versionId (a versioned template).
  const m = /^https:\/\/([a-z0-9.-]+)\/([^?#\s]*[^/?#\s])(\?versionId=[^&#\s]+)?$/.exec(value);
  return !!m && /^([a-z0-9][a-z0-9.-]*\.)?s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(m[1]!);
}
