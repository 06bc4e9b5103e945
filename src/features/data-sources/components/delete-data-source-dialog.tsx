import type { DataSourceRecord } from "#contracts/data-source.ts";
import { ConfirmDeleteDialog } from "../../../lib/confirm-delete-dialog.tsx";
import { useDeleteDataSource } from "../api/delete-data-source.ts";

/** Confirmation naming the source; the server's refusal (409 while a task uses it) shows inside. */
export function DeleteDataSourceDialog({ source, onClose }: { source: DataSourceRecord; onClose: () => void }) {
  const remove = useDeleteDataSource(source.id);
  return (
    <ConfirmDeleteDialog
      title={`Delete data source "${source.name}"?`}
      remove={remove}
      afterDelete="/data/sources"
      onClose={onClose}
    >
      <p>
        This removes the data source <strong>{source.name}</strong> from Databend. Your SQS queue, S3 bucket and IAM
        role in AWS are not changed.
      </p>
    </ConfirmDeleteDialog>
  );
}
