// Part of step 4 (Target): what a bad row does (On error), whether loaded objects are deleted (Purge)
// and how often the scope is listed for objects whose events never came (Reconcile every).
import { Alert, NumberInput, Radio, Stack, Switch } from "@mantine/core";
import { useId } from "react";
import { Controller, useWatch } from "react-hook-form";
import { ON_ERROR_HELP, ON_ERROR_MODES, PURGE_WARNING, RECONCILE_MINUTES, type OnError } from "#contracts/task.ts";
import { useTaskForm } from "./form-context.ts";

export const ON_ERROR_LABELS: Record<OnError, string> = { abort: "Abort", continue: "Continue" };

export function LoadOptions() {
  const { control } = useTaskForm();
  const purge = useWatch({ control, name: "purge" });
  const warningId = useId();
  return (
    <>
      <Controller
        control={control}
        name="on_error"
        render={({ field, fieldState }) => (
          <Radio.Group
            label="On error"
            description="What happens to a file with a row that does not fit the table."
            value={field.value ?? "abort"}
            onChange={(value) => field.onChange(value as OnError)}
            error={fieldState.error?.message}
          >
            <Stack gap="sm" mt="xs">
              {ON_ERROR_MODES.map((mode, index) => (
                <Radio
                  key={mode}
                  ref={index === 0 ? field.ref : undefined}
                  value={mode}
                  label={ON_ERROR_LABELS[mode]}
                  description={ON_ERROR_HELP[mode]}
                  onBlur={field.onBlur}
                />
              ))}
            </Stack>
          </Radio.Group>
        )}
      />

      <Controller
        control={control}
        name="purge"
        render={({ field }) => (
          <Switch
            ref={field.ref}
            name={field.name}
            label="Purge loaded files"
            // Mantine's Switch wraps its description in the <label>; without this the description
            // would be read twice, as part of the name and as the description.
            aria-label="Purge loaded files"
            description={
              field.value
                ? "On: each source object is deleted once it is loaded."
                : "Off: source objects stay in the bucket after they are loaded."
            }
            aria-describedby={field.value ? warningId : undefined}
            checked={field.value ?? false}
            onChange={(event) => field.onChange(event.currentTarget.checked)}
            onBlur={field.onBlur}
          />
        )}
      />
      {purge ? (
        <Alert id={warningId} color="yellow" variant="light" title="Purge needs one more permission">
          {PURGE_WARNING}
        </Alert>
      ) : null}

      <Controller
        control={control}
        name="reconcile_every_minutes"
        render={({ field, fieldState }) => (
          <NumberInput
            ref={field.ref}
            name={field.name}
            label="Reconcile every (minutes)"
            description={`Optional. Lists the task's objects on this schedule and loads any whose S3 event never arrived (${RECONCILE_MINUTES.min} to ${RECONCILE_MINUTES.max}); empty: off.`}
            placeholder="Off"
            min={RECONCILE_MINUTES.min}
            max={RECONCILE_MINUTES.max}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            value={field.value ?? ""}
            onChange={(value) => field.onChange(value === "" ? null : Number(value))}
            onBlur={field.onBlur}
            error={fieldState.error?.message}
          />
        )}
      />
    </>
  );
}
