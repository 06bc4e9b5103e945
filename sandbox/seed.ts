/**
 * The seeded demo: the values an operator types into the console form, and the AWS-side set-up of
 * the seed page (Steps 1–5) applied through the sandbox's own handlers on first start.
 * Tests import `seedValues()` and `documents` from here.
 */
import { customerRoot, CUSTOMER_ACCOUNT, PLATFORM_LOAD_ROLE_ARN, PLATFORM_SETUP_ROLE_ARN, type SandboxRequest } from "./aws/auth.ts";
import type { SandboxContext } from "./aws/context.ts";
import * as documents from "./aws/documents.ts";
import { createRole, putRolePolicy } from "./aws/iam.ts";
import { handleS3 } from "./aws/s3.ts";
import { handleSqs } from "./aws/sqs.ts";
import config from "./seed.json" with { type: "json" };

export { documents };

export interface SeedValues {
  /** Name suggestion for the data source. */
  name: string;
  queueName: string;
  queueUrl: string;
  queueArn: string;
  queueRegion: string;
  fifoQueueName: string;
  fifoQueueUrl: string;
  roleName: string;
  roleArn: string;
  policyName: string;
  externalId: string;
  bucket: string;
  bucketArn: string;
  prefix: string;
  suffix: string;
  accountId: string;
  platformSetupRoleArn: string;
  platformLoadRoleArn: string;
  trustPolicy: ReturnType<typeof documents.trustPolicy>;
  permissionsPolicy: ReturnType<typeof documents.permissionsPolicy>;
  queuePolicy: ReturnType<typeof documents.queuePolicy>;
  bucketNotification: ReturnType<typeof documents.bucketNotification>;
}

/** The demo's values for an organization ID (default: env ORG_ID, else `local-org`). */
export function seedValues(orgId: string = process.env.ORG_ID ?? "local-org"): SeedValues {
  const region = config.region;
  const queueArn = `arn:aws:sqs:${region}:${CUSTOMER_ACCOUNT}:${config.queueName}`;
  const bucketArn = `arn:aws:s3:::${config.bucket}`;
  return {
    name: config.dataSourceName,
    queueName: config.queueName,
    queueUrl: `https://sqs.${region}.amazonaws.com/${CUSTOMER_ACCOUNT}/${config.queueName}`,
    queueArn,
    queueRegion: region,
    fifoQueueName: config.fifoQueueName,
    fifoQueueUrl: `https://sqs.${region}.amazonaws.com/${CUSTOMER_ACCOUNT}/${config.fifoQueueName}`,
    roleName: config.roleName,
    roleArn: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${config.roleName}`,
    policyName: config.policyName,
    externalId: orgId,
    bucket: config.bucket,
    bucketArn,
    prefix: config.prefix,
    suffix: config.suffix,
    accountId: CUSTOMER_ACCOUNT,
    platformSetupRoleArn: PLATFORM_SETUP_ROLE_ARN,
    platformLoadRoleArn: PLATFORM_LOAD_ROLE_ARN,
    trustPolicy: documents.trustPolicy(PLATFORM_SETUP_ROLE_ARN, PLATFORM_LOAD_ROLE_ARN, orgId),
    permissionsPolicy: documents.permissionsPolicy(bucketArn, queueArn, config.allowDeleteObject),
    queuePolicy: documents.queuePolicy(config.queueName, queueArn, bucketArn, CUSTOMER_ACCOUNT),
    bucketNotification: documents.bucketNotification(config.queueName, queueArn, config.prefix, config.suffix),
  };
}

function internal(method: string, path: string, headers: Record<string, string>, body: string | Buffer): SandboxRequest {
  const qi = path.indexOf("?");
  const rawQuery = qi === -1 ? "" : path.slice(qi + 1);
  return {
    method,
    path: qi === -1 ? path : path.slice(0, qi),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: { host: "127.0.0.1", ...headers },
    body: Buffer.from(body),
    remoteAddress: "127.0.0.1",
  };
}

/** Creates the demo queues, bucket, notification and role. */
export async function applySeed(ctx: SandboxContext, v: SeedValues): Promise<void> {
  const root = customerRoot;
  const cred = {
    accessKeyId: "test", date: "20000101", region: v.queueRegion, service: "sqs", presigned: false,
    signedHeaders: [], signature: "", amzDate: "",
  };
  const sqs = async (action: string, input: object) => {
    const res = await handleSqs(
      ctx,
      internal("POST", "/", { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` }, JSON.stringify(input)),
      "json",
      cred,
      root,
    );
    if (res.status !== 200) throw new Error(`seed: SQS ${action} failed: ${String(res.body)}`);
  };
  const s3 = async (method: string, path: string, body: string) => {
    const res = await handleS3(ctx, internal(method, path, {}, body), { ...cred, service: "s3" }, root, undefined);
    if (res.status !== 200) throw new Error(`seed: S3 ${method} ${path} failed: ${String(res.body)}`);
  };

  await sqs("CreateQueue", { QueueName: v.queueName });
  await sqs("SetQueueAttributes", { QueueUrl: v.queueUrl, Attributes: { Policy: JSON.stringify(v.queuePolicy) } });
  await sqs("CreateQueue", { QueueName: v.fifoQueueName, Attributes: { FifoQueue: "true" } });
  const constraint =
    v.queueRegion === "us-east-1"
      ? ""
      : `<CreateBucketConfiguration><LocationConstraint>${v.queueRegion}</LocationConstraint></CreateBucketConfiguration>`;
  await s3("PUT", `/${v.bucket}`, constraint);
  await s3("PUT", `/${v.bucket}?notification`, documents.bucketNotificationXml(v.bucketNotification));
  createRole(ctx, { name: v.roleName, trustPolicy: JSON.stringify(v.trustPolicy) });
  putRolePolicy(ctx, v.roleName, v.policyName, JSON.stringify(v.permissionsPolicy));
  ctx.log.info({ queueUrl: v.queueUrl, roleArn: v.roleArn, bucket: v.bucket }, "seeded demo resources");
}

/** The form values, ready to print. */
export function formValues(v: SeedValues): Array<[string, string]> {
  return [
    ["Name", v.name],
    ["Queue URL", v.queueUrl],
    ["Queue Region", v.queueRegion],
    ["Role ARN", v.roleArn],
    ["External ID", v.externalId],
    ["Bucket", v.bucket],
    ["Object Key Prefix", v.prefix],
    ["Object Key Suffix", v.suffix],
  ];
}
