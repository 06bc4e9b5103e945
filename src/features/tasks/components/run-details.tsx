// One run's errors and skipped messages, in words; a long error or its raw detail (read
// defensively from `detail` until the contract carries it) stays behind ErrorDetail.
import { Code, List, Stack, Text, Title } from "@mantine/core";
import type { TaskRun } from "#contracts/task.ts";
import { ErrorDetail } from "../../../lib/error-detail.tsx";
import { countOf, formatCount } from "../../../lib/format.ts";
import { formatLag } from "./task-format.tsx";

const EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS).trimEnd()}…`;
}

function Where({ messageId, objectKey }: { messageId: string | undefined; objectKey: string | undefined }) {
  return (
    <Text size="xs" c="dimmed">
      {messageId ? (
        <>
          Message <Code>{messageId}</Code>
        </>
      ) : (
        "Whole batch"
      )}
      {objectKey ? (
        <>
          {" "}
          · object <Code>{objectKey}</Code>
        </>
      ) : null}
    </Text>
  );
}

export function RunDetails({ run, id }: { run: TaskRun; id: string }) {
  return (
    // Sticky at the frame's left edge and no wider than the screen: on a phone the table scrolls
    // sideways inside its frame, but the run's errors stay readable without scrolling.
    <Stack id={id} gap="sm" py="xs" style={{ position: "sticky", left: 0, maxWidth: "min(60rem, calc(100vw - 4rem))" }}>
      {run.errors.length > 0 ? (
        <div>
          <Title order={3} size="h6">
            Errors
          </Title>
          <List spacing="xs" listStyleType="none" ml={0} pl={0}>
            {run.errors.map((entry, index) => {
              const detail = entry.detail ?? (entry.error.length > EXCERPT_CHARS ? entry.error : undefined);
              return (
                <List.Item key={index}>
                  <Where messageId={entry.message_id} objectKey={entry.key} />
                  <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                    {excerpt(entry.error)}
                  </Text>
                  {detail ? <ErrorDetail detail={detail} /> : null}
                </List.Item>
              );
            })}
          </List>
          {run.more_errors > 0 ? (
            <Text size="sm" c="dimmed">
              …and {formatCount(run.more_errors)} more errors not stored.
            </Text>
          ) : null}
        </div>
      ) : null}
      {run.skipped.length > 0 ? (
        <div>
          <Title order={3} size="h6">
            Skipped
          </Title>
          <List spacing="xs" listStyleType="none" ml={0} pl={0}>
            {run.skipped.map((entry, index) => (
              <List.Item key={index}>
                <Where messageId={entry.message_id} objectKey={entry.key} />
                <Text size="sm">{entry.reason}</Text>
              </List.Item>
            ))}
          </List>
          {run.more_skipped > 0 ? (
            <Text size="sm" c="dimmed">
              …and {formatCount(run.more_skipped)} more skipped not stored.
            </Text>
          ) : null}
        </div>
      ) : null}
      <Text size="xs" c="dimmed">
        Messages {formatCount(run.messages)} (deleted {formatCount(run.messages_deleted)}), skipped as already loaded{" "}
        {formatCount(run.objects_duplicate)}, COPY statements {formatCount(run.copy_statements)}, worker <Code>{run.worker_id}</Code>.
      </Text>
      {run.lag ? (
        <Text size="xs" c="dimmed">
          Lag from S3 event to rows committed, over {countOf(run.lag.objects, "object")}: median{" "}
          {formatLag(run.lag.p50_ms)}, p95 {formatLag(run.lag.p95_ms)}, slowest {formatLag(run.lag.max_ms)}.
        </Text>
      ) : null}
    </Stack>
  );
}
