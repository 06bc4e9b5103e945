// "Create through the API" (collapsed; the wizard is the main way): a minimal valid body of the contract.
import { Accordion, Code, Stack, Text } from "@mantine/core";
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
    `  -H 'authorization: Bearer <API key>' \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '${JSON.stringify(body, null, 2).replaceAll("'", "'\\''")}'`,
  ].join("\n");
}

export function CreateTaskExample() {
  const origin = window.location.origin;
  return (
    <Accordion variant="contained" mt="lg" chevronPosition="left">
      <Accordion.Item value="api">
        <Accordion.Control>Create through the API</Accordion.Control>
        <Accordion.Panel>
          <Stack gap="sm">
            <Text size="sm">
              Replace <Code>&lt;API key&gt;</Code> with a key of the operator or admin role (Organization, then API keys),{" "}
              <Code>&lt;data source id&gt;</Code> with the id at the end of the data source's page address (Data
              Sources, then the source), and the table with one that exists in Databend. Prefix and suffix default to the
              data source's; on_error defaults to abort and purge to off.
            </Text>
            <CodeBlock title="Create a task" what="the create-task command" code={createTaskCurl(origin)} />
            <Text size="sm">The task is created stopped; start it here with Start.</Text>
          </Stack>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
