// Create or edit an alert rule: its name, what it watches (the kind and that kind's numbers, each
// label naming its unit), which tasks (all, including later ones, or chosen ones), the quiet
// period, where it sends and whether it is on. The rules and messages are the contract's
// (zodResolver on alertRuleInputSchema); the API's refusal goes under the field it names.
import { zodResolver } from "@hookform/resolvers/zod";
import { Checkbox, Modal, MultiSelect, NumberInput, Radio, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { Controller, useForm, useWatch, type Control, type FieldPath } from "react-hook-form";
import {
  ALERT_RULE_KIND_LABELS,
  ALERT_RULE_KINDS,
  alertRuleInputSchema,
  DESTINATION_FORMAT_LABELS,
  type AlertDestination,
  type AlertRule,
  type AlertRuleFormValues,
  type AlertRuleInput,
  type AlertRuleKind,
} from "#contracts/alerts.ts";
import type { TaskRecord } from "#contracts/task.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { useCreateAlertRule } from "../api/create-rule.ts";
import { useUpdateAlertRule } from "../api/update-rule.ts";
import { conditionOf } from "./alert-words.ts";

type Path = FieldPath<AlertRuleFormValues>;
/** Where the API's 400 may name a field, and where the form shows it. */
const FIELDS = [
  "name",
  "condition",
  "condition.kind",
  "condition.for_minutes",
  "condition.threshold_seconds",
  "condition.threshold_files",
  "condition.threshold_messages",
  "task_ids",
  "quiet_minutes",
  "destination_ids",
  "enabled",
] as const;

/** The numbers each kind asks for, with their units in the label. */
const NUMBERS: Record<AlertRuleKind, { name: Path; label: string; description: string }[]> = {
  task_failed: [],
  task_errors_for: [{ name: "condition.for_minutes", label: "Errors for (minutes)", description: "Every run in this long a window recorded errors." }],
  lag_p95_above: [
    { name: "condition.threshold_seconds", label: "Lag p95 above (seconds)", description: "From the S3 event to the rows committed." },
    { name: "condition.for_minutes", label: "For (minutes)", description: "How long the lag stays above it before an alert." },
  ],
  failed_files_above: [{ name: "condition.threshold_files", label: "Failed files above (files)", description: "Files in Failed files, not dismissed; 0 alerts on the first." }],
  backlog_above: [
    { name: "condition.threshold_messages", label: "Backlog above (messages)", description: "Messages waiting in the task's queue." },
    { name: "condition.for_minutes", label: "For (minutes)", description: "How long the backlog stays above it before an alert." },
  ],
};

const NEW_RULE: AlertRuleFormValues = {
  name: "",
  condition: conditionOf("task_failed"),
  task_ids: null,
  quiet_minutes: 10,
  enabled: true,
  destination_ids: [],
};

function valuesOf(rule: AlertRule): AlertRuleFormValues {
  const { name, condition, task_ids, quiet_minutes, enabled, destination_ids } = rule;
  return { name, condition, task_ids, quiet_minutes, enabled, destination_ids };
}

/** `rule` null: Create rule; a rule: Edit it. */
export function RuleFormModal({
  opened,
  rule,
  tasks,
  destinations,
  onClose,
}: {
  opened: boolean;
  rule: AlertRule | null;
  tasks: TaskRecord[];
  destinations: AlertDestination[];
  onClose: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={rule ? `Edit rule "${rule.name}"` : "Create rule"} closeButtonProps={{ "aria-label": "Close" }} size="lg">
      {opened ? <RuleForm key={rule?.id ?? "new"} rule={rule} tasks={tasks} destinations={destinations} onDone={onClose} /> : null}
    </Modal>
  );
}

function NumberField({ control, name, label, description }: { control: Control<AlertRuleFormValues>; name: Path; label: string; description: string }) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <NumberInput
          ref={field.ref}
          name={field.name}
          label={label}
          description={description}
          withAsterisk
          allowDecimal={false}
          allowNegative={false}
          value={typeof field.value === "number" || typeof field.value === "string" ? field.value : ""}
          onChange={field.onChange}
          onBlur={field.onBlur}
          error={fieldState.error?.message}
        />
      )}
    />
  );
}

