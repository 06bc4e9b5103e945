// A react-hook-form form's draft in this browser tab (browser-draft.ts): restored once on mount,
// written as the values change while they differ from the defaults, dropped when they do not.
// `keep` chooses what is stored (never a secret). `edited` is true while the values differ from
// the defaults, a restored draft included, for the leave guard.
import { useCallback, useEffect, useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { clearDraft, readDraft, useDraftKey, writeDraft } from "./browser-draft.ts";

const all = <T,>(values: T) => values;

export function useFormDraft<T extends FieldValues>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any context and output type
  form: UseFormReturn<T, any, any>,
  /** The draft's name; null: this form keeps none (editing a saved record). */
  name: string | null,
  keep: (values: T) => Partial<T> = all,
): { edited: boolean; restored: boolean; discard: () => void } {
  const key = useDraftKey(name ?? "");
  const usable = name ? key : null;
  const [restored] = useState(() => readDraft<Partial<T>>(usable));
  const [edited, setEdited] = useState(restored !== null);

  useEffect(() => {
    // Restored over the defaults, which stay the defaults: the restored values count as edits.
    if (restored) form.reset({ ...form.formState.defaultValues, ...restored } as T, { keepDefaultValues: true });
    // restored is read once; the form is the same throughout.
  }, [form, restored]);

  useEffect(
    () =>
      form.subscribe({
        formState: { values: true },
        callback: ({ values }) => {
          const changed = JSON.stringify(values) !== JSON.stringify(form.formState.defaultValues);
          setEdited(changed);
          if (changed) writeDraft(usable, keep(values));
          else clearDraft(usable);
        },
      }),
    [form, usable, keep],
  );

  const discard = useCallback(() => clearDraft(usable), [usable]);
  return { edited, restored: restored !== null, discard };
}
