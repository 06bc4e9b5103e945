// Delete a data source from the list or its page: the shared confirm modal and progress notice, with
// the server's refusal (409 while a task uses it) as the failure notice.
import { Text } from "@mantine/core";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";

export function confirmDeleteDataSource(
  source: Pick<DataSourceRecord, "id" | "name" | "used_by">,
  remove: (id: string) => Promise<void>,
  afterDelete: () => void,
) {
  const tasks = source.used_by.map((task) => task.name).join(", ");
  confirmDelete({
    title: `Delete data source "${source.name}"?`,
    body: (
      <Text size="sm">
        This removes the data source <strong>{source.name}</strong> from Databend. Your SQS queue, S3 bucket and IAM
        role in AWS are not changed.
        {tasks ? ` It is used by ${tasks}; Databend refuses to delete it until those tasks stop using it.` : null}
      </Text>
    ),
    what: `data source "${source.name}"`,
    remove: () => remove(source.id),
    afterDelete,
  });
}
