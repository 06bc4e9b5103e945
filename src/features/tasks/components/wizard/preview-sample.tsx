// The sample object as Databend read it: its columns (name, type, nullable), how they were found,
// how a table's columns meet them, what a load would refuse, and up to 20 rows in a frame that
// scrolls on its own (wide files never push the page sideways).
import { Alert, Code, Group, List, Loader, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { JsonValue, PreviewColumn, PreviewResponse, PreviewSample as Sample } from "#contracts/preview.ts";
import { columnsFor, DataTable } from "../../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../../lib/error-detail.tsx";

const column = columnsFor<PreviewColumn>();
const COLUMN_COLUMNS = [
  column.accessor("name", { header: "Column", cell: (info) => <Code>{info.getValue()}</Code> }),
  column.accessor("type", { header: "Type" }),
  column.accessor("nullable", { header: "Nullable", cell: (info) => (info.getValue() ? "yes" : "no") }),
];

export const INFERRED_BY_TEXT: Record<Sample["inferred_by"], string> = {
  databend: "Databend read these columns and their types from the file itself.",
  sample: "Databend read the values; the types were inferred from the sample values, so check them before creating a table.",
};

export const MATCH_BY_TEXT: Record<Sample["match_by"], string> = {
  position: "CSV columns go into a table by position: the file's first column into the table's first column, and so on.",
  name: "Columns go into a table by name: each table column takes the file's field of the same name.",
};

function cellText(value: JsonValue): ReactNode {
  if (value === null) {
    return (
      <Text span c="dimmed" size="sm">
        NULL
      </Text>
    );
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function SampleRows({ sample }: { sample: Sample }) {
  const label = `Rows of ${sample.key}`;
  return (
    <Table.ScrollContainer
      minWidth={Math.max(320, sample.columns.length * 140)}
      maxHeight={420}
      type="native"
      // Nothing inside is focusable: the frame takes focus so the keyboard can scroll it (axe).
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      <Table striped stickyHeader verticalSpacing="xs" aria-label={label} style={{ whiteSpace: "nowrap" }}>
        <Table.Thead>
          <Table.Tr>
            {sample.columns.map((c) => (
              <Table.Th key={c.name} scope="col">
                {c.name}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sample.rows.map((row, index) => (
            <Table.Tr key={index}>
              {row.map((value, i) => (
                <Table.Td key={i} maw={320} style={{ overflow: "hidden", textOverflow: "ellipsis" }}>
                  {cellText(value)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function PreviewSample({
  response,
  sampleKey,
  reading,
  retry,
}: {
  response: PreviewResponse;
  sampleKey: string | undefined;
  /** Another sample is being read (the list shown is the previous answer's). */
  reading: boolean;
  retry: ReactNode;
}) {
  if (reading) {
    return (
      <Group role="status" gap="xs" py="sm">
        <Loader size="sm" aria-hidden="true" />
        <Text size="sm">Reading {sampleKey} with Databend…</Text>
      </Group>
    );
  }
  if (response.sample_error) {
    return (
      <ErrorAlert title={`Databend could not read ${sampleKey ?? "the sample"}`} message={response.sample_error.error} detail={response.sample_error.detail}>
        <Text size="sm">Choose another object, or change the file format on Files.</Text>
        {retry}
      </ErrorAlert>
    );
  }
  const sample = response.sample;
  if (!sample) return null;
  return (
    <Stack gap="sm" component="section" aria-label="Sample">
      <Title order={3} size="h5">
        Sample: <Code>{sample.key}</Code>
      </Title>
      <Text size="sm">{INFERRED_BY_TEXT[sample.inferred_by]}</Text>
      <Text size="sm">{MATCH_BY_TEXT[sample.match_by]}</Text>
      {sample.warnings.length > 0 ? (
        <Alert color="yellow" variant="light" title="A load with this format would refuse part of the sample">
          <List size="sm" spacing={4}>
            {sample.warnings.map((warning) => (
              <List.Item key={warning}>{warning}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      <DataTable label={`Columns of ${sample.key}`} columns={COLUMN_COLUMNS} data={sample.columns} getRowId={(c) => c.name} minWidth={320} pageSize={50} />
      <Text size="sm" c="dimmed">
        {sample.rows.length === 0
          ? "The sample has no rows."
          : `The first ${sample.rows.length} row${sample.rows.length === 1 ? "" : "s"}${sample.truncated ? " (long values cut)" : ""}:`}
      </Text>
      {sample.rows.length > 0 ? <SampleRows sample={sample} /> : null}
    </Stack>
  );
}
