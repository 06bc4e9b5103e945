// The AWS side every bench sets up, as the seed page does: one bucket notifying one queue under
// `in/` and `.csv`, one role the platform may assume with the org's External ID, one data source.
import { CreateRoleCommand, PutRolePolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import * as documents from "../sandbox/aws/documents.ts";
import type { DataSourceStore } from "../server/store/types.ts";

export async function benchAwsSide(o: {
  s3: S3Client;
  sqs: SQSClient;
  iam: IAMClient;
  dataSources: DataSourceStore;
  org: string;
  region: string;
  account: string;
}): Promise<{ bucket: string; queueUrl: string; sourceId: string }> {
  const bucket = "bench-bucket";
  const queueName = "bench-queue";
  const queueArn = `arn:aws:sqs:${o.region}:${o.account}:${queueName}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const queueUrl = (await o.sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl!;
  await o.sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(documents.queuePolicy(queueName, queueArn, bucketArn, o.account)) } }),
  );
  await o.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await o.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: documents.bucketNotification(queueName, queueArn, "in/", ".csv") as never,
    }),
  );
  const role = await o.iam.send(
    new CreateRoleCommand({
      RoleName: "bench-role",
      AssumeRolePolicyDocument: JSON.stringify(
        documents.trustPolicy("arn:aws:iam::111111111111:role/platform-setup", "arn:aws:iam::111111111111:role/platform-load", o.org),
      ),
    }),
  );
  await o.iam.send(
    new PutRolePolicyCommand({ RoleName: "bench-role", PolicyName: "access", PolicyDocument: JSON.stringify(documents.permissionsPolicy(bucketArn, queueArn)) }),
  );
  const source = await o.dataSources.createDataSource(
    o.org,
    {
      name: "bench",
      queue_url: `https://sqs.${o.region}.amazonaws.com/${o.account}/${queueName}`,
      queue_region: o.region,
      role_arn: role.Role!.Arn!,
      external_id: o.org,
      bucket,
      prefix: "in/",
      suffix: ".csv",
    },
    null,
  );
  return { bucket, queueUrl, sourceId: source.id };
}
