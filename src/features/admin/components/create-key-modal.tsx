// "Create key": a name and a role; the API answers the key itself, which is shown here once (it is
// stored hashed) with a request that uses it.
import { zodResolver } from "@hookform/resolvers/zod";
import { Alert, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { apiKeyInputSchema, type ApiKeyInput } from "#contracts/identity.ts";
import { ROLE_LABELS } from "#contracts/roles.ts";
import type { z } from "#contracts/zod.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { useCreateApiKey, type CreatedApiKey } from "../api/api-keys.ts";
import { RoleController, ShownOnceModal } from "./admin-parts.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";

const FIELDS = ["name", "role"] as const;

/** The request a script makes with the key: the one the automation needs first. */
export function usageExample(key: string, origin: string): string {
  return `curl -H "Authorization: Bearer ${key}" ${origin}/api/data-sources`;
}

export function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <ShownOnceModal<CreatedApiKey>
      opened={opened}
      onClose={onClose}
      title={(created) => (created ? `API key "${created.name}"` : "Create API key")}
      form={(onCreated, onCancel) => <KeyForm onCreated={onCreated} onCancel={onCancel} />}
      shown={(created, onDone) => <CreatedKey apiKey={created} onDone={onDone} />}
    />
  );
}

function KeyForm({ onCreated, onCancel }: { onCreated: (key: CreatedApiKey) => void; onCancel: () => void }) {
  const create = useCreateApiKey();
  const [sentence, setSentence] = useState<string | null>(null);
  const form = useForm<z.input<typeof apiKeyInputSchema>, unknown, ApiKeyInput>({
    resolver: zodResolver(apiKeyInputSchema),
    mode: "onTouched",
    defaultValues: { name: "", role: "operator" },
  });
  const submit = form.handleSubmit(async (input) => {
    setSentence(null);
    try {
      const key = await create.mutateAsync(input);
      notifySuccess(`Created API key "${key.name}"`);
      onCreated(key);
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
          label="Name"
          description="Says what uses the key, like ci-deploy; the audit log names the key by it."
          autoComplete="off"
          withAsterisk
          data-autofocus
          error={form.formState.errors.name?.message}
          {...form.register("name")}
        />
        <RoleController control={form.control} name="role" description="The key acts with this role, and never with more than its creator has at the time." />
        {sentence ? <ErrorAlert title="Could not create the key" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Create key" pending={create.isPending} onCancel={onCancel} />
    </form>
  );
}

function CreatedKey({ apiKey, onDone }: { apiKey: CreatedApiKey; onDone: () => void }) {
  return (
    <Stack gap="md">
      {/* No title: Mantine's light yellow title is 2.7:1 on its tint (axe); the body text passes. */}
      <Alert color="yellow" variant="light">
        <Text size="sm">
          <strong>Copy the key now.</strong>{" "}
          It will not be shown again: Databend keeps only a hash of it. If it is lost, revoke it and create a new one. The
          key acts as {ROLE_LABELS[apiKey.role]}.
        </Text>
      </Alert>
      <CodeBlock title="API key" code={apiKey.key} what="API key" />
      <CodeBlock title="Usage example" code={usageExample(apiKey.key, window.location.origin)} what="usage example" />
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
