// The wizard's Preview step: the objects in scope and a sample as Databend reads it, an empty scope
// with the upload command and Retry, a sample Databend could not read, another sample chosen, and
// a refused preview that still lets the user go on. msw stands in for the API (a component test
// has no server); the server side is tested against the sandbox and the engine.
import { screen, waitFor, within } from "@testing-library/react";
import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PreviewRequest } from "#contracts/preview.ts";
import { makeRecord } from "../../../../testing/data-sources.tsx";
import { renderAt, warehousesHandler } from "../../../../testing/tasks.tsx";
import { choose, CSV_PREVIEW, currentStep, EMPTY_PREVIEW, next, type User } from "../../../../testing/wizard.ts";
import { sessionHandler } from "../../../../testing/session.ts";

const ORDERS = makeRecord({ id: "ds-1", name: "orders", bucket: "orders-bucket", prefix: "incoming/", suffix: ".csv" });
const requests: PreviewRequest[] = [];

const server = setupServer(
  sessionHandler(),
  warehousesHandler(),
  http.get("/api/data-sources", () => HttpResponse.json({ items: [ORDERS] })),
  http.get("/api/tasks", () => HttpResponse.json({ items: [] })),
  http.get("/api/warehouse/databases", () => HttpResponse.json({ error: "Databend could not be reached" }, { status: 503 })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

/** Answers the preview with `answers` in turn (the last one repeats), recording each request. */
function previewAnswers(...answers: (() => Response)[]) {
  server.use(
    http.post("/api/tasks/preview", async ({ request }) => {
      requests.push((await request.json()) as PreviewRequest);
      // Reading a sample takes a moment: long enough to see the progress.
      await delay(50);
      // At least the first: a request still in flight when a test ends lands after afterEach emptied `requests`.
      return answers[Math.max(0, Math.min(requests.length, answers.length) - 1)]!();
    }),
  );
}

async function toPreview(user: User) {
  await screen.findByRole("combobox", { name: "Data source" });
  await choose(user, "Data source", /^orders/);
  await next(user);
  await user.clear(screen.getByRole("textbox", { name: "Object Key Prefix" }));
  await user.type(screen.getByRole("textbox", { name: "Object Key Prefix" }), "incoming/2026/");
  await next(user);
  expect(currentStep()).toBe("Preview");
}

describe("Task wizard: Preview", () => {
  it("lists the objects newest first and shows the CSV sample's columns and rows as Databend read them", async () => {
    previewAnswers(() => HttpResponse.json({ ...CSV_PREVIEW, sample: { ...CSV_PREVIEW.sample, warnings: ["Line 3 has 3 fields; the others have 2"] } }));
    const { user } = renderAt("/data/integration/new");
    await toPreview(user);
    // Progress while Databend reads the sample.
    expect(await screen.findByRole("status")).toHaveTextContent(/reading a sample and a few other objects with Databend/);

    const objects = await screen.findByRole("table", { name: "Objects in scope" });
    const keys = within(objects).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[0]!.textContent);
    expect(keys).toEqual(["incoming/2026/b.csv", "incoming/2026/a.csv"]);
    expect(within(objects).getByText("2 kB")).toBeInTheDocument(); // 2,048 bytes: decimal kB (src/lib/format.ts)
    expect(requests).toEqual([
      { data_source_id: "ds-1", file_format: { type: "csv", header: true, delimiter: ",", quote: '"', compression: "auto" }, prefix: "incoming/2026/", suffix: ".csv", warehouse_id: "wh-main" },
    ]);

    const sample = screen.getByRole("region", { name: "Sample" });
    expect(within(sample).getByText(/types were inferred from the values of the files read/)).toBeInTheDocument();
    expect(within(sample).getByText(/^Column types from 2 files \(3 rows\): this object and the 1 other read with it/)).toBeInTheDocument();
    expect(within(sample).getByText(/CSV columns go into a table by position/)).toBeInTheDocument();
    expect(within(sample).getByText("Line 3 has 3 fields; the others have 2")).toBeInTheDocument();
    const columns = within(sample).getByRole("table", { name: "Columns of incoming/2026/b.csv" });
    expect(within(columns).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual(["idBIGINTno", "cityVARCHARyes"]);
    const rows = within(sample).getByRole("region", { name: "Rows of incoming/2026/b.csv" });
    expect(within(rows).getAllByRole("row").map((row) => row.textContent)).toEqual(["idcity", "1Paris", "2NULL"]);

    // Advice, not a gate.
    await next(user);
    expect(currentStep()).toBe("Target");
  });

  it("marks a column whose type differs between files, with the counts and, below, the files holding each type; and the files left out", async () => {
    const sample = {
      ...CSV_PREVIEW.sample,
      columns: [
        { name: "id", type: "BIGINT", nullable: true },
        { name: "amount", type: "DOUBLE", nullable: true },
      ],
      rows: [[1, 1]],
      typed_from: [
        { key: "incoming/2026/b.csv", rows: 1 },
        { key: "incoming/2026/a.csv", rows: 20 },
      ],
      typing_left_out: [{ key: "incoming/2026/huge.csv", reason: "100.0 MiB, larger than the 64.0 MiB a preview reads for the types" }],
      disagreements: [{ column: "amount", type: "DOUBLE", types: [{ type: "BIGINT", keys: ["incoming/2026/b.csv"] }, { type: "DOUBLE", keys: ["incoming/2026/a.csv"] }] }],
    };
    previewAnswers(() => HttpResponse.json({ ...CSV_PREVIEW, sample }));
    const { user } = renderAt("/data/integration/new");
    await toPreview(user);
    const region = await screen.findByRole("region", { name: "Sample" });
    expect(within(region).getByText(/^Column types from 2 files \(21 rows\)/)).toBeInTheDocument();
    const columns = within(region).getByRole("table", { name: "Columns of incoming/2026/b.csv" });
    expect(within(columns).getAllByRole("row").slice(1).map((row) => row.textContent)).toEqual([
      "idBIGINTyes",
      "amountDOUBLEFiles disagreeBIGINT in 1 file, DOUBLE in 1 file → DOUBLEyes",
    ]);
    expect(within(region).getByRole("list", { name: "Where the files disagree" })).toHaveTextContent("amount: BIGINT in incoming/2026/b.csv; DOUBLE in incoming/2026/a.csv");
    expect(within(region).getByRole("list", { name: "Files not read for the types" })).toHaveTextContent(
      "incoming/2026/huge.csv: 100.0 MiB, larger than the 64.0 MiB a preview reads for the types",
    );
  });

  it("says to upload a test object into an empty scope, with the command to copy, and Retry asks again", async () => {
    previewAnswers(() => HttpResponse.json(EMPTY_PREVIEW), () => HttpResponse.json(CSV_PREVIEW));
    const { user } = renderAt("/data/integration/new");
    await toPreview(user);
    expect(await screen.findByText("No object matches the prefix and suffix yet")).toBeInTheDocument();
    expect(screen.getByText(EMPTY_PREVIEW.upload_hint.message)).toBeInTheDocument();
    expect(screen.getByLabelText("Upload a test object (AWS CLI)")).toHaveTextContent(EMPTY_PREVIEW.upload_hint.command);
    expect(screen.getByRole("button", { name: "Copy upload command" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("table", { name: "Objects in scope" })).toBeInTheDocument();
    expect(requests).toHaveLength(2);
  });

  it("shows a sample Databend could not read with its cause, the detail behind Show details", async () => {
    previewAnswers(() =>
      HttpResponse.json({
        ...CSV_PREVIEW,
        sample: null,
        sample_error: { error: "incoming/2026/b.csv is not valid CSV with these options: line 2 has 3 fields", detail: "1046 BadBytes: ..." },
      }),
    );
    const { user } = renderAt("/data/integration/new");
    await toPreview(user);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Databend could not read incoming/2026/b.csv");
    expect(alert).toHaveTextContent("line 2 has 3 fields");
    // Words first; Databend's own text only behind the toggle.
    const toggle = within(alert).getByRole("button", { name: "Show details" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(within(alert).getByRole("button", { name: "Hide details" })).toHaveAttribute("aria-expanded", "true");
    expect(alert).toHaveTextContent("1046 BadBytes");
  });

  it("reads another object when it is chosen as the sample", async () => {
    const older = { ...CSV_PREVIEW.sample, key: "incoming/2026/a.csv", rows: [[7, "Lyon"]] };
    previewAnswers(
      () => HttpResponse.json(CSV_PREVIEW),
      () => HttpResponse.json({ ...CSV_PREVIEW, sample: older }),
    );
    const { user } = renderAt("/data/integration/new");
    await toPreview(user);
    const objects = await screen.findByRole("table", { name: "Objects in scope" });
    await user.click(within(objects).getByRole("button", { name: "Read incoming/2026/a.csv" }));
    const rows = await screen.findByRole("region", { name: "Rows of incoming/2026/a.csv" });
    expect(rows).toHaveTextContent("Lyon");
    expect(requests[1]).toMatchObject({ key: "incoming/2026/a.csv" });
    expect(within(screen.getByRole("table", { name: "Objects in scope" })).getByText(/^Sample/)).toBeInTheDocument();
  });

  it("says why a refused preview failed and that the user can go on anyway", async () => {
    previewAnswers(() =>
      HttpResponse.json(
        { error: 'The role arn:aws:iam::000000000000:role/ingest may not list bucket orders-bucket under "incoming/2026/": it lacks s3:ListBucket' },
        { status: 422 },
      ),
    );
    const { user } = renderAt("/data/integration/new");
    await toPreview(user);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not preview the objects");
    expect(alert).toHaveTextContent("it lacks s3:ListBucket");
    expect(screen.getByText(/You can still go on with Next: the preview is advice/)).toBeInTheDocument();
    await next(user);
    await waitFor(() => expect(currentStep()).toBe("Target"));
  });
});
