// What the CloudFormation and Terraform files (aws-cloudformation.ts, aws-terraform.ts) have in
// common: the inputs taken from the data source form, and the seed's documents built once from
// contracts/aws-setup-documents.ts with symbolic values (references to parameters, resources and the
// account) and symbolic choices (prefix/suffix set or not, DeleteObject or not), which each renderer
// turns into its own language. The template's shape never depends on the form: only parameter
// defaults do, so one published template serves every Launch stack link (aws-launch-stack.ts).
import type { OrgInfo } from "#contracts/api.ts";
import * as documents from "#contracts/aws-setup-documents.ts";
import { bucketNameProblem, isAwsRegion, partitionOfRegion } from "#contracts/aws-names.ts";
import { DEFAULT_ROLE_NAME, PLACEHOLDER, setupVariables, type SetupValues } from "./aws-setup.ts";

/** Bumped when the template's parameters or resources change: a published copy must match it. */
export const TEMPLATE_VERSION = "1";

/** A value the template refers to; each renderer maps it to a parameter, attribute or variable. */
export type RefName =
  | "bucket"
  | "queueName"
  | "queueArn"
  | "accountId"
  | "partition"
  | "prefix"
  | "suffix"
  | "externalId"
  | "setupRoleArn"
  | "loadRoleArn";

export type CondName = "hasPrefix" | "hasSuffix" | "allowDelete";

// A reference travels inside the seed's strings as \u0000name\u0000: the documents concatenate
// strings (`${bucketArn}/*`, `${queueName}-policy`), so references must survive as text. NUL never
// occurs in a form value that reaches a document (they are template parameters, not literals).
const MARK = "\u0000";
export const ref = (name: RefName) => `${MARK}${name}${MARK}`;

/** A string split into literal text and references, in order. */
export type Part = { text: string } | { ref: RefName };
export function parts(value: string): Part[] {
  return value.split(MARK).flatMap((piece, i): Part[] => (i % 2 === 1 ? [{ ref: piece as RefName }] : piece ? [{ text: piece }] : []));
}
export const hasRef = (value: string) => value.includes(MARK);

/** A choice between two document fragments, decided when the stack is created. */
export class Choice {
  readonly cond: CondName;
  readonly then: Sym;
  readonly otherwise: Sym;
  constructor(cond: CondName, then: Sym, otherwise: Sym) {
    this.cond = cond;
    this.then = then;
    this.otherwise = otherwise;
  }
}
export type Sym = string | number | boolean | null | Choice | Sym[] | { [key: string]: Sym };

const isRecord = (v: unknown): v is Record<string, Sym> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Choice);

