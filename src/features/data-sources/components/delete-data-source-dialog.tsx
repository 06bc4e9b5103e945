import { useRef } from "react";
import { useNavigate } from "react-router";
import type { DataSourceRecord } from "../../../contracts/data-source.ts";
import { Dialog } from "../../../lib/dialog.tsx";
import { useDeleteDataSource } from "../api/delete-data-source.ts";

/** Confirmation naming the source; the server's refusal (409 while a task uses it) shows inside. */
export function DeleteDataSourceDialog({ source, onClose }: { source: DataSourceRecord; onClose: () => void }) {
  const navigate = useNavigate();
  const remove = useDeleteDataSource(source.id);
  const cancelRef = useRef<HTMLButtonElement>(null);

  async function onDelete() {
    try {
      await remove.mutateAsync();
      await navigate("/data/sources", { replace: true });
    } catch {
      // Shown below from remove.error.
    }
  }

  return (
    <Dialog
      title={`Delete data source "${source.name}"?`}
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
        This removes the data source <strong>{source.name}</strong> from Databend. Your SQS queue, S3 bucket and IAM
        role in AWS are not changed.
      </p>
      {remove.isError ? (
        <div role="alert" className="alert alert-error">
          {remove.error.message}
        </div>
      ) : null}
    </Dialog>
  );
}
