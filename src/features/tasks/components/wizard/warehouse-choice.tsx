// The Target step's first choice: which of the organization's warehouses the task loads into (as
// Databend Cloud's own SQS task asks Warehouse, then Target Database and Table). The default is
// chosen to begin with; with a single warehouse there is nothing to choose, so it is only named.
// Another warehouse starts the database over at that warehouse's own database, with no table.
import { Alert, Select, Text } from "@mantine/core";
import { useEffect } from "react";
import { Controller, type UseFormReturn } from "react-hook-form";
import type { SourceScope, TaskFormValues, TaskInput } from "#contracts/task.ts";
import { Loading } from "../../../../lib/page-states.tsx";
import { useWarehouses, warehouseLabel } from "../../../admin/public.ts";
import { useTaskForm } from "./form-context.ts";

/**
 * A task without a warehouse (a new one) starts on the organization's default, so the preview, the
 * browsing and the saved task all name the same one from the first step. When the warehouses cannot
 * be listed the field stays null and the API uses the default.
 */
export function useDefaultWarehouse(form: UseFormReturn<TaskFormValues, SourceScope | undefined, TaskInput>) {
  const warehouses = useWarehouses();
  const { getValues, setValue } = form;
  useEffect(() => {
    if (!warehouses.data || getValues("warehouse_id")) return;
    const chosen = warehouses.data.find((one) => one.is_default) ?? warehouses.data[0];
    if (chosen) setValue("warehouse_id", chosen.id);
  }, [warehouses.data, getValues, setValue]);
}

export function WarehouseChoice() {
  const { control, setValue, clearErrors } = useTaskForm();
  const warehouses = useWarehouses();
  if (warehouses.isPending) return <Loading what="the organization's warehouses" />;
  if (warehouses.isError) {
    return (
      <Alert color="yellow" variant="light" title="Could not list the organization's warehouses">
        <Text size="sm">{warehouses.error.message} The task loads into the organization's default warehouse.</Text>
      </Alert>
    );
  }
  const list = warehouses.data;
  if (list.length === 0) return null;
  if (list.length === 1) {
    return (
      <Text size="sm" c="dimmed">
        Loads into the warehouse <strong>{list[0]!.name}</strong>, the organization's only one.
      </Text>
    );
  }
  return (
    <Controller
      control={control}
      name="warehouse_id"
      render={({ field, fieldState }) => (
        <Select
          ref={field.ref}
          name={field.name}
          label="Warehouse"
          description="The organization's Databend warehouse the task loads into; its databases and tables are offered below."
          withAsterisk
          data={list.map((one) => ({ value: one.id, label: warehouseLabel(one) }))}
          value={field.value ?? null}
          onChange={(value) => {
            if (!value || value === field.value) return;
            field.onChange(value);
            setValue("target.database", list.find((one) => one.id === value)?.database ?? "default");
            setValue("target.table", "");
            clearErrors(["target.database", "target.table"]);
          }}
          onBlur={field.onBlur}
          error={fieldState.error?.message}
          allowDeselect={false}
          maw={420}
        />
      )}
    />
  );
}
