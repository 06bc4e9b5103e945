// The customer's side of AWS as the seed page sets it up, against the sandbox: a queue S3 may send
// to, a bucket that notifies it, and a role the platform may assume with the organization's
// External ID. One definition for the worker tests, the connectivity tests and the benches; each
// varies only what it is about (the trust, the role's policy, the notification's filter).
import { CreateRoleCommand, PutRolePolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import * as documents from "../../sandbox/aws/documents.ts";
import { PLATFORM_LOAD_ROLE_ARN, PLATFORM_SETUP_ROLE_ARN } from "../../sandbox/aws/auth.ts";

export { PLATFORM_LOAD_ROLE_ARN, PLATFORM_SETUP_ROLE_ARN };

export type TrustPolicy = ReturnType<typeof documents.trustPolicy>;

/** The seed's trust: both platform roles, with `externalId`. */
export function platformTrust(externalId: string): TrustPolicy {
  return documents.trustPolicy(PLATFORM_SETUP_ROLE_ARN, PLATFORM_LOAD_ROLE_ARN, externalId);
}

/** Creates a role with `trust` and one inline policy; returns its ARN. */
export async function createCustomerRole(
  iam: IAMClient,
  o: { roleName: string; trust: TrustPolicy; policy: object; policyName?: string },
): Promise<string> {
  const role = await iam.send(new CreateRoleCommand({ RoleName: o.roleName, AssumeRolePolicyDocument: JSON.stringify(o.trust) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: o.roleName, PolicyName: o.policyName ?? "access", PolicyDocument: JSON.stringify(o.policy) }));
  return role.Role!.Arn!;
}

/**
 * A standard queue whose policy lets the bucket send to it, and the bucket notifying it of
 * ObjectCreated under `prefix`/`suffix` (both in the clients' one region).
 */
export async function createNotifyingBucket(
  clients: { s3: S3Client; sqs: SQSClient },
  o: { bucket: string; queueName: string; region: string; account: string; prefix: string; suffix: string },
): Promise<{ sdkQueueUrl: string; queueArn: string; bucketArn: string }> {
  const queueArn = `arn:aws:sqs:${o.region}:${o.account}:${o.queueName}`;
  const bucketArn = `arn:aws:s3:::${o.bucket}`;
  const sdkQueueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: o.queueName }))).QueueUrl!;
  const policy = documents.queuePolicy(o.queueName, queueArn, bucketArn, o.account);
  await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: sdkQueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: o.bucket }));
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: o.bucket,
      NotificationConfiguration: documents.bucketNotification(o.queueName, queueArn, o.prefix, o.suffix) as never,
    }),
  );
  return { sdkQueueUrl, queueArn, bucketArn };
}