function RuleForm({ rule, tasks, destinations, onDone }: { rule: AlertRule | null; tasks: TaskRecord[]; destinations: AlertDestination[]; onDone: () => void }) {
  const create = useCreateAlertRule();
  const update = useUpdateAlertRule();
  const [sentence, setSentence] = useState<string | null>(null);
  const form = useForm<AlertRuleFormValues, unknown, AlertRuleInput>({
    resolver: zodResolver(alertRuleInputSchema),
    mode: "onTouched",
    // A new rule sends to the organization's only destination when there is one.
    defaultValues: rule ? valuesOf(rule) : { ...NEW_RULE, destination_ids: destinations.length === 1 ? [destinations[0]!.id] : [] },
  });
  const { control, register, formState, setError, setValue, handleSubmit } = form;
  const kind = useWatch({ control, name: "condition.kind" });
  const taskIds = useWatch({ control, name: "task_ids" });

  const save = handleSubmit(async (input) => {
    setSentence(null);
    try {
      const saved = rule ? await update.mutateAsync({ id: rule.id, update: input }) : await create.mutateAsync(input);
      notifySuccess(rule ? `Saved rule "${saved.name}"` : `Created rule "${saved.name}"`);
      onDone();
    } catch (error) {
      setSentence(fieldErrorsOrSentence(error, FIELDS, (field, message) => setError(field as Path, { type: "server", message })));
    }
  });

  const pending = create.isPending || update.isPending;
  const taskOptions = tasks.map((task) => ({ value: task.id, label: task.name }));
  // A chosen task deleted since keeps its place in the rule; it is named by its id until then.
  for (const id of taskIds ?? []) if (!tasks.some((task) => task.id === id)) taskOptions.push({ value: id, label: `Deleted task ${id}` });

  return (
    <form onSubmit={(event) => void save(event)} noValidate aria-label={rule ? "Edit rule" : "Create rule"}>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="Says what needs attention, like orders lagging; alerts and the delivery log carry it."
          autoComplete="off"
          withAsterisk
          data-autofocus
          error={formState.errors.name?.message}
          {...register("name")}
        />
        <Controller
          control={control}
          name="condition.kind"
          render={({ field, fieldState }) => (
            <Select
              ref={field.ref}
              label="Alert when"
              withAsterisk
              allowDeselect={false}
              data={ALERT_RULE_KINDS.map((value) => ({ value, label: ALERT_RULE_KIND_LABELS[value] }))}
              value={field.value ?? null}
              // A new kind starts from its own numbers: the contract accepts only the kind's fields.
              onChange={(value) => value && setValue("condition", conditionOf(value as AlertRuleKind), { shouldDirty: true })}
              onBlur={field.onBlur}
              error={fieldState.error?.message}
              comboboxProps={{ withinPortal: true }}
            />
          )}
        />
        {kind && NUMBERS[kind].length > 0 ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            {NUMBERS[kind].map((number) => (
              <NumberField key={`${kind}:${number.name}`} control={control} {...number} />
            ))}
          </SimpleGrid>
        ) : null}
        <Radio.Group
          label="Tasks"
          value={taskIds === null || taskIds === undefined ? "all" : "chosen"}
          onChange={(value) => setValue("task_ids", value === "all" ? null : [], { shouldDirty: true })}
        >
          <Stack gap="sm" mt="xs">
            <Radio value="all" label="All tasks" description="Every task of the organization, including tasks made later." />
            <Radio value="chosen" label="Chosen tasks" />
          </Stack>
        </Radio.Group>
        {taskIds === null || taskIds === undefined ? null : (
          <Controller
            control={control}
            name="task_ids"
            render={({ field, fieldState }) => (
              <MultiSelect
                ref={field.ref}
                label="Tasks to watch"
                placeholder={taskOptions.length === 0 ? "This organization has no task yet" : "Choose tasks"}
                data={taskOptions}
                value={field.value ?? []}
                onChange={field.onChange}
                onBlur={field.onBlur}
                searchable
                nothingFoundMessage="No task by that name"
                error={fieldState.error?.message}
                comboboxProps={{ withinPortal: true }}
              />
            )}
          />
        )}
        <NumberField
          control={control}
          name="quiet_minutes"
          label="Quiet period (minutes)"
          description="After the condition clears, wait this long before sending resolved; if it returns meanwhile, it is the same incident, so a flapping task alerts once."
        />
        <Controller
          control={control}
          name="destination_ids"
          render={({ field, fieldState }) => (
            <Checkbox.Group
              label="Send to"
              description={destinations.length === 0 ? "No destination yet: add one under Destinations. Without one, incidents are only listed here." : undefined}
              value={field.value ?? []}
              onChange={field.onChange}
              error={fieldState.error?.message}
            >
              <Stack gap="xs" mt="xs">
                {destinations.map((d, index) => (
                  <Checkbox key={d.id} ref={index === 0 ? field.ref : undefined} value={d.id} label={d.name} description={DESTINATION_FORMAT_LABELS[d.format]} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
        />
        <Controller
          control={control}
          name="enabled"
          render={({ field }) => (
            <Checkbox
              ref={field.ref}
              label="Enabled"
              description="A disabled rule watches nothing and sends nothing; its open incidents close without a resolved message."
              checked={field.value ?? true}
              onChange={(event) => field.onChange(event.currentTarget.checked)}
            />
          )}
        />
        {formState.errors.condition?.message ? (
          <Text size="sm" c="red" role="alert">
            {formState.errors.condition.message}
          </Text>
        ) : null}
        {sentence ? <ErrorAlert title={rule ? "Could not save the rule" : "Could not create the rule"} message={sentence} /> : null}
      </Stack>
      <ModalActions submit={rule ? "Save rule" : "Create rule"} pending={pending} onCancel={onDone} />
    </form>
  );
}
