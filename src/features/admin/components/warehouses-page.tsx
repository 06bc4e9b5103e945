// Organization → Warehouses: the Databend warehouses this organization's tasks load into (name,
// host:port, user, database, TLS, which is the default, which the product manages). Admins add,
// edit, delete and choose the default; operators and admins test a saved connection; viewers read.
// A managed warehouse (the organization's own tenant, made by the product) cannot be edited or
// deleted, and says so.
import { Badge, Button, Code, Group, Text, VisuallyHidden } from "@mantine/core";
import { useCallback, useState } from "react";
import type { WarehouseConnection } from "#contracts/warehouse-connection.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { withProgressNotice } from "../../../lib/notify.ts";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { useCan } from "../../../lib/use-can.ts";
import { testSavedWarehouse } from "../api/test-warehouse.ts";
import { useDeleteWarehouse, useMakeDefaultWarehouse, useWarehouses } from "../api/warehouses.ts";
import { AdminLoadError } from "./admin-parts.tsx";
import { WarehouseFormModal } from "./warehouse-form-modal.tsx";
import { runTest, WarehouseTestOutcome, type TestState } from "./warehouse-test-result.tsx";

export const MANAGED_REASON =
  "The product made this warehouse for the organization (its own tenant) and keeps its settings; it cannot be edited or deleted";

function Flag({ children, color }: { children: string; color: string }) {
  return (
    <Badge color={color} variant="light" c="var(--mantine-color-text)" radius="sm" tt="none" fw={600} style={{ flexShrink: 0 }}>
      {children}
    </Badge>
  );
}

const column = columnsFor<WarehouseConnection>();
const COLUMNS = [
  column.accessor("name", {
    header: "Name",
    sortFn: "text",
    // The badges go under the name when the column is narrow (a phone), never out of the cell under the pinned actions.
    cell: ({ row }) => (
      <Group gap={6}>
        <Text size="sm" fw={600}>
          {row.original.name}
        </Text>
        {row.original.is_default ? <Flag color="blue">Default</Flag> : null}
        {row.original.managed ? <Flag color="grape">Managed</Flag> : null}
      </Group>
    ),
  }),
  column.accessor((w) => `${w.host}:${w.port}`, {
    id: "address",
    header: "Host:port",
    sortFn: "text",
    cell: ({ getValue }) => <Code style={{ whiteSpace: "nowrap" }}>{getValue()}</Code>,
  }),
  column.accessor("user", { header: "User", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("database", { header: "Database", sortFn: "text", cell: ({ getValue }) => <Code>{getValue()}</Code> }),
  column.accessor((w) => (w.tls ? "Yes" : "No"), { id: "tls", header: "TLS", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
];

export function WarehousesPage() {
  const warehouses = useWarehouses();
  const admin = useCan("admin");
  const operate = useCan("operate");
  const remove = useDeleteWarehouse();
  const makeDefault = useMakeDefaultWarehouse();
  const [editing, setEditing] = useState<{ warehouse: WarehouseConnection | null } | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});

  const actions = useCallback(
    (w: WarehouseConnection) => {
      const hidden = <VisuallyHidden>{w.name}</VisuallyHidden>;
      const locked = !admin.allowed ? admin.reason : w.managed ? MANAGED_REASON : null;
      return (
        <Group gap={6} wrap="nowrap">
          {operate.allowed ? (
            <Button
              variant="default"
              size="compact-sm"
              loading={tests[w.id]?.phase === "running"}
              onClick={() => void runTest(() => testSavedWarehouse(w.id), (state) => setTests((all) => ({ ...all, [w.id]: state })))}
            >
              Test {hidden}
            </Button>
          ) : (
            <DisabledButton reason={operate.reason} size="compact-sm">
              Test {hidden}
            </DisabledButton>
          )}
          {locked ? (
            <DisabledButton reason={locked} size="compact-sm">
              Edit {hidden}
            </DisabledButton>
          ) : (
            <Button variant="default" size="compact-sm" onClick={() => setEditing({ warehouse: w })}>
              Edit {hidden}
            </Button>
          )}
          {w.is_default ? null : admin.allowed ? (
            <Button
              variant="default"
              size="compact-sm"
              onClick={() =>
                void withProgressNotice(
                  {
                    pending: `Making "${w.name}" the default…`,
                    success: `"${w.name}" is now the default warehouse`,
                    failure: `Could not make "${w.name}" the default`,
                  },
                  () => makeDefault(w.id),
                )
              }
            >
              Make default {hidden}
            </Button>
          ) : (
            <DisabledButton reason={admin.reason} size="compact-sm">
              Make default {hidden}
            </DisabledButton>
          )}
          {locked ? (
            <DisabledButton reason={locked} size="compact-sm" color="red">
              Delete {hidden}
            </DisabledButton>
          ) : (
            <Button
              variant="light"
              color="red"
              size="compact-sm"
              onClick={() =>
                confirmDelete({
                  title: `Delete warehouse "${w.name}"?`,
                  body: "Tasks cannot load into it any more, and the console forgets its connection. The data in Databend is not touched.",
                  what: `warehouse "${w.name}"`,
                  remove: () => remove(w.id),
                  afterDelete: () => undefined,
                })
              }
            >
              Delete {hidden}
            </Button>
          )}
        </Group>
      );
    },
    [admin, operate, tests, remove, makeDefault],
  );

  const expandedRow = useCallback(
    (w: WarehouseConnection) => {
      const test = tests[w.id];
      return test ? <WarehouseTestOutcome state={test} name={w.name} /> : null;
    },
    [tests],
  );

  const list = warehouses.data ?? [];
  return (
    <>
      <PageHeader
        title="Warehouses"
        lede="The Databend warehouses this organization's tasks load into and its pages browse. A task that names no warehouse uses the default."
        trail={[{ label: "Organization" }, { label: "Warehouses" }]}
        actions={
          warehouses.isError ? null : admin.allowed ? (
            <Button onClick={() => setEditing({ warehouse: null })}>Add warehouse</Button>
          ) : (
            <DisabledButton reason={admin.reason}>Add warehouse</DisabledButton>
          )
        }
      />
      {warehouses.isPending ? (
        <Loading what="warehouses" />
      ) : warehouses.isError ? (
        <AdminLoadError error={warehouses.error} what="warehouses" retry={() => void warehouses.refetch()} />
      ) : (
        <DataTable
          label="Warehouses"
          columns={COLUMNS}
          data={list}
          getRowId={(w) => w.id}
          actions={actions}
          expandedRow={expandedRow}
          minWidth={980}
          card={{ title: "name" }}
          empty="No warehouse yet. Add warehouse connects one; the first is the default."
        />
      )}
      <WarehouseFormModal
        opened={editing !== null}
        warehouse={editing?.warehouse ?? null}
        first={list.length === 0}
        onClose={() => setEditing(null)}
      />
    </>
  );
}
