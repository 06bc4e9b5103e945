// What a data source's queue carries (bucket, prefix, suffix): a task can only narrow it.
import { Code, Group, Paper } from "@mantine/core";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { DescriptionItem } from "../../../../lib/description-item.tsx";

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
          <DescriptionItem key={item.label} label={item.label}>
            {item.value ? <Code>{item.value}</Code> : "none"}
          </DescriptionItem>
        ))}
      </Group>
    </Paper>
  );
}
