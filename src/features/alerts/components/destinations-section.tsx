// Destinations: each webhook's name, format, URL hint, the rules that send to it and when its secret
// was made; Edit (name, format, and a new URL or the current one kept), Send test (its outcome under
// the row), Rotate secret (the new one shown once) and Delete for admins; read-only for everyone else, each button saying why.
import { Alert, Button, Code, Group, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { DESTINATION_FORMAT_LABELS, type AlertDestination, type AlertDestinationWithSecret, type AlertRule, type AlertTestResult } from "#contracts/alerts.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { Loading, LoadError } from "../../../lib/page-states.tsx";
import type { Can } from "../../../lib/use-can.ts";
import { DateCell } from "../../admin/public.ts";
import { useDeleteAlertDestination } from "../api/delete-destination.ts";
import { useAlertDestinations } from "../api/get-destinations.ts";
import { alertKeys } from "../api/keys.ts";
import { rotateDestinationSecret } from "../api/rotate-secret.ts";
import { testAlertDestination } from "../api/test-destination.ts";
import { DestinationModal, EditDestinationModal } from "./destination-modal.tsx";
import { RotatedSecretModal } from "./signing-secret.tsx";

/**
 * A test's outcome belongs to the destination as it was tested: an edit (a new URL, say) or a rotated
 * secret changes `updated_at`, and the stale outcome no longer shows under the row.
 */
const testKey = (d: AlertDestination) => `${d.id}@${d.updated_at}`;

type TestState = { phase: "running" } | { phase: "done"; result: AlertTestResult } | { phase: "refused"; error: Error };

const column = columnsFor<AlertDestination>();
const COLUMNS = [
  column.accessor("name", {
    header: "Name",
    sortFn: "text",
    cell: ({ getValue }) => (
      <Text size="sm" fw={600}>
        {getValue()}
      </Text>
    ),
  }),
  column.accessor((d) => DESTINATION_FORMAT_LABELS[d.format], { id: "format", header: "Format", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("url_hint", {
    header: "URL",
    enableSorting: false,
    cell: ({ getValue }) => <Code style={{ overflowWrap: "anywhere" }}>{getValue()}</Code>,
  }),
  column.accessor((d) => d.rule_ids.length, {
    id: "rules",
    header: "Rules",
    sortFn: "basic",
    cell: ({ getValue }) => <Text size="sm">{getValue() === 0 ? "None yet" : getValue() === 1 ? "1 rule" : `${getValue()} rules`}</Text>,
  }),
  column.accessor("secret_created_at", { header: "Secret made", sortFn: "text", cell: ({ getValue }) => <DateCell iso={getValue()} /> }),
];

/** The test's outcome under its row: delivered with the answer's code, or why not in one sentence. */
function TestOutcome({ state, name }: { state: TestState; name: string }) {
  if (state.phase === "running") {
    return (
      <Text size="sm" role="status">
        Sending a test event to {name}…
      </Text>
    );
  }
  if (state.phase === "refused") return <ErrorAlert title="Could not send the test" message={state.error.message} />;
  const { delivery } = state.result;
  const code = delivery.response_status === null ? "no answer" : `HTTP ${delivery.response_status}`;
  return (
    <Alert color={state.result.ok ? "green" : "red"} variant="light" title={state.result.ok ? "Test delivered" : "Test not delivered"} role={state.result.ok ? "status" : "alert"}>
      <Stack gap={4}>
        <Text size="sm">
          {state.result.ok ? `${name} answered ${code}.` : `${name}: ${delivery.error ?? `answered ${code}`}`}
        </Text>
        {state.result.ok ? null : (
          <Text size="sm">Response: {code}. Check the URL and that the receiver accepts POST requests; the delivery log keeps this attempt.</Text>
        )}
      </Stack>
    </Alert>
  );
}

export function DestinationsSection({ admin, rules }: { admin: Can; rules: AlertRule[] }) {
  const destinations = useAlertDestinations();
  const remove = useDeleteAlertDestination();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<AlertDestination | null>(null);
  const [rotated, setRotated] = useState<AlertDestinationWithSecret | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});

  const queryClient = useQueryClient();
  const runTest = useCallback(
    async (d: AlertDestination) => {
      const report = (state: TestState) => setTests((all) => ({ ...all, [testKey(d)]: state }));
      report({ phase: "running" });
      try {
        report({ phase: "done", result: await testAlertDestination(d.id) });
      } catch (error) {
        report({ phase: "refused", error: error instanceof Error ? error : new Error(String(error)) });
      } finally {
        // The test is a delivery of its own: the log shows it at once.
        void queryClient.invalidateQueries({ queryKey: alertKeys.deliveries() });
      }
    },
    [queryClient],
  );

  const actions = useCallback(
    (d: AlertDestination) => {
      const hidden = <VisuallyHidden>{d.name}</VisuallyHidden>;
      if (!admin.allowed) {
        return (
          <Group gap={6} wrap="nowrap">
            {["Edit", "Send test", "Rotate secret", "Delete"].map((label) => (
              <DisabledButton key={label} reason={admin.reason} size="compact-sm" color={label === "Delete" ? "red" : undefined}>
                {label} {hidden}
              </DisabledButton>
            ))}
          </Group>
        );
      }
      const users = rules.filter((rule) => d.rule_ids.includes(rule.id)).map((rule) => `"${rule.name}"`);
      return (
        <Group gap={6} wrap="nowrap">
          <Button variant="default" size="compact-sm" onClick={() => setEditing(d)}>
            Edit {hidden}
          </Button>
          <Button variant="default" size="compact-sm" loading={tests[testKey(d)]?.phase === "running"} onClick={() => void runTest(d)}>
            Send test {hidden}
          </Button>
          <Button
            variant="default"
            size="compact-sm"
            onClick={() =>
              confirmDelete({
                title: `Rotate the signing secret of "${d.name}"?`,
                body: "The current secret stops signing at once: a receiver that verifies with it refuses alerts until it has the new one, which is shown once.",
                what: `the secret of "${d.name}"`,
                remove: async () => setRotated(await rotateDestinationSecret(d.id)),
                afterDelete: () => undefined,
                verb: { label: "Rotate secret", pending: "Rotating", done: "Rotated", fail: "rotate" },
              })
            }
          >
            Rotate secret {hidden}
          </Button>
          <Button
            variant="light"
            color="red"
            size="compact-sm"
            onClick={() =>
              confirmDelete({
                title: `Delete destination "${d.name}"?`,
                body:
                  users.length > 0
                    ? `Rules ${users.join(", ")} send to it: remove it from them first, or the API refuses.`
                    : "Nothing is sent to its URL any more; the delivery log keeps what was sent.",
                what: `destination "${d.name}"`,
                remove: () => remove(d.id),
                afterDelete: () => undefined,
              })
            }
          >
            Delete {hidden}
          </Button>
        </Group>
      );
    },
    [admin, rules, tests, runTest, remove],
  );

  const expandedRow = useCallback(
    (d: AlertDestination) => {
      const test = tests[testKey(d)];
      return test ? <TestOutcome state={test} name={d.name} /> : null;
    },
    [tests],
  );

  return (
    <section aria-labelledby="alerts-destinations">
      <Group justify="space-between" align="center" mb="xs" gap="sm">
        <Title order={2} size="h3" id="alerts-destinations">
          Destinations
        </Title>
        {destinations.isError ? null : admin.allowed ? (
          <Button onClick={() => setAdding(true)}>Add destination</Button>
        ) : (
          <DisabledButton reason={admin.reason}>Add destination</DisabledButton>
        )}
      </Group>
      {destinations.isPending ? (
        <Loading what="destinations" />
      ) : destinations.isError ? (
        <LoadError error={destinations.error} what="destinations" retry={() => void destinations.refetch()} back={{ to: "/data/sources", label: "Data Sources" }} />
      ) : (
        <DataTable
          label="Destinations"
          columns={COLUMNS}
          data={destinations.data}
          getRowId={(d) => d.id}
          actions={actions}
          expandedRow={expandedRow}
          minWidth={900}
          // The format is a line of its own: beside the name it squeezed the name onto two lines on a phone.
          card={{ title: "name" }}
          empty="No destination yet. Add destination connects a webhook; rules send their alerts to it."
        />
      )}
      <DestinationModal opened={adding} onClose={() => setAdding(false)} />
      <EditDestinationModal destination={editing} onClose={() => setEditing(null)} />
      <RotatedSecretModal shown={rotated} onClose={() => setRotated(null)} />
    </section>
  );
}
