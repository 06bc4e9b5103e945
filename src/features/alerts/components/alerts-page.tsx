// Organization → Alerts: what needs attention now (open incidents), the rules that watch the
// organization's tasks, the webhooks they send to, and the log of what was sent. Admins change
// rules and destinations (the API's rule); every other role reads, each button saying why not.
import { Stack } from "@mantine/core";
import { useCan } from "../../../lib/use-can.ts";
import { Loading, LoadError, PageHeader } from "../../../lib/page-states.tsx";
import { useTasks } from "../../tasks/public.ts";
import { useAlertDestinations } from "../api/get-destinations.ts";
import { useAlertRules } from "../api/get-rules.ts";
import { DeliveriesSection } from "./deliveries-section.tsx";
import { DestinationsSection } from "./destinations-section.tsx";
import { IncidentsSection } from "./incidents-section.tsx";
import { RulesSection } from "./rules-section.tsx";

export function AlertsPage() {
  const admin = useCan("admin");
  const rules = useAlertRules();
  const destinations = useAlertDestinations();
  const tasks = useTasks();

  // The header stays first at the same place in every state, so the focus put on the h1 after a
  // navigation is not dropped when the lists arrive.
  return (
    <>
      <PageHeader
        title="Alerts"
        lede="Rules watch this organization's tasks and send a signed webhook when one needs you, and one more when it is resolved."
        trail={[{ label: "Organization" }, { label: "Alerts" }]}
      />
      <Stack gap="xl">
        <IncidentsSection />
        {rules.isPending ? (
          <Loading what="alert rules" />
        ) : rules.isError ? (
          <LoadError error={rules.error} what="alert rules" retry={() => void rules.refetch()} back={{ to: "/data/sources", label: "Data Sources" }} />
        ) : (
          <RulesSection admin={admin} rules={rules.data} tasks={tasks.data ?? []} destinations={destinations.data ?? []} />
        )}
        <DestinationsSection admin={admin} rules={rules.data ?? []} />
        <DeliveriesSection />
      </Stack>
    </>
  );
}
