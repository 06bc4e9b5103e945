// Add destination and Edit destination: Name, URL and Format (Standard Webhooks or Slack), checked by
// the contract's rules (zodResolver) and, on save, by the API's (which may refuse a private
// address). Add then shows the signing secret, once. Edit starts with the URL empty: the URL is
// write-only (the page knows only its hint), so empty keeps the stored one and a typed one replaces
// it, e.g. a Slack webhook URL that was regenerated.
import { zodResolver } from "@hookform/resolvers/zod";
import { Modal, Radio, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { Controller, useForm, type Control, type FieldErrors, type FieldValues, type UseFormRegister } from "react-hook-form";
import {
  alertDestinationInputSchema,
  DESTINATION_FORMAT_LABELS,
  DESTINATION_FORMATS,
  webhookUrlSchema,
  type AlertDestination,
  type AlertDestinationFormValues,
  type AlertDestinationInput,
  type AlertDestinationUpdate,
  type AlertDestinationWithSecret,
  type DestinationFormat,
} from "#contracts/alerts.ts";
import { z } from "#contracts/zod.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { ShownOnceModal } from "../../admin/public.ts";
import { useCreateAlertDestination } from "../api/create-destination.ts";
import { useUpdateAlertDestination } from "../api/update-destination.ts";
import { SigningSecret } from "./signing-secret.tsx";

const FIELDS = ["name", "url", "format"] as const;

/**
 * Edit's rules: the contract's, but an empty URL is allowed and means "keep the stored one" (it
 * becomes undefined, so the PUT leaves `url` out); a typed URL gets the contract's own messages.
 */
const editSchema = alertDestinationInputSchema.extend({
  url: z
    .string()
    .trim()
    .superRefine((url, ctx) => {
      if (url === "") return;
      for (const issue of webhookUrlSchema.safeParse(url).error?.issues ?? []) ctx.addIssue({ code: "custom", message: issue.message });
    })
    .transform((url) => (url === "" ? undefined : url)),
});
type EditOutput = z.output<typeof editSchema>;

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
        <DestinationFields register={form.register} control={form.control} errors={errors} />
        {sentence ? <ErrorAlert title="Could not add the destination" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Add destination" pending={create.isPending} onCancel={onCancel} />
    </form>
  );
}

/** `destination`: Edit it; null: closed. */
export function EditDestinationModal({ destination, onClose }: { destination: AlertDestination | null; onClose: () => void }) {
  return (
    <Modal opened={destination !== null} onClose={onClose} title={destination ? `Edit destination "${destination.name}"` : ""} closeButtonProps={{ "aria-label": "Close" }}>
      {destination ? <EditDestinationForm key={destination.id} destination={destination} onDone={onClose} /> : null}
    </Modal>
  );
}

function EditDestinationForm({ destination, onDone }: { destination: AlertDestination; onDone: () => void }) {
  const update = useUpdateAlertDestination();
  const [sentence, setSentence] = useState<string | null>(null);
  const form = useForm<AlertDestinationFormValues, unknown, EditOutput>({
    resolver: zodResolver(editSchema),
    mode: "onTouched",
    defaultValues: { name: destination.name, url: "", format: destination.format },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit(async ({ name, url, format }) => {
    setSentence(null);
    const change: AlertDestinationUpdate = { name, format, ...(url === undefined ? {} : { url }) };
    try {
      const saved = await update.mutateAsync({ id: destination.id, update: change });
      notifySuccess(`Saved destination "${saved.name}"`);
      onDone();
    } catch (error) {
      setSentence(fieldErrorsOrSentence(error, FIELDS, (field, message) => form.setError(field as (typeof FIELDS)[number], { type: "server", message })));
    }
  });
  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-label="Edit destination">
      <Stack gap="md">
        <DestinationFields register={form.register} control={form.control} errors={errors} keepUrl={destination.url_hint} />
        {sentence ? <ErrorAlert title="Could not save the destination" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Save destination" pending={update.isPending} onCancel={onDone} />
    </form>
  );
}

/** The three fields both forms ask; `keepUrl` (Edit): the stored URL's hint, and an empty URL keeps it. */
function DestinationFields<Output extends FieldValues>({
  register,
  control,
  errors,
  keepUrl,
}: {
  register: UseFormRegister<AlertDestinationFormValues>;
  control: Control<AlertDestinationFormValues, unknown, Output>;
  errors: FieldErrors<AlertDestinationFormValues>;
  keepUrl?: string;
}) {
  return (
    <>
      <TextInput
        label="Name"
        description="How rules and the delivery log name it, like ops-pager."
        autoComplete="off"
        withAsterisk
        data-autofocus
        error={errors.name?.message}
        {...register("name")}
      />
      <TextInput
        label="URL"
        description={
          keepUrl === undefined
            ? "Where alerts are POSTed. It is kept like a password: afterwards only its host and first path segment are shown."
            : `Leave it empty to keep the current URL (${keepUrl}); type a new one to replace it, e.g. a regenerated Slack webhook URL.`
        }
        placeholder="https://hooks.example.com/databend"
        autoComplete="off"
        withAsterisk={keepUrl === undefined}
        error={errors.url?.message}
        {...register("url")}
      />
      <Controller
        control={control}
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
    </>
  );
}
