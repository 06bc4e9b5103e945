import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { AwsPartition } from "#contracts/aws-names.ts";
import type { CheckResult } from "#contracts/connectivity.ts";
import { createStsClient, roleSessionName, stsRegionFor, type AwsClientOptions } from "../../aws/clients.ts";
import { detailOf } from "../../error-text.ts";
import { describeAwsError } from "../aws-errors.ts";
import type { Check, CheckContext } from "../context.ts";

/** Seconds the setup session lasts; the shortest STS allows, since a test takes seconds. */
export const SETUP_SESSION_SECONDS = 900;

export function trustPolicyHint(ctx: Pick<CheckContext, "platform" | "orgId" | "target">): string {
  return (
    `The trust policy of ${ctx.target.input.role_arn} must allow sts:AssumeRole for both Databend platform roles, ` +
    `${ctx.platform.setupRoleArn} (setup) and ${ctx.platform.loadRoleArn} (load), ` +
    `with the condition StringEquals "sts:ExternalId": "${ctx.orgId}". ` +
    "Also check that the role exists in the account named in Role ARN " +
    "(aws iam get-role --role-name <name>; aws iam update-assume-role-policy to fix the trust policy)"
  );
}

/**
 * Assumes the customer's role as the platform setup identity (`aws.credentials`, else the SDK's
 * default chain) with the organization's External ID, for SETUP_SESSION_SECONDS. Test Connectivity
 * and the task activity's backlog both ask AWS through this session. Null when STS answered
 * without credentials; the SDK's error otherwise.
 */
export async function assumeSetupSession(args: {
  roleArn: string;
  externalId: string;
  partition: AwsPartition;
  aws: AwsClientOptions;
  signal: AbortSignal;
}): Promise<AwsCredentialIdentity | null> {
  const sts = createStsClient(stsRegionFor(args.partition), args.aws);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: args.roleArn,
        ExternalId: args.externalId,
        RoleSessionName: roleSessionName("setup", args.externalId),
        DurationSeconds: SETUP_SESSION_SECONDS,
      }),
      { abortSignal: args.signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) return null;
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  } finally {
    sts.destroy();
  }
}

export const assumeRole: Check = {
  id: "assume_role",
  needs: [],
  async run(ctx): Promise<CheckResult> {
    const { target } = ctx;
    const sessionName = roleSessionName("setup", ctx.orgId);
    try {
      const credentials = await ctx.call((signal) =>
        assumeSetupSession({ roleArn: target.input.role_arn, externalId: ctx.orgId, partition: target.partition, aws: ctx.aws, signal }),
      );
      if (!credentials) {
        return { id: "assume_role", status: "fail", message: "AWS STS answered AssumeRole without credentials", hint: "Run Test Connectivity again" };
      }
      ctx.facts.credentials = credentials;
      return {
        id: "assume_role",
        status: "pass",
        message: `Assumed ${target.input.role_arn} with external ID "${ctx.orgId}" as session ${sessionName}`,
      };
    } catch (error) {
      const mapped = describeAwsError(
        error,
        ctx.callContext({
          service: "sts",
          action: "sts:AssumeRole",
          resource: target.input.role_arn,
          subject: `role ${target.input.role_arn}`,
        }),
      );
      if (mapped.kind === "access_denied") {
        return {
          id: "assume_role",
          status: "fail",
          message:
            `Databend's setup role ${ctx.platform.setupRoleArn} may not assume ${target.input.role_arn} ` +
            `with external ID "${ctx.orgId}": the role's trust policy does not allow it, or the role does not exist`,
          hint: trustPolicyHint(ctx),
          ...detailOf(mapped.detail),
        };
      }
      return { id: "assume_role", status: "fail", message: mapped.message, hint: mapped.hint, ...detailOf(mapped.detail) };
    }
  },
};
