// One measure of a task's throughput per minute as a bar chart (@mantine/charts on recharts). Its
// own lazy chunk: recharts outweighs the rest of the task page, so the page's text comes first.
// Hidden from screen readers by its caller, which says the numbers in words and in a table; the
// chart stays out of the tab order (recharts' keyboard layer off).
import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import type { ThroughputMinute } from "#contracts/task-activity.ts";
import { formatCount } from "../../../lib/format.ts";
import { minuteLabel } from "./task-format.tsx";

export default function MinuteBars({
  minutes,
  measure,
  label,
  color,
  height,
}: {
  minutes: ThroughputMinute[];
  measure: "objects_loaded" | "rows_loaded";
  label: string;
  color: string;
  height: number;
}) {
  const data = minutes.map((m) => ({ minute: minuteLabel(m.minute), [measure]: m[measure] }));
  return (
    <BarChart
      barChartProps={{ accessibilityLayer: false }}
      h={height}
      data={data}
      dataKey="minute"
      series={[{ name: measure, label, color }]}
      tickLine="none"
      gridAxis="x"
      valueFormatter={formatCount}
      xAxisProps={{ minTickGap: 24 }}
      yAxisProps={{ allowDecimals: false, width: 48, tickCount: 3 }}
    />
  );
}
