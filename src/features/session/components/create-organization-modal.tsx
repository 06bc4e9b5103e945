// "Create organization" from the account menu: a name (the contract's rules), then the new
// organization is made, becomes active, and every page shows it. A refusal (403 when the server
// has creation turned off, a 400 on the name) is shown here in the API's words. Its own chunk,
// loaded when the menu item is chosen.
import { zodResolver } from "@hookform/resolvers/zod";
import { Modal, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { organizationInputSchema, type OrganizationInput } from "#contracts/warehouse-connection.ts";
import type { z } from "#contracts/zod.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";
import { useCreateOrganization } from "../api/create-organization.ts";

export default function CreateOrganizationModal({ onClose }: { onClose: () => void }) {
  const create = useCreateOrganization();
  const [sentence, setSentence] = useState<string | null>(null);
  const form = useForm<z.input<typeof organizationInputSchema>, unknown, OrganizationInput>({
    resolver: zodResolver(organizationInputSchema),
    mode: "onTouched",
    defaultValues: { name: "" },
  });
  const submit = form.handleSubmit(async (input) => {
    setSentence(null);
    try {
      await create.mutateAsync(input);
      onClose();
    } catch (error) {
      setSentence(fieldErrorsOrSentence(error, ["name"], (_, message) => form.setError("name", { type: "server", message })));
    }
  });
  return (
    <Modal opened onClose={onClose} title="Create organization" closeButtonProps={{ "aria-label": "Close" }} size="lg">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <Text size="sm">
            You become its admin. It starts with its own warehouse and no data sources or tasks; its ID (its External ID for
            AWS roles) is generated.
          </Text>
          <TextInput
            label="Name"
            description="How the account menu and invitations name the organization."
            autoComplete="organization"
            withAsterisk
            data-autofocus
            error={form.formState.errors.name?.message}
            {...form.register("name")}
          />
          {sentence ? <ErrorAlert title="Could not create the organization" message={sentence} /> : null}
        </Stack>
        <ModalActions submit="Create organization" pending={create.isPending} onCancel={onClose} />
      </form>
    </Modal>
  );
}
