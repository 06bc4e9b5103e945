// Step 4: the warehouse and the Databend table the objects load into, then what a bad row does, and
// purge. The database and table are chosen from what the chosen warehouse holds (GET
// /api/warehouse/...?warehouse=<id>): an existing table, shown against the sample's columns (and
// its rows a link away), or a new one drafted from the sample, which Create on Review makes with
// the task (both or neither; nothing is made here). Which of the two is on follows what the
// database holds until the person chooses (table-mode.ts). When Databend cannot be listed, the
// names are typed instead (checked when the task is saved).
import { Alert, Anchor, Button, Group, Radio, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { Controller, useWatch } from "react-hook-form";
import { ApiRequestError } from "../../../../lib/api-client.ts";
import { ErrorDetail } from "../../../../lib/error-detail.tsx";
import { Loading } from "../../../../lib/page-states.tsx";
import { rowsPath, useWarehouseDatabases, useWarehouseTables } from "../../../warehouse/public.ts";
import type { PreviewRequest } from "#contracts/preview.ts";
import { usePreview } from "../../api/preview-task.ts";
import { useTaskForm } from "./form-context.ts";
import { LoadOptions } from "./load-options.tsx";
import { columnsFromSample, NewTableEditor, type NewTableForm } from "./new-table.tsx";
import { TableMapping } from "./table-mapping.tsx";
import type { TableMode } from "./table-mode.ts";
import { WarehouseChoice } from "./warehouse-choice.tsx";

export interface TableChoice {
  /** What is shown: the person's choice, else what the database holds (null while it is listed). */
  mode: TableMode | null;
  /** The person's choice; null lets it follow what the database holds. */
  setMode: (mode: TableMode | null) => void;
  newTable: NewTableForm;
}

/** The names typed by hand: Databend could not be listed (or the table list of a database could not). */
function TypedTarget({
  why,
  detail,
  databaseToo,
  retry,
}: {
  why: string;
  detail: string | undefined;
  databaseToo: boolean;
  retry: { run: () => void; busy: boolean };
}) {
  const { register, formState } = useTaskForm();
  const errors = formState.errors;
  return (
    <>
      <Alert color="yellow" variant="light" title={databaseToo ? "Could not list Databend's databases" : "Could not list the tables"}>
        <Stack gap="xs">
          <Text size="sm">{why} Type the names instead; the table is checked when the task is saved and started.</Text>
          {detail ? <ErrorDetail detail={detail} /> : null}
          <Group>
            <Button variant="default" size="xs" onClick={retry.run} loading={retry.busy}>
              List again
            </Button>
          </Group>
        </Stack>
      </Alert>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {databaseToo ? (
          <TextInput
            label="Database"
            description="The Databend database that holds the table."
            withAsterisk
            error={errors.target?.database?.message}
            {...register("target.database")}
          />
        ) : null}
        <TextInput
          label="Table"
          description="An existing Databend table whose columns match the files. A table takes files from one bucket only."
          placeholder="orders"
          withAsterisk
          error={errors.target?.table?.message}
          {...register("target.table")}
        />
      </SimpleGrid>
    </>
  );
}

function TableSelect({ warehouse, db, request }: { warehouse: string | null; db: string; request: PreviewRequest | null }) {
  const { control } = useTaskForm();
  const tables = useWarehouseTables(warehouse, db);
  const table = useWatch({ control, name: "target.table" });
  if (tables.isPending) return <Loading what={`the tables of ${db}`} />;
  if (tables.isError) {
    const detail = tables.error instanceof ApiRequestError ? tables.error.detail : undefined;
    return (
      <TypedTarget why={tables.error.message} detail={detail} databaseToo={false} retry={{ run: () => void tables.refetch(), busy: tables.isFetching }} />
    );
  }
  const names = tables.data.items.map((t) => t.name);
  const data = tables.data.items.map((t) => ({ value: t.name, label: t.is_view ? `${t.name} (a view: cannot be loaded into)` : t.name, disabled: t.is_view }));
  if (table && !names.includes(table)) data.unshift({ value: table, label: `${table} (not in ${db})`, disabled: false });
  return (
    <>
      <Controller
        control={control}
        name="target.table"
        render={({ field, fieldState }) => (
          <Select
            ref={field.ref}
            name={field.name}
            label="Table"
            description={`A table of ${db} whose columns match the files. A table takes files from one bucket only.`}
            placeholder={names.length ? "Choose a table" : `${db} has no tables yet: choose Create a new table`}
            withAsterisk
            searchable
            nothingFoundMessage="No table of that name"
            data={data}
            value={field.value || null}
            onChange={(value) => field.onChange(value ?? "")}
            onBlur={field.onBlur}
            error={fieldState.error?.message}
            allowDeselect={false}
            maw={420}
          />
        )}
      />
      {table && names.includes(table) ? (
        <>
          {/* A new tab: leaving the wizard would lose what was chosen so far. */}
          <Anchor component={Link} to={rowsPath({ db, table, warehouse })} target="_blank" rel="noopener" size="sm" style={{ overflowWrap: "anywhere" }}>
            See the rows of {db}.{table} (opens in a new tab)
          </Anchor>
          <TableMapping warehouse={warehouse} db={db} table={table} request={request} />
        </>
      ) : null}
    </>
  );
}

export function TargetStep({ request, choice }: { request: PreviewRequest | null; choice: TableChoice }) {
  const { control, setValue, getValues, clearErrors } = useTaskForm();
  const warehouse = useWatch({ control, name: "warehouse_id" }) ?? null;
  const databases = useWarehouseDatabases(warehouse);
  const db = useWatch({ control, name: "target.database" })?.trim() ?? "";
  const preview = usePreview(request);
  const sampleColumns = preview.data?.sample?.columns ?? null;
  // Nothing more to wait for: no sample will come to draft the columns from.
  const sampleSettled = !request || !preview.isFetching;
  const { mode, setMode, newTable } = choice;
  const listed = databases.isSuccess;
  // Typing by hand has no "new table" mode: a draft left from before applies no more.
  useEffect(() => {
    if (databases.isError && mode === "new") setMode("existing");
  }, [databases.isError, mode, setMode]);

  // A new table starts as the sample's columns (once read), or one empty column when there is no
  // sample; its name as the target's table, if one was typed. Edits are never overwritten.
  useEffect(() => {
    if (mode !== "new" || newTable.getValues("columns").length > 0) return;
    if (!sampleColumns?.length && !sampleSettled) return;
    newTable.reset({
      name: newTable.getValues("name") || (getValues("target.table") ?? ""),
      columns: sampleColumns?.length ? columnsFromSample(sampleColumns) : [{ name: "", type: "VARCHAR", nullable: true }],
    });
  }, [mode, sampleColumns, sampleSettled, newTable, getValues]);

  function chooseMode(next: TableMode) {
    // The target's table named the drafted table: an existing one is chosen afresh.
    if (next === "existing" && mode === "new") setValue("target.table", "");
    clearErrors("target.table");
    setMode(next);
  }

  // Another database: the choice follows what that one holds again.
  const shownDb = useRef(db);
  useEffect(() => {
    if (shownDb.current === db) return;
    shownDb.current = db;
    setMode(null);
  }, [db, setMode]);

  let table;
  if (databases.isPending) table = <Loading what="Databend's databases" />;
  else if (!listed) {
    const detail = databases.error instanceof ApiRequestError ? databases.error.detail : undefined;
    table = (
      <TypedTarget
        why={databases.error?.message ?? ""}
        detail={detail}
        databaseToo
        retry={{ run: () => void databases.refetch(), busy: databases.isFetching }}
      />
    );
  } else {
    const names = databases.data.items.map((d) => d.name);
    table = (
      <>
        <Controller
          control={control}
          name="target.database"
          render={({ field, fieldState }) => (
            <Select
              ref={field.ref}
              name={field.name}
              label="Database"
              description="The Databend database that holds the table."
              withAsterisk
              searchable
              data={field.value && !names.includes(field.value) ? [field.value, ...names] : names}
              value={field.value || null}
              onChange={(value) => {
                field.onChange(value ?? "");
                setValue("target.table", "");
              }}
              onBlur={field.onBlur}
              error={fieldState.error?.message}
              allowDeselect={false}
              maw={420}
            />
          )}
        />
        {db && !mode ? <Loading what={`the tables of ${db}`} /> : null}
        {db && mode ? (
          <Radio.Group label="Target table" value={mode} onChange={(value) => chooseMode(value as TableMode)}>
            <Stack gap="sm" mt="xs">
              <Radio value="existing" label="An existing table" description={`Choose one of the tables of ${db}.`} />
              <Radio value="new" label="Create a new table" description="From the sample's columns, with names, types and nullability you can change." />
            </Stack>
          </Radio.Group>
        ) : null}
        {db && mode === "existing" ? <TableSelect warehouse={warehouse} db={db} request={request} /> : null}
        {db && mode === "new" ? (
          <NewTableEditor form={newTable} database={db} sampleColumns={sampleColumns} />
        ) : null}
      </>
    );
  }

  return (
    <Stack gap="md">
      <WarehouseChoice />
      {table}
      <LoadOptions />
    </Stack>
  );
}
