// The AWS side every bench sets up, as the seed page does: one bucket notifying one queue under
// `in/` and `.csv`, one role the platform may assume with the org's External ID, one data source.
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import * as documents from "../sandbox/aws/documents.ts";
import type { DataSourceStore } from "../server/store/types.ts";
import { createCustomerRole, createNotifyingBucket, platformTrust } from "../tests/support/customer-aws.ts";

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
  const { sdkQueueUrl, queueArn, bucketArn } = await createNotifyingBucket(o, { bucket, queueName, region: o.region, account: o.account, prefix: "in/", suffix: ".csv" });
  const roleArn = await createCustomerRole(o.iam, { roleName: "bench-role", trust: platformTrust(o.org), policy: documents.permissionsPolicy(bucketArn, queueArn) });
  const source = await o.dataSources.createDataSource(
    o.org,
    {
      name: "bench",
      queue_url: `https://sqs.${o.region}.amazonaws.com/${o.account}/${queueName}`,
      queue_region: o.region,
      role_arn: roleArn,
      external_id: o.org,
      bucket,
      prefix: "in/",
      suffix: ".csv",
    },
    null,
  );
  return { bucket, queueUrl: sdkQueueUrl, sourceId: source.id };
}
