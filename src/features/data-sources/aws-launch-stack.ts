// The CloudFormation console's quick-create link for the AWS side: the published template
// (CLOUDFORMATION_TEMPLATE_URL, an Amazon S3 URL, as quick-create links require) with every form
// value passed as param_<Name>, which overrides the template's defaults
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-console-create-stacks-quick-create-links.html).
// Without a published template there is no honest link: the caller shows the reason and the downloads.
import { isS3TemplateUrl, partitionOfRegion } from "#contracts/aws-names.ts";
import type { TemplateInputs } from "./aws-template-model.ts";

export type LaunchStack = { ok: true; url: string; stackName: string } | { ok: false; reason: string };

/**
 * The stack's name (and the downloaded files' base name): the queue's, marked as Databend's once.
 * Stack names: letters, digits and hyphens, starting with a letter, at most 128 characters.
 */
export function stackNameFor(queueName: string): string {
  const name = queueName.toLowerCase().startsWith("databend") ? queueName : `databend-${queueName}`;
  return name.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 128);
}

export function launchStackLink(inputs: TemplateInputs, templateUrl: string | undefined): LaunchStack {
  if (!templateUrl) {
    return {
      ok: false,
      reason:
        "this deployment has not published the template at an Amazon S3 URL (CLOUDFORMATION_TEMPLATE_URL), and CloudFormation's quick-create links accept only S3 URLs. Download the template and create the stack from the file instead.",
    };
  }
  if (!isS3TemplateUrl(templateUrl)) return { ok: false, reason: "the configured template URL is not an Amazon S3 URL, so CloudFormation would refuse it. Download the template instead." };
  if (partitionOfRegion(inputs.region) !== "aws") {
    return { ok: false, reason: `the link opens the AWS console of the aws partition, and ${inputs.region} is not in it. Download the template instead.` };
  }
  const stackName = stackNameFor(inputs.queueName);
  const params: Record<string, string> = {
    BucketName: inputs.bucket,
    ObjectKeyPrefix: inputs.prefix,
    ObjectKeySuffix: inputs.suffix,
    QueueName: inputs.queueName,
    RoleName: inputs.roleName,
    RolePath: inputs.rolePath,
    AllowDeleteObject: String(inputs.allowDeleteObject),
    ExternalId: inputs.externalId,
    DatabendSetupRoleArn: inputs.setupRoleArn,
    DatabendLoadRoleArn: inputs.loadRoleArn,
  };
  const query = new URLSearchParams({ templateURL: templateUrl, stackName });
  for (const [name, value] of Object.entries(params)) query.set(`param_${name}`, value);
  const region = encodeURIComponent(inputs.region);
  return { ok: true, stackName, url: `https://${region}.console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/create/review?${query.toString()}` };
}
