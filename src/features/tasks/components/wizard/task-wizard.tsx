// The task wizard (create and edit): a Stepper over one react-hook-form whose rules are the
// contract's (wizard-model.ts). Next validates the current step's fields and advances on the same
// click; a step can be visited once the steps before it are valid; Cancel leaves without saving.
// The step is in the address (?step=files), so Back and Forward move between steps and a refresh
// stays on the step; a new task's draft is kept in the tab (wizard-draft.ts), and leaving with
// edits asks first (useLeaveGuard). A new table drafted on Target is sent with the task
// (`create_table`): the API makes both or neither, so nothing is made before Create.
import { Paper, Stack, Stepper, Title, useMatches } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { FormProvider, useForm, useWatch } from "react-hook-form";
import { useNavigate } from "react-router";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import type { SourceScope, TaskFormValues, TaskInput, TaskRecord } from "#contracts/task.ts";
import type { TaskSave } from "#contracts/task-create.ts";
import { newTableSchema } from "#contracts/warehouse.ts";
import { ApiRequestError } from "../../../../lib/api-client.ts";
import { DraftNotice } from "../../../../lib/draft-notice.tsx";
import { ErrorAlert } from "../../../../lib/error-detail.tsx";
import { keepFocus } from "../../../../lib/keep-focus.ts";
import { notifyFailure, notifySuccess } from "../../../../lib/notify.ts";
import { useInFlight } from "../../../../lib/use-in-flight.ts";
import { useLeaveGuard } from "../../../../lib/use-leave-guard.ts";
import { useCreateTask } from "../../api/create-task.ts";
import { useTasks } from "../../api/get-tasks.ts";
import { taskKeys } from "../../api/keys.ts";
import { startTask } from "../../api/start-task.ts";
import { useUpdateTask } from "../../api/update-task.ts";
import { taskPath } from "../../task-state.ts";
import { FilesStep } from "./files-step.tsx";
import { useNewTableForm, type NewTableValues } from "./new-table.tsx";
import { PreviewStep } from "./preview-step.tsx";
import { ReviewStep } from "./review-step.tsx";
import { SourceStep } from "./source-step.tsx";
import { useTableMode, type TableMode } from "./table-mode.ts";
import { TargetStep } from "./target-step.tsx";
import { useDefaultWarehouse } from "./warehouse-choice.tsx";
import { useWizardStep } from "./use-wizard-step.ts";
import { WizardActions } from "./wizard-actions.tsx";
import { LEAVE_EDIT, LEAVE_NEW, startingPoint, useStoredWizardDraft, useWizardDraft } from "./wizard-draft.ts";
import {
  fieldsBefore,
  firstInvalid,
  previewRequestOf,
  scopeOf,
  stepOfField,
  STEPS,
  suggestTaskName,
  TARGET_STEP,
  taskResolver,
  valuesFromTask,
  type Field,
} from "./wizard-model.ts";


