// The customer's role assumed as the platform's setup identity, with the organization's External
// ID: how Test Connectivity, the task activity's backlog and the task preview each ask the
// customer's AWS. One home, so the session's length and name are decided once.
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { AwsPartition } from "#contracts/aws-names.ts";
import { createStsClient, roleSessionName, stsRegionFor, type AwsClientOptions } from "./clients.ts";

/** Seconds the setup session lasts; the shortest STS allows, since each use takes seconds. */
export const SETUP_SESSION_SECONDS = 900;

/**
 * Assumes the customer's role as the platform setup identity (`aws.credentials`, else the SDK's
 * default chain) with the organization's External ID, for SETUP_SESSION_SECONDS. Null when STS answered
 * without credentials; the SDK's error otherwise.
 */
export async function assumeSetupSession(args: {
  roleArn: string;
  externalId: string;
  partition: AwsPartition;
  aws: AwsClientOptions;
  signal?: AbortSignal;
  /** The identity named in the session (default "setup"); the worker's short asks pass "load". */
  purpose?: "setup" | "load" | undefined;
}): Promise<AwsCredentialIdentity | null> {
  const sts = createStsClient(stsRegionFor(args.partition), args.aws);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: args.roleArn,
        ExternalId: args.externalId,
        RoleSessionName: roleSessionName(args.purpose ?? "setup", args.externalId),
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
