// An existing table's columns against the sample's: which file column goes where (CSV by position,
// NDJSON and Parquet by name, said in words), with missing and extra columns and type mismatches
// flagged, so a table that would refuse the files is seen before the task is saved.
import { Alert, Code, List, Stack, Table, Text, Title } from "@mantine/core";
import { ApiRequestError } from "../../../../lib/api-client.ts";
import { ErrorAlert } from "../../../../lib/error-detail.tsx";
import { Loading } from "../../../../lib/page-states.tsx";
import { useWarehouseColumns } from "../../../warehouse/public.ts";
import type { PreviewRequest } from "#contracts/preview.ts";
import { usePreview } from "../../api/preview-task.ts";
import { mapColumns } from "./column-mapping.ts";
import { MATCH_BY_TEXT } from "./preview-sample.tsx";

export function TableMapping({
  warehouse,
  db,
  table,
  request,
}: {
  warehouse: string | null;
  db: string;
  table: string;
  request: PreviewRequest | null;
}) {
  const columns = useWarehouseColumns(warehouse, db, table);
  const preview = usePreview(request);
  const name = `${db}.${table}`;
  if (columns.isPending) return <Loading what={`the columns of ${name}`} />;
  if (columns.isError) {
    return (
      <ErrorAlert
        title={`Could not read the columns of ${name}`}
        message={columns.error.message}
        detail={columns.error instanceof ApiRequestError ? columns.error.detail : undefined}
      />
    );
  }
  const sample = preview.data?.sample ?? null;
  const mapping = sample ? mapColumns(columns.data.items, sample) : null;
  const rows = mapping?.rows ?? columns.data.items.map((c) => ({ table: c, file: null, problem: null }));
  const label = `Columns of ${name}${sample ? " against the sample" : ""}`;

  return (
    <Stack gap="sm" component="section" aria-label={`Columns of ${name}`}>
      <Title order={3} size="h5">
        Columns of <Code>{name}</Code>
      </Title>
      {!sample ? (
        <Text size="sm">
          {preview.isFetching ? "Reading the sample…" : "No sample was read (see Preview), so the file's columns are not compared with the table's."}
        </Text>
      ) : (
        <>
          <Text size="sm">{MATCH_BY_TEXT[sample.match_by]}</Text>
          {mapping && mapping.problems.length > 0 ? (
            <Alert color="yellow" variant="light" title="The sample does not fit this table">
              <List size="sm" spacing={4}>
                {mapping.problems.map((problem) => (
                  <List.Item key={problem}>{problem}</List.Item>
                ))}
              </List>
            </Alert>
          ) : (
            <Alert color="green" variant="light" title="The sample fits this table">
              Every column of the sample has a table column of a type that takes its values.
            </Alert>
          )}
        </>
      )}
      <Table.ScrollContainer minWidth={560} type="native" tabIndex={0} role="region" aria-label={label}>
        <Table striped verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Table column</Table.Th>
              <Table.Th scope="col">Type</Table.Th>
              {sample ? (
                <>
                  <Table.Th scope="col">{sample.match_by === "position" ? "File column (by position)" : "File field (by name)"}</Table.Th>
                  <Table.Th scope="col">Sample type</Table.Th>
                  <Table.Th scope="col">Check</Table.Th>
                </>
              ) : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, index) => (
              <Table.Tr key={index}>
                <Table.Td>{row.table ? <Code>{row.table.name}</Code> : "—"}</Table.Td>
                <Table.Td>{row.table ? `${row.table.type}${row.table.nullable ? "" : " NOT NULL"}` : "—"}</Table.Td>
                {sample ? (
                  <>
                    <Table.Td>{row.file ? <Code>{row.file.name}</Code> : "—"}</Table.Td>
                    <Table.Td>{row.file?.type ?? "—"}</Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={row.problem ? 600 : 400}>
                        {row.problem ?? "Fits"}
                      </Text>
                    </Table.Td>
                  </>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
