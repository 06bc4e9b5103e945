// The rows of the task page's Failed files (failed-files.tsx): the columns (selection, key,
// state, when, the error in words with Databend's text behind a toggle, attempts) and each row's
// Retry and Dismiss. Cells read the selection and the actions from RowsContext, so the columns stay
// stable while the selection changes (a remount would drop a button's focus).
import { Button, Checkbox, Code, Group, Stack, Text, VisuallyHidden } from "@mantine/core";
import { createContext, useContext } from "react";
import type { FailedFile, FailedFileState } from "#contracts/failed-files.ts";
import { columnsFor } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { ErrorDetail } from "../../../lib/error-detail.tsx";
import { formatCount, formatDateTime } from "../../../lib/format.ts";
import { StatusBadge, type BadgeStatus } from "../../../lib/status-badge.tsx";

const STATE_BADGE: Record<FailedFileState, { status: BadgeStatus; text: string }> = {
  failed: { status: "fail", text: "Failed" },
  retrying: { status: "running", text: "Retrying" },
  dismissed: { status: "skip", text: "Dismissed" },
  cleared: { status: "pass", text: "Cleared" },
};

/** The row actions and the selection, read by cells through context so the columns stay stable. */
export interface Rows {
  selected: ReadonlySet<string>;
  toggle: (id: string) => void;
  retry: (file: FailedFile) => void;
  dismiss: (file: FailedFile) => void;
  busy: boolean;
  can: { allowed: boolean; reason: string };
}
export const RowsContext = createContext<Rows | null>(null);
const useRows = () => useContext(RowsContext)!;

function SelectCell({ file }: { file: FailedFile }) {
  const rows = useRows();
  if (file.state !== "failed" || !rows.can.allowed) return null;
  return <Checkbox aria-label={`Select ${file.key}`} checked={rows.selected.has(file.id)} onChange={() => rows.toggle(file.id)} />;
}

function ErrorCell({ file }: { file: FailedFile }) {
  return (
    <Stack gap={2} maw={520}>
      <Text size="sm" style={{ overflowWrap: "anywhere" }}>
        {file.error}
      </Text>
      {/* Databend's own text (code and raw message) behind a toggle: the sentence above already says it in words. */}
      {file.detail && file.detail !== file.error ? <ErrorDetail detail={file.detail} /> : null}
      {file.state === "dismissed" && file.dismiss_reason ? (
        <Text size="xs">
          Dismissed{file.dismissed_by ? ` by ${file.dismissed_by}` : ""}: “{file.dismiss_reason}”
        </Text>
      ) : null}
    </Stack>
  );
}

const column = columnsFor<FailedFile>();
const plain = { enableSorting: false, enableGlobalFilter: false } as const;
export const COLUMNS = [
  column.display({ ...plain, id: "select", header: "Select", cell: ({ row }) => <SelectCell file={row.original} /> }),
  column.accessor("key", { ...plain, header: "Key", cell: ({ getValue }) => <Code style={{ overflowWrap: "anywhere" }}>{getValue()}</Code> }),
  column.accessor("state", { ...plain, header: "State", cell: ({ getValue }) => <StatusBadge {...STATE_BADGE[getValue()]} /> }),
  column.accessor("last_failed_at", {
    ...plain,
    header: "Failed",
    cell: ({ getValue }) => <time dateTime={getValue()}>{formatDateTime(getValue())}</time>,
  }),
  column.display({ ...plain, id: "error", header: "Error", cell: ({ row }) => <ErrorCell file={row.original} /> }),
  column.accessor("attempts", { ...plain, header: "Attempts", cell: ({ getValue }) => formatCount(getValue()) }),
];
/** Without the selection: views and roles that cannot act. */
export const COLUMNS_READ_ONLY = COLUMNS.slice(1);

export function RowActions({ file }: { file: FailedFile }) {
  const rows = useRows();
  if (file.state !== "failed") return null;
  const named = (
    <>
      {" "}
      <VisuallyHidden>{file.key}</VisuallyHidden>
    </>
  );
  if (!rows.can.allowed) {
    return (
      <DisabledButton size="compact-sm" reason={rows.can.reason}>
        Retry{named}
      </DisabledButton>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="compact-sm" variant="default" disabled={rows.busy} onClick={() => rows.retry(file)}>
        Retry{named}
      </Button>
      <Button size="compact-sm" variant="subtle" color="gray" c="var(--mantine-color-text)" disabled={rows.busy} onClick={() => rows.dismiss(file)}>
        Dismiss{named}
      </Button>
    </Group>
  );
}

