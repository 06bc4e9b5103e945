// Change a member's role: the three roles with what each may do; the API's refusal (such as a 409
// for the organization's last admin) is shown in the modal, in its words.
import { Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { Member } from "#contracts/identity.ts";
import { ROLE_LABELS, type Role } from "#contracts/roles.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { useChangeRole } from "../api/members.ts";
import { RoleField } from "./admin-parts.tsx";
import { ModalActions } from "../../../lib/modal-form.tsx";

export function ChangeRoleModal({ member, onClose }: { member: Member | null; onClose: () => void }) {
  return (
    <Modal
      opened={member !== null}
      onClose={onClose}
      title={member ? `Change the role of ${member.name || member.email}` : ""}
      closeButtonProps={{ "aria-label": "Close" }}
      size="lg"
    >
      {/* Keyed, so each member opens with their own role chosen. */}
      {member ? <RoleForm key={member.user_id} member={member} onDone={onClose} /> : null}
    </Modal>
  );
}

function RoleForm({ member, onDone }: { member: Member; onDone: () => void }) {
  const change = useChangeRole();
  const [role, setRole] = useState<Role>(member.role);
  const [sentence, setSentence] = useState<string | null>(null);
  const submit = async () => {
    setSentence(null);
    if (role === member.role) return onDone();
    try {
      await change.mutateAsync({ userId: member.user_id, role });
      notifySuccess(`${member.email} is now ${ROLE_LABELS[role]}`);
      onDone();
    } catch (error) {
      setSentence(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          {member.email} is {ROLE_LABELS[member.role]} now. The change applies to their next request, and to the API keys
          they created.
        </Text>
        <RoleField value={role} onChange={setRole} label="New role" />
        {sentence ? <ErrorAlert title="Could not change the role" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Save role" pending={change.isPending} onCancel={onDone} />
    </form>
  );
}
