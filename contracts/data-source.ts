// The one definition of an "Amazon SQS (S3) - IAM Role" data source: the form (zodResolver),
// the API validation and the TypeScript types all come from here.
import { z } from "./zod.ts";
import {
  bucketNameProblem,
  isAwsRegion,
  isFifoQueueName,
  parseQueueUrl,
  parseRoleArn,
  partitionOfRegion,
  QUEUE_NAME_PATTERN,
  utf8Length,
} from "./aws-names.ts";
import { checkResultSchema } from "./connectivity.ts";
import { displayNameSchema } from "./display-name.ts";

export const DATA_SOURCE_TYPE = "amazon_sqs_s3_iam_role" as const;
export const DATA_SOURCE_TYPE_LABEL = "Amazon SQS (S3) - IAM Role";

export const MESSAGES = {
  nameRequired: "Enter a name for the data source",
  nameTooLong: "Name must be at most 128 characters",
  queueUrlRequired: "Enter the SQS queue URL",
  queueUrlShape:
    "Enter a queue URL like https://sqs.us-east-1.amazonaws.com/123456789012/my-queue",
  queueNameInvalid:
    "Queue names use letters, digits, hyphens and underscores, at most 80 characters",
  fifo: "FIFO queues are not supported; use a standard queue",
  regionRequired: "Enter the AWS Region of the queue, for example us-east-1",
  regionUnknown: "Not an AWS Region; use a Region code such as us-east-1",
  regionMismatch: (urlRegion: string) =>
    `Queue Region must be ${urlRegion}, the Region in the Queue URL: set Queue Region to ${urlRegion}, or correct the Queue URL`,
  roleArnRequired: "Enter the ARN of the IAM role Databend assumes",
  roleArnShape: "Enter a role ARN like arn:aws:iam::123456789012:role/databend-s3-sqs-consumer-role",
  rolePartition: (partition: string) =>
    `Role ARN must be in the same AWS partition as the queue (arn:${partition}:...)`,
  externalIdRequired: "External ID is your organization ID",
  externalIdMismatch: (orgId: string) =>
    `External ID must be your organization ID "${orgId}"; Databend sets it, so the trust policy can require it`,
  bucketRequired: "Enter the name of the S3 bucket that sends ObjectCreated events",
  filterTooLong: "At most 1024 bytes",
} as const;

const trimmed = (schema: z.ZodString) => z.string().trim().pipe(schema);

