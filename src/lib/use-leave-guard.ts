// Leaving a form with unsaved edits asks first: a link, Back past the form's first page, or Cancel
// (react-router's useBlocker: another page, not a change of the same page's search, such as a
// wizard's step) opens a dialog; closing or reloading the tab gets the browser's own question
// (beforeunload). The words say what leaving costs: a form with a draft in the tab keeps it (coming
// back brings it back), a form without one loses the edits.
import { modals } from "@mantine/modals";
import { useEffect, useRef } from "react";
import { useBlocker } from "react-router";
import { whenModalsReady } from "./overlays.ts";

export interface LeaveWords {
  title: string;
  body: string;
  /** The button that leaves ("Leave", "Leave without saving"). */
  leave: string;
  /** Leaving loses the edits (no draft keeps them): the button is red. */
  loses?: boolean;
}

export function useLeaveGuard(edited: boolean, words: LeaveWords): { allowNextNavigation: () => void } {
  // Set once the form is saved: the navigation to the saved record must not ask.
  const allowed = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => edited && !allowed.current && currentLocation.pathname !== nextLocation.pathname,
  );

  const asking = useRef(false);
  useEffect(() => {
    if (blocker.state !== "blocked" || asking.current) return;
    asking.current = true;
    let decided = false;
    void whenModalsReady().then(() =>
      modals.openConfirmModal({
        title: words.title,
        children: words.body,
        labels: { confirm: words.leave, cancel: "Stay" },
        confirmProps: words.loses ? { color: "red" } : {},
        cancelProps: { "data-autofocus": true },
        closeButtonProps: { "aria-label": "Close" },
        onConfirm: () => {
          decided = true;
          asking.current = false;
          blocker.proceed();
        },
        // Stay, the close button, Escape or a click outside: nothing is lost.
        onClose: () => {
          asking.current = false;
          if (!decided) blocker.reset();
        },
      }),
    );
  }, [blocker, words]);

  useEffect(() => {
    if (!edited) return;
    const ask = (event: BeforeUnloadEvent) => {
      if (allowed.current) return;
      event.preventDefault();
      // Older Chromium asks only when returnValue is set.
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", ask);
    return () => window.removeEventListener("beforeunload", ask);
  }, [edited]);

  return {
    allowNextNavigation: () => {
      allowed.current = true;
    },
  };
}
