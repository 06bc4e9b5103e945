/**
 * Dead-letter queue redrive, which fauxqs 2.4.1 lacks: StartMessageMoveTask and
 * ListMessageMoveTasks (AWS SQS API reference; the SQS console's "Start DLQ redrive" calls the
 * same). As AWS: the source must be a dead-letter queue of another queue (some queue's
 * RedrivePolicy names it); without DestinationArn the messages go back to their source queue;
 * redriven messages are new messages (new id, receive count 0). Unlike AWS, the move is done at
 * once (the task is COMPLETED when StartMessageMoveTask answers), covers the messages visible at
 * that moment (in-flight ones stay), ignores MaxNumberOfMessagesPerSecond, and keeps its tasks in
 * memory only. fauxqs does not record which queue a dead-lettered message came from, so a
 * dead-letter queue serving several source queues needs DestinationArn here.
 */
import { randomUUID } from "node:crypto";
import type { SandboxContext } from "./context.ts";
import { AwsError } from "./errors.ts";

export const MESSAGE_MOVE_ACTIONS = new Set(["StartMessageMoveTask", "ListMessageMoveTasks"]);

interface MoveTask {
  TaskHandle: string;
  Status: "COMPLETED";
  SourceArn: string;
  DestinationArn: string;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
}

/** Tasks per source ARN, newest first; AWS lists at most 10. */
const tasks = new WeakMap<SandboxContext, Map<string, MoveTask[]>>();

const notFound = (arn: string) => new AwsError("ResourceNotFoundException", `The resource that you specified for the SourceArn parameter doesn't exist: ${arn}`, 400);

function queueByArn(ctx: SandboxContext, arn: unknown) {
  if (typeof arn !== "string" || arn === "") throw new AwsError("MissingParameter", "The request must contain the parameter SourceArn.", 400);
  const queue = ctx.fauxqs.sqs.getQueueByArn(arn);
  if (!queue) throw notFound(arn);
  return queue;
}

/** The queues whose redrive policy names `dlqArn`. */
function sourcesOf(ctx: SandboxContext, dlqArn: string) {
  return [...ctx.fauxqs.sqs.allQueues()].filter((q) => {
    try {
      return (JSON.parse(q.attributes.RedrivePolicy ?? "{}") as { deadLetterTargetArn?: string }).deadLetterTargetArn === dlqArn;
    } catch {
      return false;
    }
  });
}

/** Runs one of MESSAGE_MOVE_ACTIONS (already authorized); returns its JSON output. */
export function handleMessageMove(ctx: SandboxContext, action: string, input: Record<string, unknown>): Record<string, unknown> {
  const source = queueByArn(ctx, input.SourceArn);
  const byCtx = tasks.get(ctx) ?? new Map<string, MoveTask[]>();
  tasks.set(ctx, byCtx);
  if (action === "ListMessageMoveTasks") {
    const max = Math.min(Math.max(Number(input.MaxResults ?? 1), 1), 10);
    // AWS gives the handle only of a running task.
    return { Results: (byCtx.get(source.arn) ?? []).slice(0, max).map(({ TaskHandle: _, ...rest }) => rest) };
  }
  if (source.isFifo()) throw new AwsError("UnsupportedOperation", "The sandbox redrives standard queues only.", 400);
  const sources = sourcesOf(ctx, source.arn);
  if (sources.length === 0) throw new AwsError("InvalidParameterValue", `Source queue ${source.arn} is not the dead-letter queue of any queue.`, 400);
  let destination;
  if (typeof input.DestinationArn === "string" && input.DestinationArn !== "") {
    destination = ctx.fauxqs.sqs.getQueueByArn(input.DestinationArn);
    if (!destination) throw new AwsError("ResourceNotFoundException", `The resource that you specified for the DestinationArn parameter doesn't exist: ${input.DestinationArn}`, 400);
  } else if (sources.length === 1) {
    destination = sources[0]!;
  } else {
    throw new AwsError("InvalidParameterValue", "This dead-letter queue serves several queues; the sandbox cannot tell each message's source: pass DestinationArn.", 400);
  }
  const moved = ctx.fauxqs.moveVisible(source, destination);
  const task: MoveTask = {
    TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString("base64"),
    Status: "COMPLETED",
    SourceArn: source.arn,
    DestinationArn: destination.arn,
    ApproximateNumberOfMessagesMoved: moved,
    ApproximateNumberOfMessagesToMove: moved,
    StartedTimestamp: Date.now(),
  };
  byCtx.set(source.arn, [task, ...(byCtx.get(source.arn) ?? [])].slice(0, 10));
  return { TaskHandle: task.TaskHandle };
}
