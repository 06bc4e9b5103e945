// The sample object as Databend read it: its columns (name, type, nullable) typed from it and a few
// other objects (how many files and rows, and where the files disagree), how they were found, how a
// table's columns meet them, what a load would refuse, and up to 20 rows in a frame that scrolls on
// its own (wide files never push the page sideways).
import { Alert, Badge, Code, Group, List, Loader, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { JsonValue, PreviewColumn, PreviewResponse, PreviewSample as Sample } from "#contracts/preview.ts";
import { columnsFor, DataTable } from "../../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../../lib/error-detail.tsx";
import { countOf } from "../../../../lib/format.ts";

type Disagreement = Sample["disagreements"][number];
type ColumnRow = PreviewColumn & { disagreement: Disagreement | undefined };


/** "BIGINT in 1 file, DOUBLE in 2 files → DOUBLE": the counts behind a widened type. */
export function disagreementText(d: Disagreement): string {
  return `${d.types.map((t) => `${t.type} in ${countOf(t.keys.length, "file")}`).join(", ")} → ${d.type}`;
}

const column = columnsFor<ColumnRow>();
// The mark sits in the type's own cell, under the type it explains: a fourth column would be cut
// off behind the table's sideways scroll on a phone.
const COLUMN_COLUMNS = [
  column.accessor("name", { header: "Column", cell: (info) => <Code>{info.getValue()}</Code> }),
  column.accessor("type", {
    header: "Type",
    cell: (info) => {
      const d = info.row.original.disagreement;
      if (!d) return info.getValue();
      return (
        <Stack gap={4} align="flex-start">
          <span>{info.getValue()}</span>
          <Badge color="yellow" variant="light" tt="none" size="md">
            Files disagree
          </Badge>
          <Text size="sm">{disagreementText(d)}</Text>
        </Stack>
      );
    },
  }),
  column.accessor("nullable", { header: "Nullable", cell: (info) => (info.getValue() ? "yes" : "no") }),
];

export const INFERRED_BY_TEXT: Record<Sample["inferred_by"], string> = {
  databend: "Databend read these columns and their types from each file itself.",
  sample: "Databend read the values; the types were inferred from the values of the files read, so check them before creating a table.",
};

/** "Column types from 3 files (42 rows): …": what the types were inferred from. */
export function typedFromText(sample: Sample): string {
  const rows = sample.typed_from.reduce((n, f) => n + f.rows, 0);
  const files = sample.typed_from.length;
  const what = `Column types from ${countOf(files, "file")} (${countOf(rows, "row")})`;
  return files === 1
    ? `${what}: this object only, as no other object in scope has its extension${sample.typing_left_out.length > 0 ? " and could be read" : ""}.`
    : `${what}: this object and the ${countOf(files - 1, "other")} read with it (the newest and the oldest in scope). Each type takes the values of all of them.`;
}

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

function columnRows(sample: Sample): ColumnRow[] {
  return sample.columns.map((c) => ({ ...c, disagreement: sample.disagreements.find((d) => d.column === c.name) }));
}

/** Which files hold which type where they disagree, and the files chosen but not read, by key. */
function TypingDetail({ sample }: { sample: Sample }) {
  return (
    <>
      {sample.disagreements.length > 0 ? (
        <Stack gap={4}>
          <Text size="sm">Where the files disagree, the proposed type takes every file&apos;s values:</Text>
          <List size="sm" spacing={4} aria-label="Where the files disagree" style={{ overflowWrap: "anywhere" }}>
            {sample.disagreements.map((d) => (
              <List.Item key={d.column}>
                {d.column}: {d.types.map((t) => `${t.type} in ${t.keys.join(", ")}`).join("; ")}
              </List.Item>
            ))}
          </List>
        </Stack>
      ) : null}
      {sample.typing_left_out.length > 0 ? (
        <Stack gap={4}>
          <Text size="sm">Not read for the types:</Text>
          <List size="sm" spacing={4} aria-label="Files not read for the types" style={{ overflowWrap: "anywhere" }}>
            {sample.typing_left_out.map((f) => (
              <List.Item key={f.key}>
                {f.key}: {f.reason}
              </List.Item>
            ))}
          </List>
        </Stack>
      ) : null}
    </>
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
      <Text size="sm">{typedFromText(sample)}</Text>
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
      <DataTable label={`Columns of ${sample.key}`} columns={COLUMN_COLUMNS} data={columnRows(sample)} getRowId={(c) => c.name} minWidth={320} pageSize={50} />
      <TypingDetail sample={sample} />
      <Text size="sm" c="dimmed">
        {sample.rows.length === 0
          ? "The sample has no rows."
          : `${sample.rows.length === 1 ? "The first row" : `The first ${countOf(sample.rows.length, "row")}`}${sample.truncated ? " (long values cut)" : ""}:`}
      </Text>
      {sample.rows.length > 0 ? <SampleRows sample={sample} /> : null}
    </Stack>
  );
}
