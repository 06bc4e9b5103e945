// The task queue's dead-letter queue in the Activity section: how many S3 events SQS gave up on
// (moved there after `maxReceiveCount` receives, as the queue's redrive policy says) and what to
// do about them: look at them, fix the cause, then move them back with the SQS console's "Start
// DLQ redrive" or StartMessageMoveTask (AWS SQS Developer Guide, "Configuring a dead-letter queue
// redrive"; API reference, StartMessageMoveTask: without a DestinationArn the messages go back to
// their source queue). A queue without a redrive policy says so, and what that means here.
import { Alert, Code, List, Stack, Text } from "@mantine/core";
import type { DeadLetterQueue } from "#contracts/task-activity.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";
import { ErrorDetail } from "../../../lib/error-detail.tsx";
import { countOf, formatCount } from "../../../lib/format.ts";

/** The worker's attempts per file before it quarantines the file in Failed files (WORKER_FILE_ATTEMPTS' default). */
const DEFAULT_FILE_ATTEMPTS = 3;

/** A long queue name breaks anywhere rather than widening its line. */
const WRAP = { overflowWrap: "anywhere" } as const;

const receives = (n: number) => countOf(n, "receive");

function Waiting({ dlq }: { dlq: Extract<DeadLetterQueue, { status: "counted" }> }) {
  const inspected = dlq.in_flight > 0 ? ` (${formatCount(dlq.in_flight)} of them received by someone and not yet deleted)` : "";
  const total = dlq.visible + dlq.in_flight;
  return (
    // Orange for "needs you, nothing broken"; its title in the body text colour (the orange title is 3.6:1 on its tint, axe).
    <Alert
      color="orange"
      variant="light"
      title={`${countOf(total, "message")} in the dead-letter queue`}
      // The body may shrink below its longest word (a queue name, the command), else it is cut off on a phone.
      styles={{ title: { color: "var(--mantine-color-text)" }, label: { color: "var(--mantine-color-text)" }, body: { minWidth: 0 } }}
    >
      <Stack gap="xs">
        <Text size="sm">
          SQS moved {total === 1 ? "this S3 event" : "these S3 events"} to <Code style={WRAP}>{dlq.queue_name}</Code> after {receives(dlq.max_receive_count)} each
          {inspected}: {total === 1 ? "its object was" : "their objects were"} not loaded, and the task does not read that queue.
        </Text>
        <List size="sm" type="ordered" spacing={4}>
          <List.Item>
            Find the cause: the run history and the task's last error say why loads failed (a bad value, a missing permission, the
            warehouse away).
          </List.Item>
          <List.Item>
            To see the events, open <Code style={WRAP}>{dlq.queue_name}</Code> in the Amazon SQS console and choose Send and receive messages, then
            Poll for messages.
          </List.Item>
          <List.Item>
            Once the cause is fixed, choose Start DLQ redrive on that queue, with Redrive to source queue(s). The task then loads the objects;
            one loaded meanwhile (an object uploaded again loads by its own event) is not loaded twice.
          </List.Item>
        </List>
        <CodeBlock
          title="Or with the AWS CLI (moves them back to the task's queue)"
          what="the redrive command"
          code={`aws sqs start-message-move-task --source-arn ${dlq.queue_arn}`}
        />
      </Stack>
    </Alert>
  );
}

export function DeadLetterQueueView({ dlq }: { dlq: DeadLetterQueue }) {
  if (dlq.status === "none") {
    return (
      <Text size="sm" c="dimmed">
        No dead-letter queue: the task's queue has no redrive policy, so SQS never gives up on a message. A file that keeps failing stays in
        the queue and is retried until the task sets it aside in Failed files after {countOf(DEFAULT_FILE_ATTEMPTS, "attempt")} (by default).
      </Text>
    );
  }
  if (dlq.status === "unavailable") {
    return (
      <Alert color="gray" variant="light" title="Dead-letter queue unavailable">
        <Stack gap="xs">
          <Text size="sm">{dlq.unavailable}</Text>
          {dlq.detail ? <ErrorDetail detail={dlq.detail} /> : null}
        </Stack>
      </Alert>
    );
  }
  const rule = `SQS moves a message there after ${receives(dlq.max_receive_count)} (the queue's redrive policy).`;
  // Not above the worker's attempts, SQS may give up on a failing file before the task sets it
  // aside: every attempt is a receive, and so is each return after a failure that is not the file's
  // (docs/worker.md: keep WORKER_FILE_ATTEMPTS below maxReceiveCount).
  const early =
    dlq.max_receive_count <= DEFAULT_FILE_ATTEMPTS
      ? ` That is not above the task's ${countOf(DEFAULT_FILE_ATTEMPTS, "attempt")} per file (by default): raise maxReceiveCount above ${DEFAULT_FILE_ATTEMPTS} (for example to ${DEFAULT_FILE_ATTEMPTS + 2}) so a failing file ends in Failed files, where it can be retried, rather than there.`
      : "";
  if (dlq.visible + dlq.in_flight === 0) {
    return (
      <Text size="sm">
        Dead-letter queue <Code style={WRAP}>{dlq.queue_name}</Code>: empty. {rule}
        {early}
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      <Waiting dlq={dlq} />
      <Text size="xs" c="dimmed">
        {rule}
        {early}
      </Text>
    </Stack>
  );
}
