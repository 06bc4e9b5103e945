// The task queue's dead-letter queue for its page: the queue's `RedrivePolicy` attribute (AWS SQS
// API reference, SetQueueAttributes: a JSON object with `deadLetterTargetArn` and
// `maxReceiveCount`) names it, and its approximate counts are asked with the backlog's session and
// within the backlog's bound (backlog.ts calls this; it is cached with the backlog's answer).
// Whatever goes wrong becomes a sentence that names the permission or the problem.
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { isAwsRegion, partitionOfRegion, QUEUE_NAME_PATTERN } from "#contracts/aws-names.ts";
import type { DeadLetterQueue } from "#contracts/task-activity.ts";
import { canonicalQueueUrl, createSqsClient, type AwsClientOptions } from "../aws/clients.ts";
import { detailOf, excerpt } from "../error-text.ts";
import { describeAwsError } from "./aws-errors.ts";

export interface RedriveTarget {
  arn: string;
  region: string;
  accountId: string;
  name: string;
  maxReceiveCount: number;
}

const SQS_ARN = /^arn:(aws|aws-cn|aws-us-gov):sqs:([a-z0-9-]+):(\d{12}):([^:]+)$/;

/**
 * The dead-letter queue a RedrivePolicy attribute names: null when there is none (absent or
 * empty, as SQS answers for a queue without one), a problem sentence when it is not what SQS
 * documents. The ARN's Region must be an AWS Region of the ARN's partition, since the request's
 * host is built from it (the egress rule of server/aws/clients.ts).
 */
export function parseRedrivePolicy(attribute: string | undefined): RedriveTarget | { problem: string } | null {
  if (attribute === undefined || attribute.trim() === "") return null;
  let policy: unknown;
  try {
    policy = JSON.parse(attribute);
  } catch {
    return { problem: `it is not JSON (${excerpt(attribute, 200)})` };
  }
  const { deadLetterTargetArn, maxReceiveCount } = (policy ?? {}) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  if (typeof deadLetterTargetArn !== "string") return { problem: "it has no deadLetterTargetArn" };
  const match = SQS_ARN.exec(deadLetterTargetArn);
  const [, partition, region, accountId, name] = match ?? [];
  if (!partition || !region || !accountId || !name || !QUEUE_NAME_PATTERN.test(name) || !isAwsRegion(region) || partitionOfRegion(region) !== partition) {
    return { problem: `its deadLetterTargetArn "${excerpt(deadLetterTargetArn, 200)}" is not an SQS queue ARN in an AWS Region` };
  }
  // SQS answers maxReceiveCount as a number; it is accepted as a string when set, so both are read.
  const count = Number(maxReceiveCount);
  if (!Number.isInteger(count) || count < 1) return { problem: `its maxReceiveCount "${String(maxReceiveCount)}" is not a whole number of receives` };
  return { arn: deadLetterTargetArn, region, accountId, name, maxReceiveCount: count };
}

export interface DeadLetterAsk {
  /** The task queue's RedrivePolicy attribute as GetQueueAttributes answered it. */
  redrivePolicy: string | undefined;
  roleArn: string;
  credentials: AwsCredentialIdentity;
  aws: AwsClientOptions;
  signal: AbortSignal;
  /** The backlog's bound: runs `fn`, turning an abort by `signal` into a timeout. */
  bounded: <T>(fn: () => Promise<T>) => Promise<T>;
  timeoutSeconds: number;
}

/** The dead-letter queue's depth, or why it cannot be had. Never throws. */
export async function readDeadLetterQueue(ask: DeadLetterAsk): Promise<DeadLetterQueue> {
  const target = parseRedrivePolicy(ask.redrivePolicy);
  if (target === null) return { status: "none" };
  if ("problem" in target) {
    return {
      status: "unavailable",
      queue_arn: null,
      max_receive_count: null,
      unavailable: `The queue's redrive policy cannot be read: ${target.problem}. Check its dead-letter queue settings in the Amazon SQS console`,
    };
  }
  const known = { queue_arn: target.arn, max_receive_count: target.maxReceiveCount };
  const sqs = createSqsClient(target.region, ask.credentials, ask.aws);
  try {
    const out = await ask.bounded(() =>
      sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: canonicalQueueUrl(target.region, target.accountId, target.name),
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
        { abortSignal: ask.signal },
      ),
    );
    const count = (name: "ApproximateNumberOfMessages" | "ApproximateNumberOfMessagesNotVisible") => Number(out.Attributes?.[name] ?? 0);
    return {
      status: "counted",
      ...known,
      queue_name: target.name,
      visible: count("ApproximateNumberOfMessages"),
      in_flight: count("ApproximateNumberOfMessagesNotVisible"),
    };
  } catch (error) {
    const mapped = describeAwsError(error, {
      service: "sqs",
      region: target.region,
      action: "sqs:GetQueueAttributes",
      resource: target.arn,
      subject: `queue "${target.name}" in account ${target.accountId}`,
      timeoutSeconds: ask.timeoutSeconds,
      abortReason: `Stopped: the backlog is asked for at most ${ask.timeoutSeconds} s`,
    });
    const unavailable =
      mapped.kind === "access_denied"
        ? `The dead-letter queue cannot be read: the role ${ask.roleArn} lacks sqs:GetQueueAttributes on ${target.arn}. ` +
          "Add it to the role's permissions policy to see its depth here (loading does not need it)"
        : mapped.kind === "queue_not_found"
          ? `The redrive policy names the dead-letter queue ${target.arn}, which does not exist: SQS has nowhere to move messages it gives up on. ` +
            "Create that queue, or choose an existing one in the queue's dead-letter queue settings"
          : mapped.kind === "timeout"
            ? `The dead-letter queue cannot be read: ${mapped.message}; it is asked again at the next refresh`
            : `The dead-letter queue cannot be read: ${mapped.message}. ${mapped.hint}`;
    return { status: "unavailable", ...known, unavailable, ...detailOf(mapped.detail) };
  } finally {
    sqs.destroy();
  }
}
