// Create Integration Task: a four-step wizard (Source, Files, Target, Review) over one form whose
// rules are the contract's: zodResolver on taskInputSchema plus taskScopeProblems against the chosen
// data source. Next validates the current step's fields only; values stay across Back/Next.
import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useForm, useWatch, type FieldPath, type Resolver } from "react-hook-form";
import { Link, useNavigate } from "react-router";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import {
  COMPRESSIONS,
  effectiveScope,
  FILE_FORMAT_LABELS,
  fileFormatSchema,
  ON_ERROR_HELP,
  ON_ERROR_MODES,
  PURGE_WARNING,
  taskInputSchema,
  taskScopeProblems,
  type FileFormatType,
  type SourceScope,
  type TaskFormValues,
  type TaskInput,
} from "#contracts/task.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { SelectField, TextField } from "../../../lib/form-field.tsx";
import { Breadcrumbs, Loading, LoadError } from "../../../lib/page-states.tsx";
import { useDataSources } from "../../data-sources/api/get-data-sources.ts";
import { useCreateTask } from "../api/create-task.ts";
import { taskKeys } from "../api/keys.ts";
import { startTask } from "../api/start-task.ts";
import type { ActionError } from "./task-actions.tsx";
import { formatOptions } from "./task-format.tsx";

type Field = FieldPath<TaskFormValues>;

export const STEPS = [
  { title: "Source", fields: ["data_source_id"] },
  {
    title: "Files",
    fields: [
      "prefix",
      "suffix",
      "file_format.type",
      "file_format.header",
      "file_format.delimiter",
      "file_format.quote",
      "file_format.compression",
    ],
  },
  { title: "Target", fields: ["target.database", "target.table", "on_error", "purge"] },
  { title: "Review", fields: ["name"] },
] as const satisfies readonly { title: string; fields: readonly Field[] }[];

