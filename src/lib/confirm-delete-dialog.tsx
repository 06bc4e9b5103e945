import { useRef, type ReactNode } from "react";
import { useNavigate } from "react-router";
import { Dialog } from "./dialog.tsx";

interface DeleteMutation {
  mutateAsync: () => Promise<unknown>;
  isPending: boolean;
  error: Error | null;
}

/**
 * Asks before deleting, focusing Cancel; on success goes to `afterDelete`. A refusal from the
 * server (such as a 409 while the thing is in use) shows inside the dialog.
 */
export function ConfirmDeleteDialog({
  title,
  children,
  remove,
  afterDelete,
  onClose,
}: {
  title: string;
  children: ReactNode;
  remove: DeleteMutation;
  afterDelete: string;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const cancelRef = useRef<HTMLButtonElement>(null);

  async function onDelete() {
    try {
      await remove.mutateAsync();
      await navigate(afterDelete, { replace: true });
    } catch {
      // Shown below from remove.error.
    }
  }

  return (
    <Dialog
      title={title}
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
      {children}
      {remove.error ? (
        <div role="alert" className="alert alert-error">
          {remove.error.message}
        </div>
      ) : null}
    </Dialog>
  );
}
