// Step 4: everything chosen, in words, and the task's name; Create (or Save) sends it.
import { Code, Paper, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useId } from "react";
import { useWatch } from "react-hook-form";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { effectiveScope, FILE_FORMAT_LABELS, fileFormatSchema } from "#contracts/task.ts";
import { formatOptions } from "../task-format.tsx";
import { useTaskForm } from "./form-context.ts";
import { ON_ERROR_LABELS } from "./load-options.tsx";
import { scopeOf } from "./wizard-model.ts";
import { DescriptionItem } from "../../../../lib/description-item.tsx";
import { WarehouseName } from "../warehouse-name.tsx";

export function ReviewStep({ source }: { source: DataSourceRecord | undefined }) {
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
          </DescriptionItem>
          <DescriptionItem label="On error">{ON_ERROR_LABELS[onError]}</DescriptionItem>
          <DescriptionItem label="Purge">{values.purge ? "On (objects are deleted once loaded)" : "Off"}</DescriptionItem>
          <DescriptionItem label="Reconcile">
            {values.reconcile_every_minutes ? `Every ${values.reconcile_every_minutes} minutes` : "Off"}
          </DescriptionItem>
        </SimpleGrid>
      </Paper>
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
