// Test-only: builds AWS-side scenarios in the local sandbox with real SDK clients and the
// customer's keys, the way the seed page's Steps 1–6 do. Never imported by product code.
import { IAMClient } from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from "@aws-sdk/client-s3";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSandbox, type Sandbox } from "../sandbox/aws/server.ts";
import * as documents from "../sandbox/aws/documents.ts";
import { createCustomerRole, PLATFORM_LOAD_ROLE_ARN, PLATFORM_SETUP_ROLE_ARN, platformTrust } from "./support/customer-aws.ts";
import type { ConnectionFields } from "#contracts/data-source.ts";
import type { AwsClientOptions } from "../server/aws/clients.ts";
import { createConnectivityTester, type ConnectivityOptions, type ConnectivityTester } from "../server/connectivity/engine.ts";

export const CUSTOMER_ACCOUNT = "000000000000";
export const CUSTOMER_KEYS = { accessKeyId: "test", secretAccessKey: "test" };
export const SETUP_KEYS = { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" };

export interface Fixture {
  sandbox: Sandbox;
  orgId: string;
  /** The platform setup identity pointed at the sandbox, as the engine's AWS options. */
  aws: AwsClientOptions;
  tester(overrides?: Partial<ConnectivityOptions>): ConnectivityTester;
  sqs(region: string): SQSClient;
  s3(region: string): S3Client;
  iam: IAMClient;
  stop(): Promise<void>;
}

export async function startFixture(orgId: string): Promise<Fixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "connectivity-sandbox-"));
  const sandbox = await startSandbox({ port: 0, dataDir, orgId, reset: true, seed: false, log: false });
  return fixtureOn(sandbox, orgId, async () => {
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
}

/**
 * The fixture's clients on a sandbox someone else started (the browser tests' harness); `stop`
 * destroys the clients, then runs `onStop`.
 */
export function fixtureOn(sandbox: Sandbox, orgId: string, onStop: () => Promise<void> = async () => {}): Fixture {
  const endpoint = sandbox.url;
  const aws: AwsClientOptions = { credentials: SETUP_KEYS, endpoints: { sts: endpoint, sqs: endpoint, s3: endpoint } };
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T): T => (clients.push(client), client);
  const iam = track(new IAMClient({ region: "us-east-1", endpoint, credentials: CUSTOMER_KEYS }));
  return {
    sandbox,
    orgId,
    aws,
    tester: (overrides = {}) =>
      createConnectivityTester({
        platformSetupRoleArn: PLATFORM_SETUP_ROLE_ARN,
        platformLoadRoleArn: PLATFORM_LOAD_ROLE_ARN,
        aws,
        ...overrides,
      }),
    sqs: (region) => track(new SQSClient({ region, endpoint, credentials: CUSTOMER_KEYS })),
    s3: (region) => track(new S3Client({ region, endpoint, credentials: CUSTOMER_KEYS, forcePathStyle: true })),
    iam,
    async stop() {
      for (const client of clients) client.destroy();
      await onStop();
    },
  };
}

export interface ScenarioOptions {
  /** Unique per scenario; names the queue, bucket and role. */
  name: string;
  region?: string;
  /** Where the queue really is, when the data source names another Region. */
  queueRegion?: string;
  bucketRegion?: string;
  fifo?: boolean;
  prefix?: string;
  suffix?: string;
  /** External ID the trust policy requires (default: the org ID). */
  trustExternalId?: string;
  /** Principals the trust policy names (default: both platform roles). */
  trustedPrincipals?: string[];
  /** Actions to leave out of the seed's permissions policy. */
  withoutActions?: string[];
  /** Queue policy: the seed's (default), none, or one naming other buckets. */
  queuePolicy?: "seed" | "none" | { bucketArns: string[] };
  /** Configure the bucket notification to the queue (default true). */
  notification?: boolean;
  /** Objects to upload after the notification is in place. */
  objects?: { key: string; body: string }[];
  /** Drain the queue (test events) before uploading objects. */
  drainQueue?: boolean;
  /** Drain the queue after the uploads too, so the test finds it empty (their events are consumed). */
  emptyQueue?: boolean;
  /** A dead-letter queue `<name>-dlq` and this maxReceiveCount in the queue's redrive policy. */
  maxReceiveCount?: number;
  /** Create the queue (default true); false leaves a data source naming a queue that does not exist. */
  queueExists?: boolean;
}

export interface Scenario extends ConnectionFields {
  /** The queue's real URL and, with a redrive policy, its dead-letter queue's, for the customer's clients. */
  realQueueUrl: string;
  dlqUrl?: string;
  queueArn: string;
  bucketArn: string;
  roleName: string;
}

