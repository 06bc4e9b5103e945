// Create Integration Task: the wizard once the data sources are loaded; without one, a way to
// create it first.
import { Button, Paper, Stack, Text, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { Loading, LoadError, PageHeader } from "../../../lib/page-states.tsx";
import { useDataSources } from "../../data-sources/public.ts";
import { TASKS_ROOT } from "../task-state.ts";
import { TaskWizard } from "./wizard/task-wizard.tsx";

export function CreateTaskPage() {
  const sources = useDataSources();
  // "Create task" on a data source's page names it (?source=<id>): the wizard starts with it chosen.
  const [search] = useSearchParams();
  return (
    <>
      <PageHeader
        title="Create Integration Task"
        lede="Load each new object a data source announces into a Databend table."
        trail={[TASKS_ROOT, { label: "Create Integration Task" }]}
      />
      {sources.isPending ? (
        <Loading what="data sources" />
      ) : sources.isError ? (
        <LoadError error={sources.error} what="data sources" retry={() => void sources.refetch()} back={TASKS_ROOT} />
      ) : sources.data.length === 0 ? (
        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm" align="flex-start">
            <Title order={2} size="h4">
              No data sources yet
            </Title>
            <Text size="sm">
              A task reads the S3 events of a data source. Create one first, then come back to create the task.
            </Text>
            <Button component={Link} to="/data/sources/new">
              Create Data Source
            </Button>
          </Stack>
        </Paper>
      ) : (
        <TaskWizard sources={sources.data} sourceId={search.get("source")} />
      )}
    </>
  );
}
