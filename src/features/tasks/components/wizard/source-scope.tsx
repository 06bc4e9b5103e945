// What a data source's queue carries (bucket, prefix, suffix): a task can only narrow it.
import { Code, Group, Paper, Text } from "@mantine/core";
import type { DataSourceRecord } from "#contracts/data-source.ts";

export function SourceScope({ source }: { source: DataSourceRecord }) {
  const items = [
    { label: "Bucket", value: source.bucket },
    { label: "Prefix", value: source.prefix },
    { label: "Suffix", value: source.suffix },
  ];
  return (
    <Paper withBorder p="sm" radius="sm">
      {/* The dl is the Group itself: a dl may hold only dt/dd or divs of them. */}
      <Group component="dl" m={0} gap="lg" wrap="wrap" aria-label="Data source scope">
        {items.map((item) => (
          <div key={item.label}>
            <Text component="dt" size="xs" c="dimmed">
              {item.label}
            </Text>
            <Text component="dd" m={0} size="sm">
              {item.value ? <Code>{item.value}</Code> : "none"}
            </Text>
          </div>
        ))}
      </Group>
    </Paper>
  );
}
