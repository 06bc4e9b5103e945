// What every check receives. Checks are small functions from this context to a CheckResult;
// earlier checks of the same group leave what later ones need in `facts`.
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { AwsPartition } from "#contracts/aws-names.ts";
import type { CheckId, CheckResult } from "#contracts/connectivity.ts";
import type { ConnectionFields } from "#contracts/data-source.ts";
import type { AwsClientOptions } from "../aws/clients.ts";
import type { AwsCallContext } from "./aws-errors.ts";

/** The resources a test is about, derived once from the validated input. */
export interface Target {
  input: ConnectionFields;
  region: string;
  partition: AwsPartition;
  queue: { accountId: string; name: string; url: string; arn: string };
  roleAccountId: string | undefined;
  bucket: string;
  bucketArn: string;
  objectArn: string;
}

export interface Facts {
  credentials?: AwsCredentialIdentity;
  queueAttributes?: Record<string, string>;
  /** Keys and sizes the list check saw under the prefix. */
  objects?: { key: string; size: number }[];
  listTruncated?: boolean;
}

export interface CheckContext {
  target: Target;
  orgId: string;
  platform: { setupRoleArn: string; loadRoleArn: string };
  aws: AwsClientOptions;
  facts: Facts;
  /** Runs one AWS call under the per-call timeout and the whole test's signal. */
  call<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The context for describing a failed call (adds the timeout and why a call was aborted). */
  callContext(ctx: Omit<AwsCallContext, "timeoutSeconds" | "abortReason" | "region">): AwsCallContext;
  sqs(): SQSClient;
  s3(): S3Client;
}

export interface Check {
  id: CheckId;
  /** Checks that must pass (or warn) first; otherwise this one is skipped. */
  needs: CheckId[];
  run(ctx: CheckContext): Promise<CheckResult>;
}
