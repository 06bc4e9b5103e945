// The task page's Activity section: backlog, lag and per-minute charts with their numbers in words
// (and a table for screen readers), the empty state, an unavailable backlog with AWS's text behind
// Show details, and the refresh every 10 s. msw stands in for the API because a component test
// has no server.
import { act, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { userEvent } from "@testing-library/user-event";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { TaskActivity } from "#contracts/task-activity.ts";
import { ACTIVITY_REFRESH_MS } from "../api/get-task-activity.ts";
import { makeActivity, makeTask, renderAt, warehousesHandler } from "../../../testing/tasks.tsx";
import { throughputSummary } from "./task-activity.tsx";
import { formatLag } from "./task-format.tsx";
import { sessionHandler } from "../../../testing/session.ts";
import { noFailedFilesHandler } from "../../../testing/failed-files.ts";

let activity: TaskActivity = makeActivity();
let asked = 0;
const server = setupServer(
  noFailedFilesHandler(),
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/tasks/:id/backfill", () => HttpResponse.json({ backfill: null, reconcile: null })),
  http.get("/api/tasks/t-1", () => HttpResponse.json(makeTask({ status: "running", desired_state: "running" }))),
  http.get("/api/tasks/:id/runs", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/workers", () => HttpResponse.json({ items: [] })),
  http.get("/api/tasks/:id/activity", () => {
    asked++;
    return HttpResponse.json(activity);
  }),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  activity = makeActivity();
  asked = 0;
  vi.useRealTimers();
});
afterAll(() => server.close());

async function section() {
  await screen.findByRole("heading", { level: 1, name: "load-orders" });
  const region = screen.getByRole("region", { name: "Activity" });
  await waitFor(() => expect(region).not.toHaveTextContent("Loading activity"));
  return region;
}
const valueOf = (scope: HTMLElement, label: string) => within(scope).getByText(label).nextElementSibling as HTMLElement;

describe("Task activity", () => {
  it("before anything ran: the empty queue, no lag, and words instead of empty charts", async () => {
    renderAt("/data/integration/t-1");
    const region = await section();
    expect(valueOf(region, "Messages waiting")).toHaveTextContent("0");
    expect(valueOf(region, "Messages in flight")).toHaveTextContent("0");
    expect(region).toHaveTextContent("No batch has loaded objects yet");
    expect(region).toHaveTextContent("Nothing loaded yet");
    expect(within(region).queryByRole("heading", { name: "Objects loaded per minute" })).toBeNull();
  });

  it("shows backlog, lag p50/p95 and both charts, each with a heading and a sentence of its numbers; screen readers get a table", async () => {
    activity = makeActivity(
      {
        backlog: { visible: 1234, in_flight: 56, checked_at: "2026-01-03T10:30:20.000Z", dead_letter: { status: "none" } },
        lag: { p50_ms: 1840, p95_ms: 64_000, max_ms: 90_000, objects: 40, batches: 7, since: "2026-01-03T10:00:00.000Z", relative_accuracy: 0.01 },
      },
      [
        { minutesAgo: 5, objects: 30, rows: 3000 },
        { minutesAgo: 0, objects: 10, rows: 900 },
      ],
    );
    renderAt("/data/integration/t-1");
    const region = await section();
    expect(valueOf(region, "Messages waiting")).toHaveTextContent((1234).toLocaleString());
    expect(valueOf(region, "Messages in flight")).toHaveTextContent("56");
    expect(valueOf(region, "Lag, event to rows (p50)")).toHaveTextContent("1.8 s");
    expect(region).toHaveTextContent("Over 40 objects in the last 7 batches");
    expect(valueOf(region, "Lag, event to rows (p95)")).toHaveTextContent("1 min 4 s");
    expect(region).toHaveTextContent("Slowest: 1 min 30 s");

    expect(within(region).getByRole("heading", { level: 3, name: "Objects loaded per minute" })).toBeInTheDocument();
    expect(within(region).getByRole("heading", { level: 3, name: "Rows loaded per minute" })).toBeInTheDocument();
    expect(region).toHaveTextContent(throughputSummary(activity.throughput.minutes, "objects_loaded", "object"));
    expect(region).toHaveTextContent(/40 objects loaded in the last hour; the busiest minute, .+, had 30; 10 so far this minute\./);
    expect(region).toHaveTextContent(/3,900 rows loaded in the last hour; the busiest minute, .+, had 3,000; 900 so far this minute\./);
    const table = within(region).getByRole("table", { name: /Objects and rows loaded per minute/ });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3); // the header and the two minutes that loaded anything
    expect(rows[1]).toHaveTextContent(/30\s*3,000/);
    expect(rows[2]).toHaveTextContent(/10\s*900/);
  });

  it("draws a bar per minute with three round y ticks, hidden from screen readers and out of the tab order; a pointer shows a minute's value", async () => {
    activity = makeActivity({}, [
      { minutesAgo: 5, objects: 30, rows: 3000 },
      { minutesAgo: 0, objects: 10, rows: 900 },
    ]);
    const { container } = renderAt("/data/integration/t-1");
    const region = await section();
    const charts = Array.from(region.querySelectorAll<HTMLElement>('[data-chart="minute-bars"]'));
    expect(charts).toHaveLength(2);
    const [objects, rows] = charts as [HTMLElement, HTMLElement];
    expect(objects.querySelectorAll("rect[data-minute]")).toHaveLength(activity.throughput.minutes.length);
    expect(objects.querySelector('[data-axis="y"]')).toHaveTextContent(/^0\s*20\s*40$/);
    expect(rows.querySelector('[data-axis="y"]')).toHaveTextContent(/^0\s*2,000\s*4,000$/);
    const busiest = objects.querySelector<SVGRectElement>('rect[data-value="30"]')!;
    expect(Number(busiest.getAttribute("height"))).toBe(30);
    // The time axis names the quarter hours the window holds (three or four of them).
    expect(objects.querySelectorAll('[data-axis="x"] span').length).toBeGreaterThanOrEqual(3);
    for (const chart of charts) {
      expect(chart.closest('[aria-hidden="true"]')).not.toBeNull();
      expect(chart.querySelectorAll("[tabindex], a, button, input")).toHaveLength(0);
    }
    expect(container.querySelector("[data-chart-tooltip]")).toBeNull();

    // jsdom lays nothing out: give the plot a box, then point at the busiest minute (index 54 of 60).
    const plot = busiest.closest("svg")!.parentElement!;
    plot.getBoundingClientRect = () => ({ left: 0, top: 0, width: 600, height: 100, right: 600, bottom: 100, x: 0, y: 0, toJSON: () => ({}) });
    const index = activity.throughput.minutes.findIndex((m) => m.objects_loaded === 30);
    const user = userEvent.setup();
    await user.pointer({ target: plot, coords: { clientX: index * 10 + 5, clientY: 50 } });
    await waitFor(() => expect(objects.querySelector("[data-chart-tooltip]")).toHaveTextContent("30 objects"));
    await user.unhover(plot);
    await waitFor(() => expect(objects.querySelector("[data-chart-tooltip]")).toBeNull());
  });

  it("a backlog that cannot be read says why in words, with AWS's text behind Show details; lag and charts still show", async () => {
    activity = makeActivity(
      {
        backlog: {
          unavailable: "The backlog cannot be read: the role arn:aws:iam::000000000000:role/databend lacks sqs:GetQueueAttributes on arn:aws:sqs:us-east-1:000000000000:orders",
          detail: "AccessDenied: not authorized to perform sqs:GetQueueAttributes",
          checked_at: "2026-01-03T10:30:20.000Z",
        },
        lag: { p50_ms: 800, p95_ms: 900, max_ms: 950, objects: 2, batches: 1, since: "2026-01-03T10:29:00.000Z", relative_accuracy: 0.01 },
      },
      [{ minutesAgo: 1, objects: 2, rows: 20 }],
    );
    renderAt("/data/integration/t-1");
    const region = await section();
    expect(region).toHaveTextContent("Queue backlog unavailable");
    expect(region).toHaveTextContent("lacks sqs:GetQueueAttributes on arn:aws:sqs:us-east-1:000000000000:orders");
    const details = within(region).getByRole("button", { name: "Show details" });
    expect(details).toHaveAttribute("aria-expanded", "false");
    await userEvent.setup().click(details);
    await waitFor(() => expect(within(region).getByText("AccessDenied: not authorized to perform sqs:GetQueueAttributes")).toBeVisible());
    expect(valueOf(region, "Lag, event to rows (p50)")).toHaveTextContent("800 ms");
    expect(region).toHaveTextContent(/2 objects loaded in the last hour/);
    expect(within(region).queryByText("Messages waiting")).toBeNull();
  });

  it("asks again every 10 s and shows the new backlog", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderAt("/data/integration/t-1");
    const region = await section();
    expect(valueOf(region, "Messages waiting")).toHaveTextContent("0");
    const before = asked;
    activity = makeActivity({ backlog: { visible: 17, in_flight: 3, checked_at: "2026-01-03T10:30:30.000Z", dead_letter: { status: "none" } } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(ACTIVITY_REFRESH_MS + 100);
    });
    await waitFor(() => expect(valueOf(region, "Messages waiting")).toHaveTextContent("17"));
    expect(asked).toBeGreaterThan(before);
  });

  describe("dead-letter queue", () => {
    const DLQ_ARN = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";
    const withDlq = (dead_letter: TaskActivity["backlog"] extends infer B ? (B extends { dead_letter: infer D } ? D : never) : never) =>
      makeActivity({ backlog: { visible: 0, in_flight: 0, checked_at: "2026-01-03T10:30:20.000Z", dead_letter } });
    const dlqPart = (region: HTMLElement) => within(region).getByRole("heading", { level: 3, name: "Dead-letter queue" }).parentElement!;

    it("messages waiting there: how many, why SQS moved them, how to look at them and redrive them, with the CLI command to copy", async () => {
      activity = withDlq({ status: "counted", queue_arn: DLQ_ARN, queue_name: "orders-dlq", max_receive_count: 5, visible: 12, in_flight: 1 });
      renderAt("/data/integration/t-1");
      const part = dlqPart(await section());
      expect(part).toHaveTextContent("13 messages in the dead-letter queue");
      expect(part).toHaveTextContent("SQS moved these S3 events to orders-dlq after 5 receives each (1 of them received by someone and not yet deleted)");
      expect(part).toHaveTextContent("Poll for messages");
      expect(part).toHaveTextContent("Start DLQ redrive");
      expect(within(part).getByLabelText(/AWS CLI/)).toHaveTextContent(`aws sqs start-message-move-task --source-arn ${DLQ_ARN}`);
      expect(within(part).getByRole("button", { name: "Copy the redrive command" })).toBeInTheDocument();
      expect(part).not.toHaveTextContent("raise maxReceiveCount");
    });

    it("empty: says so and the rule; a maxReceiveCount below the task's attempts says to raise it", async () => {
      activity = withDlq({ status: "counted", queue_arn: DLQ_ARN, queue_name: "orders-dlq", max_receive_count: 1, visible: 0, in_flight: 0 });
      renderAt("/data/integration/t-1");
      const part = dlqPart(await section());
      expect(part).toHaveTextContent("Dead-letter queue orders-dlq: empty. SQS moves a message there after 1 receive (the queue's redrive policy).");
      expect(part).toHaveTextContent("raise maxReceiveCount above 3 (for example to 5)");
      expect(within(part).queryByText(/start-message-move-task/)).toBeNull();
    });

    it("no redrive policy: says the queue has none and what that means", async () => {
      activity = withDlq({ status: "none" });
      renderAt("/data/integration/t-1");
      const part = dlqPart(await section());
      expect(part).toHaveTextContent("the task's queue has no redrive policy, so SQS never gives up on a message");
      expect(part).toHaveTextContent("Failed files");
    });

    it("cannot be read: the sentence naming the permission, AWS's text behind Show details", async () => {
      activity = withDlq({
        status: "unavailable",
        queue_arn: DLQ_ARN,
        max_receive_count: 5,
        unavailable: `The dead-letter queue cannot be read: the role arn:aws:iam::000000000000:role/databend lacks sqs:GetQueueAttributes on ${DLQ_ARN}.`,
        detail: "AccessDenied: no",
      });
      renderAt("/data/integration/t-1");
      const part = dlqPart(await section());
      expect(part).toHaveTextContent("Dead-letter queue unavailable");
      expect(part).toHaveTextContent(`lacks sqs:GetQueueAttributes on ${DLQ_ARN}`);
      expect(within(part).getByRole("button", { name: "Show details" })).toBeInTheDocument();
    });
  });

  it("formats lags as a person reads them", () => {
    expect([formatLag(0), formatLag(850), formatLag(4200), formatLag(185_000), formatLag(7_440_000)]).toEqual(["0 ms", "850 ms", "4.2 s", "3 min 5 s", "2 h 4 min"]);
  });
});
