// The one place AWS SDK clients are built: region, endpoint resolution, timeouts and credentials.
// Used by Test Connectivity (setup identity) and by the worker (load identity).
//
// Egress rule: a client's host comes from its region (validated against the AWS Region list) or
// from the operator's environment (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), never from what
// a user typed. The SQS client therefore never uses the queue URL as its endpoint.
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { partitionOfRegion, type AwsPartition } from "#contracts/aws-names.ts";

export type AwsService = "sts" | "sqs" | "s3";

export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface AwsTimeouts {
  /** TCP/TLS connect limit per request, ms. */
  connectionMs: number;
  /** Socket inactivity limit per request, ms. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: AwsTimeouts = { connectionMs: 3_000, requestMs: 5_000 };

export interface AwsClientOptions {
  /**
   * The platform identity. Omitted in production: the SDK's default chain (environment, profile,
   * instance role) supplies it. Tests pass the sandbox keys here instead of touching process.env.
   */
  credentials?: Credentials;
  /** Per-service endpoint overrides; when absent, read from `env` (the operator's variables). */
  endpoints?: Partial<Record<AwsService, string>>;
  /** Where AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> are read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
  timeouts?: AwsTimeouts;
  /** Attempts per call including the first (SDK retry strategy); small, since every call is bounded. */
  maxAttempts?: number;
}

const ENV_SUFFIX: Record<AwsService, string> = { sts: "STS", sqs: "SQS", s3: "S3" };

/**
 * The endpoint override for a service, with the precedence the AWS SDK itself applies
 * (@smithy/core getEndpointUrlConfig: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL).
 * Resolving it here as well lets us pass it explicitly and know when to use S3 path-style.
 */
export function resolveEndpoint(service: AwsService, options: AwsClientOptions = {}): string | undefined {
  const explicit = options.endpoints?.[service];
  if (explicit) return explicit;
  const env = options.env ?? process.env;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return undefined;
  return env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`] || env.AWS_ENDPOINT_URL || undefined;
}

/** The Region STS is called in: the partition's home Region, enabled in every account. */
export function stsRegionFor(partition: AwsPartition): string {
  if (partition === "aws-cn") return "cn-north-1";
  if (partition === "aws-us-gov") return "us-gov-west-1";
  return "us-east-1";
}

function common(service: AwsService, region: string, options: AwsClientOptions, credentials?: Credentials) {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const endpoint = resolveEndpoint(service, options);
  const creds = credentials ?? options.credentials;
  return {
    region,
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: { connectionTimeout: timeouts.connectionMs, requestTimeout: timeouts.requestMs },
    ...(endpoint ? { endpoint } : {}),
    ...(creds ? { credentials: creds } : {}),
  };
}

export function createStsClient(region: string, options: AwsClientOptions = {}): STSClient {
  return new STSClient(common("sts", region, options));
}

/** SQS client for a Region; requests go to the Region's endpoint (or the operator's override). */
export function createSqsClient(region: string, credentials: Credentials, options: AwsClientOptions = {}): SQSClient {
  return new SQSClient({ ...common("sqs", region, options, credentials), useQueueUrlAsEndpoint: false });
}

/** S3 client for a Region; path-style when an operator endpoint override is set (emulators). */
export function createS3Client(region: string, credentials: Credentials, options: AwsClientOptions = {}): S3Client {
  const endpoint = resolveEndpoint("s3", options);
  return new S3Client({
    ...common("s3", region, options, credentials),
    forcePathStyle: endpoint !== undefined,
    followRegionRedirects: false,
  });
}

/**
 * The queue URL requests carry. Built from the validated Region, account and name, so the host
 * is AWS's regional SQS host whatever was typed (only the path matters to SQS).
 */
export function canonicalQueueUrl(region: string, accountId: string, queueName: string): string {
  const suffix = partitionOfRegion(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://sqs.${region}.${suffix}/${accountId}/${encodeURIComponent(queueName)}`;
}

/** AssumeRole session names allow [\w+=,.@-], 2 to 64 characters. */
export function roleSessionName(purpose: "setup" | "load", orgId: string): string {
  const cleaned = orgId.replace(/[^\w+=,.@-]/g, "-");
  return `databend-${purpose}-${cleaned}`.slice(0, 64);
}

export interface AssumedRoleOptions extends AwsClientOptions {
  roleArn: string;
  externalId: string;
  sessionName: string;
  durationSeconds?: number;
  /** Region of the STS call; the partition's home Region when omitted. */
  stsRegion?: string;
}

/**
 * A refreshing credential provider for a customer role (fromTemporaryCredentials): clients that
 * use it call AssumeRole again before the session expires. The worker uses this with the load
 * identity; `options.credentials` (or the default chain) is the identity that assumes the role.
 */
export function assumedRoleCredentials(options: AssumedRoleOptions): AwsCredentialIdentityProvider {
  const region = options.stsRegion ?? "us-east-1";
  const config = common("sts", region, options);
  return fromTemporaryCredentials({
    params: {
      RoleArn: options.roleArn,
      ExternalId: options.externalId,
      RoleSessionName: options.sessionName,
      DurationSeconds: options.durationSeconds ?? 3600,
    },
    ...(options.credentials ? { masterCredentials: options.credentials } : {}),
    clientConfig: {
      region: config.region,
      maxAttempts: config.maxAttempts,
      requestHandler: config.requestHandler,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    },
  });
}
