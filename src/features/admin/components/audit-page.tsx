// The organization's audit log, newest first, a page at a time: when (to the second, local time with
// UTC in the title), who (a person, or an API key by name), what, to which record (a link while the
// data source or task still exists), and the outcome; filtered by the address's query (who, action,
// record type, record, time range: audit-filters.tsx) and exported as CSV with the same filters.
import { Anchor, Stack, Text } from "@mantine/core";
import { createContext, useContext, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import type { AuditEvent, AuditFilter } from "#contracts/audit.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { formatCount, formatDateTimeSeconds, formatUtc } from "../../../lib/format.ts";
import { Loading, PageHeader } from "../../../lib/page-states.tsx";
import { useDataSources } from "../../data-sources/public.ts";
import { useTasks } from "../../tasks/public.ts";
import { AUDIT_PAGE_SIZE, auditFilterFrom, auditFilterQuery, useAuditLog } from "../api/audit.ts";
import { AdminLoadError } from "./admin-parts.tsx";
import { AuditFilters } from "./audit-filters.tsx";
import { AUDIT_ACTION_LABELS, AUDIT_RESOURCE_LABELS } from "./audit-labels.ts";

/** The ids of data sources and tasks that exist now: only those get a link. */
const Existing = createContext<{ sources: ReadonlySet<string>; tasks: ReadonlySet<string> }>({
  sources: new Set(),
  tasks: new Set(),
});

function ResourceCell({ event }: { event: AuditEvent }) {
  const existing = useContext(Existing);
  const type = AUDIT_RESOURCE_LABELS[event.resource_type];
  const id = event.resource_id;
  // A test of a data source's values before they were saved has no record: it is named by the
  // name typed (or the bucket tested), and says it was not saved.
  const unsaved = event.resource_type === "data_source" && event.action === "tested" && id === null;
  const name = unsaved ? `${event.resource_name ?? "values"} (not saved)` : (event.resource_name ?? id ?? "—");
  const to =
    id && event.resource_type === "data_source" && existing.sources.has(id)
      ? `/data/sources/${encodeURIComponent(id)}`
      : id && event.resource_type === "task" && existing.tasks.has(id)
        ? `/data/integration/${encodeURIComponent(id)}`
        : null;
  return (
    <Text size="sm">
      <Text span size="sm" c="dimmed">
        {type}{" "}
      </Text>
      {to ? (
        <Anchor component={Link} to={to} size="sm">
          {name}
        </Anchor>
      ) : (
        name
      )}
    </Text>
  );
}

function Who({ event }: { event: AuditEvent }) {
  const { actor } = event;
  if (actor.via === "api_key") {
    return (
      <Stack gap={0}>
        <Text size="sm">API key {actor.key_name ?? actor.key_id}</Text>
        <Text size="xs" c="dimmed">
          created by {actor.email}
        </Text>
      </Stack>
    );
  }
  return <Text size="sm">{actor.email}</Text>;
}

const column = columnsFor<AuditEvent>();
const plain = { enableSorting: false, enableGlobalFilter: false } as const;
const COLUMNS = [
  column.accessor("at", {
    ...plain,
    header: "When",
    cell: ({ getValue }) => (
      <Text size="sm" span style={{ whiteSpace: "nowrap" }}>
        <time dateTime={getValue()} title={formatUtc(getValue())}>
          {formatDateTimeSeconds(getValue())}
        </time>
      </Text>
    ),
  }),
  column.display({ ...plain, id: "who", header: "Who", cell: ({ row }) => <Who event={row.original} /> }),
  column.accessor("action", { ...plain, header: "Action", cell: ({ getValue }) => AUDIT_ACTION_LABELS[getValue()] }),
  column.display({ ...plain, id: "resource", header: "Resource", cell: ({ row }) => <ResourceCell event={row.original} /> }),
  column.accessor("outcome", { ...plain, header: "Outcome", cell: ({ getValue }) => getValue() ?? "—" }),
];

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => auditFilterFrom(params), [params]);
  const filterKey = auditFilterQuery(filter).toString();
  const sources = useDataSources();
  const tasks = useTasks();
  const existing = useMemo(
    () => ({
      sources: new Set((sources.data ?? []).map((source) => source.id)),
      tasks: new Set((tasks.data ?? []).map((task) => task.id)),
    }),
    [sources.data, tasks.data],
  );

  // The header stays first at the same place in the tree in every state: were it remounted when
  // the log arrives, the focus route-focus put on the h1 would drop to <body>.
  return (
    <Existing.Provider value={existing}>
      <PageHeader
        title="Audit log"
        lede="Who created, edited, tested, deleted, started or stopped what in this organization, and when; it never holds a secret."
        trail={[{ label: "Organization" }, { label: "Audit log" }]}
      />
      <AuditFilters key={`filters:${filterKey}`} applied={filter} onApply={(next) => setParams(auditFilterQuery(next))} />
      <AuditResults key={`results:${filterKey}`} filter={filter} filtered={filterKey !== ""} />
    </Existing.Provider>
  );
}

/** The matching events, a page at a time; remounted per filter, so a new filter starts at page 1. */
function AuditResults({ filter, filtered }: { filter: AuditFilter; filtered: boolean }) {
  const log = useAuditLog(filter);
  const [wanted, setWanted] = useState(0);

  if (log.isPending) return <Loading what="audit log" />;
  if (log.isError && !log.data) return <AdminLoadError error={log.error} what="audit log" retry={() => void log.refetch()} />;

  // A page the API answered empty is not offered.
  const pages = log.data.pages.map((page) => page.items).filter((items, index) => index === 0 || items.length > 0);
  const loaded = pages.reduce((sum, items) => sum + items.length, 0);
  const pageIndex = Math.min(wanted, pages.length - (log.hasNextPage ? 0 : 1));
  // While the chosen page loads, the previous one stays in view.
  const shown = pages[pageIndex] ?? pages[pages.length - 1]!;
  const noun = filtered ? (loaded === 1 ? "matching event" : "matching events") : loaded === 1 ? "event" : "events";

  return (
    <>
      <DataTable
        label="Audit log, newest first"
        columns={COLUMNS}
        data={shown}
        getRowId={(event) => event.id}
        minWidth={860}
        card={{ title: "resource", status: "action" }}
        empty={
          filtered
            ? "No event matches these filters. Widen the time range or clear a filter."
            : "Nothing recorded yet. Changes to data sources, tasks, tables, members, keys and warehouses appear here."
        }
        server={{
          pageIndex,
          pageSize: AUDIT_PAGE_SIZE,
          rowCount: loaded + (log.hasNextPage ? 1 : 0),
          onPageChange: (index) => {
            setWanted(index);
            if (index >= pages.length && log.hasNextPage && !log.isFetchingNextPage) void log.fetchNextPage();
          },
        }}
      />
      <Text role="status" size="sm" c="dimmed" mt="xs">
        {log.isFetchingNextPage
          ? "Loading older events…"
          : `${formatCount(loaded)} ${noun} loaded${log.hasNextPage ? "; older events on the next page" : ", all there are"}`}
      </Text>
      {log.isFetchNextPageError ? <ErrorAlert title="Could not load older events" message={log.error?.message ?? ""} /> : null}
    </>
  );
}
