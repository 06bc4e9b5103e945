import type { CheckResult } from "#contracts/connectivity.ts";
import { roleSessionName } from "../../aws/clients.ts";
import { assumeSetupSession } from "../../aws/setup-session.ts";
import { detailOf } from "../../error-text.ts";
import { describeAwsError } from "../aws-errors.ts";
import type { Check, CheckContext } from "../context.ts";


export function trustPolicyHint(ctx: Pick<CheckContext, "platform" | "orgId" | "target">): string {
  return (
    `The trust policy of ${ctx.target.input.role_arn} must allow sts:AssumeRole for both Databend platform roles, ` +
    `${ctx.platform.setupRoleArn} (setup) and ${ctx.platform.loadRoleArn} (load), ` +
    `with the condition StringEquals "sts:ExternalId": "${ctx.orgId}". ` +
    "Also check that the role exists in the account named in Role ARN " +
    "(aws iam get-role --role-name <name>; aws iam update-assume-role-policy to fix the trust policy)"
  );
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
