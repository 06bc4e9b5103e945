import type { TaskRecord } from "#contracts/task.ts";
import { ConfirmDeleteDialog } from "../../../lib/confirm-delete-dialog.tsx";
import { useDeleteTask } from "../api/delete-task.ts";

/** Confirmation naming the task; the server's refusal (409 while it runs) shows inside. */
export function DeleteTaskDialog({ task, onClose }: { task: TaskRecord; onClose: () => void }) {
  const remove = useDeleteTask(task.id);
  return (
    <ConfirmDeleteDialog title={`Delete task "${task.name}"?`} remove={remove} afterDelete="/data/integration" onClose={onClose}>
      <p>
        This removes the task <strong>{task.name}</strong> and its run history. Rows already loaded into{" "}
        <code>
          {task.target.database}.{task.target.table}
        </code>{" "}
        stay; the data source, its queue and the bucket are not changed.
      </p>
    </ConfirmDeleteDialog>
  );
}
