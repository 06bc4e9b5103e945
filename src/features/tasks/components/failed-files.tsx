// The task page's Failed files: objects the worker set aside after they failed the same way its
// attempts per file, each with its key, when, Databend's sentence and the attempts; filtered by
// state and error, a page at a time. Retry (one, the selected, or all failed) hands them back to
// the worker, which loads each current version once; Dismiss (a reason required) keeps them as
// dismissed. Loaded as its own chunk by the task page (issue 21: the page's JS stays small); the
// rows and their columns are in failed-file-rows.tsx.
import { Button, Checkbox, Group, NativeSelect, Stack, Text } from "@mantine/core";
import { lazy, Suspense, useCallback, useMemo, useState } from "react";
import type { FailedFile, FailedFilesDismiss, FailedFilesPage, FailedFileState, FailedFilesRetry } from "#contracts/failed-files.ts";
import { DataTable } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { countOf, formatCount } from "../../../lib/format.ts";
import { notifySuccess, withProgressNotice } from "../../../lib/notify.ts";
import { Loading } from "../../../lib/page-states.tsx";
import { useCan } from "../../../lib/use-can.ts";
import { useInFlight } from "../../../lib/use-in-flight.ts";
import { useDismissFailedFiles } from "../api/dismiss-failed-files.ts";
import { FAILED_FILES_PAGE_SIZE, useFailedFiles, type FailedFilesFilters } from "../api/get-failed-files.ts";
import { useRetryFailedFiles } from "../api/retry-failed-files.ts";
import type { DismissTarget } from "./dismiss-failed-files-modal.tsx";
import { COLUMNS, COLUMNS_READ_ONLY, RowActions, RowsContext, type Rows } from "./failed-file-rows.tsx";

// Loaded when first opened: it checks the reason by the contract's rules, and the contract module
// brings zod, which the task page otherwise does not download.
const DismissFailedFilesModal = lazy(() => import("./dismiss-failed-files-modal.tsx"));

const VIEWS = [
  { value: "", label: "Needing attention (failed or retrying)" },
  { value: "dismissed", label: "Dismissed" },
  { value: "cleared", label: "Cleared (loaded later)" },
] as const;

function summary(page: FailedFilesPage | undefined): string {
  if (!page) return "";
  const { failed, retrying, dismissed, cleared } = page.counts;
  const parts = [`${countOf(failed, "file")} failed`, `${formatCount(retrying)} being retried`, `${formatCount(dismissed)} dismissed`, `${formatCount(cleared)} cleared by a later load`];
  return `${parts.join(", ")}.`;
}

const EMPTY: Record<string, string> = {
  "": "No failed files. When a file fails to load the same way on each of the worker's attempts (a value that does not fit its column, a broken file), it is set aside here with its key, when it failed, Databend's sentence and the attempts, while the other files keep loading; you can fix the object and Retry it, or Dismiss it with a reason.",
  dismissed: "No dismissed files. A failed file you dismiss stays here with its reason.",
  cleared: "No cleared files. A failed file that later loads (by Retry or a new upload of the object) shows here.",
};

