// The delivery log: every alert, resolved and test sent, newest first, a page at a time: when, the
// event, the destination, the receiver's response code, the attempts and, when it did not deliver,
// why in one sentence. Refreshed while the page is open.
import { Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { AlertDelivery } from "#contracts/alerts.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { formatCount, formatDateTimeSeconds, formatUtc } from "../../../lib/format.ts";
import { Loading, LoadError } from "../../../lib/page-states.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { DELIVERIES_PAGE_SIZE, useAlertDeliveries } from "../api/get-deliveries.ts";
import { DELIVERY_STATUS, EVENT_LABELS } from "./alert-words.ts";

const column = columnsFor<AlertDelivery>();
const plain = { enableSorting: false, enableGlobalFilter: false } as const;
const COLUMNS = [
  column.accessor((d) => d.last_attempt_at ?? d.created_at, {
    ...plain,
    id: "at",
    header: "When",
    cell: ({ getValue }) => (
      <Text size="sm" span style={{ whiteSpace: "nowrap" }}>
        <time dateTime={getValue()} title={formatUtc(getValue())}>
          {formatDateTimeSeconds(getValue())}
        </time>
      </Text>
    ),
  }),
  column.accessor((d) => EVENT_LABELS[d.event_type], { ...plain, id: "event", header: "Event", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor((d) => d.destination_name ?? "Deleted destination", {
    ...plain,
    id: "destination",
    header: "Destination",
    cell: ({ getValue }) => <Text size="sm">{getValue()}</Text>,
  }),
  column.accessor("status", {
    ...plain,
    header: "Status",
    cell: ({ getValue }) => <StatusBadge status={DELIVERY_STATUS[getValue()].status} text={DELIVERY_STATUS[getValue()].text} />,
  }),
  column.accessor((d) => (d.response_status === null ? "No answer" : String(d.response_status)), {
    ...plain,
    id: "response",
    header: "Response",
    cell: ({ getValue }) => <Text size="sm">{getValue()}</Text>,
  }),
  column.accessor("attempts", { ...plain, header: "Attempts", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor((d) => d.error ?? "", {
    ...plain,
    id: "error",
    header: "Error",
    cell: ({ row }) => (
      <Stack gap={2}>
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          {row.original.error ?? "—"}
        </Text>
        {row.original.status === "pending" && row.original.next_attempt_at ? (
          <Text size="xs">Next attempt {formatDateTimeSeconds(row.original.next_attempt_at)}</Text>
        ) : null}
      </Stack>
    ),
  }),
];

export function DeliveriesSection() {
  const log = useAlertDeliveries();
  const [wanted, setWanted] = useState(0);

  let body;
  if (log.isPending) body = <Loading what="delivery log" />;
  else if (log.isError && !log.data) {
    body = <LoadError error={log.error} what="delivery log" retry={() => void log.refetch()} back={{ to: "/data/sources", label: "Data Sources" }} />;
  } else {
    // As the audit log pages: a page the API answered empty is not offered; the chosen page stays in view while the next loads.
    const pages = log.data.pages.map((page) => page.items).filter((items, index) => index === 0 || items.length > 0);
    const loaded = pages.reduce((sum, items) => sum + items.length, 0);
    const pageIndex = Math.min(wanted, pages.length - (log.hasNextPage ? 0 : 1));
    const shown = pages[pageIndex] ?? pages[pages.length - 1]!;
    body = (
      <>
        <DataTable
          label="Deliveries, newest first"
          columns={COLUMNS}
          data={shown}
          getRowId={(d) => d.id}
          minWidth={1000}
          card={{ title: "destination", status: "status" }}
          empty="Nothing sent yet. Send test on a destination puts its first delivery here."
          server={{
            pageIndex,
            pageSize: DELIVERIES_PAGE_SIZE,
            rowCount: loaded + (log.hasNextPage ? 1 : 0),
            onPageChange: (index) => {
              setWanted(index);
              if (index >= pages.length && log.hasNextPage && !log.isFetchingNextPage) void log.fetchNextPage();
            },
          }}
        />
        <Text role="status" size="sm" c="dimmed" mt="xs">
          {log.isFetchingNextPage
            ? "Loading older deliveries…"
            : `${formatCount(loaded)} ${loaded === 1 ? "delivery" : "deliveries"} loaded${log.hasNextPage ? "; older ones on the next page" : ", all there are"}`}
        </Text>
        {log.isFetchNextPageError ? <ErrorAlert title="Could not load older deliveries" message={log.error?.message ?? ""} /> : null}
      </>
    );
  }

  return (
    <section aria-labelledby="alerts-deliveries">
      <Title order={2} size="h3" id="alerts-deliveries" mb="xs">
        Deliveries
      </Title>
      {body}
    </section>
  );
}