/** Merges two variants of a document: equal parts stay, the smallest differing parts become a Choice. */
export function choose(cond: CondName, then: unknown, otherwise: unknown): Sym {
  const a = then as Sym;
  const b = otherwise as Sym;
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.map((x, i) => choose(cond, x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    if (keys.length === Object.keys(b).length && keys.every((k) => k in b)) {
      return Object.fromEntries(keys.map((k) => [k, choose(cond, a[k], b[k])]));
    }
  }
  return new Choice(cond, a, b);
}

const BUCKET_ARN = `arn:${ref("partition")}:s3:::${ref("bucket")}`;

/** The seed's four documents, symbolic: one definition each, from contracts/aws-setup-documents.ts. */
export function symbolicDocuments() {
  const notification = (prefix: string, suffix: string) => documents.bucketNotification(ref("queueName"), ref("queueArn"), prefix, suffix);
  const bySuffix = (prefix: string) => choose("hasSuffix", notification(prefix, ref("suffix")), notification(prefix, ""));
  const permissions = (allowDelete: boolean) => documents.permissionsPolicy(BUCKET_ARN, ref("queueArn"), allowDelete, ref("prefix"));
  return {
    queuePolicy: documents.queuePolicy(ref("queueName"), ref("queueArn"), BUCKET_ARN, ref("accountId")) as Sym,
    bucketNotification: choose("hasPrefix", bySuffix(ref("prefix")), bySuffix("")),
    trustPolicy: documents.trustPolicy(ref("setupRoleArn"), ref("loadRoleArn"), ref("externalId")) as Sym,
    permissionsPolicy: choose("allowDelete", permissions(true), permissions(false)),
  };
}

/** The values a template is generated with: its parameters' defaults. */
export interface TemplateInputs {
  region: string;
  bucket: string;
  queueName: string;
  roleName: string;
  rolePath: string;
  prefix: string;
  suffix: string;
  externalId: string;
  setupRoleArn: string;
  loadRoleArn: string;
  allowDeleteObject: boolean;
}

export interface TemplateForm {
  values: SetupValues;
  org: OrgInfo | null | undefined;
  /** Whether any task of this data source purges loaded files (grants s3:DeleteObject). */
  purge: boolean;
}

export type TemplateInputsResult = { ok: true; inputs: TemplateInputs } | { ok: false; missing: string[] };

/** A queue name for a bucket when the form has no Queue URL yet: queue names allow [A-Za-z0-9_-]. */
export function defaultQueueName(bucket: string): string {
  const base = bucket.replace(/[^A-Za-z0-9_-]/g, "-");
  return `${base.startsWith("databend") ? "" : "databend-"}${base}-events`.slice(0, 80);
}

// IAM reads * and ? in a resource ARN as wildcards and ${...} as a policy variable: a prefix with
// them would widen the role's object access, so the template's ObjectKeyPrefix refuses them.
export const PREFIX_PATTERN = "^[^*?$]*$";

/** The form's values as template inputs, or the sentences saying what is still missing. */
export function templateInputs({ values, org, purge }: TemplateForm): TemplateInputsResult {
  const v = setupVariables(values, org);
  const missing: string[] = [];
  const bucket = (values.bucket ?? "").trim();
  if (!bucket) missing.push("Bucket is required.");
  else if (bucketNameProblem(bucket)) missing.push(`Bucket: ${bucketNameProblem(bucket)}.`);
  if (!isAwsRegion(v.region)) missing.push("Queue Region (or a Queue URL naming it) is required.");
  if (v.fifoQueueName) missing.push(`Queue URL names ${v.fifoQueueName}, a FIFO queue: S3 cannot notify FIFO queues.`);
  if (!org?.org_id || !org.platform_setup_role_arn || !org.platform_load_role_arn) {
    missing.push("The organization's External ID and platform roles are not loaded yet.");
  }
  if (!new RegExp(PREFIX_PATTERN).test(v.prefix)) {
    missing.push("Object Key Prefix contains *, ? or $, which IAM reads as wildcards or variables: the template cannot scope the role to it.");
  }
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    inputs: {
      region: v.region,
      bucket,
      queueName: v.queueName === PLACEHOLDER.queueName ? defaultQueueName(bucket) : v.queueName,
      roleName: v.roleName || DEFAULT_ROLE_NAME,
      rolePath: v.rolePath,
      prefix: v.prefix,
      suffix: v.suffix,
      externalId: v.externalId,
      setupRoleArn: v.setupRoleArn,
      loadRoleArn: v.loadRoleArn,
      allowDeleteObject: purge,
    },
  };
}

/** The inputs of the published template (aws-launch-stack.ts): every default is overridden by the link. */
export const GENERIC_INPUTS: TemplateInputs = {
  region: "us-east-1",
  bucket: "",
  queueName: "",
  roleName: DEFAULT_ROLE_NAME,
  rolePath: "/",
  prefix: "",
  suffix: "",
  externalId: "",
  setupRoleArn: "",
  loadRoleArn: "",
  allowDeleteObject: false,
};

export const partitionOf = (inputs: TemplateInputs) => partitionOfRegion(inputs.region);

/** The sentences both files carry about the bucket notification (docs/aws-template.md). */
export const NOTIFICATION_CAVEAT =
  "S3's PutBucketNotificationConfiguration REPLACES the bucket's whole notification configuration " +
  "(https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html). ";