/** The step that holds a field path such as "target.table" or "file_format" (null when none does). */
export function stepOfField(path: string): number | null {
  const index = STEPS.findIndex((step) =>
    (step.fields as readonly string[]).some((field) => field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`)),
  );
  return index === -1 ? null : index;
}

const DEFAULTS: TaskFormValues = {
  name: "",
  data_source_id: "",
  file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" },
  prefix: "",
  suffix: "",
  target: { database: "default", table: "" },
  on_error: "abort",
  purge: false,
};

/** An empty prefix or suffix takes the data source's (the API's default when left out). */
function scopeOf(values: { prefix?: string | undefined; suffix?: string | undefined }) {
  return { prefix: values.prefix || undefined, suffix: values.suffix || undefined };
}

/** A new file format of `type`, keeping the compression when both formats have one. */
function formatOfType(type: FileFormatType, current: TaskFormValues["file_format"]): TaskFormValues["file_format"] {
  const compression = "compression" in current && current.compression ? current.compression : "auto";
  switch (type) {
    case "csv":
      return { type, header: true, delimiter: ",", quote: '"', compression };
    case "ndjson":
      return { type, compression };
    case "parquet":
      return { type };
  }
}

const contractResolver = zodResolver(taskInputSchema);

/** The contract's schema, then the scope rule against the chosen data source (the form's context). */
const resolver: Resolver<TaskFormValues, SourceScope | undefined, TaskInput> = async (values, source, options) => {
  const result = await contractResolver(values, source, options);
  const problems = source ? taskScopeProblems(scopeOf(values), source) : {};
  if (Object.keys(problems).length === 0) return result;
  const errors = { ...result.errors };
  for (const [key, message] of Object.entries(problems)) {
    if (key === "prefix" || key === "suffix") errors[key] ??= { type: "scope", message };
  }
  return { values: {}, errors };
};

function focusOnMount(element: HTMLElement | null) {
  element?.focus();
}

export function CreateTaskPage() {
  const sources = useDataSources();
  return (
    <section className="page">
      <Breadcrumbs trail={[{ label: "Data Integration", to: "/data/integration" }, { label: "Create Integration Task" }]} />
      <h1>Create Integration Task</h1>
      {sources.isPending ? (
        <Loading what="data sources" />
      ) : sources.isError ? (
        <LoadError
          error={sources.error}
          what="data sources"
          retry={() => void sources.refetch()}
          back={{ to: "/data/integration", label: "Data Integration" }}
        />
      ) : sources.data.length === 0 ? (
        <div className="empty-state">
          <h2>No data sources yet</h2>
          <p>A task reads the S3 events of a data source. Create one first, then come back to create the task.</p>
          <Link to="/data/sources/new" className="button primary">
            Create Data Source
          </Link>
        </div>
      ) : (
        <TaskWizard sources={sources.data} />
      )}
    </section>
  );
}

function TaskWizard({ sources }: { sources: DataSourceRecord[] }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useCreateTask();
  const [step, setStep] = useState(0);
  // A field to focus once its step has rendered (server errors, invalid submit).
  const [pendingFocus, setPendingFocus] = useState<{ field: Field; n: number } | null>(null);
  const [formError, setFormErrorState] = useState<{ message: string; n: number } | null>(null);
  const setFormError = (message: string | null) =>
    setFormErrorState((current) => (message === null ? null : { message, n: (current?.n ?? 0) + 1 }));
  const ids = { step: useId(), summary: useId(), purge: useId(), onError: useId(), format: useId() };

  const [sourceId, setSourceId] = useState("");
  const source = sources.find((candidate) => candidate.id === sourceId);

  const {
    register,
    control,
    handleSubmit,
    getValues,
    setValue,
    setError,
    setFocus,
    trigger,
    clearErrors,
    formState: { errors, isSubmitting },
  } = useForm<TaskFormValues, SourceScope | undefined, TaskInput>({
    resolver,
    context: source ? { prefix: source.prefix, suffix: source.suffix } : undefined,
    mode: "onTouched",
    defaultValues: DEFAULTS,
  });
  const values = useWatch({ control }) as TaskFormValues;
  const format = values.file_format;

  useEffect(() => {
    if (pendingFocus) setFocus(pendingFocus.field);
  }, [pendingFocus, setFocus]);

  const dataSource = register("data_source_id", {
    onChange: (event: React.ChangeEvent<HTMLSelectElement>) => {
      const chosen = sources.find((candidate) => candidate.id === event.target.value);
      setSourceId(event.target.value);
      // The task's scope starts as the source's; a new source brings its own.
      setValue("prefix", chosen?.prefix ?? "");
      setValue("suffix", chosen?.suffix ?? "");
      clearErrors(["prefix", "suffix"]);
    },
  });

  function goTo(index: number, field?: Field) {
    setFormError(null);
    setStep(index);
    if (field) setPendingFocus((current) => ({ field, n: (current?.n ?? 0) + 1 }));
  }

  async function onNext() {
    const valid = await trigger([...STEPS[step]!.fields] as Field[], { shouldFocus: true });
    if (valid) goTo(step + 1);
  }

  function onBack() {
    goTo(step - 1);
  }

  /** Puts field errors on their steps' fields; shows the earliest step and focuses its first field. */
  function applyFieldErrors(fields: Record<string, string>): string[] {
    const unknown: string[] = [];
    let first: { step: number; field: Field } | null = null;
    for (const [path, message] of Object.entries(fields)) {
      const index = stepOfField(path);
      if (index === null) {
        unknown.push(message);
        continue;
      }
      const field = path as Field;
      setError(field, { type: "server", message });
      if (!first || index < first.step) first = { step: index, field };
    }
    if (first) goTo(first.step, first.field);
    return unknown;
  }

  const submit = (andStart: boolean) =>
    handleSubmit(
      async (input) => {
        setFormError(null);
        const body: TaskInput = { ...input, ...scopeOf(input) };
        let record;
        try {
          record = await create.mutateAsync(body);
        } catch (error) {
          if (error instanceof ApiRequestError) {
            const unknown = applyFieldErrors(error.fields);
            const hasFieldErrors = Object.keys(error.fields).length > unknown.length;
            if (!hasFieldErrors || unknown.length > 0) setFormError([error.message, ...unknown].join(" "));
          } else {
            setFormError(error instanceof Error ? error.message : "Creating the task failed");
          }
          return;
        }
        let startError: ActionError | null = null;
        if (andStart) {
          // The task exists either way; a failed start is reported on its page, which offers Start.
          await startTask(record.id)
            .then((started) => queryClient.setQueryData(taskKeys.detail(started.id), started))
            .catch((error: unknown) => {
              const reason = error instanceof Error ? error.message : "the start request failed";
              startError = { taskId: record.id, message: `The task was created but did not start: ${reason}` };
            });
          await queryClient.invalidateQueries({ queryKey: taskKeys.all });
        }
        await navigate(`/data/integration/${encodeURIComponent(record.id)}`, { state: { actionError: startError } });
      },
      (invalid) => {
        const first = STEPS.flatMap((s, index) => s.fields.map((field) => ({ field: field as Field, index }))).find(
          ({ field }) => field.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], invalid),
        );
        if (first) goTo(first.index, first.field);
      },
    );

  const last = step === STEPS.length - 1;
  const scope = source ? effectiveScope(scopeOf(values), source) : null;
  const formatErrors = errors.file_format as Partial<Record<string, { message?: string }>> | undefined;

  return (
    <form
      className="data-source-form"
      noValidate
      aria-label="Integration task"
      onSubmit={(event) => {
        event.preventDefault();
        if (last) void submit(false)(event);
        else void onNext();
      }}
    >
      <ol className="wizard-steps" aria-label="Steps">
        {STEPS.map((s, index) => (
          <li key={s.title} aria-current={index === step ? "step" : undefined} className={index < step ? "done" : undefined}>
            {s.title}
          </li>
        ))}
      </ol>

      <section className="panel" aria-labelledby={ids.step}>
        <h2 id={ids.step}>
          Step {step + 1} of {STEPS.length}: {STEPS[step]!.title}
        </h2>

        {step === 0 ? (
          <>
            <SelectField
              label="Data source"
              help={
                <>
                  The task reads the S3 events of this source's SQS queue. <Link to="/data/sources/new">Create a data source</Link>
                </>
              }
              required
              error={errors.data_source_id?.message}
              registration={dataSource}
            >
              <option value="">Choose a data source</option>
              {sources.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name} — s3://{candidate.bucket}/{candidate.prefix}*{candidate.suffix}
                </option>
              ))}
            </SelectField>
            {source ? <SourceScopeList source={source} /> : null}
          </>
        ) : null}

        {step === 1 ? (
          <>
            {source ? <SourceScopeList source={source} /> : null}
            <TextField
              label="Object Key Prefix"
              help={`Only objects whose key starts with this are loaded. Must start with the data source's prefix${source?.prefix ? ` "${source.prefix}"` : ""}; empty takes the source's.`}
              error={errors.prefix?.message}
              registration={register("prefix")}
              placeholder={source?.prefix || "incoming/"}
            />
            <TextField
              label="Object Key Suffix"
              help={`Only objects whose key ends with this are loaded. Must end with the data source's suffix${source?.suffix ? ` "${source.suffix}"` : ""}; empty takes the source's.`}
              error={errors.suffix?.message}
              registration={register("suffix")}
              placeholder={source?.suffix || ".csv"}
            />
            <div className="field">
              <fieldset aria-describedby={ids.format}>
                <legend>File format</legend>
                {(Object.keys(FILE_FORMAT_LABELS) as FileFormatType[]).map((type) => (
                  <label key={type} className="choice">
                    <input
                      type="radio"
                      name="file_format.type"
                      value={type}
                      checked={format.type === type}
                      onChange={() => {
                        setValue("file_format", formatOfType(type, getValues("file_format")));
                        clearErrors("file_format");
                      }}
                    />
                    {FILE_FORMAT_LABELS[type]}
                  </label>
                ))}
              </fieldset>
              <p id={ids.format} className="field-help">
                How each object is parsed when it is loaded with COPY INTO.
              </p>
            </div>
            {format.type === "csv" ? (
              <>
                <div className="field">
                  <label className="choice">
                    <input type="checkbox" {...register("file_format.header")} />
                    Header row (the first line of every file is skipped)
                  </label>
                </div>
                <TextField
                  label="Delimiter"
                  help="The one single-byte character between fields, not a letter or digit: e.g. , or ; or | or a tab."
                  required
                  error={formatErrors?.delimiter?.message}
                  registration={register("file_format.delimiter")}
                />
                <TextField
                  label="Quote"
                  help={'The character around quoted fields: " or \' or ` (the ones Databend accepts); it must differ from the delimiter.'}
                  required
                  error={formatErrors?.quote?.message}
                  registration={register("file_format.quote")}
                />
              </>
            ) : null}
            {format.type === "csv" || format.type === "ndjson" ? (
              <SelectField
                label="Compression"
                help="auto detects it from the file name extension."
                error={formatErrors?.compression?.message}
                registration={register("file_format.compression")}
              >
                {COMPRESSIONS.map((compression) => (
                  <option key={compression} value={compression}>
                    {compression}
                  </option>
                ))}
              </SelectField>
            ) : null}
          </>
        ) : null}

        {step === 2 ? (
          <>
            <TextField
              label="Database"
              help="The Databend database that holds the table."
              required
              error={errors.target?.database?.message}
              registration={register("target.database")}
            />
            <TextField
              label="Table"
              help="An existing Databend table whose columns match the files; it is checked in Databend when the task is saved and started. A table takes files from one bucket only."
              required
              error={errors.target?.table?.message}
              registration={register("target.table")}
              placeholder="orders"
            />
            <div className="field">
              <fieldset>
                <legend>On error</legend>
                {ON_ERROR_MODES.map((mode) => (
                  <div key={mode}>
                    <label className="choice">
                      <input type="radio" value={mode} aria-describedby={`${ids.onError}-${mode}`} {...register("on_error")} />
                      {mode === "abort" ? "Abort" : "Continue"}
                    </label>
                    <p id={`${ids.onError}-${mode}`} className="field-help">
                      {ON_ERROR_HELP[mode]}
                    </p>
                  </div>
                ))}
              </fieldset>
            </div>
            <div className="field">
              <label className="choice">
                <input
                  type="checkbox"
                  role="switch"
                  aria-describedby={values.purge ? ids.purge : undefined}
                  {...register("purge")}
                />
                Purge loaded files
              </label>
              {values.purge ? (
                <p id={ids.purge} className="alert alert-info">
                  {PURGE_WARNING}
                </p>
              ) : null}
            </div>
          </>
        ) : null}

        {step === 3 ? (
          <>
            <h3 id={ids.summary}>Summary</h3>
            <dl className="detail-list" aria-labelledby={ids.summary}>
              <dt>Data source</dt>
              <dd>{source?.name ?? "—"}</dd>
              <dt>Objects</dt>
              <dd>
                {source && scope ? (
                  <code>
                    s3://{source.bucket}/{scope.prefix}*{scope.suffix}
                  </code>
                ) : (
                  "—"
                )}
              </dd>
              <dt>File format</dt>
              <dd>
                {FILE_FORMAT_LABELS[format.type]}
                {formatOptions(fileFormatSchema.safeParse(format).data ?? { type: "parquet" }).map((option) => (
                  <span key={option.label} className="muted">
                    {" "}
                    · {option.label}: {option.value}
                  </span>
                ))}
              </dd>
              <dt>Target table</dt>
              <dd>
                <code>
                  {values.target.database?.trim()}.{values.target.table.trim()}
                </code>
              </dd>
              <dt>On error</dt>
              <dd>{values.on_error}</dd>
              <dt>Purge</dt>
              <dd>{values.purge ? "On" : "Off"}</dd>
            </dl>
            <TextField
              label="Name"
              help="A name for the task, unique in your organization."
              required
              error={errors.name?.message}
              registration={register("name")}
              placeholder="load-orders"
            />
          </>
        ) : null}
      </section>

      {formError ? (
        <div key={formError.n} ref={focusOnMount} role="alert" tabIndex={-1} className="alert alert-error">
          {formError.message}
        </div>
      ) : null}

      <div className="form-actions">
        {step > 0 ? (
          <button type="button" className="secondary" onClick={onBack}>
            Back
          </button>
        ) : null}
        {last ? (
          <>
            <button type="submit" className="primary" disabled={isSubmitting}>
              Create Task
            </button>
            <button type="button" disabled={isSubmitting} onClick={(event) => void submit(true)(event)}>
              Create and start
            </button>
          </>
        ) : (
          <button type="submit" className="primary">
            Next
          </button>
        )}
        <p className="gate-note">The task is created stopped; Create and start also starts it.</p>
      </div>
    </form>
  );
}

function SourceScopeList({ source }: { source: DataSourceRecord }) {
  return (
    <dl className="detail-list" aria-label="Data source scope">
      <dt>Bucket</dt>
      <dd>
        <code>{source.bucket}</code>
      </dd>
      <dt>Prefix</dt>
      <dd>{source.prefix ? <code>{source.prefix}</code> : <span className="muted">none</span>}</dd>
      <dt>Suffix</dt>
      <dd>{source.suffix ? <code>{source.suffix}</code> : <span className="muted">none</span>}</dd>
    </dl>
  );
}
