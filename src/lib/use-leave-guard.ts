// Leaving a form with unsaved edits asks first: a link, Back past the form's first page, or Cancel
// (react-router's useBlocker: another page, not a change of the same page's search, such as a
// wizard's step) opens a dialog; closing or reloading the tab gets the browser's own question
// (beforeunload). The words say what leaving costs: a form with a draft in the tab keeps it (coming
// back brings it back), a form without one loses the edits.
import { modals } from "@mantine/modals";
import { useContext, useEffect, useRef, useState } from "react";
import { UNSAFE_DataRouterContext, UNSAFE_DataRouterStateContext, type Blocker, type BlockerFunction } from "react-router";
import { whenModalsReady } from "./overlays.ts";

const IDLE: Blocker = { state: "unblocked", proceed: undefined, reset: undefined, location: undefined };
let blockers = 0;

/**
 * react-router's useBlocker, through the data router it drives (router.getBlocker/deleteBlocker and
 * state.blockers). Why not useBlocker itself: the hook lives in react-router's module, which the
 * first route loads, and using it puts its code there (+0.18 kB gzip measured with
 * `npm run bench:console-size`), while this module loads only with the forms. The console has no
 * basename, so locations need no stripping. Swap back to useBlocker if the first route may grow.
 */
function useRouteBlocker(shouldBlock: BlockerFunction): Blocker {
  const router = useContext(UNSAFE_DataRouterContext)?.router;
  const state = useContext(UNSAFE_DataRouterStateContext);
  const [key, setKey] = useState("");
  useEffect(() => {
    if (!router) return;
    const own = `leave-guard-${++blockers}`;
    setKey(own);
    return () => router.deleteBlocker(own);
  }, [router]);
  useEffect(() => {
    if (router && key) router.getBlocker(key, shouldBlock);
  }, [router, key, shouldBlock]);
  return (key && state?.blockers.get(key)) || IDLE;
}

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
  const blocker = useRouteBlocker(
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
