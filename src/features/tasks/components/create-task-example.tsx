// The empty state's "Create through the API" example (collapsed; the wizard is the main way): a minimal valid body of the contract.
import type { TaskFormValues } from "#contracts/task.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";

/** The smallest body POST /api/tasks accepts; everything left out takes the contract's default. */
export const EXAMPLE_TASK: TaskFormValues = {
  name: "load-orders",
  data_source_id: "<data source id>",
  file_format: { type: "csv" },
  target: { database: "default", table: "orders" },
};

export function createTaskCurl(origin: string, body: TaskFormValues = EXAMPLE_TASK): string {
  return [
    `curl -X POST ${origin}/api/tasks \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '${JSON.stringify(body, null, 2).replaceAll("'", "'\\''")}'`,
  ].join("\n");
}

export function CreateTaskExample() {
  const origin = window.location.origin;
  return (
    <details className="api-example">
      <summary>Create through the API</summary>
      <p>
        Replace <code>&lt;data source id&gt;</code> with the id at the end of
        the data source's page address (Data Sources, then the source), and the table with one that exists in Databend.
        Prefix and suffix default to the data source's; on_error defaults to abort and purge to off.
      </p>
      <CodeBlock title="Create a task" what="the create-task command" code={createTaskCurl(origin)} />
      <p>The task is created stopped; start it here with Start.</p>
    </details>
  );
}
