// The JSON documents of the seed page's Steps 2-5 (queue policy, bucket notification, trust
// policy, permissions policy), built as objects exactly as its `jq -n` commands build them. One
// definition: the console's AWS setup panel, the connectivity hints and the sandbox's seeded demo
// all use these.

export function queuePolicy(queueName: string, queueArn: string, bucketArn: string, accountId: string) {
  return {
    Version: "2012-10-17",
    Id: `${queueName}-policy`,
    Statement: [
      {
        Sid: "AllowS3ToSendMessage",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: {
          ArnLike: { "aws:SourceArn": bucketArn },
          StringEquals: { "aws:SourceAccount": accountId },
        },
      },
    ],
  };
}

export function bucketNotification(id: string, queueArn: string, prefix: string, suffix: string) {
  const rules = [
    ...(prefix !== "" ? [{ Name: "prefix", Value: prefix }] : []),
    ...(suffix !== "" ? [{ Name: "suffix", Value: suffix }] : []),
  ];
  return {
    QueueConfigurations: [
      {
        Id: id,
        QueueArn: queueArn,
        Events: ["s3:ObjectCreated:*"],
        ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}),
      },
    ],
  };
}

export function trustPolicy(setupRoleArn: string, loadRoleArn: string, externalId: string) {
  const statement = (sid: string, arn: string) => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: arn },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "sts:ExternalId": externalId } },
  });
  return {
    Version: "2012-10-17",
    Statement: [
      statement("AllowDatabendSetupAssumeRole", setupRoleArn),
      statement("AllowDatabendLoadAssumeRole", loadRoleArn),
    ],
  };
}

/**
 * Step 5's permissions; `allowDeleteObject` adds s3:DeleteObject for PURGE (not in the seed by
 * default). `objectPrefix` narrows object access to keys under it (the CloudFormation/Terraform
 * template scopes the role to the data source's prefix); listing stays on the whole bucket, since
 * S3 may not count a ListBucket allowed only under an s3:prefix condition (server/connectivity/checks/s3.ts).
 */
export function permissionsPolicy(bucketArn: string, queueArn: string, allowDeleteObject = false, objectPrefix = "") {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "S3BucketMetadataAccess",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: bucketArn,
      },
      {
        Sid: "S3ObjectReadAccess",
        Effect: "Allow",
        Action: allowDeleteObject ? ["s3:GetObject", "s3:DeleteObject"] : ["s3:GetObject"],
        Resource: `${bucketArn}/${objectPrefix}*`,
      },
      {
        Sid: "SQSConsumeAccess",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
        Resource: queueArn,
      },
    ],
  };
}
