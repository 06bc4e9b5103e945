// Issue 17, item 9: a saved data source no task uses is not a dead end: its page offers Create
// task, which opens the wizard with this source chosen (?source=). A viewer, who may not create
// tasks, is not offered it.
import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeRecord, ORG, renderAt } from "../../../testing/data-sources.tsx";
import { sessionAs, sessionHandler } from "../../../testing/session.ts";

const server = setupServer(
  http.get("/api/org", () => HttpResponse.json(ORG)),
  http.get("/api/data-sources/ds-1", () => HttpResponse.json(makeRecord({ used_by: [] }))),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("a data source no task uses", () => {
  it("offers Create task with this source chosen", async () => {
    server.use(sessionHandler());
    renderAt("/data/sources/ds-1");
    const used = await screen.findByRole("region", { name: "Used by" });
    expect(used).toHaveTextContent("No integration task uses this data source yet.");
    expect(screen.getByRole("link", { name: "Create task" })).toHaveAttribute("href", "/data/integration/new?source=ds-1");
  });

  it("offers a viewer no Create task", async () => {
    server.use(sessionHandler(sessionAs("viewer")));
    renderAt("/data/sources/ds-1");
    expect(await screen.findByRole("region", { name: "Used by" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Create task" })).not.toBeInTheDocument();
  });
});
