// Rules: each rule's name, what it watches (with its numbers), which tasks, the quiet period, where
// it sends and whether it is on (with its open incidents); Edit, Enable/Disable and Delete (asked
// first) for admins, read-only for everyone else, each button saying why.
import { Button, Group, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import { useCallback, useMemo, useState } from "react";
import type { AlertDestination, AlertRule } from "#contracts/alerts.ts";
import type { TaskRecord } from "#contracts/task.ts";
import { confirmDelete } from "../../../lib/confirm-delete.tsx";
import { columnsFor, DataTable } from "../../../lib/data-table.tsx";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { withProgressNotice } from "../../../lib/notify.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";
import type { Can } from "../../../lib/use-can.ts";
import { useDeleteAlertRule } from "../api/delete-rule.ts";
import { useUpdateAlertRule } from "../api/update-rule.ts";
import { conditionWords, quietWords } from "./alert-words.ts";
import { RuleFormModal } from "./rule-form-modal.tsx";

/** A rule with the names of its tasks and destinations, as the table shows them. */
interface RuleRow {
  rule: AlertRule;
  tasks: string;
  sendTo: string;
}

function namesOf(ids: string[], byId: Map<string, string>, what: string): string {
  return ids.map((id) => byId.get(id) ?? `deleted ${what}`).join(", ");
}

const column = columnsFor<RuleRow>();
const COLUMNS = [
  column.accessor((row) => row.rule.name, {
    id: "name",
    header: "Name",
    sortFn: "text",
    cell: ({ getValue }) => (
      <Text size="sm" fw={600}>
        {getValue()}
      </Text>
    ),
  }),
  column.accessor((row) => conditionWords(row.rule.condition), { id: "condition", header: "Alert when", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor("tasks", { header: "Tasks", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue()}</Text> }),
  column.accessor((row) => row.rule.quiet_minutes, { id: "quiet", header: "Quiet period", sortFn: "basic", cell: ({ getValue }) => <Text size="sm">{quietWords(getValue())}</Text> }),
  column.accessor("sendTo", { header: "Send to", sortFn: "text", cell: ({ getValue }) => <Text size="sm">{getValue() || "Nowhere (incidents only)"}</Text> }),
  column.accessor((row) => (row.rule.enabled ? "Enabled" : "Disabled"), {
    id: "state",
    header: "State",
    sortFn: "text",
    cell: ({ row }) => (
      <Stack gap={2} align="flex-start">
        <StatusBadge status={row.original.rule.enabled ? "pass" : "skip"} text={row.original.rule.enabled ? "Enabled" : "Disabled"} />
        {row.original.rule.open_incidents > 0 ? (
          <Text size="xs">{row.original.rule.open_incidents === 1 ? "1 open incident" : `${row.original.rule.open_incidents} open incidents`}</Text>
        ) : null}
      </Stack>
    ),
  }),
];

export function RulesSection({
  admin,
  rules,
  tasks,
  destinations,
}: {
  admin: Can;
  rules: AlertRule[];
  tasks: TaskRecord[];
  destinations: AlertDestination[];
}) {
  const remove = useDeleteAlertRule();
  const update = useUpdateAlertRule();
  const [editing, setEditing] = useState<{ rule: AlertRule | null } | null>(null);

  const rows = useMemo<RuleRow[]>(() => {
    const taskNames = new Map(tasks.map((task) => [task.id, task.name]));
    const destinationNames = new Map(destinations.map((d) => [d.id, d.name]));
    return rules.map((rule) => ({
      rule,
      tasks: rule.task_ids === null ? "All tasks" : namesOf(rule.task_ids, taskNames, "task"),
      sendTo: namesOf(rule.destination_ids, destinationNames, "destination"),
    }));
  }, [rules, tasks, destinations]);

  const actions = useCallback(
    ({ rule }: RuleRow) => {
      const hidden = <VisuallyHidden>{rule.name}</VisuallyHidden>;
      const toggle = rule.enabled ? "Disable" : "Enable";
      if (!admin.allowed) {
        return (
          <Group gap={6} wrap="nowrap">
            {["Edit", toggle, "Delete"].map((label) => (
              <DisabledButton key={label} reason={admin.reason} size="compact-sm" color={label === "Delete" ? "red" : undefined}>
                {label} {hidden}
              </DisabledButton>
            ))}
          </Group>
        );
      }
      return (
        <Group gap={6} wrap="nowrap">
          <Button variant="default" size="compact-sm" onClick={() => setEditing({ rule })}>
            Edit {hidden}
          </Button>
          <Button
            variant="default"
            size="compact-sm"
            onClick={() =>
              void withProgressNotice(
                {
                  pending: `${rule.enabled ? "Disabling" : "Enabling"} rule "${rule.name}"…`,
                  success: `${rule.enabled ? "Disabled" : "Enabled"} rule "${rule.name}"`,
                  failure: `Could not ${toggle.toLowerCase()} rule "${rule.name}"`,
                },
                () => update.mutateAsync({ id: rule.id, update: { enabled: !rule.enabled } }),
              )
            }
          >
            {toggle} {hidden}
          </Button>
          <Button
            variant="light"
            color="red"
            size="compact-sm"
            onClick={() =>
              confirmDelete({
                title: `Delete rule "${rule.name}"?`,
                body: "It watches and sends nothing from now on, and its open incidents close without a resolved message. The delivery log keeps what it sent. To pause it instead, Disable it.",
                what: `rule "${rule.name}"`,
                remove: () => remove(rule.id),
                afterDelete: () => undefined,
              })
            }
          >
            Delete {hidden}
          </Button>
        </Group>
      );
    },
    [admin, update, remove],
  );

  return (
    <section aria-labelledby="alerts-rules">
      <Group justify="space-between" align="center" mb="xs" gap="sm">
        <Title order={2} size="h3" id="alerts-rules">
          Rules
        </Title>
        {admin.allowed ? <Button onClick={() => setEditing({ rule: null })}>Create rule</Button> : <DisabledButton reason={admin.reason}>Create rule</DisabledButton>}
      </Group>
      <DataTable
        label="Rules"
        columns={COLUMNS}
        data={rows}
        getRowId={(row) => row.rule.id}
        actions={actions}
        minWidth={1000}
        card={{ title: "name", status: "state" }}
        empty="No rule yet. Create rule says when a task needs you: failed, erroring, lagging, failed files or a backlog."
      />
      <RuleFormModal opened={editing !== null} rule={editing?.rule ?? null} tasks={tasks} destinations={destinations} onClose={() => setEditing(null)} />
    </section>
  );
}
