// Invitations not accepted yet: whom, with which role, by whom, until when; Cancel makes the link
// stop working.
import { Button, Text, VisuallyHidden } from "@mantine/core";
import { useCallback } from "react";
import type { Invitation } from "#contracts/identity.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { Loading } from "../../../lib/page-states.tsx";
import { useCancelInvitation, useInvitations } from "../api/invitations.ts";
import { AdminLoadError, DateCell, RoleBadge } from "./admin-parts.tsx";

const column = columnsFor<Invitation>();
const COLUMNS = [
  column.accessor("email", { header: "Email", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("role", { header: "Role", sortFn: "text", cell: ({ getValue }) => <RoleBadge role={getValue()} /> }),
  column.accessor("invited_by", { header: "Invited by", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("expires_at", { header: "Expires", sortFn: "text", cell: ({ getValue }) => <DateCell iso={getValue()} /> }),
];

function confirmCancel(invitation: Invitation, cancel: (id: string) => Promise<void>) {
  confirmDelete({
    title: `Cancel the invitation for ${invitation.email}?`,
    body: "The link stops working at once. You can invite the same address again later.",
    what: `the invitation for ${invitation.email}`,
    remove: () => cancel(invitation.id),
    afterDelete: () => undefined,
    verb: { label: "Cancel invitation", keep: "Keep invitation", pending: "Cancelling", done: "Cancelled", fail: "cancel" },
  });
}

export function PendingInvitations() {
  const invitations = useInvitations();
  const cancel = useCancelInvitation();
  const actions = useCallback(
    (invitation: Invitation) => (
      <Button variant="light" color="red" size="compact-sm" onClick={() => confirmCancel(invitation, cancel)}>
        Cancel <VisuallyHidden>the invitation for {invitation.email}</VisuallyHidden>
      </Button>
    ),
    [cancel],
  );
  if (invitations.isPending) return <Loading what="invitations" />;
  if (invitations.isError) {
    return <AdminLoadError error={invitations.error} what="invitations" retry={() => void invitations.refetch()} />;
  }
  return (
    <DataTable
      label="Pending invitations"
      columns={COLUMNS}
      data={invitations.data}
      getRowId={(invitation) => invitation.id}
      initialSort={[{ id: "expires_at", desc: false }]}
      actions={actions}
      minWidth={680}
      card={{ title: "email", status: "role" }}
      empty="No pending invitations. Invite member creates a link to hand to someone."
    />
  );
}
