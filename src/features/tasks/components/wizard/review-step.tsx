// Step 5: everything chosen, in words, and the task's name; Create (or Save) sends it. A new table
// drafted on Target is said in words with its columns: it is made by that same press, with the
// task (both or neither), never before.
import { Code, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useId } from "react";
import { useWatch } from "react-hook-form";
import { canonicalColumnType } from "#contracts/warehouse.ts";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { effectiveScope, FILE_FORMAT_LABELS, fileFormatSchema } from "#contracts/task.ts";
import { formatOptions } from "../task-format.tsx";
import { useTaskForm } from "./form-context.ts";
import { ON_ERROR_LABELS } from "./load-options.tsx";
import { scopeOf } from "./wizard-model.ts";
import { DescriptionItem } from "../../../../lib/description-item.tsx";
import { WarehouseName } from "../../../admin/public.ts";
import type { NewTableForm } from "./new-table.tsx";

/** The table Create makes, in words and as a list of columns. */
function NewTableSummary({ form, database }: { form: NewTableForm; database: string }) {
  const { name = "", columns = [] } = useWatch({ control: form.control });
  const shown = `${database}.${name.trim()}`;
  const titleId = useId();
  return (
    <Paper withBorder p="md" radius="sm" component="section" aria-label={`New table ${shown}`}>
      <Title order={3} size="h5" id={titleId} mb="xs">
        New table
      </Title>
      <Text size="sm" mb="xs">
        The table <Code>{shown}</Code> will be created with these {columns.length} {columns.length === 1 ? "column" : "columns"} when
        the task is saved: both are made, or neither. Nothing has been created yet.
      </Text>
      <Table.ScrollContainer minWidth={300} type="native">
        <Table verticalSpacing={4} aria-labelledby={titleId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Column</Table.Th>
              <Table.Th scope="col">Type</Table.Th>
              <Table.Th scope="col">Takes NULL</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {columns.map((column, index) => (
              <Table.Tr key={index}>
                <Table.Td style={{ overflowWrap: "anywhere" }}>{column?.name?.trim()}</Table.Td>
                <Table.Td>{canonicalColumnType(column?.type ?? "") ?? column?.type}</Table.Td>
                <Table.Td>{column?.nullable === false ? "No" : "Yes"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

export function ReviewStep({ source, newTable }: { source: DataSourceRecord | undefined; newTable: NewTableForm | null }) {
  const { control, register, formState } = useTaskForm();
  const values = useWatch({ control });
  const summaryId = useId();
  const format = fileFormatSchema.safeParse(values.file_format).data;
  const scope = source ? effectiveScope(scopeOf(values), source) : null;
  const onError = values.on_error ?? "abort";
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="sm">
        <Title order={3} size="h5" id={summaryId} mb="xs">
          Summary
        </Title>
        <SimpleGrid component="dl" m={0} cols={{ base: 1, sm: 2 }} spacing="sm" aria-labelledby={summaryId}>
          <DescriptionItem label="Data source">{source?.name ?? "—"}</DescriptionItem>
          <DescriptionItem label="Objects">
            {source && scope ? (
              <Code>
                s3://{source.bucket}/{scope.prefix}*{scope.suffix}
              </Code>
            ) : (
              "—"
            )}
          </DescriptionItem>
          <DescriptionItem label="File format">
            {values.file_format?.type ? FILE_FORMAT_LABELS[values.file_format.type] : "—"}
            {format
              ? formatOptions(format).map((option) => (
                  <Text key={option.label} span c="dimmed" size="sm">
                    {" "}
                    · {option.label}: {option.value}
                  </Text>
                ))
              : null}
          </DescriptionItem>
          <DescriptionItem label="Warehouse">
            <WarehouseName id={values.warehouse_id ?? null} />
          </DescriptionItem>
          <DescriptionItem label="Target table">
            <Code>
              {values.target?.database?.trim()}.{values.target?.table?.trim()}
            </Code>
            {newTable ? (
              <Text span size="sm">
                {" "}
                (new: created with the task)
              </Text>
            ) : null}
          </DescriptionItem>
          <DescriptionItem label="On error">{ON_ERROR_LABELS[onError]}</DescriptionItem>
          <DescriptionItem label="Purge">{values.purge ? "On (objects are deleted once loaded)" : "Off"}</DescriptionItem>
          <DescriptionItem label="Reconcile">
            {values.reconcile_every_minutes ? `Every ${values.reconcile_every_minutes} minutes` : "Off"}
          </DescriptionItem>
        </SimpleGrid>
      </Paper>
      {newTable ? <NewTableSummary form={newTable} database={values.target?.database?.trim() ?? ""} /> : null}
      <TextInput
        label="Name"
        description="A name for the task, unique in your organization."
        placeholder="load-orders"
        withAsterisk
        error={formState.errors.name?.message}
        maw={420}
        {...register("name")}
      />
    </Stack>
  );
}
