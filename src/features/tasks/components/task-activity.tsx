// The task's activity: the queue's backlog (SQS's approximate counts) and its dead-letter queue
// (dead-letter-queue.tsx), event -> rows lag over recent
// batches, and objects and rows loaded per minute over the last hour as bar charts. Each chart has
// a heading and a sentence beside it that says its numbers; the charts themselves are hidden from
// screen readers, which get the per-minute numbers as a table instead. Refreshed every 10 s while
// the page is visible. The workers holding the task are shown once, in the Status section. The
// charts (minute-bars.tsx) are drawn without a chart library, so they come with the page's chunk.
import { Alert, Paper, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import type { TaskActivity, TaskBacklog, TaskLag, ThroughputMinute } from "#contracts/task-activity.ts";
import { ErrorDetail } from "../../../lib/error-detail.tsx";
import { countOf, formatCount } from "../../../lib/format.ts";
import { useTaskActivity } from "../api/get-task-activity.ts";
import { DeadLetterQueueView } from "./dead-letter-queue.tsx";
import MinuteBars from "./minute-bars.tsx";
import { formatLag, minuteLabel } from "./task-format.tsx";

const formatTime = (iso: string) => new Date(iso).toLocaleTimeString();

function Stat({ label, value, note }: { label: string; value: string; note?: string | undefined }) {
  return (
    <Paper withBorder radius="sm" p="xs">
      <Text component="dt" size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={700} size="lg">
        {value}
      </Text>
      {note ? (
        <Text component="dd" m={0} size="xs" c="dimmed">
          {note}
        </Text>
      ) : null}
    </Paper>
  );
}

function Backlog({ backlog }: { backlog: TaskBacklog }) {
  if ("unavailable" in backlog) {
    return (
      // Gray: the light yellow variant's title is too pale for text contrast.
      <Alert color="gray" variant="light" title="Queue backlog unavailable">
        <Stack gap="xs">
          <Text size="sm">{backlog.unavailable}</Text>
          {backlog.detail ? <ErrorDetail detail={backlog.detail} /> : null}
        </Stack>
      </Alert>
    );
  }
  return (
    <>
      <Stat label="Messages waiting" value={formatCount(backlog.visible)} note={`In the queue, as SQS counted at ${formatTime(backlog.checked_at)}`} />
      <Stat label="Messages in flight" value={formatCount(backlog.in_flight)} note="Received by a worker, not yet deleted" />
    </>
  );
}

function lagNote(lag: TaskLag): string {
  return `Over ${countOf(lag.objects, "object")} in the last ${countOf(lag.batches, "batch", "batches")}`;
}

function Lag({ lag }: { lag: TaskLag }) {
  if (lag.p50_ms === null || lag.p95_ms === null) {
    return <Stat label="Lag, event to rows" value="—" note="No batch has loaded objects yet" />;
  }
  return (
    <>
      <Stat label="Lag, event to rows (p50)" value={formatLag(lag.p50_ms)} note={lagNote(lag)} />
      <Stat label="Lag, event to rows (p95)" value={formatLag(lag.p95_ms)} note={`Slowest: ${formatLag(lag.max_ms ?? lag.p95_ms)}`} />
    </>
  );
}

const CHART_HEIGHT = 160;

export type Measure = "objects_loaded" | "rows_loaded";

/** The chart's numbers in one sentence: the hour's total, the busiest minute and the current one. */
export function throughputSummary(minutes: ThroughputMinute[], measure: Measure, noun: string): string {
  const total = minutes.reduce((sum, m) => sum + m[measure], 0);
  if (total === 0) return `No ${noun}s loaded in the last hour.`;
  const busiest = minutes.reduce((best, m) => (m[measure] > best[measure] ? m : best));
  const current = minutes.at(-1)!;
  return (
    `${countOf(total, noun)} loaded in the last hour; the busiest minute, ${minuteLabel(busiest.minute)}, ` +
    `had ${formatCount(busiest[measure])}; ${formatCount(current[measure])} so far this minute.`
  );
}

function ThroughputChart({ minutes, measure, title, noun, color }: { minutes: ThroughputMinute[]; measure: Measure; title: string; noun: string; color: string }) {
  return (
    <Stack gap={4} style={{ minWidth: 0 }}>
      <Title order={3} size="h6">
        {title}
      </Title>
      <Text size="sm">{throughputSummary(minutes, measure, noun)}</Text>
      {/* The sentence above and the table below say the chart's numbers to screen readers, so the
          chart is hidden from them. */}
      <div aria-hidden="true">
        <MinuteBars minutes={minutes} measure={measure} noun={noun} color={color} height={CHART_HEIGHT} />
      </div>
    </Stack>
  );
}

/** Per-minute numbers for screen readers: the minutes that loaded anything. */
function MinutesTable({ minutes }: { minutes: ThroughputMinute[] }) {
  const busy = minutes.filter((m) => m.objects_loaded > 0 || m.rows_loaded > 0);
  if (busy.length === 0) return null;
  return (
    <VisuallyHidden>
      <Table aria-label="Objects and rows loaded per minute, last hour (minutes with loads)">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Minute</Table.Th>
            <Table.Th scope="col">Objects</Table.Th>
            <Table.Th scope="col">Rows</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {busy.map((m) => (
            <Table.Tr key={m.minute}>
              <Table.Td>
                <time dateTime={m.minute}>{minuteLabel(m.minute)}</time>
              </Table.Td>
              <Table.Td>{formatCount(m.objects_loaded)}</Table.Td>
              <Table.Td>{formatCount(m.rows_loaded)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </VisuallyHidden>
  );
}

export function ActivityView({ activity }: { activity: TaskActivity }) {
  const { backlog, lag, throughput } = activity;
  const nothingYet = lag.batches === 0 && throughput.objects_loaded === 0;
  return (
    <Stack gap="md">
      {"unavailable" in backlog ? <Backlog backlog={backlog} /> : null}
      <SimpleGrid component="dl" m={0} cols={{ base: 2, md: 4 }} spacing="sm">
        {"unavailable" in backlog ? null : <Backlog backlog={backlog} />}
        <Lag lag={lag} />
      </SimpleGrid>
      {"unavailable" in backlog ? null : (
        <Stack gap={4}>
          <Title order={3} size="h6">
            Dead-letter queue
          </Title>
          <DeadLetterQueueView dlq={backlog.dead_letter} />
        </Stack>
      )}
      {nothingYet ? (
        <Text size="sm" c="dimmed">
          Nothing loaded yet. Once a worker loads objects for this task, the lag and the objects and rows per minute appear here.
        </Text>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <ThroughputChart minutes={throughput.minutes} measure="objects_loaded" title="Objects loaded per minute" noun="object" color="blue.6" />
            <ThroughputChart minutes={throughput.minutes} measure="rows_loaded" title="Rows loaded per minute" noun="row" color="teal.6" />
          </SimpleGrid>
          <MinutesTable minutes={throughput.minutes} />
        </>
      )}
    </Stack>
  );
}

export function TaskActivitySection({ taskId }: { taskId: string }) {
  const activity = useTaskActivity(taskId);
  if (activity.isPending) return <Text size="sm" c="dimmed">Loading activity…</Text>;
  const failed = activity.isError ? <Text size="sm" c="red.8">Could not load the activity: {activity.error.message}</Text> : null;
  // A failed refresh keeps the last answer on screen, with the failure above it.
  if (!activity.data) return failed;
  return (
    <Stack gap="xs">
      {failed}
      <ActivityView activity={activity.data} />
    </Stack>
  );
}
