// The SQS group: queue reachable, standard, policy lets S3 send, receive permitted.
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { CheckResult } from "../../../src/contracts/connectivity.ts";
import { describeAwsError } from "../aws-errors.ts";
import type { Check, CheckContext } from "../context.ts";
import { evaluateQueuePolicy, recommendedQueuePolicy } from "../queue-policy.ts";
import { messageScope, parseQueueMessage } from "../s3-events.ts";

function queueSubject(ctx: CheckContext): string {
  const q = ctx.target.queue;
  return `queue "${q.name}" in account ${q.accountId}`;
}

export const sqsQueue: Check = {
  id: "sqs_queue",
  needs: ["assume_role"],
  async run(ctx): Promise<CheckResult> {
    const { queue, region, roleAccountId } = ctx.target;
    try {
      const out = await ctx.call((abortSignal) =>
        ctx.sqs().send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ["All"] }), { abortSignal }),
      );
      ctx.facts.queueAttributes = out.Attributes ?? {};
      return { id: "sqs_queue", status: "pass", message: `Read the attributes of ${queueSubject(ctx)} in ${region}` };
    } catch (error) {
      const mapped = describeAwsError(
        error,
        ctx.callContext({ service: "sqs", action: "sqs:GetQueueAttributes", resource: queue.arn, subject: queueSubject(ctx) }),
      );
      // Across accounts SQS answers NonExistentQueue (or AccessDenied) whether or not the queue exists.
      const crossAccount = roleAccountId !== undefined && roleAccountId !== queue.accountId;
      if (crossAccount && (mapped.kind === "access_denied" || mapped.kind === "queue_not_found")) {
        return {
          id: "sqs_queue",
          status: "fail",
          message:
            `The queue is in account ${queue.accountId} but the role is in account ${roleAccountId}; ` +
            `the role cannot read ${queue.arn} (sqs:GetQueueAttributes): the queue does not exist there, or its queue policy does not let the role in`,
          hint:
            "Check Queue URL and Role ARN: use a queue and a role in the same account, or let the role in " +
            "through the queue policy (and its own permissions policy) for every SQS action it needs",
        };
      }
      if (mapped.kind === "access_denied") {
        // AWS answers AccessDenied before looking the queue up, so a wrong name or Region looks the same.
        return {
          id: "sqs_queue",
          status: "fail",
          message: mapped.message,
          hint:
            `${mapped.hint}. If the queue name, account or Region in that ARN is wrong (a queue in another Region ` +
            `is not visible from ${region}), fix Queue URL and Queue Region instead`,
        };
      }
      return { id: "sqs_queue", status: "fail", message: mapped.message, hint: mapped.hint };
    }
  },
};

export const sqsStandard: Check = {
  id: "sqs_standard",
  needs: ["sqs_queue"],
  async run(ctx): Promise<CheckResult> {
    const fifo = ctx.facts.queueAttributes?.FifoQueue === "true";
    if (fifo) {
      return {
        id: "sqs_standard",
        status: "fail",
        message: `${queueSubject(ctx)} is a FIFO queue; S3 event notifications need a standard queue`,
        hint: `Create a standard queue (aws sqs create-queue --region ${ctx.target.region} --queue-name <name>, without FifoQueue), point the bucket notification at it and use its URL`,
      };
    }
    return { id: "sqs_standard", status: "pass", message: "The queue is a standard queue" };
  },
};

export const sqsPolicy: Check = {
  id: "sqs_policy",
  needs: ["sqs_queue"],
  async run(ctx): Promise<CheckResult> {
    const { queue, bucketArn, bucket } = ctx.target;
    const verdict = evaluateQueuePolicy(ctx.facts.queueAttributes?.Policy, queue.arn, bucketArn);
    const policy = recommendedQueuePolicy(queue.arn, bucketArn, queue.accountId, queue.name);
    const apply =
      `Apply this queue policy (set-queue-attributes replaces the whole policy; merge it with any statements you keep): ${policy}`;
    switch (verdict.kind) {
      case "allows_bucket":
        return { id: "sqs_policy", status: "pass", message: `The queue policy lets ${bucketArn} send messages (s3.amazonaws.com, sqs:SendMessage)` };
      case "allows_any_bucket":
        return {
          id: "sqs_policy",
          status: "warn",
          message: "The queue policy lets S3 send messages from any bucket (no aws:SourceArn condition)",
          hint: `Restrict it to ${bucketArn} so only this bucket's events arrive. ${apply}`,
        };
      case "other_buckets":
        return {
          id: "sqs_policy",
          status: "warn",
          message: `The queue policy lets S3 send only for ${verdict.sourceArns.join(", ")}, not for ${bucketArn}; S3 cannot deliver ${bucket}'s events`,
          hint: apply,
        };
      case "absent":
        return {
          id: "sqs_policy",
          status: "warn",
          message: `The queue has no policy, so S3 cannot deliver ${bucket}'s events to it`,
          hint: apply,
        };
      case "no_statement":
        return {
          id: "sqs_policy",
          status: "warn",
          message: `No statement of the queue policy lets s3.amazonaws.com call sqs:SendMessage for ${bucketArn}`,
          hint: apply,
        };
      case "unreadable":
        return { id: "sqs_policy", status: "warn", message: "The queue policy is not valid JSON", hint: apply };
    }
  },
};

export const sqsReceive: Check = {
  id: "sqs_receive",
  needs: ["sqs_queue"],
  async run(ctx): Promise<CheckResult> {
    const { queue, bucket, input } = ctx.target;
    let messages;
    try {
      // Look without consuming: one message, visible again at once, never deleted.
      const out = await ctx.call((abortSignal) =>
        ctx.sqs().send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: 1,
            VisibilityTimeout: 0,
            WaitTimeSeconds: 0,
          }),
          { abortSignal },
        ),
      );
      messages = out.Messages ?? [];
    } catch (error) {
      const mapped = describeAwsError(
        error,
        ctx.callContext({ service: "sqs", action: "sqs:ReceiveMessage", resource: queue.arn, subject: queueSubject(ctx) }),
      );
      return { id: "sqs_receive", status: "fail", message: mapped.message, hint: mapped.hint };
    }
    const first = messages[0];
    if (!first) {
      return { id: "sqs_receive", status: "pass", message: "sqs:ReceiveMessage is permitted; the queue has no visible message now" };
    }
    const verdict = messageScope(parseQueueMessage(first.Body), { bucket, prefix: input.prefix, suffix: input.suffix });
    if (verdict.kind === "in_scope") {
      return { id: "sqs_receive", status: "pass", message: `sqs:ReceiveMessage is permitted; the queue holds ${verdict.detail} (left in the queue)` };
    }
    if (verdict.kind === "foreign") {
      return {
        id: "sqs_receive",
        status: "warn",
        message: `This queue also carries events for ${verdict.detail}; use a dedicated queue`,
        hint:
          `Give this data source its own standard queue that only ${bucket}'s notification (prefix "${input.prefix}", suffix "${input.suffix}") sends to; ` +
          "events outside the scope would be skipped by the task",
      };
    }
    return {
      id: "sqs_receive",
      status: "warn",
      message: `This queue also carries ${verdict.detail}; use a dedicated queue`,
      hint:
        "Send S3 event notifications straight to the queue (not through SNS or EventBridge) and use the queue for nothing else",
    };
  },
};
