// The AWS side as a CloudFormation template (docs/aws-template.md): the queue with the seed's queue
// policy, the role with the seed's trust and permissions (scoped to the bucket, the prefix and the
// queue; s3:DeleteObject only when AllowDeleteObject), and the notification on the EXISTING bucket
// through a custom resource. JSON, not YAML: CloudFormation reads both, JSON.stringify needs no
// serializer in the console bundle and cannot emit a value that changes the document's structure.
import {
  Choice,
  hasRef,
  NOTIFICATION_CAVEAT,
  parts,
  PREFIX_PATTERN,
  symbolicDocuments,
  TEMPLATE_VERSION,
  type CondName,
  type RefName,
  type Sym,
  type TemplateInputs,
} from "./aws-template-model.ts";
import { PERMISSIONS_POLICY_NAME } from "./aws-setup.ts";
import { NOTIFICATION_FUNCTION_CODE } from "./aws-notification-function.ts";

/** Each reference as Fn::Sub writes it (a parameter, a resource attribute or a pseudo parameter). */
const SUB: Record<RefName, string> = {
  bucket: "BucketName",
  queueName: "QueueName",
  queueArn: "Queue.Arn",
  accountId: "AWS::AccountId",
  partition: "AWS::Partition",
  prefix: "ObjectKeyPrefix",
  suffix: "ObjectKeySuffix",
  externalId: "ExternalId",
  setupRoleArn: "DatabendSetupRoleArn",
  loadRoleArn: "DatabendLoadRoleArn",
};

const CONDITION: Record<CondName, string> = { hasPrefix: "HasPrefix", hasSuffix: "HasSuffix", allowDelete: "AllowDelete" };

function refOf(name: RefName): unknown {
  const target = SUB[name];
  return target.includes(".") && !target.startsWith("AWS::") ? { "Fn::GetAtt": target.split(".") } : { Ref: target };
}

/** Symbolic document → CloudFormation: references become Ref/GetAtt/Fn::Sub, choices Fn::If. */
export function toCloudFormation(value: Sym): unknown {
  if (value instanceof Choice) return { "Fn::If": [CONDITION[value.cond], toCloudFormation(value.then), toCloudFormation(value.otherwise)] };
  if (Array.isArray(value)) return value.map(toCloudFormation);
  if (typeof value === "string") {
    if (!hasRef(value)) return value;
    const ps = parts(value);
    if (ps.length === 1 && "ref" in ps[0]!) return refOf(ps[0].ref);
    // Literal "${" would start a variable in Fn::Sub: "${!" writes it literally.
    return { "Fn::Sub": ps.map((p) => ("ref" in p ? `\${${SUB[p.ref]}}` : p.text.replaceAll("${", "${!"))).join("") };
  }
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCloudFormation(v)]));
  return value;
}

const defaultIf = (value: string) => (value ? { Default: value } : {});
const ROLE_ARN_PATTERN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$";