export function TaskWizard({ sources, task, sourceId = null }: { sources: DataSourceRecord[]; task?: TaskRecord; sourceId?: string | null }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useCreateTask();
  const update = useUpdateTask(task?.id ?? "");
  const headingId = useId();
  const phone = useMatches({ base: true, sm: false });
  const [formError, setFormError] = useState<{ error: Error; n: number } | null>(null);
  const stored = useStoredWizardDraft(!!task);
  const [start] = useState(() => startingPoint(stored.draft, sources, sourceId));
  const [source, setSource] = useState(() => sources.find((candidate) => candidate.id === (task?.data_source_id ?? start.values.data_source_id)));

  const form = useForm<TaskFormValues, SourceScope | undefined, TaskInput>({
    resolver: taskResolver,
    context: source ? { prefix: source.prefix, suffix: source.suffix } : undefined,
    mode: "onTouched",
    defaultValues: task ? valuesFromTask(task) : start.values,
  });
  const { trigger, getFieldState, setError, setValue, clearErrors, handleSubmit, formState } = form;

  // Preview and Target read one preview (through the query cache): the settings chosen so far and
  // the sample picked on Preview, which applies only while those settings stay the same.
  const [dataSourceId, fileFormat, prefix, suffix, warehouseId] = useWatch({
    control: form.control,
    name: ["data_source_id", "file_format", "prefix", "suffix", "warehouse_id"],
  });
  const base = previewRequestOf({ data_source_id: dataSourceId, file_format: fileFormat, prefix, suffix, warehouse_id: warehouseId });
  const baseKey = JSON.stringify(base);
  const [sample, setSample] = useState<{ base: string; key: string } | null>(null);
  const previewRequest = base && sample?.base === baseKey ? { ...base, key: sample.key } : base;

  useDefaultWarehouse(form);

  // Target's choice between an existing table and a new one, and the new one's draft, outlive the
  // step so Back and Next keep every edit.
  // `tableMode` is the person's choice (null: it follows what the database holds, see table-mode.ts).
  const [tableMode, setTableMode] = useState<TableMode | null>(start.tableMode);
  const newTable = useNewTableForm(start.newTable);
  const { step, goTo, heading } = useWizardStep({ form, onMove: () => setFormError(null) });
  const database = useWatch({ control: form.control, name: "target.database" })?.trim() ?? "";
  const mode = useTableMode(tableMode, warehouseId ?? null, database, step >= TARGET_STEP);
  const tasks = useTasks();
  // Review starts with a name to keep or change, never an empty field (a new task only).
  useEffect(() => {
    if (task || step !== STEPS.length - 1 || form.getValues("name")) return;
    const table = form.getValues("target.table");
    if (table) form.setValue("name", suggestTaskName(table, (tasks.data ?? []).map((t) => t.name)));
  }, [task, step, form, tasks.data]);

  const draft = useWizardDraft({ key: stored.key, restored: !!stored.draft, start, form, newTable, tableMode });
  const [draftNotice, setDraftNotice] = useState(!!stored.draft);

  /** Drops a restored draft: the wizard as a new visit shows it. */
  function startOver() {
    const fresh = startingPoint(null, sources, sourceId);
    // The warehouse chosen by itself stays (it is not part of the draft's edits).
    form.reset({ ...fresh.values, warehouse_id: form.getValues("warehouse_id") });
    newTable.reset(fresh.newTable);
    setTableMode(fresh.tableMode);
    setSource(sources.find((candidate) => candidate.id === fresh.values.data_source_id));
    setDraftNotice(false);
    draft.restart(fresh);
    goTo(0);
  }
  const edited = task ? formState.isDirty : draft.edited;
  const leave = useLeaveGuard(edited, task ? LEAVE_EDIT : LEAVE_NEW);

  // "onTouched" checks a field again on change only after it lost focus once; a field Next marked
  // invalid still has focus, so it is checked here as it changes, and its error clears as soon as
  // the value is right.
  const { subscribe } = form;
  useEffect(
    () =>
      subscribe({
        formState: { values: true },
        callback: ({ name }) => {
          if (name && getFieldState(name as Field).error) void trigger(name as Field);
        },
      }),
    [subscribe, getFieldState, trigger],
  );


  // With "Create a new table", the target's table is the drafted table's name, as it is typed (so
  // Review and a step reached by Back or Forward agree with what Create sends).
  useEffect(() => {
    if (mode !== "new") return;
    return newTable.subscribe({
      formState: { values: true },
      callback: () => {
        const name = newTable.getValues("name").trim();
        if (name !== form.getValues("target.table")) form.setValue("target.table", name);
      },
    });
  }, [mode, newTable, form]);

  /**
   * With "Create a new table", its draft must pass the create-table rules before the wizard goes on;
   * its name becomes the target's table. False holds the wizard on Target with the errors shown.
   */
  async function newTableReady(): Promise<boolean> {
    if (mode !== "new") return true;
    if (await newTable.trigger(undefined, { shouldFocus: step === TARGET_STEP })) {
      setValue("target.table", newTable.getValues("name").trim(), { shouldValidate: true });
      return true;
    }
    if (step !== TARGET_STEP) goTo(TARGET_STEP);
    return false;
  }

  async function onNext() {
    if (step === TARGET_STEP) {
      // Databend's tables not listed yet: which table is meant is not known.
      if (!mode) return;
      const others = await trigger(["on_error", "purge"], { shouldFocus: true });
      if (!others || !(await newTableReady())) return;
    }
    const valid = await trigger([...STEPS[step]!.fields], { shouldFocus: true });
    if (valid) goTo(step + 1);
  }

  /** Back is always allowed; forward only as far as the steps before the target are valid. */
  async function onStepClick(index: number) {
    if (index < step) return goTo(index);
    if (index > TARGET_STEP && step === TARGET_STEP && !(await newTableReady())) return;
    const fields = fieldsBefore(index);
    if (await trigger(fields)) {
      return goTo(index);
    }
    const first = firstInvalid((field) => getFieldState(field).invalid, fields);
    if (first) goTo(first.step, first.field);
  }

  function onSourceChange(chosen: DataSourceRecord | undefined) {
    setSource(chosen);
    // The task's scope starts as the source's; a new source brings its own.
    setValue("prefix", chosen?.prefix ?? "");
    setValue("suffix", chosen?.suffix ?? "");
    clearErrors(["prefix", "suffix"]);
  }

  /**
   * Server refusals about a new table (`target.table`, `create_table.columns.N.*`) belong on its
   * draft's fields on Target; returns the others.
   */
  function applyNewTableErrors(fields: Record<string, string>, created: boolean): Record<string, string> {
    if (!created) return fields;
    const rest: Record<string, string> = {};
    let onTable = false;
    for (const [path, message] of Object.entries(fields)) {
      const field = path === "target.table" ? "name" : path.startsWith("create_table.") ? path.slice("create_table.".length) : null;
      if (field === null) {
        rest[path] = message;
        continue;
      }
      newTable.setError(field as keyof NewTableValues, { type: "server", message });
      onTable = true;
    }
    if (onTable && Object.keys(rest).length === 0) goTo(TARGET_STEP);
    return rest;
  }

  /** Puts server field errors on their steps' fields, shows the earliest and focuses it; returns the rest. */
  function applyFieldErrors(fields: Record<string, string>): string[] {
    const unknown: string[] = [];
    let first: { step: number; field: Field } | null = null;
    for (const [path, message] of Object.entries(fields)) {
      const index = stepOfField(path);
      if (index === null) {
        unknown.push(message);
        continue;
      }
      setError(path as Field, { type: "server", message });
      if (!first || index < first.step) first = { step: index, field: path as Field };
    }
    if (first) goTo(first.step, first.field);
    return unknown;
  }

  const submit = (andStart: boolean) =>
    handleSubmit(
      async (input) => {
        setFormError(null);
        const body: TaskSave = { ...input, ...scopeOf(input) };
        if (mode === "new") {
          // Checked again as sent (a restored draft may come straight to Review).
          const drafted = newTableSchema.safeParse(newTable.getValues());
          if (!drafted.success) {
            await newTableReady();
            return;
          }
          body.target = { ...body.target, table: drafted.data.name };
          body.create_table = { columns: drafted.data.columns };
        }
        let record: TaskRecord;
        try {
          record = task ? await update.mutateAsync(body) : await create.mutateAsync(body);
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          if (error instanceof ApiRequestError) {
            const fields = applyNewTableErrors(error.fields, mode === "new");
            const unknown = applyFieldErrors(fields);
            const onFields = Object.keys(error.fields).length - unknown.length;
            if (onFields > 0 && unknown.length === 0) return;
            if (unknown.length > 0) failure.message = [error.message, ...unknown].join(" ");
          }
          setFormError((current) => ({ error: failure, n: (current?.n ?? 0) + 1 }));
          return;
        }
        notifySuccess(task ? `Saved task ${record.name}` : `Created task ${record.name}`);
        // Saved: the draft is done with, and going to the task's page must not ask.
        draft.discard();
        leave.allowNextNavigation();
        if (andStart) {
          // The task exists either way; a failed start is a notice, and its page offers Start.
          try {
            queryClient.setQueryData(taskKeys.detail(record.id), await startTask(record.id));
          } catch (error) {
            notifyFailure(`Task ${record.name} was created but did not start`, error);
          }
          await queryClient.invalidateQueries({ queryKey: taskKeys.all });
        }
        await navigate(taskPath(record.id));
      },
      () => {
        const first = firstInvalid((field) => getFieldState(field).invalid);
        if (first) goTo(first.step, first.field);
      },
    );

  const last = step === STEPS.length - 1;
  // A double click on Create sends one request (the second would be refused as a duplicate name).
  const flight = useInFlight();
  const busy = formState.isSubmitting || flight.busy;
  const cancelTo = task ? taskPath(task.id) : "/data/integration";

  return (
    <FormProvider {...form}>
      <form
        noValidate
        aria-label={task ? "Edit integration task" : "Integration task"}
        onSubmit={(event) => {
          event.preventDefault();
          // On Review, Enter does what the primary button does: create and start a new task.
          if (last) void flight.run(() => submit(!task)(event));
          else void onNext();
        }}
      >
        <Stack gap="lg">
          {draftNotice ? (
            <DraftNotice onStartOver={startOver} onClose={() => setDraftNotice(false)} />
          ) : null}
          <Stepper
            active={step}
            onStepClick={(index) => void onStepClick(index)}
            allowNextStepsSelect
            size={phone ? "xs" : "sm"}
            aria-label="Steps"
          >
            {STEPS.map((s, index) => (
              <Stepper.Step
                key={s.title}
                // On a phone five labelled steps wrap onto two rows: the numbered circles alone fit
                // one row, the step's own heading below says "Step N of 5: <title>", and each step
                // keeps its name for screen readers (aria-label).
                label={phone ? undefined : s.title}
                description={phone ? undefined : s.description}
                aria-label={`Step ${index + 1}: ${s.title}`}
                aria-current={index === step ? "step" : undefined}
                onMouseDown={keepFocus}
              />
            ))}
          </Stepper>

          <Paper withBorder radius="md" p={{ base: "sm", sm: "lg" }} component="section" aria-labelledby={headingId}>
            <Title order={2} size="h4" id={headingId} mb="md" tabIndex={-1} ref={heading}>
              Step {step + 1} of {STEPS.length}: {STEPS[step]!.title}
            </Title>
            {step === 0 ? <SourceStep sources={sources} source={source} onSourceChange={onSourceChange} /> : null}
            {step === 1 ? <FilesStep source={source} /> : null}
            {step === 2 ? <PreviewStep request={previewRequest} onChooseSample={(key) => setSample({ base: baseKey, key })} /> : null}
            {step === TARGET_STEP ? (
              <TargetStep request={previewRequest} choice={{ mode, setMode: setTableMode, newTable }} />
            ) : null}
            {step === 4 ? <ReviewStep source={source} newTable={mode === "new" ? newTable : null} /> : null}
          </Paper>

          {formError ? (
            // Focused (and announced) so the reason is not missed below the fold.
            <div key={formError.n} ref={(element) => element?.focus()} tabIndex={-1}>
              <ErrorAlert
                title={task ? "Could not save the task" : "Could not create the task"}
                message={formError.error.message}
                detail={formError.error instanceof ApiRequestError ? formError.error.detail : undefined}
              />
            </div>
          ) : null}

          <WizardActions
            mode={task ? "edit" : "create"}
            cancelTo={cancelTo}
            busy={busy}
            back={step > 0 ? () => goTo(step - 1) : null}
            last={last}
            createStopped={(event) => void flight.run(() => submit(false)(event))}
          />
        </Stack>
      </form>
    </FormProvider>
  );
}
