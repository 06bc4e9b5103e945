// The new-task wizard's draft (issue 17, item 1): what was chosen and typed, the Target step's
// table choice and a new table's columns, kept in this browser tab (src/lib/browser-draft.ts) as
// they change, so a refresh or Back and Forward lose nothing. A task holds no secret (names, a
// scope, a format and a target), so all of it may be kept. Edits count only where they differ
// from where the wizard started: the default warehouse filled in by itself is not an edit.
import { useCallback, useEffect, useState } from "react";
import type { UseFormReturn } from "react-hook-form";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import type { SourceScope, TaskFormValues, TaskInput } from "#contracts/task.ts";
import { clearDraft, readDraft, useDraftKey, writeDraft } from "../../../../lib/browser-draft.ts";
import type { NewTableForm, NewTableValues } from "./new-table.tsx";
import type { TableMode } from "./table-mode.ts";
import { EMPTY_TASK } from "./wizard-model.ts";

export interface WizardDraft {
  values: TaskFormValues;
  /** The person's choice on Target; null follows what the database holds. */
  tableMode: TableMode | null;
  newTable: NewTableValues;
}

/** What leaving the wizard with edits costs, in the leave question (useLeaveGuard). */
export const LEAVE_NEW = {
  title: "Leave without creating the task?",
  body: "What you chose and typed stays as a draft in this browser tab: Create Integration Task brings it back until the tab is closed.",
  leave: "Leave",
};
export const LEAVE_EDIT = {
  title: "Leave without saving?",
  body: "Your changes to this task are not saved.",
  leave: "Leave without saving",
  loses: true,
};

export const EMPTY_NEW_TABLE: NewTableValues = { name: "", columns: [] };

/**
 * Where a new task starts: the draft when there is one; else the source asked for (`?source=`, from
 * a data source's page) or the only one there is, with its scope, so nobody picks from a list of one.
 */
export function startingPoint(draft: WizardDraft | null, sources: DataSourceRecord[], asked: string | null): WizardDraft {
  if (draft) return draft;
  const source = (asked ? sources.find((s) => s.id === asked) : undefined) ?? (sources.length === 1 ? sources[0] : undefined);
  const values = source ? { ...EMPTY_TASK, data_source_id: source.id, prefix: source.prefix, suffix: source.suffix } : EMPTY_TASK;
  return { values, tableMode: null, newTable: EMPTY_NEW_TABLE };
}

/** The draft kept for a new task (null when editing a saved task, which keeps none, or before the session is known). */
export function useStoredWizardDraft(editing: boolean): { key: string | null; draft: WizardDraft | null } {
  const key = useDraftKey("new-task");
  const usable = editing ? null : key;
  const [draft] = useState(() => readDraft<WizardDraft>(usable));
  return { key: usable, draft };
}

function differs(now: WizardDraft, start: WizardDraft): boolean {
  // A new task starts without a warehouse and the wizard fills in the default by itself: that is
  // not an edit (choosing another warehouse comes with other edits: its database and table).
  const values = start.values.warehouse_id === null ? { ...now.values, warehouse_id: null } : now.values;
  return JSON.stringify({ ...now, values }) !== JSON.stringify(start);
}

/**
 * Keeps the draft as the forms change; `edited` says whether anything differs from the start (a
 * restored draft counts). `discard` forgets the draft (saved, or left on purpose).
 */
export function useWizardDraft({
  key,
  restored,
  start,
  form,
  newTable,
  tableMode,
}: {
  key: string | null;
  restored: boolean;
  start: WizardDraft;
  form: UseFormReturn<TaskFormValues, SourceScope | undefined, TaskInput>;
  newTable: NewTableForm;
  tableMode: TableMode | null;
}): { edited: boolean; discard: () => void; restart: (fresh: WizardDraft) => void } {
  const [baseline, setBaseline] = useState(() => (restored ? emptyStart(start) : start));
  const [fieldsEdited, setFieldsEdited] = useState(restored);

  useEffect(() => {
    const keep = () => {
      const now: WizardDraft = { values: form.getValues(), tableMode, newTable: newTable.getValues() };
      const changed = differs(now, baseline);
      if (changed) writeDraft(key, now);
      else clearDraft(key);
      return changed;
    };
    // The table choice is state of the wizard: kept here when it changes; the fields as they change.
    keep();
    const onChange = () => setFieldsEdited(keep());
    const stopForm = form.subscribe({ formState: { values: true }, callback: onChange });
    const stopTable = newTable.subscribe({ formState: { values: true }, callback: onChange });
    return () => {
      stopForm();
      stopTable();
    };
  }, [key, baseline, form, newTable, tableMode]);

  const discard = useCallback(() => clearDraft(key), [key]);
  /** Start over from `fresh`: no draft, nothing edited. */
  const restart = useCallback(
    (fresh: WizardDraft) => {
      clearDraft(key);
      setBaseline(fresh);
      setFieldsEdited(false);
    },
    [key],
  );
  return { edited: fieldsEdited || tableMode !== baseline.tableMode, discard, restart };
}

/** A restored draft is compared with the empty start, so it still counts as edits after a refresh. */
function emptyStart(start: WizardDraft): WizardDraft {
  return { values: { ...EMPTY_TASK, warehouse_id: start.values.warehouse_id }, tableMode: null, newTable: EMPTY_NEW_TABLE };
}
