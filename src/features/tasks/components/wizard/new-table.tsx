// "Create a new table": the sample's inferred columns as an editable list (name, type over the
// contract's allowed types, nullability), created with an explicit Create table button. Explicit,
// not as a side effect of Create Task: the table is made where its columns are edited, a refusal
// (409 exists, a bad column) is shown beside them, and a task that later fails to save never
// leaves an unexplained table behind. The form lives in the wizard (useNewTableForm), so Back,
// Next and a refusal never lose an edit.
import { zodResolver } from "@hookform/resolvers/zod";
import { ActionIcon, Button, Checkbox, Code, Group, Select, Stack, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import { Controller, useFieldArray, useForm, type FieldPath, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import type { PreviewColumn } from "#contracts/preview.ts";
import { canonicalColumnType, DATABEND_COLUMN_TYPES, newTableSchema, type NewTable } from "#contracts/warehouse.ts";
import { ApiRequestError } from "../../../../lib/api-client.ts";
import { ErrorAlert } from "../../../../lib/error-detail.tsx";
import { notifySuccess } from "../../../../lib/notify.ts";
import { useCreateTable } from "../../api/create-table.ts";

export type NewTableValues = z.input<typeof newTableSchema>;
export type NewTableForm = UseFormReturn<NewTableValues, unknown, NewTable>;

/** Shown on Next while a new table is being drafted: the task needs a table that exists. */
export const CREATE_TABLE_FIRST = "Create the table with Create table first, or choose an existing table";

export function useNewTableForm(defaultValues: NewTableValues = { name: "", columns: [] }): NewTableForm {
  return useForm<NewTableValues, unknown, NewTable>({
    resolver: zodResolver(newTableSchema),
    mode: "onTouched",
    defaultValues,
  });
}

/** The sample's columns as a new table's, types in the contract's spelling where it knows them. */
export function columnsFromSample(columns: PreviewColumn[]): NewTableValues["columns"] {
  return columns.map((c) => ({ name: c.name, type: canonicalColumnType(c.type) ?? c.type, nullable: c.nullable }));
}

const TYPE_OPTIONS: string[] = [...DATABEND_COLUMN_TYPES];

export function NewTableEditor({
  form,
  warehouse,
  database,
  sampleColumns,
  onCreated,
}: {
  form: NewTableForm;
  /** The warehouse the table is made in (null: the organization's default). */
  warehouse: string | null;
  database: string;
  sampleColumns: PreviewColumn[] | null;
  onCreated: (name: string) => void;
}) {
  const { control, register, formState, handleSubmit, setError, reset, getValues } = form;
  const { fields, append, remove } = useFieldArray({ control, name: "columns" });
  const create = useCreateTable();
  const [failure, setFailure] = useState<ApiRequestError | Error | null>(null);
  const errors = formState.errors;

  const submit = handleSubmit(async (table) => {
    setFailure(null);
    try {
      await create.mutateAsync({ warehouse, db: database, table });
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      if (error instanceof ApiRequestError) {
        for (const [path, message] of Object.entries(error.fields)) setError(path as FieldPath<NewTableValues>, { type: "server", message });
      }
      // The edits stay as they are: only the reason is added.
      setFailure(failed);
      return;
    }
    notifySuccess(`Created table ${database}.${table.name} with ${table.columns.length} columns`);
    onCreated(table.name);
  });

  return (
    <Stack gap="sm" component="section" aria-label="New table">
      <Text size="sm">
        The table is created in <Code>{database}</Code> when you press Create table, before the task is saved; check the names and
        types first.{" "}
        {sampleColumns ? "The columns start as the sample's." : "No sample was read, so add the columns yourself."}
      </Text>
      <TextInput
        label="New table name"
        withAsterisk
        maw={420}
        error={errors.name?.message}
        {...register("name")}
      />
      {errors.columns?.root?.message || errors.columns?.message ? (
        <Text size="sm" c="red" role="alert">
          {errors.columns?.root?.message ?? errors.columns?.message}
        </Text>
      ) : null}
      {/* Relative: the visually hidden header text is positioned absolutely and must stay inside the
          frame, or it widens the page on a phone. */}
      <Table.ScrollContainer minWidth={520} type="native" style={{ position: "relative" }}>
        <Table verticalSpacing="xs" aria-label="Columns of the new table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Type</Table.Th>
              <Table.Th scope="col">Nullable</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Remove</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map((field, index) => {
              const n = index + 1;
              const columnErrors = errors.columns?.[index];
              return (
                <Table.Tr key={field.id}>
                  <Table.Td>
                    <TextInput aria-label={`Name of column ${n}`} error={columnErrors?.name?.message} {...register(`columns.${index}.name`)} />
                  </Table.Td>
                  <Table.Td>
                    <Controller
                      control={control}
                      name={`columns.${index}.type`}
                      render={({ field: type, fieldState }) => (
                        <Select
                          ref={type.ref}
                          aria-label={`Type of column ${n}`}
                          data={TYPE_OPTIONS.includes(type.value) ? TYPE_OPTIONS : [type.value, ...TYPE_OPTIONS].filter(Boolean)}
                          value={type.value || null}
                          onChange={(value) => type.onChange(value ?? "")}
                          onBlur={type.onBlur}
                          error={fieldState.error?.message}
                          allowDeselect={false}
                          searchable
                          miw={170}
                        />
                      )}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Controller
                      control={control}
                      name={`columns.${index}.nullable`}
                      render={({ field: nullable }) => (
                        <Checkbox
                          ref={nullable.ref}
                          aria-label={`Column ${n} takes NULL`}
                          checked={nullable.value ?? true}
                          onChange={(event) => nullable.onChange(event.currentTarget.checked)}
                        />
                      )}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove column ${n}`} onClick={() => remove(index)}>
                      <span aria-hidden="true">×</span>
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group gap="sm">
        <Button variant="default" size="xs" onClick={() => append({ name: "", type: "VARCHAR", nullable: true })}>
          Add column
        </Button>
        {sampleColumns ? (
          <Button
            variant="subtle"
            size="xs"
            onClick={() => reset({ name: getValues("name"), columns: columnsFromSample(sampleColumns) })}
          >
            Start again from the sample
          </Button>
        ) : null}
      </Group>
      {failure ? (
        <ErrorAlert
          title="Could not create the table"
          message={failure.message}
          detail={failure instanceof ApiRequestError ? failure.detail : undefined}
        >
          <Text size="sm">Your columns are kept; change what the message says and press Create table again.</Text>
        </ErrorAlert>
      ) : null}
      <Group>
        <Button onClick={() => void submit()} loading={create.isPending}>
          Create table
        </Button>
      </Group>
    </Stack>
  );
}
