// The data source's fields with the seed's labels and help: Mantine inputs registered with the form,
// Queue Region suggested from the Queue URL, External ID read-only with a copy button.
import { Code, Stack, TextInput } from "@mantine/core";
import { useId, useState, type ChangeEvent, type FocusEvent } from "react";
import { useWatch, type UseFormRegisterReturn, type UseFormReturn } from "react-hook-form";
import { AWS_REGIONS, regionFromQueueUrl } from "#contracts/aws-names.ts";
import {
  DATA_SOURCE_FIELDS,
  FIELD_LABELS,
  type DataSourceFormValues,
  type DataSourceInput,
} from "#contracts/data-source.ts";
import { CopyButton } from "../../../lib/copy-button.tsx";
import { useAfterPress } from "./use-after-press.ts";

export type FieldName = (typeof DATA_SOURCE_FIELDS)[number];

const PLACEHOLDERS: Partial<Record<FieldName, string>> = {
  queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/my-queue",
  queue_region: "us-east-1",
  role_arn: "arn:aws:iam::123456789012:role/databend-s3-sqs-consumer-role",
  bucket: "my-bucket",
  prefix: "incoming/",
  suffix: ".csv",
};

const OPTIONAL: readonly FieldName[] = ["prefix", "suffix"];

export function ConnectionFieldset({
  form,
  defaults,
}: {
  form: UseFormReturn<DataSourceFormValues, unknown, DataSourceInput>;
  defaults: DataSourceFormValues;
}) {
  const { register, control, getValues, setValue, trigger, getFieldState, formState } = form;
  const afterPress = useAfterPress();
  // Queue Region follows the Queue URL: the URL names the queue's Region, so a Region typed before
  // the URL (or another one) gives way to it; one typed afterwards against it is refused by the
  // contract's rule on the field. Then the setup commands never mix two Regions.
  const [suggestedRegion, setSuggestedRegion] = useState<string | null>(() =>
    regionFromQueueUrl(defaults.queue_url) === defaults.queue_region ? defaults.queue_region : null,
  );

  const regionsId = useId();
  const values = useWatch({ control });

  // A field whose error is on screen is checked again as it changes, so fixing it clears the
  // message at once (a Test Connectivity that was refused marks fields without touching them).
  const revalidateIfShown = (field: FieldName) => {
    const state = getFieldState(field);
    if (state.isTouched || state.invalid || formState.isSubmitted) void trigger(field);
  };

  /** A registration whose blur validation waits for a pointer press to finish (see use-after-press). */
  const field = (name: FieldName, registration: UseFormRegisterReturn<FieldName> = register(name)) => ({
    ...registration,
    onChange: async (event: ChangeEvent<HTMLInputElement>) => {
      await registration.onChange(event);
      if (getFieldState(name).invalid) void trigger(name);
    },
    onBlur: (event: FocusEvent<HTMLInputElement>) =>
      new Promise<void>((resolve) => afterPress(() => void registration.onBlur(event).then(() => resolve()))),
    label: FIELD_LABELS[name].label,
    description: FIELD_LABELS[name].help,
    error: formState.errors[name]?.message,
    // Required in words by the help text ("Optional." marks the others); an asterisk would become part
    // of the label's text and break exact label lookups.
    required: !OPTIONAL.includes(name),
    withAsterisk: false,
    placeholder: PLACEHOLDERS[name],
  });

  const queueUrl = register("queue_url", {
    onChange: (event: ChangeEvent<HTMLInputElement>) => {
      const fromUrl = regionFromQueueUrl(event.target.value);
      if (fromUrl) {
        setSuggestedRegion(fromUrl);
        if ((getValues("queue_region") ?? "") !== fromUrl) setValue("queue_region", fromUrl, { shouldDirty: true });
      }
      revalidateIfShown("queue_region");
    },
  });

  const queueRegion = register("queue_region", { onChange: () => revalidateIfShown("role_arn") });

  return (
    <Stack gap="sm">
      <TextInput {...field("name")} autoComplete="off" />
      <TextInput {...field("queue_url", queueUrl)} inputMode="url" autoComplete="off" spellCheck={false} />
      <TextInput
        {...field("queue_region", queueRegion)}
        list={regionsId}
        autoComplete="off"
        spellCheck={false}
        description={
          values.queue_region && values.queue_region === suggestedRegion
            ? `${FIELD_LABELS.queue_region.help}. Taken from the Queue URL.`
            : FIELD_LABELS.queue_region.help
        }
      />
      {/* The browser's own suggestion list: Mantine's Autocomplete labels its listbox with the field's
          label, which would give "Queue Region" two labelled elements. */}
      <datalist id={regionsId}>
        {AWS_REGIONS.map((region) => (
          <option key={region} value={region} />
        ))}
      </datalist>
      <TextInput {...field("role_arn")} autoComplete="off" spellCheck={false} />
      <TextInput
        {...field("external_id")}
        readOnly
        variant="filled"
        rightSectionWidth="auto"
        rightSection={<CopyButton text={defaults.external_id} what="External ID" />}
        rightSectionProps={{ style: { paddingRight: 6 } }}
        description={
          <>
            {FIELD_LABELS.external_id.help}. Read-only: Databend sets it to your organization ID. Requiring it in the
            role&apos;s trust policy (the <Code>sts:ExternalId</Code> condition) ensures Databend assumes your role only
            on behalf of your organization, which protects against the confused-deputy problem.
          </>
        }
      />
      <TextInput {...field("bucket")} autoComplete="off" spellCheck={false} />
      <TextInput {...field("prefix")} autoComplete="off" spellCheck={false} />
      <TextInput {...field("suffix")} autoComplete="off" spellCheck={false} />
    </Stack>
  );
}
