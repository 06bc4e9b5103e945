// A saved data source: its values, its last connectivity test (or a new one run from here), the tasks
// using it, and the AWS setup for reference (collapsed).
import { Alert, Anchor, Button, Code, DataList, Grid, List, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useId } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { DATA_SOURCE_FIELDS, DATA_SOURCE_TYPE_LABEL, FIELD_LABELS, type DataSourceRecord } from "#contracts/data-source.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { PageHeader } from "../../../lib/page-states.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { useCan } from "../../../lib/use-can.ts";
import { useOrg } from "../../../lib/use-org.ts";
import { useRemoveDataSource } from "../api/delete-data-source.ts";
import { useDataSource } from "../api/get-data-source.ts";
import { useConnectivityTest } from "../api/test-connectivity.ts";
import { AwsSetupPanel } from "./aws-setup-panel.tsx";
import { confirmDeleteDataSource } from "./confirm-delete-data-source.tsx";
import { CheckList, ConnectivityTestResult, TestSummary } from "./connectivity-checks.tsx";
import { Loading, LoadError } from "./page-states.tsx";

const TRAIL_ROOT = { label: "Data Sources", to: "/data/sources" };

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const id = useId();
  return (
    <Paper component="section" aria-labelledby={id} withBorder radius="md" p="md">
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Configuration({ record }: { record: DataSourceRecord }) {
  return (
    <DataList labelWidth="10rem" withDivider>
      <DataList.Item>
        <DataList.ItemLabel>Type</DataList.ItemLabel>
        <DataList.ItemValue>{DATA_SOURCE_TYPE_LABEL}</DataList.ItemValue>
      </DataList.Item>
      {DATA_SOURCE_FIELDS.map((field) => (
        <DataList.Item key={field}>
          <DataList.ItemLabel>{FIELD_LABELS[field].label}</DataList.ItemLabel>
          <DataList.ItemValue style={{ overflowWrap: "anywhere", minWidth: 0 }}>
            {record[field] ? <Code>{record[field]}</Code> : <Text span size="sm" c="dimmed">Not set (all objects)</Text>}
          </DataList.ItemValue>
        </DataList.Item>
      ))}
      <DataList.Item>
        <DataList.ItemLabel>Created</DataList.ItemLabel>
        <DataList.ItemValue>
          <time dateTime={record.created_at}>{formatDateTime(record.created_at)}</time>
        </DataList.ItemValue>
      </DataList.Item>
      <DataList.Item>
        <DataList.ItemLabel>Updated</DataList.ItemLabel>
        <DataList.ItemValue>
          <time dateTime={record.updated_at}>{formatDateTime(record.updated_at)}</time>
        </DataList.ItemValue>
      </DataList.Item>
    </DataList>
  );
}

export function DataSourceDetailPage() {
  const id = useParams().id ?? "";
  const source = useDataSource(id);
  const org = useOrg();
  const navigate = useNavigate();
  const remove = useRemoveDataSource();
  const test = useConnectivityTest();
  const blockedId = useId();
  const can = useCan("operate");

  if (source.isPending) {
    return (
      <>
        <PageHeader title="Data source" trail={[TRAIL_ROOT, { label: id }]} />
        <Loading what="the data source" />
      </>
    );
  }
  if (source.isError) {
    return (
      <>
        <PageHeader title="Data source" trail={[TRAIL_ROOT, { label: id }]} />
        <LoadError error={source.error} what="data source" retry={() => void source.refetch()} />
      </>
    );
  }

  const record = source.data;
  const inUse = record.used_by.length > 0;
  const running = test.run.phase === "running";
  return (
    <>
      <PageHeader
        title={record.name}
        lede={DATA_SOURCE_TYPE_LABEL}
        trail={[TRAIL_ROOT, { label: record.name }]}
        actions={
          !can.allowed ? (
            <>
              <DisabledButton reason={can.reason}>Test Connectivity</DisabledButton>
              <DisabledButton reason={can.reason}>Edit</DisabledButton>
              <DisabledButton reason={can.reason} variant="light" color="red">
                Delete
              </DisabledButton>
            </>
          ) : (
            <>
              <Button
                variant="default"
                onClick={() => (running ? undefined : void test.start(record))}
                aria-disabled={running || undefined}
                leftSection={running ? <Loader size={14} aria-hidden="true" /> : undefined}
              >
                Test Connectivity
              </Button>
              {running ? (
                <Button variant="subtle" color="gray" onClick={test.cancel}>
                  Cancel
                </Button>
              ) : null}
              <Button component={Link} to={`/data/sources/${encodeURIComponent(record.id)}/edit`} variant="default">
                Edit
              </Button>
              <Button
                color="red"
                variant="light"
                disabled={inUse}
                aria-describedby={inUse ? blockedId : undefined}
                onClick={() => confirmDeleteDataSource(record, remove, () => void navigate("/data/sources"))}
              >
                Delete
              </Button>
            </>
          )
        }
      />
      {inUse ? (
        <Alert id={blockedId} color="blue" variant="light" mb="md">
          Delete is unavailable: this data source is used by {record.used_by.map((task) => task.name).join(", ")}.
          Delete those tasks or switch them to another data source first.
        </Alert>
      ) : null}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title="Configuration">
              <Configuration record={record} />
            </Section>

            <Section title={test.run.phase === "idle" ? "Last connectivity test" : "Connectivity test"}>
              {test.run.phase !== "idle" ? (
                <ConnectivityTestResult run={test.run} stale={false} />
              ) : record.last_test ? (
                <Stack gap="sm">
                  <TestSummary checks={record.last_test.checks} ok={record.last_test.ok} testedAt={record.last_test.tested_at} />
                  <CheckList checks={record.last_test.checks} />
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  Not tested yet. Run Test Connectivity to check the role, the queue and the bucket.
                </Text>
              )}
            </Section>

            <Section title="Used by">
              {inUse ? (
                <List aria-label="Integration tasks using this data source" size="sm">
                  {record.used_by.map((task) => (
                    <List.Item key={task.id}>
                      <Anchor component={Link} to={`/data/integration/${encodeURIComponent(task.id)}`} size="sm">
                        {task.name}
                      </Anchor>
                    </List.Item>
                  ))}
                </List>
              ) : (
                <Stack gap="xs" align="flex-start">
                  <Text size="sm" c="dimmed">
                    No integration task uses this data source yet.
                  </Text>
                  {/* Not a dead end: the next step, with this source chosen in the wizard. */}
                  {can.allowed ? (
                    <Button component={Link} to={`/data/integration/new?source=${encodeURIComponent(record.id)}`} size="sm">
                      Create task
                    </Button>
                  ) : null}
                </Stack>
              )}
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <AwsSetupPanel values={record} org={org.data} opened={false} purges={record.purges ?? false} />
        </Grid.Col>
      </Grid>
    </>
  );
}
