// The Data Sources list: sortable, filterable, with Edit and Delete on every row; an explanation and
// Create Data Source when there are none.
import { Anchor, Button, Code, EmptyState, Group, Stack, Text, VisuallyHidden } from "@mantine/core";
import { useCallback } from "react";
import { Link, useNavigate } from "react-router";
import { parseQueueUrl } from "#contracts/aws-names.ts";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { PageHeader } from "../../../lib/page-states.tsx";
import { useCan } from "../../../lib/use-can.ts";
import { useRemoveDataSource } from "../api/delete-data-source.ts";
import { useDataSources } from "../api/get-data-sources.ts";
import { confirmDeleteDataSource } from "./confirm-delete-data-source.tsx";
import { LastTest, lastTestRank } from "./last-test.tsx";
import { Loading, LoadError } from "./page-states.tsx";

function queueName(source: DataSourceRecord): string {
  return parseQueueUrl(source.queue_url)?.queueName ?? source.queue_url;
}

export function Scope({ prefix, suffix }: { prefix: string; suffix: string }) {
  if (!prefix && !suffix) {
    return (
      <Text size="sm" c="dimmed">
        All objects
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {prefix ? (
        <Text size="sm">
          <Text span c="dimmed" size="sm">
            prefix{" "}
          </Text>
          <Code style={{ whiteSpace: "nowrap" }}>{prefix}</Code>
        </Text>
      ) : null}
      {suffix ? (
        <Text size="sm">
          <Text span c="dimmed" size="sm">
            suffix{" "}
          </Text>
          <Code style={{ whiteSpace: "nowrap" }}>{suffix}</Code>
        </Text>
      ) : null}
    </Stack>
  );
}

const column = columnsFor<DataSourceRecord>();
const COLUMNS = [
  column.accessor("name", {
    header: "Name",
    sortFn: "text",
    cell: ({ row }) => (
      <Anchor component={Link} to={`/data/sources/${encodeURIComponent(row.original.id)}`} fw={600} size="sm">
        {row.original.name}
      </Anchor>
    ),
  }),
  column.accessor("bucket", { header: "Bucket", sortFn: "text", cell: ({ getValue }) => <Code style={{ whiteSpace: "nowrap" }}>{getValue()}</Code> }),
  column.accessor((source) => `${source.prefix} ${source.suffix}`, {
    id: "scope",
    header: "Prefix / Suffix",
    sortFn: "text",
    cell: ({ row }) => <Scope prefix={row.original.prefix} suffix={row.original.suffix} />,
  }),
  column.accessor((source) => `${queueName(source)} ${source.queue_region}`, {
    id: "queue",
    header: "Queue",
    sortFn: "text",
    cell: ({ row }) => (
      <Stack gap={0}>
        <Text size="sm" title={row.original.queue_url} style={{ whiteSpace: "nowrap" }}>
          {queueName(row.original)}
        </Text>
        <Text size="xs" c="dimmed">
          {row.original.queue_region}
        </Text>
      </Stack>
    ),
  }),
  column.accessor((source) => (source.last_test ? (source.last_test.ok ? "passed" : "failed") : "not tested"), {
    id: "last_test",
    header: "Last test",
    sortFn: (a, b) => lastTestRank(a.original.last_test) - lastTestRank(b.original.last_test),
    sortDescFirst: false,
    cell: ({ row }) => <LastTest test={row.original.last_test} />,
  }),
  column.accessor("created_at", {
    header: "Created",
    sortFn: "text",
    cell: ({ getValue }) => (
      <Text size="sm" span style={{ whiteSpace: "nowrap" }}>
        <time dateTime={getValue()}>{formatDateTime(getValue())}</time>
      </Text>
    ),
  }),
];

function CreateButton() {
  const navigate = useNavigate();
  const can = useCan("operate");
  if (!can.allowed) return <DisabledButton reason={can.reason} variant="filled">Create Data Source</DisabledButton>;
  return <Button onClick={() => void navigate("/data/sources/new")}>Create Data Source</Button>;
}

export function DataSourcesPage() {
  const sources = useDataSources();
  const items = sources.data ?? [];
  const navigate = useNavigate();
  const remove = useRemoveDataSource();
  const can = useCan("operate");
  const actions = useCallback(
    (source: DataSourceRecord) =>
      !can.allowed ? (
        <Group gap={6} wrap="nowrap">
          <DisabledButton reason={can.reason} size="compact-sm">
            Edit <VisuallyHidden>{source.name}</VisuallyHidden>
          </DisabledButton>
          <DisabledButton reason={can.reason} size="compact-sm" variant="light" color="red">
            Delete <VisuallyHidden>{source.name}</VisuallyHidden>
          </DisabledButton>
        </Group>
      ) : (
        <Group gap={6} wrap="nowrap">
          {/* A button (like Create Data Source), so the row's only link is the source's name. */}
          <Button
            variant="default"
            size="compact-sm"
            onClick={() => void navigate(`/data/sources/${encodeURIComponent(source.id)}/edit`)}
          >
            Edit{" "}
            <VisuallyHidden>{source.name}</VisuallyHidden>
          </Button>
          <Button
            variant="light"
            color="red"
            size="compact-sm"
            onClick={() => confirmDeleteDataSource(source, remove, () => void navigate("/data/sources"))}
          >
            Delete{" "}
            <VisuallyHidden>{source.name}</VisuallyHidden>
          </Button>
        </Group>
      ),
    [navigate, remove, can.allowed, can.reason],
  );

  return (
    <>
      <PageHeader
        title="Data Sources"
        lede="Connections Databend uses to read your data. Integration tasks load data from them."
        // One Create Data Source at a time: the empty state carries its own.
        actions={sources.isSuccess && items.length === 0 ? null : <CreateButton />}
      />
      {sources.isPending ? (
        <Loading what="data sources" />
      ) : sources.isError ? (
        <LoadError error={sources.error} what="data sources" retry={() => void sources.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState align="left" maw={640} py="lg">
          <EmptyState.Title order={2}>No data sources yet</EmptyState.Title>
          <EmptyState.Description>
            A data source stores how Databend reaches your AWS account: the SQS queue that receives S3 ObjectCreated
            events, the bucket, and the IAM role Databend assumes with your External ID. It consumes nothing by itself;
            an integration task uses it to load new objects into a table.
          </EmptyState.Description>
          <EmptyState.Actions>
            <CreateButton />
          </EmptyState.Actions>
        </EmptyState>
      ) : (
        <DataTable
          label="Data sources"
          columns={COLUMNS}
          data={items}
          getRowId={(source) => source.id}
          initialSort={[{ id: "created_at", desc: true }]}
          filter={{ label: "Filter data sources", placeholder: "Name, bucket, queue…" }}
          actions={actions}
          minWidth={860}
          card={{ title: "name", status: "last_test" }}
        />
      )}
    </>
  );
}