export const dataSourceFieldsSchema = z.strictObject({
  name: displayNameSchema("data source", { required: MESSAGES.nameRequired, tooLong: MESSAGES.nameTooLong }),
  queue_url: trimmed(
    z
      .string()
      .min(1, MESSAGES.queueUrlRequired)
      .superRefine((url, ctx) => {
        const parsed = parseQueueUrl(url);
        if (!parsed) return void ctx.addIssue({ code: "custom", message: MESSAGES.queueUrlShape });
        if (isFifoQueueName(parsed.queueName)) {
          return void ctx.addIssue({ code: "custom", message: MESSAGES.fifo });
        }
        if (!QUEUE_NAME_PATTERN.test(parsed.queueName)) {
          ctx.addIssue({ code: "custom", message: MESSAGES.queueNameInvalid });
        }
      }),
  ),
  queue_region: trimmed(
    z
      .string()
      .min(1, MESSAGES.regionRequired)
      .refine((region) => isAwsRegion(region), MESSAGES.regionUnknown),
  ),
  role_arn: trimmed(
    z
      .string()
      .min(1, MESSAGES.roleArnRequired)
      .refine((arn) => parseRoleArn(arn) !== null, MESSAGES.roleArnShape),
  ),
  external_id: trimmed(z.string().min(1, MESSAGES.externalIdRequired)),
  bucket: trimmed(
    z
      .string()
      .min(1, MESSAGES.bucketRequired)
      .superRefine((bucket, ctx) => {
        const problem = bucketNameProblem(bucket);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  ),
  prefix: z.string().refine((v) => utf8Length(v) <= 1024, MESSAGES.filterTooLong).default(""),
  suffix: z.string().refine((v) => utf8Length(v) <= 1024, MESSAGES.filterTooLong).default(""),
});

/** Rules that relate two fields; attached to every schema that carries the fields. */
function crossFieldRules(value: z.infer<typeof dataSourceFieldsSchema>, ctx: z.RefinementCtx) {
  const queue = parseQueueUrl(value.queue_url);
  if (queue && isAwsRegion(value.queue_region) && queue.region !== value.queue_region) {
    ctx.addIssue({
      code: "custom",
      path: ["queue_region"],
      message: MESSAGES.regionMismatch(queue.region),
    });
  }
  const role = parseRoleArn(value.role_arn);
  if (role && isAwsRegion(value.queue_region)) {
    const partition = partitionOfRegion(value.queue_region);
    if (role.partition !== partition) {
      ctx.addIssue({ code: "custom", path: ["role_arn"], message: MESSAGES.rolePartition(partition) });
    }
  }
}

export const dataSourceInputSchema = dataSourceFieldsSchema.superRefine(crossFieldRules);

/** What the form holds (prefix/suffix may be absent) and what the API stores after parsing. */
export type DataSourceFormValues = z.input<typeof dataSourceInputSchema>;
export type DataSourceInput = z.output<typeof dataSourceInputSchema>;

/** The fields Test Connectivity exercises: everything but the name. */
export const CONNECTION_FIELDS = [
  "queue_url",
  "queue_region",
  "role_arn",
  "external_id",
  "bucket",
  "prefix",
  "suffix",
] as const satisfies readonly (keyof DataSourceInput)[];
export const DATA_SOURCE_FIELDS = ["name", ...CONNECTION_FIELDS] as const;

/** Form labels and help text, as the seed names them. */
export const FIELD_LABELS: Record<(typeof DATA_SOURCE_FIELDS)[number], { label: string; help: string }> = {
  name: { label: "Name", help: "A descriptive name for the data source" },
  queue_url: {
    label: "Queue URL",
    help: "SQS standard queue URL, for example https://sqs.us-east-1.amazonaws.com/123456789012/my-queue",
  },
  queue_region: {
    label: "Queue Region",
    help: "AWS Region where the SQS queue is located. The S3 bucket must be in the same Region",
  },
  role_arn: { label: "Role ARN", help: "IAM Role ARN in your AWS account that Databend is allowed to assume" },
  external_id: {
    label: "External ID",
    help: "Organization ID from the Databend Cloud console, used in the IAM Role trust policy",
  },
  bucket: { label: "Bucket", help: "Name of the S3 bucket that sends ObjectCreated events" },
  prefix: {
    label: "Object Key Prefix",
    help: "Optional. Prefix filter for S3 object keys; should match the S3 notification filter",
  },
  suffix: {
    label: "Object Key Suffix",
    help: "Optional. Suffix filter for S3 object keys; should match the S3 notification filter",
  },
};

export type ConnectionFields = Pick<DataSourceInput, (typeof CONNECTION_FIELDS)[number]>;

/**
 * Test Connectivity takes the same body as create: the connection fields, and a name that is
 * allowed (whatever it holds) and ignored, since a name is not needed to test.
 */
export const connectivityTestInputSchema = dataSourceFieldsSchema
  .extend({ name: z.unknown().optional() })
  .superRefine((value, ctx) => crossFieldRules({ ...value, name: "-" }, ctx));

export function connectionOf(value: ConnectionFields): ConnectionFields {
  return Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, value[field]])) as ConnectionFields;
}

/** A stored data source, as the API returns it. */
export const dataSourceRecordSchema = z.object({
  id: z.string(),
  type: z.literal(DATA_SOURCE_TYPE),
  name: z.string(),
  queue_url: z.string(),
  queue_region: z.string(),
  role_arn: z.string(),
  external_id: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  suffix: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  last_test: z
    .object({
      ok: z.boolean(),
      tested_at: z.string(),
      checks: z.array(checkResultSchema),
    })
    .nullable(),
  /** Integration tasks that use this source; a source in use cannot be deleted. */
  used_by: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Whether a task using it purges loaded files (its role needs s3:DeleteObject); absent means no. */
  purges: z.boolean().optional(),
});
export type DataSourceRecord = z.infer<typeof dataSourceRecordSchema>;
