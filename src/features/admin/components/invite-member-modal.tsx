// "Invite member": an email and a role; the API answers an invitation link, which is shown here
// once (nobody emails it; the admin hands it over) with the time it stops working.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { invitationInputSchema, type InvitationInput } from "#contracts/identity.ts";
import { ROLE_LABELS } from "#contracts/roles.ts";
import type { z } from "#contracts/zod.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { formatDateTime } from "../../../lib/format.ts";
import { notifySuccess } from "../../../lib/notify.ts";
import { useCreateInvitation, type CreatedInvitation } from "../api/invitations.ts";
import { RoleController, ShownOnceModal } from "./admin-parts.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";

const FIELDS = ["email", "role"] as const;

export function InviteMemberModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <ShownOnceModal<CreatedInvitation>
      opened={opened}
      onClose={onClose}
      title={(created) => (created ? "Invitation link" : "Invite member")}
      form={(onCreated, onCancel) => <InviteForm onCreated={onCreated} onCancel={onCancel} />}
      shown={(created, onDone) => <CreatedLink invitation={created} onDone={onDone} />}
    />
  );
}

function InviteForm({ onCreated, onCancel }: { onCreated: (invitation: CreatedInvitation) => void; onCancel: () => void }) {
  const create = useCreateInvitation();
  const [sentence, setSentence] = useState<string | null>(null);
  const form = useForm<z.input<typeof invitationInputSchema>, unknown, InvitationInput>({
    resolver: zodResolver(invitationInputSchema),
    mode: "onTouched",
    defaultValues: { email: "", role: "viewer" },
  });
  const submit = form.handleSubmit(async (input) => {
    setSentence(null);
    try {
      const invitation = await create.mutateAsync(input);
      notifySuccess(`Invited ${invitation.email} as ${ROLE_LABELS[invitation.role]}`);
      onCreated(invitation);
    } catch (error) {
      setSentence(
        fieldErrorsOrSentence(error, FIELDS, (field, message) => form.setError(field as (typeof FIELDS)[number], { message })),
      );
    }
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        <TextInput
          label="Email"
          description="The person signs up with this address from the link you hand them."
          type="email"
          autoComplete="off"
          withAsterisk
          data-autofocus
          error={form.formState.errors.email?.message}
          {...form.register("email")}
        />
        <RoleController control={form.control} name="role" />
        {sentence ? <ErrorAlert title="Could not invite" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Create invitation" pending={create.isPending} onCancel={onCancel} />
    </form>
  );
}

function CreatedLink({ invitation, onDone }: { invitation: CreatedInvitation; onDone: () => void }) {
  return (
    <Stack gap="md">
      {/* No title: Mantine's light yellow title is 2.7:1 on its tint (axe); the body text passes. */}
      <Alert color="yellow" variant="light">
        <Text size="sm">
          <strong>Copy the link now.</strong>{" "}
          Send this link to {invitation.email} yourself: no email is sent. It is shown only this once and works until{" "}
          <time dateTime={invitation.expires_at}>{formatDateTime(invitation.expires_at)}</time>. The person joins as{" "}
          {ROLE_LABELS[invitation.role]}.
        </Text>
      </Alert>
      <CodeBlock title={`Invitation link for ${invitation.email}`} code={invitation.url} what="invitation link" />
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
