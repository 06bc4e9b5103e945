// The organization's API keys for automation: name, role, the key's first characters, who created
// it and when, its last use; Create key shows the key once; Revoke refuses it from then on.
import { Button, Code, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useCallback } from "react";
import type { ApiKey } from "#contracts/identity.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { useApiKeys, useRevokeApiKey } from "../api/api-keys.ts";
import { AdminLoadError, DateCell, isForbidden, RoleBadge } from "./admin-parts.tsx";
import { CreateKeyModal } from "./create-key-modal.tsx";

const column = columnsFor<ApiKey>();
const COLUMNS = [
  column.accessor("name", {
    header: "Name",
    sortFn: "text",
    cell: ({ getValue }) => (
      <Text size="sm" fw={600}>
        {getValue()}
      </Text>
    ),
  }),
  column.accessor("role", { header: "Role", sortFn: "text", cell: ({ getValue }) => <RoleBadge role={getValue()} /> }),
  column.accessor((key) => key.start ?? "", {
    id: "start",
    header: "Key",
    enableSorting: false,
    // The first characters tell keys apart; the rest of the key was shown once and is not stored.
    cell: ({ getValue }) =>
      getValue() ? <Code style={{ whiteSpace: "nowrap" }}>{`${getValue()}…`}</Code> : <Text size="sm">—</Text>,
  }),
  column.accessor("created_by", { header: "Created by", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("created_at", { header: "Created", sortFn: "text", cell: ({ getValue }) => <DateCell iso={getValue()} /> }),
  column.accessor((key) => key.last_used_at ?? "", {
    id: "last_used_at",
    header: "Last used",
    sortFn: "text",
    cell: ({ row }) =>
      row.original.last_used_at ? (
        <DateCell iso={row.original.last_used_at} />
      ) : (
        <Text size="sm" c="dimmed">
          Never
        </Text>
      ),
  }),
];

function confirmRevoke(key: ApiKey, revoke: (id: string) => Promise<void>) {
  confirmDelete({
    title: `Revoke API key "${key.name}"?`,
    body: "Requests with this key are refused from now on. This cannot be undone; create a new key to replace it.",
    what: `API key "${key.name}"`,
    remove: () => revoke(key.id),
    afterDelete: () => undefined,
    verb: { label: "Revoke", pending: "Revoking", done: "Revoked", fail: "revoke" },
  });
}

export function ApiKeysPage() {
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, create] = useDisclosure(false);
  const actions = useCallback(
    (key: ApiKey) => (
      <Button variant="light" color="red" size="compact-sm" onClick={() => confirmRevoke(key, revoke)}>
        Revoke <VisuallyHidden>{key.name}</VisuallyHidden>
      </Button>
    ),
    [revoke],
  );

  return (
    <>
      <PageHeader
        title="API keys"
        lede="Keys let scripts and CI call the API as this organization, with the key's role: send Authorization: Bearer <key>."
        trail={[{ label: "Organization" }, { label: "API keys" }]}
        actions={isForbidden(keys.error) ? null : <Button onClick={create.open}>Create key</Button>}
      />
      {keys.isPending ? (
        <Loading what="API keys" />
      ) : keys.isError ? (
        <AdminLoadError error={keys.error} what="API keys" retry={() => void keys.refetch()} />
      ) : (
        <DataTable
          label="API keys"
          columns={COLUMNS}
          data={keys.data}
          getRowId={(key) => key.id}
          initialSort={[{ id: "created_at", desc: true }]}
          actions={actions}
          minWidth={860}
          card={{ title: "name", status: "role" }}
          empty="No API keys yet. Create key makes one for a script or CI job; it is shown once."
        />
      )}
      <CreateKeyModal opened={creating} onClose={create.close} />
    </>
  );
}
