// One task's pipeline, wired in one place (createTaskPipeline). A message goes through it in this
// order, one module a step:
//   1. receive.ts       long polls; each message handled into batch items (events.ts parses its
//                       records), tracked by the settle step, known duplicates marked
//   2. batcher.ts       items grouped into batches, handed out while the runner has room
//   3. handle-batch.ts  what needs no load settled; the objects loaded; the batch's run recorded
//   4. load/            plan-versions.ts picks the version each event is about; load-versions.ts
//                       claims and loads them and settles each outcome; hold-through-outages.ts
//                       holds a batch while Databend does not answer; load-items.ts runs the
//                       COPY transactions (copier.ts), isolating failing files
//   5. settle.ts        each message deleted, retried with backoff, or deferred
// The backfill (backfill.ts) feeds listed objects into step 4. task-runner.ts drives the
// pipeline: it starts and stops it and acts on the outcomes the steps return.
// Every step gets the same TaskContext (context.ts).
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { parseQueueUrl, partitionOfRegion } from "#contracts/aws-names.ts";
import {
  assumedRoleCredentials,
  canonicalQueueUrl,
  createS3Client,
  createSqsClient,
  resolveEndpoint,
  roleSessionName,
  stsRegionFor,
  type AwsClientOptions,
} from "../aws/clients.ts";
import type { Warehouse } from "../databend/client.ts";
import { errorText } from "../error-text.ts";
import { Backfiller } from "./backfill.ts";
import { Batcher } from "./batcher.ts";
import { Copier } from "./copier.ts";
import { CredentialCache } from "./credentials.ts";
import { VersionLoader } from "./load/load-versions.ts";
import { SqsQueue, type MessageQueue } from "./queue.ts";
import { Receiver, type BatchItem } from "./receive.ts";
import { Acknowledger } from "./settle.ts";
import type { TaskContext, TaskFailure } from "./context.ts";

export interface PipelineDeps {
  warehouse: Warehouse;
  /** The platform load identity and endpoint overrides (default: SDK chain and environment). */
  aws?: AwsClientOptions | undefined;
  /** Replaces the SQS queue (tests of the pipeline without a network). */
  queue?: MessageQueue | undefined;
}

/** What the pipeline needs of the runner: whether it can take a batch now, taking one, and failing the task. */
export interface BatchConsumer {
  hasRoom(): boolean;
  onBatch(items: BatchItem[]): void;
  /** The backfill found the task cannot go on (see Backfiller). */
  fail(failure: TaskFailure): void;
}

export interface TaskPipeline {
  credentials: CredentialCache;
  /** Undefined when a queue was handed in. */
  sqs: SQSClient | undefined;
  s3: S3Client;
  receive: Receiver;
  batcher: Batcher<BatchItem>;
  load: VersionLoader;
  settle: Acknowledger;
  backfill: Backfiller;
}

export function createTaskPipeline(ctx: TaskContext, deps: PipelineDeps, consumer: BatchConsumer): TaskPipeline {
  const { task, cfg, metrics, log } = ctx;
  const region = task.source.queue_region;
  const aws = deps.aws ?? {};
  const credentials = new CredentialCache(
    assumedRoleCredentials({
      ...aws,
      roleArn: task.source.role_arn,
      // The org's ID is the External ID; the API only saves data sources whose external_id equals it.
      externalId: task.org_id,
      sessionName: roleSessionName("load", task.org_id),
      durationSeconds: cfg.roleSessionSeconds,
      stsRegion: stsRegionFor(partitionOfRegion(region)),
    }),
    Date.now,
    () => metrics.credentialRefresh(),
  );
  let sqs: SQSClient | undefined;
  let queue = deps.queue;
  if (!queue) {
    const parsed = parseQueueUrl(task.source.queue_url);
    if (!parsed) throw new Error(`Queue URL ${task.source.queue_url} cannot be parsed`);
    // Long polls outlast the default request timeout.
    const timeouts = { connectionMs: 3_000, requestMs: (cfg.waitSeconds + 10) * 1000 };
    sqs = createSqsClient(region, credentials.provider, { ...aws, timeouts, maxAttempts: 3 });
    queue = new SqsQueue(sqs, canonicalQueueUrl(parsed.region, parsed.accountId, parsed.queueName));
  }
  const s3 = createS3Client(region, credentials.provider, { ...aws, maxAttempts: 2 });
  const copier = new Copier({
    task,
    warehouse: deps.warehouse,
    credentials,
    s3,
    endpointUrl: cfg.copyEndpointUrl ?? resolveEndpoint("s3", aws),
    metadataHours: cfg.loadMetadataHours,
    roleSessionSeconds: cfg.roleSessionSeconds,
    metrics,
    copyConcurrency: cfg.copyConcurrency,
  });
  const settle = new Acknowledger(queue, {
    visibilitySeconds: cfg.visibilitySeconds,
    backoffBaseSeconds: cfg.backoffBaseSeconds,
    backoffMaxSeconds: cfg.backoffMaxSeconds,
    onReturned: (reason) => metrics.returned(reason),
    // The task's messages_deleted is counted with the batch's record, before the delete (finishBatch).
    onDeleted: (count) => metrics.deleted(count),
    onQueueError: (what, error) => log.warn({ err: errorText(error) }, `SQS: ${what} failed`),
  });
  const batcher = new Batcher<BatchItem>({
    maxItems: cfg.batchMaxFiles,
    lingerMs: cfg.batchLingerMs,
    hasRoom: () => consumer.hasRoom(),
    onBatch: (items) => consumer.onBatch(items),
  });
  const receive = new Receiver(ctx, queue, settle, batcher);
  const load = new VersionLoader(ctx, copier, settle, batcher);
  const backfill = new Backfiller(ctx, s3, load, consumer.fail);
  return { credentials, sqs, s3, receive, batcher, load, settle, backfill };
}
