// The audit log's filters and its CSV export. Who, action, record type, record and a time range
// (From, To in the reader's time zone; sent as UTC instants) are typed into a small form and applied
// together (a query per keystroke would page the log again and again); the applied ones live in the
// address. Export CSV downloads the rows the applied filters match, not only the page in view.
// On a phone the six fields would fill the first screen: they fold behind a Filters button there.
import { Button, Collapse, Group, Select, SimpleGrid, TextInput } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useId, useState, type FormEvent } from "react";
import { AUDIT_ACTIONS, AUDIT_RESOURCES, type AuditFilter } from "#contracts/audit.ts";
import { auditCsvHref } from "../api/audit.ts";
import { AUDIT_ACTION_LABELS, AUDIT_RESOURCE_LABELS } from "./audit-labels.ts";

const ACTION_OPTIONS = AUDIT_ACTIONS.map((value) => ({ value, label: AUDIT_ACTION_LABELS[value] }));
const RESOURCE_OPTIONS = AUDIT_RESOURCES.map((value) => ({ value, label: AUDIT_RESOURCE_LABELS[value] }));

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local input's value, in the reader's time zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local input's value (the reader's time zone) as a UTC instant; undefined when empty or unreadable. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

interface Draft {
  who: string;
  action: string | null;
  resource_type: string | null;
  record: string;
  from: string;
  to: string;
}

const draftOf = (filter: AuditFilter): Draft => ({
  who: filter.who ?? "",
  action: filter.action ?? null,
  resource_type: filter.resource_type ?? null,
  record: filter.record ?? "",
  from: toLocalInput(filter.from),
  to: toLocalInput(filter.to),
});

export function AuditFilters({ applied, onApply }: { applied: AuditFilter; onApply: (filter: AuditFilter) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(applied));
  const from = fromLocalInput(draft.from);
  const to = fromLocalInput(draft.to);
  const rangeError = from && to && from >= to ? "Must be after From" : null;
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (rangeError) return;
    onApply({
      ...(draft.who.trim() ? { who: draft.who.trim() } : {}),
      ...(draft.action ? { action: draft.action as AuditFilter["action"] } : {}),
      ...(draft.resource_type ? { resource_type: draft.resource_type as AuditFilter["resource_type"] } : {}),
      ...(draft.record.trim() ? { record: draft.record.trim() } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
  };
  const clear = () => {
    setDraft(draftOf({}));
    onApply({});
  };
  const filtered = Object.keys(applied).length > 0;
  const count = Object.keys(applied).length;
  // The same breakpoint as the layout's phone navigation (app/layout.tsx).
  const phone = useMediaQuery("(max-width: 47.99em)") ?? false;
  const [shown, setShown] = useState(false);
  const open = !phone || shown;
  const fieldsId = useId();
  const exportLink = (
    <Button component="a" variant="light" href={auditCsvHref(applied)} download>
      {filtered ? "Export filtered rows as CSV" : "Export as CSV"}
    </Button>
  );

  return (
    <form role="search" aria-label="Filter the audit log" onSubmit={submit} noValidate>
      {phone ? (
        <Group gap="sm" mb="sm">
          <Button type="button" variant="default" aria-expanded={shown} aria-controls={fieldsId} onClick={() => setShown((v) => !v)}>
            {shown ? "Hide filters" : count > 0 ? `Filters (${count} applied)` : "Filters"}
          </Button>
          {exportLink}
        </Group>
      ) : null}
      <Collapse expanded={open} id={fieldsId}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" verticalSpacing="xs" mb="sm">
          <TextInput label="Who" description="Email or API key name" maxLength={200} value={draft.who} onChange={(e) => set({ who: e.currentTarget.value })} />
          <Select label="Action" description="Any action when empty" data={ACTION_OPTIONS} clearable value={draft.action} onChange={(action) => set({ action })} />
          <Select
            label="Record type"
            description="Any type when empty"
            data={RESOURCE_OPTIONS}
            clearable
            value={draft.resource_type}
            onChange={(resource_type) => set({ resource_type })}
          />
          <TextInput label="Record" description="Name (part of it) or exact ID" maxLength={200} value={draft.record} onChange={(e) => set({ record: e.currentTarget.value })} />
          <TextInput type="datetime-local" label="From" description="At or after, your time zone" value={draft.from} onChange={(e) => set({ from: e.currentTarget.value })} />
          <TextInput
            type="datetime-local"
            label="To"
            description="Before, your time zone"
            value={draft.to}
            error={rangeError}
            onChange={(e) => set({ to: e.currentTarget.value })}
          />
        </SimpleGrid>
        <Group gap="sm" mb="md">
          <Button type="submit">Apply filters</Button>
          <Button type="button" variant="default" onClick={clear} disabled={!filtered && Object.values(draftOf({})).join() === Object.values(draft).join()}>
            Clear filters
          </Button>
          {phone ? null : exportLink}
        </Group>
      </Collapse>
    </form>
  );
}
