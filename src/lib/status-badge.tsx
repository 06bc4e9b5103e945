// Status shown as words (and a symbol), with colour only as a second cue.
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
  running: "◌",
  pass: "✓",
  fail: "✕",
  warn: "!",
  skip: "–",
};

export function StatusBadge({ status, text }: { status: BadgeStatus; text?: string }) {
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true" className={status === "running" ? "badge-symbol spin" : "badge-symbol"}>
        {SYMBOL[status]}
      </span>
      {text ?? STATUS_TEXT[status]}
    </span>
  );
}
