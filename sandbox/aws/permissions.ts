/** Identity-based permissions for S3 and SQS calls. */
import type { Caller } from "./auth.ts";
import type { SandboxContext } from "./context.ts";
import { evaluate, parsePolicy, type Decision, type PolicyDocument } from "./policy.ts";

/**
 * The customer's `test` keys may do everything in their account. Platform role keys used directly
 * have no rights on customer resources. Assumed-role sessions get what the role's inline policies allow.
 */
export function decide(ctx: SandboxContext, caller: Caller, action: string, resource: string): Decision {
  if (caller.kind === "root") return "allow";
  if (caller.kind === "platform") return "implicit-deny";
  const role = ctx.state.data.roles[caller.roleName!];
  if (!role || role.arn !== caller.roleArn) return "implicit-deny";
  const docs: PolicyDocument[] = [];
  for (const text of Object.values(role.policies)) {
    try {
      docs.push(parsePolicy(text));
    } catch {
      // Stored policies were validated on write; ignore anything unreadable.
    }
  }
  return evaluate(docs, {
    action,
    resource,
    context: { "aws:PrincipalArn": caller.roleArn, "aws:PrincipalAccount": caller.account },
  });
}

/** The message AWS gives, e.g. for `s3:GetObject` or `sqs:DeleteMessage`. */
export function deniedMessage(caller: Caller, action: string, resource: string, decision: Decision): string {
  const why =
    decision === "explicit-deny"
      ? `with an explicit deny in an identity-based policy`
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
