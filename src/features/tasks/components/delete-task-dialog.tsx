import { useRef } from "react";
import { useNavigate } from "react-router";
import type { TaskRecord } from "../../../contracts/task.ts";
import { Dialog } from "../../../lib/dialog.tsx";
import { useDeleteTask } from "../api/delete-task.ts";

/** Confirmation naming the task; the server's refusal (409 while it runs) shows inside. */
export function DeleteTaskDialog({ task, onClose }: { task: TaskRecord; onClose: () => void }) {
  const navigate = useNavigate();
  const remove = useDeleteTask(task.id);
  const cancelRef = useRef<HTMLButtonElement>(null);

  async function onDelete() {
    try {
      await remove.mutateAsync();
      await navigate("/data/integration", { replace: true });
    } catch {
      // Shown below from remove.error.
    }
  }

  return (
    <Dialog
      title={`Delete task "${task.name}"?`}
      onClose={onClose}
      initialFocus={cancelRef}
      actions={
        <>
          <button type="button" className="danger-solid" onClick={() => void onDelete()} disabled={remove.isPending}>
            {remove.isPending ? "Deleting…" : "Delete"}
          </button>
          <button type="button" ref={cancelRef} onClick={onClose}>
            Cancel
          </button>
        </>
      }
    >
      <p>
        This removes the task <strong>{task.name}</strong> and its run history. Rows already loaded into{" "}
        <code>
          {task.target.database}.{task.target.table}
        </code>{" "}
        stay; the data source, its queue and the bucket are not changed.
      </p>
      {remove.isError ? (
        <div role="alert" className="alert alert-error">
          {remove.error.message}
        </div>
      ) : null}
    </Dialog>
  );
}
