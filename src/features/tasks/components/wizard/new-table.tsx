// "Create a new table": the sample's inferred columns as an editable list (name, type over the
// contract's allowed types, nullability). Nothing is made here: Create on Review sends the columns
// with the task (`create_table`, contracts/task-create.ts) and the API makes both or neither, so
// Cancel at any step leaves no table behind (issue 17, item 2). Next checks the draft by the same
// rules the API applies. The form lives in the wizard (useNewTableForm), so Back, Next and a
// refusal never lose an edit; a refusal about the table is shown on its fields here.
import { zodResolver } from "@hookform/resolvers/zod";
import { ActionIcon, Button, Checkbox, Code, Group, Select, Stack, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { Controller, useFieldArray, useForm, type UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import type { PreviewColumn } from "#contracts/preview.ts";
import { canonicalColumnType, DATABEND_COLUMN_TYPES, newTableSchema, type NewTable } from "#contracts/warehouse.ts";

export type NewTableValues = z.input<typeof newTableSchema>;
export type NewTableForm = UseFormReturn<NewTableValues, unknown, NewTable>;

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

export function NewTableEditor({ form, database, sampleColumns }: { form: NewTableForm; database: string; sampleColumns: PreviewColumn[] | null }) {
  const { control, register, formState, reset, getValues } = form;
  const { fields, append, remove } = useFieldArray({ control, name: "columns" });
  const errors = formState.errors;

  return (
    <Stack gap="sm" component="section" aria-label="New table">
      <Text size="sm">
        The table is created in <Code>{database}</Code> together with the task, when you press Create on Review; nothing is created
        before, so Cancel leaves nothing behind.{" "}
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
    </Stack>
  );
}
