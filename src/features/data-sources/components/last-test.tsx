// A source's last connectivity test in a table cell or a summary: a status badge and when it ran.
import { Stack, Text } from "@mantine/core";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { StatusBadge } from "../../../lib/status-badge.tsx";

export function LastTest({ test }: { test: DataSourceRecord["last_test"] }) {
  if (!test) {
    return (
      <Text size="sm" c="dimmed">
        Not tested
      </Text>
    );
  }
  const warnings = test.checks.some((check) => check.status === "warn");
  return (
    <Stack gap={2} align="flex-start">
      <StatusBadge
        status={test.ok ? (warnings ? "warn" : "pass") : "fail"}
        text={test.ok ? (warnings ? "Passed with warnings" : "Passed") : "Failed"}
      />
      <Text span size="xs" c="dimmed">
        <time dateTime={test.tested_at}>{formatDateTime(test.tested_at)}</time>
      </Text>
    </Stack>
  );
}

/** Never tested, then failed, then passed; within each, by time (ascending order). */
export function lastTestRank(test: DataSourceRecord["last_test"]): number {
  if (!test) return 0;
  return (test.ok ? 2e13 : 1e13) + (Date.parse(test.tested_at) || 0);
}
