// The delivery log: every alert, resolved and test sent, newest first, a page at a time: when, the
// event, the destination, the receiver's response code, the attempts and, when it did not deliver,
// why in one sentence. Refreshed while the page is open. Filtered by destination, event and status:
// the filters live in the address's query (as the audit log's do), so a filtered log can be linked
// and survives a reload.
import { Group, Select, Stack, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { DELIVERY_EVENT_TYPES, DELIVERY_STATUSES, type AlertDelivery } from "#contracts/alerts.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { formatCount, formatDateTimeSeconds, formatUtc } from "../../../lib/format.ts";
import { Loading, LoadError } from "../../../lib/page-states.tsx";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import { DELIVERIES_PAGE_SIZE, DELIVERY_FILTER_KEYS, deliveryFilterFrom, useAlertDeliveries, type DeliveryFilter } from "../api/get-deliveries.ts";
import { useAlertDestinations } from "../api/get-destinations.ts";
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

const EVENT_OPTIONS = DELIVERY_EVENT_TYPES.map((value) => ({ value, label: EVENT_LABELS[value] }));
const STATUS_OPTIONS = DELIVERY_STATUSES.map((value) => ({ value, label: DELIVERY_STATUS[value].text }));

/**
 * Mantine hides a Select's clear button from the keyboard and screen readers (reselecting the chosen
 * option clears too, but nobody guesses that): here it is a named button in the tab order.
 */
const clearButton = (what: string) => ({ "aria-label": `Clear the ${what} filter`, "aria-hidden": false, tabIndex: 0 });

/** Three compact selects, each applied at once (a choice is one request, not a keystroke's). */
function DeliveryFilters({ filter, onChange }: { filter: DeliveryFilter; onChange: (change: Partial<Record<keyof DeliveryFilter, string | null>>) => void }) {
  const destinations = useAlertDestinations();
  const destinationOptions = useMemo(() => {
    const options = (destinations.data ?? []).map((d) => ({ value: d.id, label: d.name }));
    // A link to the log of a destination since deleted still says what it filters by.
    if (filter.destination_id && !options.some((o) => o.value === filter.destination_id)) {
      options.push({ value: filter.destination_id, label: "Deleted destination" });
    }
    return options;
  }, [destinations.data, filter.destination_id]);
  // A phone has the destination on a line of its own and event and status side by side; wider, one row.
  const common = { size: "sm", clearable: true, w: { base: "calc(50% - var(--mantine-spacing-sm) / 2)", sm: 200 } } as const;
  return (
    <Group gap="sm" mb="sm" align="flex-end">
      <Select
        {...common}
        w={{ base: "100%", sm: 260 }}
        label="Destination"
        placeholder="Any destination"
        data={destinationOptions}
        value={filter.destination_id ?? null}
        onChange={(value) => onChange({ destination_id: value })}
        clearButtonProps={clearButton("destination")}
      />
      <Select {...common} label="Event" placeholder="Any event" data={EVENT_OPTIONS} value={filter.event_type ?? null} onChange={(value) => onChange({ event_type: value })} clearButtonProps={clearButton("event")} />
      <Select {...common} label="Status" placeholder="Any status" data={STATUS_OPTIONS} value={filter.status ?? null} onChange={(value) => onChange({ status: value })} clearButtonProps={clearButton("status")} />
    </Group>
  );
}

export function DeliveriesSection() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => deliveryFilterFrom(params), [params]);
  const filterKey = DELIVERY_FILTER_KEYS.map((key) => filter[key] ?? "").join("|");
  const change = (next: Partial<Record<keyof DeliveryFilter, string | null>>) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        for (const [key, value] of Object.entries(next)) {
          if (value) updated.set(key, value);
          else updated.delete(key);
        }
        return updated;
      },
      // A filter is a view of this page, not a page of its own: Back leaves Alerts rather than undoing a choice.
      { replace: true, preventScrollReset: true },
    );

  return (
    <section aria-labelledby="alerts-deliveries">
      <Title order={2} size="h3" id="alerts-deliveries" mb="xs">
        Deliveries
      </Title>
      <DeliveryFilters filter={filter} onChange={change} />
      <DeliveryLog key={filterKey} filter={filter} filtered={filterKey !== "||"} />
    </section>
  );
}

/** The matching deliveries, a page at a time; remounted per filter, so a new filter starts at page 1. */
function DeliveryLog({ filter, filtered }: { filter: DeliveryFilter; filtered: boolean }) {
  const log = useAlertDeliveries(filter);
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
          empty={filtered ? "No delivery matches these filters. Clear a filter to see the others." : "Nothing sent yet. Send test on a destination puts its first delivery here."}
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
            : `${formatCount(loaded)} ${filtered ? "matching " : ""}${loaded === 1 ? "delivery" : "deliveries"} loaded${log.hasNextPage ? "; older ones on the next page" : ", all there are"}`}
        </Text>
        {log.isFetchNextPageError ? <ErrorAlert title="Could not load older deliveries" message={log.error?.message ?? ""} /> : null}
      </>
    );
  }

  return body;
}
