// One measure of a task's throughput per minute as a bar chart (@mantine/charts on recharts). Its
// own lazy chunk: recharts outweighs the rest of the task page, so the page's text comes first.
// Hidden from screen readers by its caller, which says the numbers in words and in a table; the
// chart stays out of the tab order (recharts' keyboard layer off).
import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import type { ThroughputMinute } from "#contracts/task-activity.ts";
import { formatCount } from "../../../lib/format.ts";
import { minuteLabel } from "./task-format.tsx";

/** Minutes between the time axis' ticks: four across the hour, room for "03:45 PM" on a phone. */
const TICK_MINUTES = 15;

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
  // Round, evenly spaced ticks: the minutes on a quarter hour, given to recharts as the axis' ticks
  // (interval 0 shows each). Left to itself, recharts thins the 60 labels from the current minute
  // backwards and skips by label width, so ticks fall on odd minutes at uneven gaps (11:24, 11:43).
  const ticks = minutes.filter((m) => new Date(m.minute).getMinutes() % TICK_MINUTES === 0).map((m) => minuteLabel(m.minute));
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
      xAxisProps={{ ticks, interval: 0 }}
      yAxisProps={{ allowDecimals: false, width: 48, tickCount: 3 }}
    />
  );
}
