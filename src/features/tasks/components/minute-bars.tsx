// One measure of a task's throughput per minute as bars, drawn with an SVG and a few positioned
// labels (no chart library: recharts was 108 kB brotli of the task page's 328, issue 21). The scale
// and ticks are in minute-scale.ts. Colours come from the Mantine theme's CSS variables, so the
// light and dark schemes both apply. Hidden from screen readers by its caller, which says the
// numbers in words and in a table; nothing here takes focus. A pointer over a bar (or a tap on a
// phone) shows that minute's value.
import { getThemeColor, useMantineTheme } from "@mantine/core";
import { useState, type CSSProperties, type PointerEvent } from "react";
import type { ThroughputMinute } from "#contracts/task-activity.ts";
import { countOf, formatCount } from "../../../lib/format.ts";
import classes from "./minute-bars.module.css";
import { barAt, quarterHourIndexes, yTicks } from "./minute-scale.ts";
import { minuteLabel } from "./task-format.tsx";

/** Room for the widest y label at 12 px (about 7 px a character) and the gap before the plot. */
function yAxisWidth(labels: string[]): number {
  return Math.max(32, Math.max(...labels.map((l) => l.length)) * 7 + 12);
}

const percent = (fraction: number) => `${fraction * 100}%`;

export default function MinuteBars({
  minutes,
  measure,
  noun,
  color,
  height,
}: {
  minutes: ThroughputMinute[];
  measure: "objects_loaded" | "rows_loaded";
  /** What one unit is called in the pointer's tooltip ("object" -> "12 objects"). */
  noun: string;
  /** A Mantine theme colour ("blue.6"). */
  color: string;
  height: number;
}) {
  const theme = useMantineTheme();
  const [active, setActive] = useState<number | null>(null);
  const values = minutes.map((m) => m[measure]);
  const ticks = yTicks(Math.max(0, ...values));
  const top = ticks[2];
  const count = values.length;
  const fill = getThemeColor(color, theme);
  const yLabels = ticks.map(formatCount);

  const pointAt = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    setActive(barAt(event.clientX - box.left, box.width, count));
  };
  const shown = active !== null && active < count ? active : null;

  return (
    <div className={classes.chart} style={{ height, "--minute-bars-y-width": `${yAxisWidth(yLabels)}px` } as CSSProperties} data-chart="minute-bars">
      <div className={classes.yAxis} data-axis="y">
        {ticks.map((tick, i) => (
          <span key={tick} className={classes.yLabel} style={{ bottom: percent(tick / top) }}>
            {yLabels[i]}
          </span>
        ))}
      </div>
      <div
        className={classes.plot}
        onPointerMove={pointAt}
        onPointerDown={pointAt}
        // A mouse that leaves hides the value; after a tap (touch) it stays until the next tap.
        onPointerLeave={(event) => {
          if (event.pointerType !== "touch") setActive(null);
        }}
      >
        {ticks.map((tick) => (
          <div key={tick} className={classes.grid} style={{ bottom: percent(tick / top) }} />
        ))}
        <svg className={classes.bars} viewBox={`0 0 ${Math.max(count, 1)} ${top}`} preserveAspectRatio="none" focusable="false">
          {shown !== null ? <rect className={classes.cursor} x={shown} y={0} width={1} height={top} /> : null}
          {values.map((value, i) => (
            <rect key={minutes[i]!.minute} data-minute={minutes[i]!.minute} data-value={value} x={i + 0.1} y={top - value} width={0.8} height={value} fill={fill} />
          ))}
        </svg>
        {shown !== null ? (
          <div
            className={classes.tooltip}
            data-chart-tooltip
            // Beside the bar, on the side with more room, so it never leaves the card.
            style={{ left: percent((shown + 0.5) / count), transform: shown >= count / 2 ? "translateX(calc(-100% - 8px))" : "translateX(8px)" }}
          >
            <div>{minuteLabel(minutes[shown]!.minute)}</div>
            <div>
              <span className={classes.swatch} style={{ background: fill }} />
              {countOf(values[shown]!, noun)}
            </div>
          </div>
        ) : null}
      </div>
      <div className={classes.xAxis} data-axis="x">
        {quarterHourIndexes(minutes).map((i) => (
          <span key={minutes[i]!.minute} className={classes.xLabel} style={{ left: percent((i + 0.5) / count) }}>
            {minuteLabel(minutes[i]!.minute)}
          </span>
        ))}
      </div>
    </div>
  );
}
