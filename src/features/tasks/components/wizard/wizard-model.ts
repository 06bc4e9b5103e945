// The task wizard's model, without React: its steps and which fields each validates, the empty
// form, a stored task as form values (for Edit), and the resolver. The rules are the contract's:
// zodResolver on taskInputSchema plus taskScopeProblems against the chosen data source.
import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldPath, Resolver } from "react-hook-form";
import {
  fileFormatSchema,
  taskInputSchema,
  taskScopeProblems,
  type FileFormatType,
  type SourceScope,
  type TaskFormValues,
  type TaskInput,
  type TaskRecord,
} from "#contracts/task.ts";
import type { PreviewRequest } from "#contracts/preview.ts";
import { taskWarehouseId } from "../../task-state.ts";

export type Field = FieldPath<TaskFormValues>;

export const STEPS = [
  { title: "Source", description: "Data source", fields: ["data_source_id"] },
  {
    title: "Files",
    description: "Objects and format",
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
  // Advice, not a gate: it validates nothing, so a preview that fails never holds the user back.
  { title: "Preview", description: "Objects and sample", fields: [] },
  { title: "Target", description: "Databend table", fields: ["warehouse_id", "target.database", "target.table", "on_error", "purge", "reconcile_every_minutes"] },
  { title: "Review", description: "Name and check", fields: ["name"] },
] as const satisfies readonly { title: string; description: string; fields: readonly Field[] }[];

export const TARGET_STEP = STEPS.findIndex((step) => step.title === "Target");

/** The fields of the steps before `index` (what must be valid to visit step `index`). */
export function fieldsBefore(index: number): Field[] {
  return STEPS.slice(0, index).flatMap((step) => [...step.fields] as Field[]);
}

/** The step that holds a field path such as "target.table" or "file_format" (null when none does). */
export function stepOfField(path: string): number | null {
  const index = STEPS.findIndex((step) =>
    (step.fields as readonly string[]).some((field) => field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`)),
  );
  return index === -1 ? null : index;
}

/** The first field (in step order) for which `invalid` holds, with its step. */
export function firstInvalid(invalid: (field: Field) => boolean, fields: readonly Field[] = fieldsBefore(STEPS.length)) {
  for (const field of fields) {
    if (invalid(field)) return { step: stepOfField(field) ?? 0, field };
  }
  return null;
}

export const EMPTY_TASK: TaskFormValues = {
  name: "",
  data_source_id: "",
  // The contract's defaults, the one place they are written.
  file_format: fileFormatSchema.parse({ type: "csv" }),
  prefix: "",
  suffix: "",
  target: { database: "default", table: "" },
  // Null until the organization's warehouses are listed: the wizard then chooses the default.
  warehouse_id: null,
  on_error: "abort",
  purge: false,
  reconcile_every_minutes: null,
};

/** A stored task as the form's values: Edit opens the wizard on these. */
export function valuesFromTask(task: TaskRecord): TaskFormValues {
  return {
    name: task.name,
    data_source_id: task.data_source_id,
    file_format: task.file_format,
    prefix: task.prefix,
    suffix: task.suffix,
    target: { ...task.target },
    warehouse_id: taskWarehouseId(task),
    on_error: task.on_error,
    purge: task.purge,
    reconcile_every_minutes: task.reconcile_every_minutes,
  };
}

/** An empty prefix or suffix takes the data source's (the API's default when left out). */
export function scopeOf(values: { prefix?: string | undefined; suffix?: string | undefined }) {
  return { prefix: values.prefix || undefined, suffix: values.suffix || undefined };
}

/**
 * The preview request for the form's source, format, scope and warehouse (whose Databend reads the
 * sample), with the chosen sample `key` (left out: the newest object); null while the source or
 * format is not valid yet.
 */
export function previewRequestOf(
  values: Pick<TaskFormValues, "data_source_id" | "file_format" | "prefix" | "suffix" | "warehouse_id">,
  key?: string,
): PreviewRequest | null {
  const format = fileFormatSchema.safeParse(values.file_format);
  if (!values.data_source_id || !format.success) return null;
  const scope = scopeOf(values);
  return {
    data_source_id: values.data_source_id,
    file_format: format.data,
    ...(scope.prefix === undefined ? {} : { prefix: scope.prefix }),
    ...(scope.suffix === undefined ? {} : { suffix: scope.suffix }),
    ...(key === undefined ? {} : { key }),
    ...(values.warehouse_id ? { warehouse_id: values.warehouse_id } : {}),
  };
}

/** A new file format of `type`, keeping the compression when both formats have one. */
export function formatOfType(type: FileFormatType, current: TaskFormValues["file_format"]): TaskFormValues["file_format"] {
  const compression = "compression" in current && current.compression ? current.compression : undefined;
  // The contract fills in every other option with its defaults.
  return fileFormatSchema.parse(type === "parquet" ? { type } : { type, compression });
}

const contractResolver = zodResolver(taskInputSchema);

/** The contract's schema, then the scope rule against the chosen data source (the form's context). */
export const taskResolver: Resolver<TaskFormValues, SourceScope | undefined, TaskInput> = async (values, source, options) => {
  const result = await contractResolver(values, source, options);
  const problems = source ? taskScopeProblems(scopeOf(values), source) : {};
  if (Object.keys(problems).length === 0) return result;
  const errors = { ...result.errors };
  for (const [key, message] of Object.entries(problems)) {
    if (key === "prefix" || key === "suffix") errors[key] ??= { type: "scope", message };
  }
  return { values: {}, errors };
};

/** A step's name in the address (`?step=target`), so a refresh, Back and Forward find the step. */
export function stepSlug(index: number): string {
  return STEPS[index]!.title.toLowerCase();
}

/** The step an address names; the first step when it names none. */
export function stepOfSlug(slug: string | null): number {
  const index = STEPS.findIndex((step) => step.title.toLowerCase() === slug);
  return index < 0 ? 0 : index;
}

/**
 * A name to start from on Review (issue 17, item 11): "load-<table>", numbered when the organization
 * has a task of that name already (names are unique regardless of case), within the 128 characters.
 */
export function suggestTaskName(table: string, taken: readonly string[]): string {
  const base = `load-${table.trim()}`.slice(0, 120);
  const used = new Set(taken.map((name) => name.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
