/** IAM (Query protocol): the role calls the seed's AWS-side setup needs. */
import type { Caller } from "./auth.ts";
import { CUSTOMER_ACCOUNT, roleIdFor } from "./auth.ts";
import { queryResponse, xmlResponse, type SandboxContext, type SandboxResponse } from "./context.ts";
import { AwsError, escapeXml, queryErrorXml, requestId } from "./errors.ts";
import { parsePolicy } from "./policy.ts";
import type { Role } from "./state.ts";

export const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

const required = (p: URLSearchParams, name: string): string => {
  const v = p.get(name);
  if (v === null || v === "") {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
};

function validPolicy(text: string): string {
  try {
    parsePolicy(text);
  } catch (err) {
    throw new AwsError("MalformedPolicyDocument", (err as Error).message);
  }
  return text;
}

const roleArnOf = (name: string, path = "/") => `arn:aws:iam::${CUSTOMER_ACCOUNT}:role${path}${name}`;

function roleXml(r: Role): string {
  return (
    `<Role><Path>${escapeXml(r.path)}</Path><RoleName>${escapeXml(r.name)}</RoleName><RoleId>${r.id}</RoleId>` +
    `<Arn>${escapeXml(r.arn)}</Arn><CreateDate>${r.createDate}</CreateDate>` +
    // AWS returns policy documents URL-encoded; the AWS CLI decodes them, SDK users call decodeURIComponent.
    `<AssumeRolePolicyDocument>${encodeURIComponent(r.assumeRolePolicyDocument)}</AssumeRolePolicyDocument>` +
    (r.description !== undefined ? `<Description>${escapeXml(r.description)}</Description>` : "") +
    `<MaxSessionDuration>${r.maxSessionDuration}</MaxSessionDuration><RoleLastUsed/></Role>`
  );
}

/** Creates a role directly (used by the seed and by handleIam). */
export function createRole(
  ctx: SandboxContext,
  input: { name: string; trustPolicy: string; path?: string; description?: string; maxSessionDuration?: number },
): Role {
  if (ctx.state.data.roles[input.name]) {
    throw new AwsError("EntityAlreadyExists", `Role with name ${input.name} already exists.`, 409);
  }
  if (!/^[\w+=,.@-]{1,64}$/.test(input.name)) {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value '${input.name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  const path = input.path ?? "/";
  const max = input.maxSessionDuration ?? 3600;
  if (!(max >= 3600 && max <= 43200)) {
    throw new AwsError(
      "ValidationError",
      `1 validation error detected: Value '${max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value ${max < 3600 ? "greater than or equal to 3600" : "less than or equal to 43200"}`,
    );
  }
  const arn = roleArnOf(input.name, path);
  const role: Role = {
    name: input.name,
    id: roleIdFor(`${arn}#${Date.now()}#${Math.random()}`),
    arn,
    path,
    createDate: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    description: input.description,
    maxSessionDuration: max,
    assumeRolePolicyDocument: validPolicy(input.trustPolicy),
    policies: {},
  };
  ctx.state.data.roles[role.name] = role;
  ctx.state.save();
  return role;
}

export function putRolePolicy(ctx: SandboxContext, roleName: string, policyName: string, doc: string): void {
  const role = getRole(ctx, roleName);
  role.policies[policyName] = validPolicy(doc);
  ctx.state.save();
}

function getRole(ctx: SandboxContext, name: string): Role {
  const role = ctx.state.data.roles[name];
  if (!role) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
  return role;
}

export function handleIam(ctx: SandboxContext, params: URLSearchParams, caller: Caller): SandboxResponse {
  const id = requestId();
  const action = params.get("Action") ?? "";
  try {
    const roleName = params.get("RoleName") ?? "";
    if (caller.kind !== "root") {
      const resource = roleName ? roleArnOf(roleName) : `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/*`;
      throw new AwsError(
        "AccessDenied",
        `User: ${caller.arn} is not authorized to perform: iam:${action} on resource: ${resource} because no identity-based policy allows the iam:${action} action`,
        403,
      );
    }
    let result: string | null;
    switch (action) {
      case "CreateRole": {
        const max = params.get("MaxSessionDuration");
        const role = createRole(ctx, {
          name: required(params, "RoleName"),
          trustPolicy: required(params, "AssumeRolePolicyDocument"),
          path: params.get("Path") ?? undefined,
          description: params.get("Description") ?? undefined,
          maxSessionDuration: max ? Number(max) : undefined,
        });
        result = roleXml(role);
        break;
      }
      case "GetRole":
        result = roleXml(getRole(ctx, required(params, "RoleName")));
        break;
      case "ListRoles":
        result =
          `<Roles>${Object.values(ctx.state.data.roles)
            .map((r) => `<member>${roleXml(r).slice("<Role>".length, -"</Role>".length)}</member>`)
            .join("")}</Roles><IsTruncated>false</IsTruncated>`;
        break;
      case "UpdateAssumeRolePolicy": {
        const role = getRole(ctx, required(params, "RoleName"));
        role.assumeRolePolicyDocument = validPolicy(required(params, "PolicyDocument"));
        ctx.state.save();
        result = null;
        break;
      }
      case "PutRolePolicy":
        putRolePolicy(ctx, required(params, "RoleName"), required(params, "PolicyName"), required(params, "PolicyDocument"));
        result = null;
        break;
      case "GetRolePolicy": {
        const role = getRole(ctx, required(params, "RoleName"));
        const name = required(params, "PolicyName");
        const doc = role.policies[name];
        if (doc === undefined) {
          throw new AwsError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
        }
        result =
          `<RoleName>${escapeXml(role.name)}</RoleName><PolicyName>${escapeXml(name)}</PolicyName>` +
          `<PolicyDocument>${encodeURIComponent(doc)}</PolicyDocument>`;
        break;
      }
      case "ListRolePolicies": {
        const role = getRole(ctx, required(params, "RoleName"));
        result =
          `<PolicyNames>${Object.keys(role.policies)
            .map((n) => `<member>${escapeXml(n)}</member>`)
            .join("")}</PolicyNames><IsTruncated>false</IsTruncated>`;
        break;
      }
      case "DeleteRolePolicy": {
        const role = getRole(ctx, required(params, "RoleName"));
        const name = required(params, "PolicyName");
        if (role.policies[name] === undefined) {
          throw new AwsError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
        }
        delete role.policies[name];
        ctx.state.save();
        result = null;
        break;
      }
      case "DeleteRole": {
        const role = getRole(ctx, required(params, "RoleName"));
        if (Object.keys(role.policies).length > 0) {
          throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
        }
        delete ctx.state.data.roles[role.name];
        ctx.state.save();
        result = null;
        break;
      }
      default:
        throw new AwsError("InvalidAction", `Could not find operation ${action} for version 2010-05-08`, 400);
    }
    return xmlResponse(200, queryResponse(IAM_XMLNS, action, result, id));
  } catch (err) {
    if (err instanceof AwsError) return xmlResponse(err.status, queryErrorXml(IAM_XMLNS, err, id));
    throw err;
  }
}
