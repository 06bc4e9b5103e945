// Open incidents: which rule fired for which task, what was seen, and since when. An incident
// closes by itself once its condition stays clear for the rule's quiet period (and "resolved" is
// sent); nothing here closes one by hand.
import { Anchor, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import type { AlertIncident } from "#contracts/alerts.ts";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { Loading, LoadError } from "../../../lib/page-states.tsx";
import { DateCell } from "../../admin/public.ts";
import { OPEN_INCIDENTS_LIMIT, useOpenIncidents } from "../api/get-open-incidents.ts";

const column = columnsFor<AlertIncident>();
const COLUMNS = [
  column.accessor("rule_name", {
    header: "Rule",
    sortFn: "text",
    cell: ({ getValue }) => (
      <Text size="sm" fw={600}>
        {getValue()}
      </Text>
    ),
  }),
  column.accessor((i) => i.task_name ?? "Deleted task", {
    id: "task",
    header: "Task",
    sortFn: "text",
    cell: ({ row }) =>
      row.original.task_name === null ? (
        <Text size="sm">Deleted task</Text>
      ) : (
        <Anchor component={Link} to={`/data/integration/${encodeURIComponent(row.original.task_id)}`} size="sm">
          {row.original.task_name}
        </Anchor>
      ),
  }),
  column.accessor("summary", { header: "What was seen", enableSorting: false, cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("opened_at", { header: "Since", sortFn: "text", cell: ({ getValue }) => <DateCell iso={getValue()} /> }),
];

export function IncidentsSection() {
  const incidents = useOpenIncidents();
  return (
    <section aria-labelledby="alerts-incidents">
      <Title order={2} size="h3" id="alerts-incidents" mb="xs">
        Open incidents
      </Title>
      {incidents.isPending ? (
        <Loading what="open incidents" />
      ) : incidents.isError ? (
        <LoadError error={incidents.error} what="open incidents" retry={() => void incidents.refetch()} back={{ to: "/data/sources", label: "Data Sources" }} />
      ) : (
        <>
          <DataTable
            label="Open incidents"
            columns={COLUMNS}
            data={incidents.data.items}
            getRowId={(i) => i.id}
            initialSort={[{ id: "opened_at", desc: true }]}
            minWidth={820}
            card={{ title: "rule_name" }}
            empty="No open incident: every rule's condition is clear."
          />
          {incidents.data.next_before ? (
            <Text size="sm" mt="xs">
              More than {OPEN_INCIDENTS_LIMIT} incidents are open; the newest are listed. A rule this noisy needs a higher threshold or a longer quiet period.
            </Text>
          ) : null}
        </>
      )}
    </section>
  );
}
