// Deleting asks first, in a modal whose safe choice (Cancel) has focus; the delete then runs with a
// progress notice that ends in success or the server's reason (such as a 409 while in use).
import { Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import type { ReactNode } from "react";
import { withProgressNotice } from "./notify.ts";

export function confirmDelete({
  title,
  body,
  what,
  remove,
  afterDelete,
}: {
  title: string;
  body: ReactNode;
  /** e.g. `data source "orders"`, used in the notices. */
  what: string;
  remove: () => Promise<unknown>;
  afterDelete: () => void;
}) {
  modals.openConfirmModal({
    title,
    children: typeof body === "string" ? <Text size="sm">{body}</Text> : body,
    labels: { confirm: "Delete", cancel: "Cancel" },
    confirmProps: { color: "red" },
    // Mantine's close button has no name of its own (axe: button-name).
    closeButtonProps: { "aria-label": "Close" },
    cancelProps: { "data-autofocus": true },
    onConfirm: () => {
      void withProgressNotice(
        { pending: `Deleting ${what}…`, success: `Deleted ${what}`, failure: `Could not delete ${what}` },
        remove,
      ).then((ok) => {
        if (ok) afterDelete();
      });
    },
  });
}
