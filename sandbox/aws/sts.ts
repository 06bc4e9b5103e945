/** STS (Query protocol): AssumeRole with trust-policy evaluation, and GetCallerIdentity. */
import { randomBytes } from "node:crypto";
import type { Caller } from "./auth.ts";
import { queryResponse, xmlResponse, type SandboxContext, type SandboxResponse } from "./context.ts";
import { AwsError, escapeXml, queryErrorXml, requestId } from "./errors.ts";
import { evaluate, parsePolicy, type PolicyDocument } from "./policy.ts";
import type { Session } from "./state.ts";

export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
const MAX_DURATION = 43200;

function accessKeyId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = randomBytes(16);
  let id = "ASIA";
  for (const b of bytes) id += alphabet[b % 32];
  return id;
}

/** ARNs a trust policy may use to name the caller. */
export function principalArns(caller: Caller): string[] {
  if (caller.kind === "root") return [caller.arn];
  return [caller.roleArn!, caller.arn];
}

function denied(caller: Caller, roleArn: string): AwsError {
  return new AwsError(
    "AccessDenied",
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
}

function validation(message: string): AwsError {
  return new AwsError("ValidationError", message, 400);
}

function assumeRole(ctx: SandboxContext, p: URLSearchParams, caller: Caller): string {
  const roleArn = p.get("RoleArn");
  const sessionName = p.get("RoleSessionName");
  if (!roleArn) {
    throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  }
  if (!sessionName) {
    throw validation(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const durationText = p.get("DurationSeconds");
  const duration = durationText === null ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < ctx.minSessionSeconds) {
    throw validation(
      `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${ctx.minSessionSeconds}`,
    );
  }
  if (duration > MAX_DURATION) {
    throw validation(
      `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${MAX_DURATION}`,
    );
  }
  const externalId = p.get("ExternalId") ?? undefined;

  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  const role = m ? ctx.state.data.roles[m[2]!] : undefined;
  // A role that does not exist is refused exactly like one that does not trust the caller.
  if (!role || role.arn !== roleArn) throw denied(caller, roleArn);

  let trust: PolicyDocument;
  try {
    trust = parsePolicy(role.assumeRolePolicyDocument);
  } catch {
    throw denied(caller, roleArn);
  }
  const decision = evaluate([trust], {
    action: "sts:AssumeRole",
    principal: { arns: principalArns(caller), account: caller.account },
    context: {
      "sts:ExternalId": externalId,
      "sts:RoleSessionName": sessionName,
      "aws:PrincipalArn": caller.roleArn ?? caller.arn,
      "aws:PrincipalAccount": caller.account,
    },
  });
  ctx.log.debug({ caller: caller.arn, roleArn, externalId, decision }, "AssumeRole trust evaluation");
  if (decision !== "allow") throw denied(caller, roleArn);
  if (duration > role.maxSessionDuration) {
    throw validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }

  const session: Session = {
    accessKeyId: accessKeyId(),
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString("base64")}`,
    expiration: Date.now() + duration * 1000,
    roleArn: role.arn,
    roleName: role.name,
    roleId: role.id,
    sessionName,
    account: role.arn.split(":")[4]!,
  };
  ctx.state.data.sessions[session.accessKeyId] = session;
  ctx.state.save();
  const assumedArn = `arn:aws:sts::${session.account}:assumed-role/${role.name}/${sessionName}`;
  return (
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${session.sessionToken}</SessionToken><Expiration>${new Date(session.expiration).toISOString()}</Expiration></Credentials>` +
    `<AssumedRoleUser><AssumedRoleId>${role.id}:${escapeXml(sessionName)}</AssumedRoleId><Arn>${escapeXml(assumedArn)}</Arn></AssumedRoleUser>` +
    `<PackedPolicySize>0</PackedPolicySize>`
  );
}

export function handleSts(ctx: SandboxContext, params: URLSearchParams, caller: Caller): SandboxResponse {
  const id = requestId();
  const action = params.get("Action") ?? "";
  try {
    let result: string;
    switch (action) {
      case "AssumeRole":
        result = assumeRole(ctx, params, caller);
        break;
      case "GetCallerIdentity":
        result = `<Arn>${escapeXml(caller.arn)}</Arn><UserId>${escapeXml(caller.userId)}</UserId><Account>${caller.account}</Account>`;
        break;
      default:
        throw new AwsError("InvalidAction", `Could not find operation ${action} for version 2011-06-15`, 400);
    }
    return xmlResponse(200, queryResponse(STS_XMLNS, action, result, id));
  } catch (err) {
    if (err instanceof AwsError) return xmlResponse(err.status, queryErrorXml(STS_XMLNS, err, id));
    throw err;
  }
}