function withoutActions(policy: ReturnType<typeof documents.permissionsPolicy>, omit: string[]) {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => !omit.includes(a)) })).filter(
      (s) => s.Action.length > 0,
    ),
  };
}

export async function drain(sqs: SQSClient, queueUrl: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!out.Messages?.length) return;
    for (const m of out.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}

/** Creates the queue, bucket, notification and role of one scenario and returns the form values. */
export async function createScenario(fx: Fixture, o: ScenarioOptions): Promise<Scenario> {
  const region = o.region ?? "us-east-1";
  const queueRegion = o.queueRegion ?? region;
  const bucketRegion = o.bucketRegion ?? region;
  const queueName = `${o.name}-queue${o.fifo ? ".fifo" : ""}`;
  const bucket = `${o.name}-bucket`;
  const roleName = `${o.name}-role`;
  const prefix = o.prefix ?? "incoming/";
  const suffix = o.suffix ?? ".csv";
  const queueArn = `arn:aws:sqs:${queueRegion}:${CUSTOMER_ACCOUNT}:${queueName}`;
  // The role's policy names the queue where the operator believes it is (the data source's Region).
  const believedQueueArn = `arn:aws:sqs:${region}:${CUSTOMER_ACCOUNT}:${queueName}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;

  const sqs = fx.sqs(queueRegion);
  const exists = o.queueExists !== false;
  const queueUrl = exists
    ? (await sqs.send(new CreateQueueCommand({ QueueName: queueName, ...(o.fifo ? { Attributes: { FifoQueue: "true" } } : {}) })))
        .QueueUrl!
    : "";
  let dlqUrl: string | undefined;
  if (exists && o.maxReceiveCount !== undefined) {
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${o.name}-dlq` }))).QueueUrl!;
    const redrive = { deadLetterTargetArn: `arn:aws:sqs:${queueRegion}:${CUSTOMER_ACCOUNT}:${o.name}-dlq`, maxReceiveCount: o.maxReceiveCount };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { RedrivePolicy: JSON.stringify(redrive) } }));
  }
  const policy = exists ? (o.queuePolicy ?? "seed") : "none";
  if (policy !== "none") {
    const arns = policy === "seed" ? [bucketArn] : policy.bucketArns;
    const doc = documents.queuePolicy(queueName, queueArn, bucketArn, CUSTOMER_ACCOUNT);
    doc.Statement[0]!.Condition.ArnLike["aws:SourceArn"] = (arns.length === 1 ? arns[0] : arns) as string;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(doc) } }));
  }

  const s3 = fx.s3(bucketRegion);
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(bucketRegion !== "us-east-1"
        ? { CreateBucketConfiguration: { LocationConstraint: bucketRegion as BucketLocationConstraint } }
        : {}),
    }),
  );
  if (o.notification !== false && !o.fifo && policy !== "none" && bucketRegion === queueRegion) {
    const doc = documents.bucketNotification(queueName, queueArn, prefix, suffix);
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: doc.QueueConfigurations.map((q) => ({
            Id: q.Id,
            QueueArn: q.QueueArn,
            Events: ["s3:ObjectCreated:*"],
            ...("Filter" in q && q.Filter
              ? { Filter: { Key: { FilterRules: q.Filter.Key.FilterRules.map((r) => ({ Name: r.Name as "prefix" | "suffix", Value: r.Value })) } } }
              : {}),
          })),
        },
      }),
    );
  }
  if ((o.drainQueue || o.emptyQueue) && exists) await drain(sqs, queueUrl);
  for (const object of o.objects ?? []) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
  }
  if (o.emptyQueue && exists) await drain(sqs, queueUrl);

  const trust = platformTrust(o.trustExternalId ?? fx.orgId);
  if (o.trustedPrincipals) {
    trust.Statement = o.trustedPrincipals.map((arn, i) => ({ ...trust.Statement[0]!, Sid: `Trust${i}`, Principal: { AWS: arn } }));
  }
  const permissions = withoutActions(documents.permissionsPolicy(bucketArn, believedQueueArn), o.withoutActions ?? []);
  await createCustomerRole(fx.iam, { roleName, trust, policy: permissions, policyName: "databend-s3-sqs-access" });

  return {
    // The data source names the queue in `region`, wherever it really is.
    queue_url: `https://sqs.${region}.amazonaws.com/${CUSTOMER_ACCOUNT}/${queueName}`,
    queue_region: region,
    role_arn: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/${roleName}`,
    external_id: fx.orgId,
    bucket,
    prefix,
    suffix,
    realQueueUrl: queueUrl,
    ...(dlqUrl ? { dlqUrl } : {}),
    queueArn: believedQueueArn,
    bucketArn,
    roleName,
  };
}
