// Add destination: Name, URL and Format (Standard Webhooks or Slack), checked by the contract's
// rules (zodResolver on alertDestinationInputSchema) and, on save, by the API's (which may refuse a
// private address); then the signing secret, shown once.
import { zodResolver } from "@hookform/resolvers/zod";
import { Radio, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import {
  alertDestinationInputSchema,
  DESTINATION_FORMAT_LABELS,
  DESTINATION_FORMATS,
  type AlertDestinationFormValues,
  type AlertDestinationInput,
  type AlertDestinationWithSecret,
  type DestinationFormat,
} from "#contracts/alerts.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { ShownOnceModal } from "../../admin/public.ts";
import { useCreateAlertDestination } from "../api/create-destination.ts";
import { SigningSecret } from "./signing-secret.tsx";

const FIELDS = ["name", "url", "format"] as const;

const FORMAT_HELP: Record<DestinationFormat, string> = {
  standard: "A JSON body signed with the destination's secret; receivers verify it with a Standard Webhooks library.",
  slack: "The body a Slack incoming webhook (or a compatible chat tool) posts as a message.",
};

export function DestinationModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <ShownOnceModal<AlertDestinationWithSecret>
      opened={opened}
      onClose={onClose}
      title={(created) => (created ? `Signing secret of "${created.destination.name}"` : "Add destination")}
      form={(onCreated, onCancel) => <DestinationForm onCreated={onCreated} onCancel={onCancel} />}
      shown={(created, onDone) => <SigningSecret shown={created} onDone={onDone} />}
    />
  );
}

function DestinationForm({ onCreated, onCancel }: { onCreated: (created: AlertDestinationWithSecret) => void; onCancel: () => void }) {
  const create = useCreateAlertDestination();
  const [sentence, setSentence] = useState<string | null>(null);
  const form = useForm<AlertDestinationFormValues, unknown, AlertDestinationInput>({
    resolver: zodResolver(alertDestinationInputSchema),
    mode: "onTouched",
    defaultValues: { name: "", url: "", format: "standard" },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit(async (input) => {
    setSentence(null);
    try {
      const created = await create.mutateAsync(input);
      notifySuccess(`Added destination "${created.destination.name}"`);
      onCreated(created);
    } catch (error) {
      setSentence(fieldErrorsOrSentence(error, FIELDS, (field, message) => form.setError(field as (typeof FIELDS)[number], { type: "server", message })));
    }
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label="Add destination">
      <Stack gap="md">
        <TextInput
          label="Name"
          description="How rules and the delivery log name it, like ops-pager."
          autoComplete="off"
          withAsterisk
          data-autofocus
          error={errors.name?.message}
          {...form.register("name")}
        />
        <TextInput
          label="URL"
          description="Where alerts are POSTed. It is kept like a password: afterwards only its host and first path segment are shown."
          placeholder="https://hooks.example.com/databend"
          autoComplete="off"
          withAsterisk
          error={errors.url?.message}
          {...form.register("url")}
        />
        <Controller
          control={form.control}
          name="format"
          render={({ field, fieldState }) => (
            <Radio.Group label="Format" value={field.value ?? "standard"} onChange={(value) => field.onChange(value)} error={fieldState.error?.message} withAsterisk>
              <Stack gap="sm" mt="xs">
                {DESTINATION_FORMATS.map((format, index) => (
                  <Radio
                    key={format}
                    ref={index === 0 ? field.ref : undefined}
                    value={format}
                    label={DESTINATION_FORMAT_LABELS[format]}
                    description={FORMAT_HELP[format]}
                    onBlur={field.onBlur}
                  />
                ))}
              </Stack>
            </Radio.Group>
          )}
        />
        {sentence ? <ErrorAlert title="Could not add the destination" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Add destination" pending={create.isPending} onCancel={onCancel} />
    </form>
  );
}
