// The workers holding a task, each with its last heartbeat; one that stopped answering says so
// (it was killed or lost its network: its claims expire and the others take its work over).
import type { TaskWorker } from "#contracts/task.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { useTaskWorkers } from "../api/get-task-workers.ts";

function Worker({ worker }: { worker: TaskWorker }) {
  return (
    <li>
      <code>{worker.worker_id}</code> <span className="muted">last heartbeat</span>{" "}
      <time dateTime={worker.heartbeat_at}>{formatDateTime(worker.heartbeat_at)}</time>
      {worker.live ? null : <span className="error-text"> (not responding)</span>}
    </li>
  );
}

export function TaskWorkers({ taskId, live }: { taskId: string; live: boolean }) {
  const workers = useTaskWorkers(taskId, { live });
  if (workers.isPending) return <span className="muted">Loading…</span>;
  if (workers.isError) return <span className="error-text">Could not load the workers: {workers.error.message}</span>;
  if (workers.data.length === 0) return <span className="muted">No worker holds this task</span>;
  return (
    <ul className="worker-list" aria-label="Workers holding the task">
      {workers.data.map((w) => (
        <Worker key={w.worker_id} worker={w} />
      ))}
    </ul>
  );
}
