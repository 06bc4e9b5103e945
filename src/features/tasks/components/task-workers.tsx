// The workers holding a task, each with its last heartbeat; one that stopped answering says so
// (it was killed or lost its network: its claims expire and the others take its work over).
import { Code, Table, Text } from "@mantine/core";
import { formatDateTime } from "../../../lib/format.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { useTaskWorkers } from "../api/get-task-workers.ts";

export function TaskWorkers({ taskId, live }: { taskId: string; live: boolean }) {
  const workers = useTaskWorkers(taskId, { live });
  if (workers.isPending) return <Text size="sm" c="dimmed">Loading workers…</Text>;
  if (workers.isError) return <Text size="sm" c="red.8">Could not load the workers: {workers.error.message}</Text>;
  if (workers.data.length === 0) return <Text size="sm" c="dimmed">No worker holds this task</Text>;
  return (
    // Four short columns wrap to fit a phone: no scrolling frame (it would hold nothing focusable).
    <Table verticalSpacing={4} aria-label="Workers holding the task">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Worker</Table.Th>
          <Table.Th scope="col">Since</Table.Th>
          <Table.Th scope="col">Last heartbeat</Table.Th>
          <Table.Th scope="col">State</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {workers.data.map((worker) => (
          <Table.Tr key={worker.worker_id}>
            <Table.Td style={{ overflowWrap: "anywhere" }}>
              <Code>{worker.worker_id}</Code>
            </Table.Td>
            <Table.Td>
              <time dateTime={worker.started_at}>{formatDateTime(worker.started_at)}</time>
            </Table.Td>
            <Table.Td>
              <time dateTime={worker.heartbeat_at}>{formatDateTime(worker.heartbeat_at)}</time>
            </Table.Td>
            <Table.Td>
              {worker.live ? <StatusBadge status="pass" text="Live" /> : <StatusBadge status="warn" text="Not responding" />}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
