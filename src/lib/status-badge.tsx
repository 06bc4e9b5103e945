// Status shown as words (and a symbol), with colour only as a second cue.
import { Badge, Loader } from "@mantine/core";

export type BadgeStatus = "pending" | "running" | "pass" | "fail" | "warn" | "skip";

export const STATUS_TEXT: Record<BadgeStatus, string> = {
  pending: "Pending",
  running: "Running",
  pass: "Passed",
  fail: "Failed",
  warn: "Warning",
  skip: "Skipped",
};

const SYMBOL: Record<BadgeStatus, string> = {
  pending: "○",
  running: "",
  pass: "✓",
  fail: "✕",
  warn: "!",
  skip: "–",
};

const COLOR: Record<BadgeStatus, string> = {
  pending: "gray",
  running: "blue",
  pass: "green",
  fail: "red",
  warn: "yellow",
  skip: "gray",
};

/** A status badge; `text` replaces the default word (e.g. a task's "Stopping…"). */
export function StatusBadge({ status, text }: { status: BadgeStatus; text?: string }) {
  return (
    <Badge
      color={COLOR[status]}
      variant="light"
      // The light variant's coloured text (shade 6) is below 4.5:1 on its tint: the words keep the
      // body text colour and the tint carries the colour cue.
      c="var(--mantine-color-text)"
      radius="sm"
      tt="none"
      // A badge never shrinks to "Ru…" in a narrow table cell: its words are its meaning.
      style={{ flexShrink: 0, overflow: "visible" }}
      styles={{ label: { overflow: "visible", textOverflow: "clip" } }}
      fw={600}
      leftSection={
        status === "running" ? (
          <Loader size={10} color="blue" aria-hidden="true" />
        ) : (
          <span aria-hidden="true">{SYMBOL[status]}</span>
        )
      }
    >
      {text ?? STATUS_TEXT[status]}
    </Badge>
  );
}
