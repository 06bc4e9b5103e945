#!/usr/bin/env bash
# The seed page's AWS-side Steps 1–6, command for command, run against the sandbox.
# Only differences: `aws` is a function adding --endpoint-url (Debian's awscli 2.9 ignores
# AWS_ENDPOINT_URL), the bucket is created first (the page assumes it exists), and the outputs the
# test inspects are captured in files.
# Inputs (environment): SANDBOX_URL, AWS_CLI, and the page's variables (see sandbox.test.ts).
set -euo pipefail

aws() { "$AWS_CLI" --endpoint-url "$SANDBOX_URL" "$@"; }

export AWS_ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
export BUCKET_ARN="arn:aws:s3:::$BUCKET_NAME"

aws s3api create-bucket --bucket "$BUCKET_NAME" --region "$AWS_REGION" > /dev/null

# Step 1: Create or Get an SQS Standard Queue
aws sqs create-queue \
--region "$AWS_REGION" \
--queue-name "$QUEUE_NAME"

export QUEUE_URL=$(
aws sqs get-queue-url \
--region "$AWS_REGION" \
--queue-name "$QUEUE_NAME" \
--query 'QueueUrl' \
--output text
)
export QUEUE_ARN=$(
aws sqs get-queue-attributes \
--region "$AWS_REGION" \
--queue-url "$QUEUE_URL" \
--attribute-names QueueArn \
--query 'Attributes.QueueArn' \
--output text
)

# Step 2: Configure the SQS Queue Policy
aws sqs get-queue-attributes \
--region "$AWS_REGION" \
--queue-url "$QUEUE_URL" \
--attribute-names Policy QueueArn \
> "sqs-attributes.backup.$(date +%Y%m%d-%H%M%S).json"

jq -n \
--arg policyId "$QUEUE_NAME-policy" \
--arg queueArn "$QUEUE_ARN" \
--arg bucketArn "$BUCKET_ARN" \
--arg accountId "$AWS_ACCOUNT_ID" \
'{
Version: "2012-10-17",
Id: $policyId,
Statement: [
{
Sid: "AllowS3ToSendMessage",
Effect: "Allow",
Principal: {
Service: "s3.amazonaws.com"
},
Action: "sqs:SendMessage",
Resource: $queueArn,
Condition: {
ArnLike: {
"aws:SourceArn": $bucketArn
},
StringEquals: {
"aws:SourceAccount": $accountId
}
}
}
]
}' \
> queue-policy.json

jq -n \
--arg policy "$(jq -c . queue-policy.json)" \
'{Policy: $policy}' \
> set-queue-attributes.json
aws sqs set-queue-attributes \
--region "$AWS_REGION" \
--queue-url "$QUEUE_URL" \
--attributes file://set-queue-attributes.json

# Step 3: Configure S3 Bucket Notification
aws s3api get-bucket-notification-configuration \
--region "$AWS_REGION" \
--bucket "$BUCKET_NAME" \
> "bucket-notification.backup.$(date +%Y%m%d-%H%M%S).json"

jq -n \
--arg id "$QUEUE_NAME" \
--arg queueArn "$QUEUE_ARN" \
--arg prefix "$PREFIX" \
--arg suffix "$SUFFIX" \
'{
QueueConfigurations: [
(
{
Id: $id,
QueueArn: $queueArn,
Events: [
"s3:ObjectCreated:*"
]
}
+
(
[
if $prefix != "" then {Name: "prefix", Value: $prefix} else empty end,
if $suffix != "" then {Name: "suffix", Value: $suffix} else empty end
] as $rules
| if ($rules | length) > 0
then {Filter: {Key: {FilterRules: $rules}}}
else {}
end
)
)
]
}' \
> bucket-notification.json

aws s3api put-bucket-notification-configuration \
--region "$AWS_REGION" \
--bucket "$BUCKET_NAME" \
--notification-configuration file://bucket-notification.json

aws s3api get-bucket-notification-configuration \
--region "$AWS_REGION" \
--bucket "$BUCKET_NAME" \
> notification-check.json

# Step 4: Create an IAM Role for Databend to Assume
jq -n \
--arg databendSetupRoleArn "$DATABEND_SETUP_ROLE_ARN" \
--arg databendLoadRoleArn "$DATABEND_LOAD_ROLE_ARN" \
--arg externalId "$EXTERNAL_ID" \
'{
Version: "2012-10-17",
Statement: [
{
Sid: "AllowDatabendSetupAssumeRole",
Effect: "Allow",
Principal: {
AWS: $databendSetupRoleArn
},
Action: "sts:AssumeRole",
Condition: {
StringEquals: {
"sts:ExternalId": $externalId
}
}
},
{
Sid: "AllowDatabendLoadAssumeRole",
Effect: "Allow",
Principal: {
AWS: $databendLoadRoleArn
},
Action: "sts:AssumeRole",
Condition: {
StringEquals: {
"sts:ExternalId": $externalId
}
}
}
]
}' \
> trust-policy.json

aws iam create-role \
--role-name "$ROLE_NAME" \
--assume-role-policy-document file://trust-policy.json

# "If the role already exists, back up and update the trust policy"
aws iam get-role \
--role-name "$ROLE_NAME" \
--query 'Role.AssumeRolePolicyDocument' \
--output json \
> "trust-policy.backup.$(date +%Y%m%d-%H%M%S).json"

aws iam update-assume-role-policy \
--role-name "$ROLE_NAME" \
--policy-document file://trust-policy.json

# Step 5: Attach S3/SQS Permissions
jq -n \
--arg bucketArn "$BUCKET_ARN" \
--arg objectArn "$BUCKET_ARN/*" \
--arg queueArn "$QUEUE_ARN" \
'{
Version: "2012-10-17",
Statement: [
{
Sid: "S3BucketMetadataAccess",
Effect: "Allow",
Action: [
"s3:GetBucketLocation",
"s3:ListBucket"
],
Resource: $bucketArn
},
{
Sid: "S3ObjectReadAccess",
Effect: "Allow",
Action: [
"s3:GetObject"
],
Resource: $objectArn
},
{
Sid: "SQSConsumeAccess",
Effect: "Allow",
Action: [
"sqs:ReceiveMessage",
"sqs:DeleteMessage",
"sqs:GetQueueAttributes",
"sqs:ChangeMessageVisibility"
],
Resource: $queueArn
}
]
}' \
> permissions-policy.json

aws iam put-role-policy \
--role-name "$ROLE_NAME" \
--policy-name databend-s3-sqs-access \
--policy-document file://permissions-policy.json

# Step 6: Verify S3 to SQS
echo 'a,b' > /tmp/databend-test.csv
aws s3 cp /tmp/databend-test.csv \
"s3://$BUCKET_NAME/${PREFIX}databend-test-$(date +%s)$SUFFIX" \
--region "$AWS_REGION"

# The first message is the s3:TestEvent from Step 3; receive both it and the object's event.
aws sqs receive-message \
--region "$AWS_REGION" \
--queue-url "$QUEUE_URL" \
--max-number-of-messages 1 \
--wait-time-seconds 10 \
--visibility-timeout 60 \
> received-1.json
aws sqs receive-message \
--region "$AWS_REGION" \
--queue-url "$QUEUE_URL" \
--max-number-of-messages 1 \
--wait-time-seconds 10 \
--visibility-timeout 60 \
> received-2.json

# Information to Provide to Databend
aws iam get-role \
--role-name "$ROLE_NAME" \
--query 'Role.Arn' \
--output text \
> role-arn.txt
echo "$QUEUE_URL" > queue-url.txt