export default function FailedFiles({ taskId, live }: { taskId: string; live: boolean }) {
  const [filters, setFilters] = useState<FailedFilesFilters>({});
  const files = useFailedFiles(taskId, filters, { live });
  const retry = useRetryFailedFiles(taskId);
  const dismiss = useDismissFailedFiles(taskId);
  const flight = useInFlight();
  const can = useCan("operate");
  const [wanted, setWanted] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dismissing, setDismissing] = useState<DismissTarget | null>(null);

  const sendRetry = useCallback(
    (body: FailedFilesRetry, what: string) =>
      flight.run(async () => {
        const ok = await withProgressNotice(
          { pending: `Asking the worker to retry ${what}…`, success: `Retrying ${what}: each leaves this list once it has loaded`, failure: `Could not retry ${what}` },
          () => retry.mutateAsync(body),
        );
        // Only a retry that was taken clears the selection; a refused one keeps it to try again.
        if (ok) setSelected(new Set());
      }),
    [flight, retry],
  );
  const toggle = useCallback(
    (id: string) =>
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const rows = useMemo<Rows>(
    () => ({
      selected,
      toggle,
      busy: flight.busy,
      can,
      retry: (file) => void sendRetry({ ids: [file.id] }, file.key),
      dismiss: (file) => setDismissing({ what: file.key, count: 1, selection: { ids: [file.id] } }),
    }),
    [selected, toggle, flight.busy, can, sendRetry],
  );
  const actions = useCallback((file: FailedFile) => <RowActions file={file} />, []);

  if (files.isPending) return <Loading what="failed files" />;
  if (files.isError && !files.data) {
    return (
      <ErrorAlert title="Could not load the failed files" message={files.error.message}>
        <div>
          <Button variant="default" size="xs" onClick={() => void files.refetch()}>
            Try again
          </Button>
        </div>
      </ErrorAlert>
    );
  }

  const pages = files.data.pages;
  const first = pages[0];
  const loaded = pages.reduce((n, p) => n + p.items.length, 0);
  const pageIndex = Math.min(wanted, pages.length - (files.hasNextPage ? 0 : 1));
  const shown = pages[pageIndex]?.items ?? pages[pages.length - 1]?.items ?? [];
  const failedCount = first?.counts.failed ?? 0;
  const selectable = shown.filter((f) => f.state === "failed");
  const allOnPage = selectable.length > 0 && selectable.every((f) => selected.has(f.id));
  const view = filters.state ?? "";
  const sendDismiss = (body: FailedFilesDismiss) =>
    dismiss.mutateAsync(body).then((result) => {
      notifySuccess(`Dismissed ${countOf(result.updated, "file")}; they are listed under Dismissed with your reason`);
      setSelected(new Set());
      setDismissing(null);
    });

  return (
    <RowsContext.Provider value={rows}>
      <Stack gap="sm">
        <Text size="sm">{summary(first)}</Text>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <NativeSelect
            label="Show"
            size="sm"
            data={VIEWS.map((v) => ({ value: v.value, label: v.label }))}
            value={view}
            onChange={(event) => {
              const state = event.currentTarget.value as FailedFileState | "";
              setFilters((f) => ({ ...f, state: state || undefined }));
              setWanted(0);
              setSelected(new Set());
            }}
          />
          <NativeSelect
            label="Error"
            size="sm"
            data={[
              { value: "", label: "All errors" },
              ...(first?.errors ?? [])
                .filter((e) => e.error_code !== null)
                .map((e) => ({ value: String(e.error_code), label: `${e.error_code}${e.error_code_name ? ` ${e.error_code_name}` : ""} (${formatCount(e.count)})` })),
            ]}
            value={filters.error_code === undefined ? "" : String(filters.error_code)}
            onChange={(event) => {
              const code = event.currentTarget.value;
              setFilters((f) => ({ ...f, error_code: code === "" ? undefined : Number(code) }));
              setWanted(0);
              setSelected(new Set());
            }}
          />
        </Group>
        {view === "" && failedCount > 0 ? (
          can.allowed ? (
            <Group gap="xs" wrap="wrap">
              <Checkbox
                label="Select the failed files on this page"
                checked={allOnPage}
                indeterminate={!allOnPage && selectable.some((f) => selected.has(f.id))}
                disabled={selectable.length === 0}
                onChange={() => setSelected(allOnPage ? new Set() : new Set(selectable.map((f) => f.id)))}
              />
              <Button size="xs" disabled={selected.size === 0} loading={flight.busy} onClick={() => void sendRetry({ ids: [...selected] }, countOf(selected.size, "selected file"))}>
                Retry selected ({formatCount(selected.size)})
              </Button>
              <Button
                size="xs"
                variant="default"
                disabled={selected.size === 0 || flight.busy}
                onClick={() => setDismissing({ what: countOf(selected.size, "selected file"), count: selected.size, selection: { ids: [...selected] } })}
              >
                Dismiss selected ({formatCount(selected.size)})
              </Button>
              <Button size="xs" variant="default" loading={flight.busy} onClick={() => void sendRetry({ all: true }, `all ${countOf(failedCount, "failed file")}`)}>
                Retry all failed ({formatCount(failedCount)})
              </Button>
              <Button
                size="xs"
                variant="default"
                disabled={flight.busy}
                onClick={() => setDismissing({ what: `all ${countOf(failedCount, "failed file")}`, count: failedCount, selection: { all: true } })}
              >
                Dismiss all failed ({formatCount(failedCount)})
              </Button>
            </Group>
          ) : (
            <DisabledButton size="xs" reason={can.reason}>
              Retry all failed ({formatCount(failedCount)})
            </DisabledButton>
          )
        ) : null}
        <DataTable
          label={`Failed files of this task, newest failure first (${VIEWS.find((v) => v.value === view)?.label ?? ""})`}
          columns={view === "" && can.allowed ? COLUMNS : COLUMNS_READ_ONLY}
          data={shown}
          getRowId={(file) => file.id}
          actions={view === "" ? actions : undefined}
          minWidth={900}
          empty={filters.error_code !== undefined ? "No files with this error." : EMPTY[view]}
          card={{ title: "key", status: "state" }}
          server={{
            pageIndex,
            pageSize: FAILED_FILES_PAGE_SIZE,
            rowCount: loaded + (files.hasNextPage ? 1 : 0),
            onPageChange: (index) => {
              setWanted(index);
              if (index >= pages.length && files.hasNextPage && !files.isFetchingNextPage) void files.fetchNextPage();
            },
          }}
        />
        {loaded > 0 ? (
          <Text role="status" size="sm" c="dimmed">
            {files.isFetchingNextPage
              ? "Loading more failed files…"
              : // "shown", not "loaded": on this page "loaded" means rows in Databend.
                `${countOf(first?.total ?? loaded, "file")} in this view${loaded < (first?.total ?? loaded) ? `; ${formatCount(loaded)} fetched so far${files.hasNextPage ? ", more on the next page" : ""}` : ""}`}
          </Text>
        ) : null}
        {files.isError ? <ErrorAlert title="Could not refresh the failed files" message={files.error.message} /> : null}
      </Stack>
      {dismissing ? (
        <Suspense fallback={null}>
          <DismissFailedFilesModal target={dismissing} onClose={() => setDismissing(null)} dismiss={sendDismiss} />
        </Suspense>
      ) : null}
    </RowsContext.Provider>
  );
}
