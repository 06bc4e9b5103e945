// Create Data Source form: validation, region suggestion, streamed Test Connectivity, OK gating,
// cancel/timeout, saving. msw stands in for the API because a component test has no server. Pages
// are lazy chunks, so every test first awaits the form.
import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "#contracts/data-source.ts";
import { ALL_PASS, makeRecord, ORG, renderAt, streamedResponse, testResponse, VALID } from "../../../testing/data-sources.tsx";
import { CreateDataSourcePage } from "./create-data-source-page.tsx";
import { DataSourceDetailPage } from "./data-source-detail-page.tsx";
import { sessionHandler } from "../../../testing/session.ts";

const server = setupServer(
  sessionHandler(),
  http.get("/api/org", () => HttpResponse.json(ORG)),
  http.get("/api/data-sources/:id", ({ params }) => HttpResponse.json(makeRecord({ id: String(params.id) }))),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const NEW = "/data/sources/new?type=amazon_sqs_s3_iam_role";

async function openForm(routes?: Parameters<typeof renderAt>[1]) {
  const view = renderAt(NEW, routes);
  await screen.findByLabelText("Queue URL");
  return view;
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

async function fill(user: ReturnType<typeof renderAt>["user"], values: Partial<typeof VALID>) {
  const labels: Record<keyof typeof VALID, string> = {
    name: "Name",
    queue_url: "Queue URL",
    queue_region: "Queue Region",
    role_arn: "Role ARN",
    bucket: "Bucket",
    prefix: "Object Key Prefix",
    suffix: "Object Key Suffix",
  };
  for (const [key, value] of Object.entries(values)) {
    const field = input(labels[key as keyof typeof VALID]);
    await user.clear(field);
    if (value) await user.type(field, value);
  }
}

function errorOf(label: string): string | null {
  const field = input(label);
  if (field.getAttribute("aria-invalid") !== "true") return null;
  const ids = (field.getAttribute("aria-describedby") ?? "").split(" ");
  return document.getElementById(ids[0]!)?.textContent?.replace(/^⚠\s*/, "") ?? null;
}

const okButton = () => screen.getByRole("button", { name: "OK" });
const checkItem = (title: string) =>
  within(screen.getByRole("list", { name: "Connectivity checks" }))
    .getAllByRole("listitem")
    .find((item) => item.textContent?.includes(title))!;

describe("Create Data Source", () => {
  it("with one service type, shows its form at once (nothing to choose), with the seed's labels and help", async () => {
    renderAt("/data/sources/new");
    await screen.findByRole("textbox", { name: "Name" });
    expect(screen.queryByRole("heading", { name: "Choose a service type" })).not.toBeInTheDocument();
    expect(screen.getByText("Amazon SQS (S3) - IAM Role", { selector: "strong" })).toBeInTheDocument();
    for (const label of [
      "Name",
      "Queue URL",
      "Queue Region",
      "Role ARN",
      "External ID",
      "Bucket",
      "Object Key Prefix",
      "Object Key Suffix",
    ]) {
      expect(await screen.findByLabelText(label)).toBeInTheDocument();
    }
    expect(input("Bucket")).toHaveAccessibleDescription(/Name of the S3 bucket that sends ObjectCreated events/);
  });

  it("names its main buttons uniquely, even for substring lookups (as a browser test does)", async () => {
    await openForm();
    for (const name of [/ok/i, /test connectivity/i, /cancel/i, /create data source/i]) {
      expect(screen.queryAllByRole("button", { name }).length).toBeLessThanOrEqual(1);
    }
    expect(screen.getAllByRole("button", { name: /ok/i })).toEqual([okButton()]);
    // Labels of the fields match only their inputs (substring lookups included; the AWS setup
    // beside the form names its documents, which may mention a queue name).
    const form = screen.getByRole("form", { name: "Data source" });
    for (const label of ["Name", "Queue URL", "Queue Region", "Role ARN", "External ID", "Bucket", "Object Key Prefix", "Object Key Suffix"]) {
      expect(within(form).getAllByLabelText(new RegExp(label, "i"))).toHaveLength(1);
      expect(screen.getAllByLabelText(label)).toHaveLength(1);
    }
  });

  it("prefills the External ID with the organization ID, read-only, explains why, and copies it", async () => {
    const { user } = await openForm();
    expect(input("External ID")).toHaveValue("local-org");
    expect(input("External ID")).toHaveAttribute("readonly");
    expect(input("External ID")).toHaveAccessibleDescription(/confused-deputy/);
    const copy = screen.getByRole("button", { name: "Copy External ID" });
    await user.click(copy);
    expect(await navigator.clipboard.readText()).toBe("local-org");
  });

  it("keeps a pressed button where it is: a field's blur error waits until the press has clicked", async () => {
    let tested = false;
    server.use(
      http.post("/api/data-sources/test", () => {
        tested = true;
        return testResponse();
      }),
    );
    const { user } = await openForm();
    const { name: _unused, ...connection } = VALID;
    await fill(user, connection);
    await user.click(input("Name"));
    const test = screen.getByRole("button", { name: "Test Connectivity" });
    // Press: focus leaves Name, whose error would push the button down before the release.
    await user.pointer({ keys: "[MouseLeft>]", target: test });
    expect(input("Name")).not.toHaveFocus();
    expect(errorOf("Name")).toBeNull();
    // Release: the click lands on the button (the test runs), then the blur error shows.
    await user.pointer({ keys: "[/MouseLeft]", target: test });
    await waitFor(() => expect(tested).toBe(true));
    await waitFor(() => expect(errorOf("Name")).toBe(MESSAGES.nameRequired));
  });

  it("still shows a blur error at once when focus moves by keyboard", async () => {
    const { user } = await openForm();
    await user.click(input("Name"));
    await user.tab();
    expect(errorOf("Name")).toBe(MESSAGES.nameRequired);
  });

  it("shows the contract's messages inline after a field is touched", async () => {
    const { user } = await openForm();
    await user.click(input("Name"));
    await user.tab();
    expect(errorOf("Name")).toBe(MESSAGES.nameRequired);

    await fill(user, { queue_url: "https://example.com/queue" });
    await user.tab();
    expect(errorOf("Queue URL")).toBe(MESSAGES.queueUrlShape);

    await fill(user, { queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo" });
    expect(errorOf("Queue URL")).toBe(MESSAGES.fifo);

    await fill(user, { role_arn: "arn:aws:iam::123:user/bob" });
    await user.tab();
    expect(errorOf("Role ARN")).toBe(MESSAGES.roleArnShape);

    for (const [bucket, message] of [
      ["Orders", "Bucket names use only lowercase letters, digits, dots (.) and hyphens (-)"],
      ["ab", "Bucket names are 3 to 63 characters long"],
      ["192.168.1.1", "Bucket names cannot look like an IP address"],
      ["my..bucket", "Bucket names cannot contain two adjacent dots"],
    ] as const) {
      await fill(user, { bucket });
      await user.tab();
      expect(errorOf("Bucket")).toBe(message);
    }
    await fill(user, { bucket: "orders-bucket" });
    expect(errorOf("Bucket")).toBeNull();
    expect(input("Bucket")).not.toHaveAttribute("aria-invalid");
  });

  it("flags a Queue Region that does not match the Queue URL, and unknown regions", async () => {
    const { user } = await openForm();
    await fill(user, { queue_url: VALID.queue_url, queue_region: "eu-west-1" });
    await user.tab();
    expect(errorOf("Queue Region")).toBe(MESSAGES.regionMismatch("us-east-1"));
    await fill(user, { queue_region: "mars-1" });
    expect(errorOf("Queue Region")).toBe(MESSAGES.regionUnknown);
    await fill(user, { queue_region: "us-east-1" });
    expect(errorOf("Queue Region")).toBeNull();
  });

  it("takes the Queue Region from the Queue URL, whatever was typed before", async () => {
    const { user } = await openForm();
    await fill(user, { queue_url: VALID.queue_url });
    expect(input("Queue Region")).toHaveValue("us-east-1");
    await fill(user, { queue_url: "https://sqs.eu-west-2.amazonaws.com/123456789012/orders-events" });
    expect(input("Queue Region")).toHaveValue("eu-west-2");
    // Typed by the operator, then the URL changes: the URL's Region wins (the queue lives there).
    await fill(user, { queue_region: "ap-south-1" });
    await fill(user, { queue_url: VALID.queue_url });
    expect(input("Queue Region")).toHaveValue("us-east-1");
  });

  it("shows each check as it streams in, then enables OK after a passing test", async () => {
    const stream = streamedResponse();
    let body: unknown;
    let accept: string | null = null;
    server.use(
      http.post("/api/data-sources/test", async ({ request }) => {
        body = await request.json();
        accept = request.headers.get("accept");
        return stream.response();
      }),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    expect(okButton()).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));

    await waitFor(() => expect(checkItem("Assume IAM role")).toHaveTextContent("Pending"));
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();

    stream.send({ event: "running", id: "assume_role" });
    await waitFor(() => expect(checkItem("Assume IAM role")).toHaveTextContent("Running"));

    stream.send({ event: "result", check: { id: "assume_role", status: "pass", message: "Assumed the role" } });
    await waitFor(() => expect(checkItem("Assume IAM role")).toHaveTextContent("Passed"));
    expect(checkItem("Assume IAM role")).toHaveTextContent("Assumed the role");
    expect(checkItem("Read objects permitted")).toHaveTextContent("Pending");
    expect(okButton()).toBeDisabled();

    stream.send({
      event: "result",
      check: { id: "sqs_policy", status: "warn", message: "No policy found", hint: "Apply the queue policy of Step 2" },
    });
    await waitFor(() => expect(checkItem("Queue policy lets S3 send")).toHaveTextContent("Warning"));
    expect(checkItem("Queue policy lets S3 send")).toHaveTextContent("How to fix: Apply the queue policy of Step 2");

    const checks = ALL_PASS.map((check) =>
      check.id === "sqs_policy" ? { ...check, status: "warn" as const, message: "No policy found" } : check,
    );
    stream.send({ event: "done", result: { ok: true, checks, tested_at: "2026-01-03T09:00:00.000Z" } });
    stream.close();

    await waitFor(() => expect(okButton()).toBeEnabled());
    // The summary is in a live region, so screen readers announce it.
    expect(screen.getByText(/Test passed: 7 passed, 1 warning\./).closest('[role="status"]')).not.toBeNull();
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
    expect(accept).toBe("application/x-ndjson");
    expect(body).toEqual({
      queue_url: VALID.queue_url,
      queue_region: VALID.queue_region,
      role_arn: VALID.role_arn,
      external_id: "local-org",
      bucket: VALID.bucket,
      prefix: VALID.prefix,
      suffix: VALID.suffix,
    });
  });

  it("keeps OK disabled after a failing test, with each failure's hint", async () => {
    server.use(
      http.post("/api/data-sources/test", () =>
        testResponse(
          ALL_PASS.map((check) =>
            check.id === "s3_read"
              ? { ...check, status: "fail", message: "Access denied", hint: "Grant s3:GetObject" }
              : check,
          ),
        ),
      ),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await screen.findByText(/Test failed: 7 passed, 1 failed\./);
    expect(checkItem("Read objects permitted")).toHaveTextContent("Failed");
    expect(checkItem("Read objects permitted")).toHaveTextContent("How to fix: Grant s3:GetObject");
    expect(okButton()).toBeDisabled();
  });

  it("explains a wrong role once: skipped checks name the failed check in words, without the hint", async () => {
    const hint = "Check the role's trust policy: it must trust the platform setup role with your External ID";
    server.use(
      http.post("/api/data-sources/test", () =>
        testResponse(
          ALL_PASS.map((check) =>
            check.id === "assume_role"
              ? { ...check, status: "fail", message: "Databend could not assume the role", hint }
              : { ...check, status: "skip", message: 'Skipped because "Assume IAM role" failed' },
          ),
        ),
      ),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await screen.findByText(/Test failed: 1 failed, 7 skipped\./);
    expect(checkItem("Assume IAM role")).toHaveTextContent(`How to fix: ${hint}`);
    const items = within(screen.getByRole("list", { name: "Connectivity checks" })).getAllByRole("listitem");
    expect(items).toHaveLength(8);
    for (const item of items.slice(1)) {
      expect(item).toHaveTextContent('SkippedSkipped because "Assume IAM role" failed');
      expect(item).not.toHaveTextContent("How to fix");
      expect(item).not.toHaveTextContent("assume_role");
    }
  });

  it("puts the queue policy of the policy hint in a code block with a copy button", async () => {
    const policy = { Version: "2012-10-17", Statement: [{ Sid: "AllowS3", Effect: "Allow", Action: "sqs:SendMessage" }] };
    server.use(
      http.post("/api/data-sources/test", () =>
        testResponse(
          ALL_PASS.map((check) =>
            check.id === "sqs_policy"
              ? {
                  ...check,
                  status: "warn",
                  message: "The queue has no policy",
                  hint: `Apply this queue policy (set-queue-attributes replaces the whole policy): ${JSON.stringify(policy)}`,
                }
              : check,
          ),
        ),
      ),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await screen.findByText(/Test passed: 7 passed, 1 warning\./);
    const item = checkItem("Queue policy lets S3 send");
    expect(item).toHaveTextContent("How to fix: Apply this queue policy (set-queue-attributes replaces the whole policy).");
    const copy = within(item).getByRole("button", { name: "Copy queue policy" });
    await user.click(copy);
    expect(JSON.parse(await navigator.clipboard.readText())).toEqual(policy);
    expect(within(item).getByLabelText("Queue policy")).toHaveTextContent('"Sid": "AllowS3"');
  });

  it("invalidates a passing test when a connection value changes, but not when only the name does", async () => {
    server.use(http.post("/api/data-sources/test", () => testResponse()));
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await waitFor(() => expect(okButton()).toBeEnabled());

    await fill(user, { name: "renamed" });
    expect(okButton()).toBeEnabled();

    await fill(user, { bucket: "other-bucket" });
    expect(okButton()).toBeDisabled();
    expect(screen.getByText("Values changed since the last test; test again.")).toBeInTheDocument();

    // Back to exactly the tested values: the passing test applies again.
    await fill(user, { bucket: VALID.bucket });
    expect(okButton()).toBeEnabled();
    expect(screen.queryByText(/Values changed since the last test/)).not.toBeInTheDocument();
  });

  it("cancels a running test and aborts its request", async () => {
    let aborted = false;
    const stream = streamedResponse();
    server.use(
      http.post("/api/data-sources/test", ({ request }) => {
        request.signal.addEventListener("abort", () => {
          aborted = true;
        });
        return stream.response();
      }),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    stream.send({ event: "running", id: "assume_role" });
    await waitFor(() => expect(checkItem("Assume IAM role")).toHaveTextContent("Running"));

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await screen.findByText(/Test cancelled/);
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
    expect(checkItem("Assume IAM role")).toHaveTextContent("Not run");
    expect(checkItem("Assume IAM role")).not.toHaveTextContent("Pending");
    expect(okButton()).toBeDisabled();
    await waitFor(() => expect(aborted).toBe(true));
  });

  it("stops a test that takes too long and says so", async () => {
    const stream = streamedResponse();
    server.use(http.post("/api/data-sources/test", () => stream.response()));
    const { user } = renderAt(NEW, [
      { path: "data/sources/new", element: <CreateDataSourcePage testTimeoutMs={300} /> },
    ]);
    await screen.findByLabelText("Queue URL");
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/The test did not finish within \d+ seconds and was stopped/);
    expect(okButton()).toBeDisabled();
  });

  it("shows a rate-limit refusal of the test", async () => {
    server.use(
      http.post("/api/data-sources/test", () =>
        HttpResponse.json({ error: "Too many tests; wait 20 seconds and try again" }, { status: 429 }),
      ),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many tests; wait 20 seconds and try again");
    // Refused before any check ran: no list of checks that would read as still to come.
    expect(screen.queryByRole("list", { name: "Connectivity checks" })).not.toBeInTheDocument();
    expect(screen.queryByText("Pending")).not.toBeInTheDocument();
    expect(okButton()).toBeDisabled();
  });

  it("does not test invalid values; focus goes to the first invalid field", async () => {
    let called = false;
    server.use(
      http.post("/api/data-sources/test", () => {
        called = true;
        return testResponse();
      }),
    );
    const { user } = await openForm();
    await fill(user, { ...VALID, role_arn: "nope", bucket: "" });
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await waitFor(() => expect(input("Role ARN")).toHaveFocus());
    expect(errorOf("Role ARN")).toBe(MESSAGES.roleArnShape);
    expect(errorOf("Bucket")).toBe(MESSAGES.bucketRequired);
    expect(called).toBe(false);
    // The panel says why nothing ran, naming the fields, instead of "Not tested yet".
    const panel = screen.getByRole("region", { name: "Connectivity test" });
    expect(within(panel).getByRole("status")).toHaveTextContent(
      "Not tested: fix Role ARN and Bucket first (see the message under each field), then Test Connectivity.",
    );
    // Typing into a field in error checks it again at once: fixed fields leave the sentence.
    await user.type(input("Bucket"), "my-bucket");
    await waitFor(() => expect(within(panel).getByRole("status")).toHaveTextContent("Not tested: fix Role ARN first (see the message under the field)"));
  });

  it("saves with OK after a passing test and opens the new data source", async () => {
    let posted: unknown;
    server.use(
      http.post("/api/data-sources/test", () => testResponse()),
      http.post("/api/data-sources", async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json(makeRecord({ id: "ds-new" }), { status: 201 });
      }),
    );
    const { user, router } = renderAt(NEW, [
      { path: "data/sources/new", element: <CreateDataSourcePage /> },
      { path: "data/sources/:id", element: <DataSourceDetailPage /> },
    ]);
    await screen.findByLabelText("Queue URL");
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await waitFor(() => expect(okButton()).toBeEnabled());
    await user.click(okButton());
    await waitFor(() => expect(router.state.location.pathname).toBe("/data/sources/ds-new"));
    expect(posted).toEqual({ ...VALID, external_id: "local-org" });
    expect(await screen.findByText('Created data source "orders"')).toBeInTheDocument();
  });

  it("moves focus to the first error on submit", async () => {
    server.use(http.post("/api/data-sources/test", () => testResponse()));
    const { user } = await openForm();
    await fill(user, { ...VALID, name: "" });
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await waitFor(() => expect(okButton()).toBeEnabled());
    await user.click(okButton());
    await waitFor(() => expect(input("Name")).toHaveFocus());
    expect(errorOf("Name")).toBe(MESSAGES.nameRequired);
  });

  it("puts the server's field errors on the fields and other errors in an alert", async () => {
    let attempt = 0;
    server.use(
      http.post("/api/data-sources/test", () => testResponse()),
      http.post("/api/data-sources", () => {
        attempt += 1;
        return attempt === 1
          ? HttpResponse.json(
              { error: "A data source with this name exists", fields: { name: "Name is already used by another data source" } },
              { status: 409 },
            )
          : HttpResponse.json(
              { error: "Test Connectivity has not passed for these values in the last 15 minutes; test again" },
              { status: 400 },
            );
      }),
    );
    const { user } = await openForm();
    await fill(user, VALID);
    await user.click(screen.getByRole("button", { name: "Test Connectivity" }));
    await waitFor(() => expect(okButton()).toBeEnabled());
    await user.click(okButton());
    await waitFor(() => expect(errorOf("Name")).toBe("Name is already used by another data source"));
    expect(input("Name")).toHaveFocus();

    await fill(user, { name: "orders-2" });
    await user.click(okButton());
    expect(await screen.findByRole("alert")).toHaveTextContent(/has not passed for these values/);
  });
});
