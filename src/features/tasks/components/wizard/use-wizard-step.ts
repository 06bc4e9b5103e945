// The wizard's step (issue 17, item 1): the wizard's state, written to the address as it moves
// (?step=files, a history entry per step), so a refresh stays on the step and Back and Forward move
// between steps. A step reached by the address is shown only when the steps before it are valid.
// Moving focuses the new step's field with an error, or else its heading.
import { useEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { UseFormReturn } from "react-hook-form";
import { useSearchParams } from "react-router";
import type { SourceScope, TaskFormValues, TaskInput } from "#contracts/task.ts";
import { fieldsBefore, firstInvalid, stepOfSlug, stepSlug, type Field } from "./wizard-model.ts";

export function useWizardStep({
  form,
  onMove,
}: {
  form: UseFormReturn<TaskFormValues, SourceScope | undefined, TaskInput>;
  /** Called on every move (the wizard clears its form-level error). */
  onMove: () => void;
}) {
  const { trigger, getFieldState, clearErrors, setFocus } = form;
  const [search, setSearch] = useSearchParams();
  // The step is the wizard's state, written to the address as it moves (a history entry per step).
  // Back and Forward change the address alone: the step follows it on popstate. Not by the router's
  // location: its updates are transitions, which a quick second press of Next can overtake.
  const [step, setStep] = useState(() => stepOfSlug(search.get("step")));
  useEffect(() => {
    const here = window.location.pathname;
    const follow = () => {
      // Back to another page (held by the leave guard, or leaving): not a step of this wizard.
      if (window.location.pathname !== here) return;
      setStep(stepOfSlug(new URLSearchParams(window.location.search).get("step")));
    };
    window.addEventListener("popstate", follow);
    return () => window.removeEventListener("popstate", follow);
  }, []);
  // A field to focus once its step has rendered (a step with an error, a server field error).
  const [pendingFocus, setPendingFocus] = useState<{ step: number; field: Field | null; n: number } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // A new step replaces the fields (and the focus with them): focus its field with an error, or else
  // its heading, so keyboard and screen reader users continue from the top of the step. Back and
  // Forward move the step without asking for focus: the heading takes it then.
  const focused = useRef(0);
  const shown = useRef(step);
  // The step the wizard itself moved to last; any other step came by the address (a refresh, Back, Forward).
  const movedTo = useRef(0);
  useEffect(() => {
    const moved = shown.current !== step;
    shown.current = step;
    if (pendingFocus && pendingFocus.step === step && focused.current !== pendingFocus.n) {
      focused.current = pendingFocus.n;
      if (pendingFocus.field) setFocus(pendingFocus.field);
      else heading.current?.focus();
    } else if (moved) heading.current?.focus();
  }, [pendingFocus, step, setFocus]);

  function goTo(index: number, field?: Field, { replace = false } = {}) {
    onMove();
    if (index === step && !field) return;
    movedTo.current = index;
    if (index !== step) {
      // At once: left to the scheduler, the step would wait behind the router's transition for
      // the address, and a check right after the press would still see the old step.
      flushSync(() => setStep(index));
      // A step of its own in the history: the browser's Back goes to the step before.
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          next.set("step", stepSlug(index));
          return next;
        },
        { replace },
      );
    }
    setPendingFocus((current) => ({ step: index, field: field ?? null, n: (current?.n ?? 0) + 1 }));
  }

  // A step reached by the address (a refresh, Forward, a link) is shown only when the steps before
  // it are valid; otherwise the first step with something to fix, in place of the address's.
  useEffect(() => {
    if (movedTo.current === step) return;
    movedTo.current = step;
    if (step === 0) return;
    const fields = fieldsBefore(step);
    void trigger(fields).then((valid) => {
      if (valid) return;
      const first = firstInvalid((field) => getFieldState(field).invalid, fields);
      clearErrors();
      goTo(first?.step ?? 0, undefined, { replace: true });
    });
    // Only when the address's step changes; goTo and the form's functions are the same throughout.
  }, [step]);

  return { step, goTo, heading };
}
