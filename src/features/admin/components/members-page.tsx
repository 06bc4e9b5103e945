// Members of the organization: who they are, their role (changeable), when they joined, Remove;
// pending invitations below; "Invite member" hands out a link shown once.
import { Button, Group, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useCallback, useState } from "react";
import type { Member } from "#contracts/identity.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { useMembers, useRemoveMember } from "../api/members.ts";
import { AdminLoadError, DateCell, isForbidden, RoleBadge } from "./admin-parts.tsx";
import { ChangeRoleModal } from "./change-role-modal.tsx";
import { InviteMemberModal } from "./invite-member-modal.tsx";
import { PendingInvitations } from "./pending-invitations.tsx";

const column = columnsFor<Member>();
const COLUMNS = [
  column.accessor("name", {
    header: "Name",
    sortFn: "text",
    cell: ({ getValue }) => (
      <Text size="sm" fw={600}>
        {getValue() || "—"}
      </Text>
    ),
  }),
  column.accessor("email", { header: "Email", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("role", { header: "Role", sortFn: "text", cell: ({ getValue }) => <RoleBadge role={getValue()} /> }),
  column.accessor("joined_at", { header: "Joined", sortFn: "text", cell: ({ getValue }) => <DateCell iso={getValue()} /> }),
];

function confirmRemove(member: Member, remove: (userId: string) => Promise<void>) {
  confirmDelete({
    title: `Remove ${member.email} from the organization?`,
    body: (
      <Text size="sm">
        <strong>{member.name || member.email}</strong> loses access to this organization with their next request, and the
        API keys they created stop working. Their account stays; invite them again to bring them back.
      </Text>
    ),
    what: `member ${member.email}`,
    remove: () => remove(member.user_id),
    afterDelete: () => undefined,
    verb: { label: "Remove", pending: "Removing", done: "Removed", fail: "remove" },
  });
}

export function MembersPage() {
  const members = useMembers();
  const remove = useRemoveMember();
  const [inviting, invite] = useDisclosure(false);
  const [changing, setChanging] = useState<Member | null>(null);
  const forbidden = isForbidden(members.error);

  const actions = useCallback(
    (member: Member) => (
      <Group gap={6} wrap="nowrap">
        <Button variant="default" size="compact-sm" onClick={() => setChanging(member)}>
          Change role <VisuallyHidden>of {member.email}</VisuallyHidden>
        </Button>
        <Button variant="light" color="red" size="compact-sm" onClick={() => confirmRemove(member, remove)}>
          Remove <VisuallyHidden>{member.email}</VisuallyHidden>
        </Button>
      </Group>
    ),
    [remove],
  );

  return (
    <>
      <PageHeader
        title="Members"
        lede="People who can sign in to this organization, and what their role lets them do."
        trail={[{ label: "Organization" }, { label: "Members" }]}
        actions={forbidden ? null : <Button onClick={invite.open}>Invite member</Button>}
      />
      {members.isPending ? (
        <Loading what="members" />
      ) : members.isError ? (
        <AdminLoadError error={members.error} what="members" retry={() => void members.refetch()} />
      ) : (
        <Stack gap="xl">
          <DataTable
            label="Members"
            columns={COLUMNS}
            data={members.data}
            getRowId={(member) => member.user_id}
            initialSort={[{ id: "name", desc: false }]}
            filter={members.data.length > 10 ? { label: "Filter members", placeholder: "Name, email, role…" } : undefined}
            actions={actions}
            minWidth={760}
            card={{ title: "name", status: "role" }}
          />
          <section aria-labelledby="pending-invitations">
            <Title order={2} size="h4" id="pending-invitations" mb="xs">
              Pending invitations
            </Title>
            <PendingInvitations />
          </section>
        </Stack>
      )}
      <InviteMemberModal opened={inviting} onClose={invite.close} />
      <ChangeRoleModal member={changing} onClose={() => setChanging(null)} />
    </>
  );
}
