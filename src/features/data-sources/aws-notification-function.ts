// The custom resource behind the template's BucketNotification (aws-cloudformation.ts), as the inline
// Python source of a Lambda function (CloudFormation's Code.ZipFile, at most 4096 characters; the
// cfnresponse module is provided for such inline code:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-lambda-function-code-cfnresponsemodule.html).
// CloudFormation cannot change an existing bucket's notifications natively, and S3's
// PutBucketNotificationConfiguration replaces the whole configuration, so the function reads the
// configuration, swaps in only the entry whose Id is ours, keeps every other entry and writes it
// back; on Delete it removes only our entry. A changed Bucket or Id changes the physical ID, so
// CloudFormation deletes the old entry itself after the update.
export const NOTIFICATION_FUNCTION_CODE = `import boto3
import cfnresponse

s3 = boto3.client("s3")


def current(bucket):
    config = s3.get_bucket_notification_configuration(Bucket=bucket)
    config.pop("ResponseMetadata", None)
    return config


def without(config, entry_id):
    config["QueueConfigurations"] = [
        c for c in config.get("QueueConfigurations", []) if c.get("Id") != entry_id
    ]
    return config


def put(bucket, config):
    # An empty list is dropped; EventBridgeConfiguration is kept even when empty ({} means enabled).
    config = {k: v for k, v in config.items() if v or k == "EventBridgeConfiguration"}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)


def handler(event, context):
    props = event["ResourceProperties"]
    bucket = props["Bucket"]
    entry = props["NotificationConfiguration"]["QueueConfigurations"][0]
    physical_id = bucket + "/" + entry["Id"]
    try:
        if event["RequestType"] == "Delete":
            try:
                put(bucket, without(current(bucket), entry["Id"]))
            except s3.exceptions.NoSuchBucket:
                pass
        else:
            config = without(current(bucket), entry["Id"])
            config["QueueConfigurations"].append(entry)
            put(bucket, config)
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, physical_id)
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical_id, reason=str(error)[:400])
`;
