// Deleting asks first, in a modal whose safe choice (Cancel) has focus; the delete then runs with a
// progress notice that ends in success or the server's reason (such as a 409 while in use). Removing
// a member, revoking a key or cancelling an invitation is the same flow under its own verb.
import { Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import type { ReactNode } from "react";
import { withProgressNotice } from "./notify.ts";
import { whenModalsReady } from "./overlays.ts";

/**
 * The words of a destructive action: its button, the button that keeps the record (when "Cancel"
 * would be ambiguous, as for cancelling an invitation), and the notices while it runs, after it,
 * and when it fails ("Could not <fail> <what>").
 */
export interface DeleteVerb {
  label: string;
  keep?: string;
  pending: string;
  done: string;
  fail: string;
}
const DELETE: DeleteVerb = { label: "Delete", pending: "Deleting", done: "Deleted", fail: "delete" };

export function confirmDelete({
  title,
  body,
  what,
  remove,
  afterDelete,
  verb,
}: {
  title: string;
  body: ReactNode;
  /** e.g. `data source "orders"`, used in the notices. */
  what: string;
  remove: () => Promise<unknown>;
  afterDelete: () => void;
  /** e.g. Remove / Removing / Removed; Delete by default. */
  verb?: DeleteVerb;
}) {
  // The modals provider mounts on demand; opening before it listens would do nothing.
  void whenModalsReady().then(() => openConfirm({ title, body, what, remove, afterDelete, verb }));
}

function openConfirm({ title, body, what, remove, afterDelete, verb = DELETE }: Parameters<typeof confirmDelete>[0]) {
  modals.openConfirmModal({
    title,
    children: typeof body === "string" ? <Text size="sm">{body}</Text> : body,
    labels: { confirm: verb.label, cancel: verb.keep ?? "Cancel" },
    confirmProps: { color: "red" },
    // Mantine's close button has no name of its own (axe: button-name).
    closeButtonProps: { "aria-label": "Close" },
    cancelProps: { "data-autofocus": true },
    onConfirm: () => {
      void withProgressNotice(
        {
          pending: `${verb.pending} ${what}…`,
          success: `${verb.done} ${what}`,
          failure: `Could not ${verb.fail} ${what}`,
        },
        remove,
      ).then((ok) => {
        if (ok) afterDelete();
      });
    },
  });
}
