// One term and its value inside a <dl> (a dl may hold only dt/dd or divs of them): the settings of
// a task, the wizard's review, a data source's scope.
import { Text } from "@mantine/core";
import type { ReactNode } from "react";

export function DescriptionItem({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} size="sm" style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </div>
  );
}
