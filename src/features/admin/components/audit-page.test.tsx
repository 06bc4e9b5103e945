// Audit log page: when (local, to the second, UTC in the title), who (a person, or an API key by
// name), action, resource (a link only while the data source or task exists), outcome; server pages
// with `before`; a non-admin's 403. msw stands in for the API because a component test has no server.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { sessionHandler } from "../../../testing/session.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "#contracts/audit.ts";
import { makeTask } from "../../../../tests/support/fixtures.ts";
import { whyNotAllowed } from "#contracts/roles.ts";
import { formatDateTimeSeconds } from "../../../lib/format.ts";
import { makeRecord } from "../../../testing/data-sources.tsx";
import { auditEvent, forbidden, renderAt } from "../../../testing/admin.tsx";

const server = setupServer(
  sessionHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [makeRecord({ id: "ds-live", name: "orders" })] })),
  http.get("/api/tasks", () => HttpResponse.json({ items: [makeTask({ id: "task-live", name: "load-orders" })] })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const bodyRows = () => within(screen.getByRole("table", { name: "Audit log, newest first" })).getAllByRole("row").slice(1);

describe("Audit log page", () => {
  it("says when, who, what, to which record and the outcome", async () => {
    const events: AuditEvent[] = [
      auditEvent(1, { at: "2026-01-10T12:34:56.000Z", action: "tested", resource_id: "ds-live", resource_name: "orders", outcome: "failed: Assume role" }),
      auditEvent(2, {
        action: "started",
        resource_type: "task",
        resource_id: "task-live",
        resource_name: "load-orders",
        actor: { user_id: "u-ana", email: "ana@example.com", via: "api_key", key_id: "key-ci", key_name: "ci-deploy" },
      }),
      auditEvent(3, { action: "deleted", resource_id: "ds-gone", resource_name: "old-source" }),
      auditEvent(4, { action: "role_changed", resource_type: "member", resource_id: "u-vic", resource_name: "vic@example.com" }),
      auditEvent(5, { action: "tested", resource_id: null, resource_name: "draft-orders", outcome: "passed" }),
    ];
    server.use(http.get("/api/audit", () => HttpResponse.json({ items: events, next_before: null })));
    renderAt("/org/audit");
    expect(await screen.findByRole("heading", { level: 1, name: "Audit log" })).toBeInTheDocument();
    await screen.findByRole("table", { name: "Audit log, newest first" });
    const rows = bodyRows();
    expect(rows).toHaveLength(5);

    const when = within(rows[0]!).getByRole("time");
    expect(when).toHaveAttribute("datetime", "2026-01-10T12:34:56.000Z");
    expect(when).toHaveAttribute("title", "2026-01-10 12:34:56 UTC");
    expect(when).toHaveTextContent(formatDateTimeSeconds("2026-01-10T12:34:56.000Z"));
    expect(rows[0]).toHaveTextContent("ana@example.com");
    expect(rows[0]).toHaveTextContent("Tested");
    expect(rows[0]).toHaveTextContent("failed: Assume role");
    // The links wait for the lists of what exists.
    await waitFor(() => expect(within(rows[0]!).getByRole("link", { name: "orders" })).toHaveAttribute("href", "/data/sources/ds-live"));

    expect(rows[1]).toHaveTextContent("API key ci-deploy");
    expect(rows[1]).toHaveTextContent("Started");
    expect(within(rows[1]!).getByRole("link", { name: "load-orders" })).toHaveAttribute("href", "/data/integration/task-live");

    // A deleted record keeps its name but has no page to link to.
    expect(rows[2]).toHaveTextContent("Data source old-source");
    expect(within(rows[2]!).queryByRole("link")).not.toBeInTheDocument();
    expect(rows[3]).toHaveTextContent("Changed role");
    expect(rows[3]).toHaveTextContent("Member vic@example.com");
    // Tested before it was saved: named by the name typed, and said to be unsaved.
    expect(rows[4]).toHaveTextContent("Data source draft-orders (not saved)");
    expect(rows[4]).toHaveTextContent("passed");
    expect(screen.getByRole("status")).toHaveTextContent("5 events loaded, all there are");
  });

  it("pages through older events with `before`", async () => {
    const first = Array.from({ length: 50 }, (_, i) => auditEvent(i));
    const second = [50, 51, 52].map((n) => auditEvent(n));
    const asked: { limit: string | null; before: string | null }[] = [];
    server.use(
      http.get("/api/audit", ({ request }) => {
        const query = new URL(request.url).searchParams;
        asked.push({ limit: query.get("limit"), before: query.get("before") });
        return query.get("before") === "ev-49"
          ? HttpResponse.json({ items: second, next_before: null })
          : HttpResponse.json({ items: first, next_before: "ev-49" });
      }),
    );
    const { user } = renderAt("/org/audit");
    await screen.findByRole("table", { name: "Audit log, newest first" });
    expect(bodyRows()).toHaveLength(50);
    expect(bodyRows()[0]).toHaveTextContent("source-0");
    expect(screen.getByRole("status")).toHaveTextContent("50 events loaded; older events on the next page");
    expect(asked).toEqual([{ limit: "50", before: null }]);

    await user.click(screen.getByRole("button", { name: "Page 2" }));
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(bodyRows()[0]).toHaveTextContent("source-50");
    expect(asked).toEqual([
      { limit: "50", before: null },
      { limit: "50", before: "ev-49" },
    ]);
    expect(screen.getByRole("status")).toHaveTextContent("53 events loaded, all there are");

    // Back to the newest page without asking again.
    await user.click(screen.getByRole("button", { name: "Page 1" }));
    expect(bodyRows()[0]).toHaveTextContent("source-0");
    expect(asked).toHaveLength(2);
  });

  it("says when older events cannot be loaded and keeps the loaded page", async () => {
    server.use(
      http.get("/api/audit", ({ request }) =>
        new URL(request.url).searchParams.get("before")
          ? HttpResponse.json({ error: "The store is unavailable" }, { status: 503 })
          : HttpResponse.json({ items: Array.from({ length: 50 }, (_, i) => auditEvent(i)), next_before: "ev-49" }),
      ),
    );
    const { user } = renderAt("/org/audit");
    await screen.findByRole("table", { name: "Audit log, newest first" });
    await user.click(screen.getByRole("button", { name: "Page 2" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load older events");
    expect(alert).toHaveTextContent("The store is unavailable");
    expect(bodyRows()[0]).toHaveTextContent("source-0");
  });

  it("filters by who, action, record type, record and time through the address, and exports the same filters as CSV", async () => {
    const asked: Record<string, string>[] = [];
    server.use(
      http.get("/api/audit", ({ request }) => {
        const query = Object.fromEntries(new URL(request.url).searchParams);
        asked.push(query);
        const matching = query.action ? [auditEvent(7, { action: "backfill_started", resource_type: "task", resource_name: "load-orders" })] : [auditEvent(1)];
        return HttpResponse.json({ items: matching, next_before: null });
      }),
    );
    const { user, router } = renderAt("/org/audit");
    await screen.findByRole("table", { name: "Audit log, newest first" });
    const form = screen.getByRole("search", { name: "Filter the audit log" });
    expect(within(form).getByRole("link", { name: "Export as CSV" })).toHaveAttribute("href", "/api/audit.csv");

    await user.type(within(form).getByRole("textbox", { name: "Who" }), "ana@");
    // Mantine's dropdowns are still transitioning in jsdom, hence `hidden`.
    await user.click(within(form).getByRole("combobox", { name: "Action" }));
    await user.click(await screen.findByRole("option", { name: "Loaded existing objects", hidden: true }));
    await user.click(within(form).getByRole("combobox", { name: "Record type" }));
    await user.click(await screen.findByRole("option", { name: "Task", hidden: true }));
    await user.type(within(form).getByRole("textbox", { name: "Record" }), "orders");
    const fromInput = within(form).getByLabelText("From");
    await user.type(fromInput, "2026-01-10T08:00");
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));

    const from = new Date("2026-01-10T08:00").toISOString();
    await waitFor(() => expect(asked.at(-1)).toEqual({ limit: "50", who: "ana@", action: "backfill_started", resource_type: "task", record: "orders", from }));
    await waitFor(() => expect(bodyRows()[0]).toHaveTextContent("Loaded existing objects"));
    expect(screen.getByRole("status")).toHaveTextContent("1 matching event loaded, all there are");
    const query = `who=ana%40&action=backfill_started&resource_type=task&record=orders&from=${encodeURIComponent(from)}`;
    expect(router.state.location.search).toBe(`?${query}`);
    // The form remounts with the applied filters (the address is its source).
    expect(within(screen.getByRole("search")).getByRole("link", { name: "Export filtered rows as CSV" })).toHaveAttribute("href", `/api/audit.csv?${query}`);

    // An empty range is refused at the form, before any request.
    const before = asked.length;
    await user.type(within(screen.getByRole("search")).getByLabelText("To"), "2026-01-09T08:00");
    await user.click(within(screen.getByRole("search")).getByRole("button", { name: "Apply filters" }));
    expect(within(screen.getByRole("search")).getByLabelText("To")).toHaveAccessibleDescription(/Must be after From/);
    expect(asked).toHaveLength(before);

    await user.click(within(screen.getByRole("search")).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(asked.at(-1)).toEqual({ limit: "50" }));
    expect(router.state.location.search).toBe("");
    expect(within(screen.getByRole("search")).getByRole("link", { name: "Export as CSV" })).toHaveAttribute("href", "/api/audit.csv");
  });

  it("opens with the filters of its address, and says when none match", async () => {
    const asked: Record<string, string>[] = [];
    server.use(
      http.get("/api/audit", ({ request }) => {
        asked.push(Object.fromEntries(new URL(request.url).searchParams));
        return HttpResponse.json({ items: [], next_before: null });
      }),
    );
    // A value the API would refuse (an unknown action) is left out rather than sent.
    renderAt("/org/audit?resource_type=table&action=exploded&who=%20");
    expect(await screen.findByText(/No event matches these filters/)).toBeInTheDocument();
    expect(asked).toEqual([{ limit: "50", resource_type: "table" }]);
    expect(screen.getByRole("combobox", { name: "Record type" })).toHaveValue("Table");
  });

  it("says so when nothing is recorded yet", async () => {
    server.use(http.get("/api/audit", () => HttpResponse.json({ items: [], next_before: null })));
    renderAt("/org/audit");
    expect(await screen.findByText(/Nothing recorded yet/)).toBeInTheDocument();
  });

  it("shows a non-admin the API's 403 sentence", async () => {
    server.use(
      http.get("/api/audit", forbidden),
      http.get("/api/data-sources", () => HttpResponse.json({ items: [] })),
      http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
    );
    renderAt("/org/audit");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("You cannot see the audit log");
    expect(alert).toHaveTextContent(whyNotAllowed("operator", "admin"));
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });
});