/** The template for these inputs (parameter defaults); its shape is the same for every input. */
export function cloudFormationTemplate(inputs: TemplateInputs): Record<string, unknown> {
  const docs = symbolicDocuments();
  const cfn = (s: Sym) => toCloudFormation(s);
  const ifManaged = { Condition: "ManageNotification" };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      `Databend SQS (S3) ingestion, AWS side (template v${TEMPLATE_VERSION}): an SQS standard queue that only the bucket may send to, ` +
      `ObjectCreated notifications from the existing bucket to it, and the IAM role Databend assumes with your External ID. ` +
      `Create the stack in the bucket's Region (${inputs.region} for this data source). ` +
      "The notification is MERGED into the bucket's configuration by a custom resource: see the ManageBucketNotification parameter.",
    Metadata: {
      "AWS::CloudFormation::Interface": {
        ParameterGroups: [
          { Label: { default: "Bucket and scope" }, Parameters: ["BucketName", "ObjectKeyPrefix", "ObjectKeySuffix", "ManageBucketNotification"] },
          { Label: { default: "Queue and role to create" }, Parameters: ["QueueName", "RoleName", "RolePath", "AllowDeleteObject"] },
          { Label: { default: "Databend (from the console; do not change)" }, Parameters: ["ExternalId", "DatabendSetupRoleArn", "DatabendLoadRoleArn"] },
        ],
      },
      DatabendTemplateVersion: TEMPLATE_VERSION,
    },
    Parameters: {
      BucketName: {
        Type: "String",
        Description: "The existing S3 bucket that sends ObjectCreated events (in this stack's Region).",
        AllowedPattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        ConstraintDescription: "an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens",
        ...defaultIf(inputs.bucket),
      },
      ObjectKeyPrefix: {
        Type: "String",
        Description: "Only keys starting with this (empty: all). Must equal the data source's Object Key Prefix.",
        Default: inputs.prefix,
        MaxLength: 1024,
        AllowedPattern: PREFIX_PATTERN,
        ConstraintDescription: "no *, ? or $ (IAM reads them as wildcards or variables)",
      },
      ObjectKeySuffix: {
        Type: "String",
        Description: "Only keys ending with this (empty: all). Must equal the data source's Object Key Suffix.",
        Default: inputs.suffix,
        MaxLength: 1024,
      },
      ManageBucketNotification: {
        Type: "String",
        AllowedValues: ["true", "false"],
        Default: "true",
        Description:
          NOTIFICATION_CAVEAT +
          "true: a custom resource (a small Lambda function) reads the bucket's configuration, adds or replaces only the entry whose Id is the queue name, " +
          "keeps every other entry, and writes it back; deleting the stack removes only that entry. Do not change the bucket's notifications while the stack is being created, updated or deleted. " +
          "S3 refuses a configuration whose ObjectCreated rules overlap another entry's prefix/suffix: then merge by hand. " +
          "false: the stack leaves the bucket alone; merge Step 3 of the console's AWS setup into the bucket's configuration yourself.",
      },
      QueueName: {
        Type: "String",
        Description: "Name of the SQS standard queue to create (dedicated to this data source).",
        AllowedPattern: "^[A-Za-z0-9_-]{1,80}$",
        ConstraintDescription: "1-80 letters, digits, hyphens and underscores (no .fifo: S3 cannot notify FIFO queues)",
        ...defaultIf(inputs.queueName),
      },
      RoleName: {
        Type: "String",
        Description: "Name of the IAM role to create for Databend to assume.",
        AllowedPattern: "^[A-Za-z0-9+=,.@_-]{1,64}$",
        Default: inputs.roleName,
      },
      RolePath: { Type: "String", Description: "Path of the IAM role.", AllowedPattern: "^/([!-~]*/)?$", Default: inputs.rolePath },
      AllowDeleteObject: {
        Type: "String",
        AllowedValues: ["true", "false"],
        Default: String(inputs.allowDeleteObject),
        Description: "true only if a task purges source files after loading: grants s3:DeleteObject under the prefix.",
      },
      ExternalId: {
        Type: "String",
        Description: "Your organization ID in the Databend console: the role can be assumed only with it.",
        AllowedPattern: "^[A-Za-z0-9+=,.@:/_-]{2,1224}$",
        ...defaultIf(inputs.externalId),
      },
      DatabendSetupRoleArn: { Type: "String", Description: "Databend's setup and validation role.", AllowedPattern: ROLE_ARN_PATTERN, ...defaultIf(inputs.setupRoleArn) },
      DatabendLoadRoleArn: { Type: "String", Description: "Databend's data loading role.", AllowedPattern: ROLE_ARN_PATTERN, ...defaultIf(inputs.loadRoleArn) },
    },
    Conditions: {
      HasPrefix: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "ObjectKeyPrefix" }, ""] }] },
      HasSuffix: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "ObjectKeySuffix" }, ""] }] },
      AllowDelete: { "Fn::Equals": [{ Ref: "AllowDeleteObject" }, "true"] },
      ManageNotification: { "Fn::Equals": [{ Ref: "ManageBucketNotification" }, "true"] },
    },
    Resources: {
      Queue: { Type: "AWS::SQS::Queue", Properties: { QueueName: { Ref: "QueueName" } } },
      QueuePolicy: { Type: "AWS::SQS::QueuePolicy", Properties: { Queues: [{ Ref: "Queue" }], PolicyDocument: cfn(docs.queuePolicy) } },
      DatabendRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: { Ref: "RoleName" },
          Path: { Ref: "RolePath" },
          AssumeRolePolicyDocument: cfn(docs.trustPolicy),
          Policies: [{ PolicyName: PERMISSIONS_POLICY_NAME, PolicyDocument: cfn(docs.permissionsPolicy) }],
        },
      },
      NotificationFunctionRole: {
        Type: "AWS::IAM::Role",
        ...ifManaged,
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
          },
          ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }],
          Policies: [
            {
              PolicyName: "bucket-notification",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Action: ["s3:GetBucketNotification", "s3:PutBucketNotification"],
                    Resource: { "Fn::Sub": "arn:${AWS::Partition}:s3:::${BucketName}" },
                  },
                ],
              },
            },
          ],
        },
      },
      NotificationFunction: {
        Type: "AWS::Lambda::Function",
        ...ifManaged,
        Properties: {
          Description: "Merges this stack's queue notification into the bucket's notification configuration (keeps other entries).",
          Runtime: "python3.13",
          Handler: "index.handler",
          Timeout: 60,
          Role: { "Fn::GetAtt": ["NotificationFunctionRole", "Arn"] },
          Code: { ZipFile: NOTIFICATION_FUNCTION_CODE },
        },
      },
      BucketNotification: {
        Type: "Custom::BucketNotification",
        ...ifManaged,
        // S3 sends a test message when the configuration is written: the queue policy must be in place.
        DependsOn: ["QueuePolicy"],
        Properties: {
          ServiceToken: { "Fn::GetAtt": ["NotificationFunction", "Arn"] },
          Bucket: { Ref: "BucketName" },
          NotificationConfiguration: cfn(docs.bucketNotification),
        },
      },
    },
    // Exactly what the data source form asks for.
    Outputs: {
      QueueUrl: { Description: "Queue URL", Value: { Ref: "Queue" } },
      QueueRegion: { Description: "Queue Region", Value: { Ref: "AWS::Region" } },
      RoleArn: { Description: "Role ARN", Value: { "Fn::GetAtt": ["DatabendRole", "Arn"] } },
      ExternalId: { Description: "External ID", Value: { Ref: "ExternalId" } },
      Bucket: { Description: "Bucket", Value: { Ref: "BucketName" } },
      ObjectKeyPrefix: { Condition: "HasPrefix", Description: "Object Key Prefix", Value: { Ref: "ObjectKeyPrefix" } },
      ObjectKeySuffix: { Condition: "HasSuffix", Description: "Object Key Suffix", Value: { Ref: "ObjectKeySuffix" } },
    },
  };
}

export function cloudFormationTemplateText(inputs: TemplateInputs): string {
  return JSON.stringify(cloudFormationTemplate(inputs), null, 2) + "\n";
}
