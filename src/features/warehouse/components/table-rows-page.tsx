// A table's rows ("See the rows" from a task's page and the wizard's Target step): the columns with
// their types and the first rows as Databend gives them, in the warehouse the address names
// (`?warehouse=<id>`; left out, the organization's default). NULL is drawn unlike any text, long
// values are cut with a "Show all", and a cut answer says so.
import { Alert, Button, Code, Group, Stack, Text } from "@mantine/core";
import { useMemo } from "react";
import { useParams, useSearchParams } from "react-router";
import { WAREHOUSE_ROWS_MAX, type WarehouseRows } from "#contracts/warehouse-connection.ts";
import { columnsFor, DataTable, type DataColumn } from "../../../lib/data-table.tsx";
import { formatCount } from "../../../lib/format.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { WarehouseName } from "../../admin/public.ts";
import { useTableRows } from "../api/get-table-rows.ts";
import { RowValue } from "./row-value.tsx";

interface Row {
  n: number;
  values: (string | null)[];
}

const column = columnsFor<Row>();

function columnsOf(columns: WarehouseRows["columns"]): DataColumn<Row>[] {
  return columns.map((c, index) =>
    column.accessor((row) => row.values[index] ?? null, {
      id: `c${index}`,
      // Rows come in Databend's order; sorting 100 of them would suggest an order the table has not.
      enableSorting: false,
      header: () => (
        <>
          {c.name}{" "}
          <Text span size="xs" c="dimmed" fw={400}>
            {c.type}
          </Text>
        </>
      ),
      cell: ({ row }) => <RowValue value={row.original.values[index] ?? null} where={`${c.name} in row ${row.original.n}`} />,
    }),
  );
}

export function TableRowsPage() {
  const { db = "", table = "" } = useParams();
  const [search] = useSearchParams();
  const warehouse = search.get("warehouse") || null;
  const rows = useTableRows(warehouse, db, table);
  const name = `${db}.${table}`;
  const columns = useMemo(() => columnsOf(rows.data?.columns ?? []), [rows.data?.columns]);
  const data = useMemo<Row[]>(() => (rows.data?.rows ?? []).map((values, index) => ({ n: index + 1, values })), [rows.data?.rows]);

  return (
    <>
      <PageHeader
        title={<>Rows of {name}</>}
        lede={
          <>
            In the warehouse <WarehouseName id={warehouse} />, the first {WAREHOUSE_ROWS_MAX} rows at most, as Databend returns them.
          </>
        }
        trail={[{ label: "Warehouse" }, { label: db }, { label: table }]}
        actions={
          <Button variant="default" onClick={() => void rows.refetch()} loading={rows.isFetching && !rows.isPending}>
            Refresh
          </Button>
        }
      />
      {rows.isPending ? (
        <Loading what={`the rows of ${name}`} />
      ) : rows.isError ? (
        // The API's words: a 404 names what is missing (the table, the database or the warehouse).
        <ErrorAlert
          title={`Could not show the rows of ${name}`}
          message={rows.error.message}
          detail={rows.error instanceof ApiRequestError ? rows.error.detail : undefined}
        >
          <Group>
            <Button variant="default" size="xs" onClick={() => void rows.refetch()}>
              Retry
            </Button>
          </Group>
        </ErrorAlert>
      ) : (
        <Stack gap="sm">
          {data.length > 0 ? (
            <Text size="sm">
              {rows.data.truncated ? "The first " : "All "}
              {formatCount(data.length)} {data.length === 1 ? "row" : "rows"} of <Code>{name}</Code>.
            </Text>
          ) : null}
          {rows.data.truncated ? (
            <Alert color="blue" variant="light" title="Not everything is shown">
              The table has more rows than these, or a value was cut to keep the answer small (each value at most 1,000 characters).
              Query the table in Databend to see all of it.
            </Alert>
          ) : null}
          <DataTable
            label={`Rows of ${name}`}
            columns={columns}
            data={data}
            getRowId={(row) => String(row.n)}
            pageSize={WAREHOUSE_ROWS_MAX}
            minWidth={Math.max(480, columns.length * 160)}
            empty="The table has no rows yet."
          />
        </Stack>
      )}
    </>
  );
}
