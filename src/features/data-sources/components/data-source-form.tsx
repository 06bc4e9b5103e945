import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm, useWatch, type FieldPath } from "react-hook-form";
import { useNavigate } from "react-router";
import type { OrgInfo } from "#contracts/api.ts";
import { AWS_REGIONS, regionFromQueueUrl } from "#contracts/aws-names.ts";
import {
  CONNECTION_FIELDS,
  connectionOf,
  connectivityTestInputSchema,
  DATA_SOURCE_FIELDS,
  dataSourceInputSchema,
  FIELD_LABELS,
  type ConnectionFields,
  type DataSourceFormValues,
  type DataSourceInput,
  type DataSourceRecord,
} from "#contracts/data-source.ts";
import { ApiRequestError } from "../../../lib/api-client.ts";
import { TextField } from "../../../lib/form-field.tsx";
import { useConnectivityTest } from "../api/test-connectivity.ts";
import { AwsSetupPanel } from "./aws-setup-panel.tsx";
import { ConnectivityTestResult } from "./connectivity-checks.tsx";

type FieldName = (typeof DATA_SOURCE_FIELDS)[number];

/** The connection values as the server compares them (parsed and trimmed), or null while invalid. */
function connectionKey(values: Partial<Record<FieldName, string>>): string | null {
  const picked = Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, values[field] ?? ""]));
  const parsed = connectivityTestInputSchema.safeParse(picked);
  return parsed.success ? JSON.stringify(connectionOf(parsed.data)) : null;
}

function focusOnMount(element: HTMLElement | null) {
  element?.focus();
}

function isFieldName(key: string): key is FieldName {
  return (DATA_SOURCE_FIELDS as readonly string[]).includes(key);
}

/**
 * Create or edit an "Amazon SQS (S3) - IAM Role" data source. OK is enabled only after a passing
 * test of exactly the current connection values (or, when editing, while the connection is unchanged).
 */
export function DataSourceForm({
  org,
  record,
  onSave,
  testTimeoutMs,
}: {
  org: OrgInfo;
  /** The stored source when editing. */
  record?: DataSourceRecord;
  onSave: (input: DataSourceInput) => Promise<DataSourceRecord>;
  testTimeoutMs?: number;
}) {
  const navigate = useNavigate();
  const [defaults] = useState<DataSourceFormValues>(() => ({
    name: record?.name ?? "",
    queue_url: record?.queue_url ?? "",
    queue_region: record?.queue_region ?? "",
    role_arn: record?.role_arn ?? "",
    // The platform decides the External ID: always the organization ID.
    external_id: org.org_id,
    bucket: record?.bucket ?? "",
    prefix: record?.prefix ?? "",
    suffix: record?.suffix ?? "",
  }));
  const {
    register,
    control,
    handleSubmit,
    getValues,
    setValue,
    setError,
    trigger,
    getFieldState,
    formState: { errors, isSubmitting, isSubmitted },
  } = useForm<DataSourceFormValues, unknown, DataSourceInput>({
    resolver: zodResolver(dataSourceInputSchema),
    mode: "onTouched",
    defaultValues: defaults,
  });
  const { run, start, cancel } = useConnectivityTest({ timeoutMs: testTimeoutMs });
  // `n` remounts the alert so that each new error is announced and, when asked, focused.
  const [formError, setFormErrorState] = useState<{ message: string; focus: boolean; n: number } | null>(null);
  const setFormError = (message: string | null, focus = false) =>
    setFormErrorState((current) => (message === null ? null : { message, focus, n: (current?.n ?? 0) + 1 }));
  const ids = { connection: useId(), test: useId(), gate: useId(), regions: useId() };

  // Queue Region follows the Queue URL until the operator types a Region of their own.
  const [suggestedRegion, setSuggestedRegion] = useState<string | null>(() =>
    regionFromQueueUrl(defaults.queue_url) === defaults.queue_region ? defaults.queue_region : null,
  );

  const values = useWatch({ control }) as Partial<Record<FieldName, string>>;
  const currentKey = connectionKey(values);
  const savedKey = record ? connectionKey(record) : null;
  const running = run.phase === "running";
  const testedCurrent = run.phase !== "idle" && currentKey !== null && JSON.stringify(run.connection) === currentKey;
  const passedCurrent = run.phase === "done" && run.ok && testedCurrent;
  const unchangedConnection = record !== undefined && currentKey !== null && currentKey === savedKey;
  const canSave = passedCurrent || unchangedConnection;
  const stale = run.phase !== "idle" && !running && !testedCurrent;

  let gate: string;
  if (passedCurrent) gate = "The test passed for these values; OK saves the data source.";
  else if (unchangedConnection) gate = "The connection is unchanged since it was saved; OK saves without a new test.";
  else if (run.phase === "done" && testedCurrent) gate = "Fix the failing checks and test again; OK is enabled after a passing test.";
  else if (stale) gate = "OK is enabled once the current values pass a test.";
  else if (record && run.phase === "idle") gate = "The connection changed since it was saved; run Test Connectivity before saving.";
  else gate = "Run Test Connectivity; OK is enabled once the test passes for these values.";

  const revalidateIfShown = (field: FieldName) => {
    if (getFieldState(field).isTouched || isSubmitted) void trigger(field);
  };

  const queueUrl = register("queue_url", {
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      const suggestion = regionFromQueueUrl(event.target.value);
      const region = getValues("queue_region") ?? "";
      if (suggestion && (region.trim() === "" || region === suggestedRegion)) {
        setSuggestedRegion(suggestion);
        setValue("queue_region", suggestion, { shouldDirty: true });
      }
      revalidateIfShown("queue_region");
    },
  });
  const queueRegion = register("queue_region", {
    onChange: () => revalidateIfShown("role_arn"),
  });

  function applyServerFields(fields: Record<string, string>): string[] {
    const unknown: string[] = [];
    let first = true;
    for (const [key, message] of Object.entries(fields)) {
      if (!isFieldName(key)) {
        unknown.push(message);
        continue;
      }
      setError(key, { type: "server", message }, { shouldFocus: first });
      first = false;
    }
    return unknown;
  }

  function showFormError(message: string) {
    setFormError(message, true);
  }

  async function onTest() {
    if (running) return;
    setFormError(null);
    const connection = Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, getValues(field) ?? ""]));
    const parsed = connectivityTestInputSchema.safeParse(connection);
    if (!parsed.success) {
      await trigger([...CONNECTION_FIELDS] as FieldPath<DataSourceFormValues>[], { shouldFocus: true });
      return;
    }
    const outcome = await start(parsed.data as ConnectionFields);
    if (outcome.phase === "error") applyServerFields(outcome.fields);
  }

  async function onValid(input: DataSourceInput) {
    setFormError(null);
    if (!canSave) return showFormError(gate);
    try {
      const saved = await onSave(input);
      await navigate(`/data/sources/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      if (error instanceof ApiRequestError) {
        const unknown = applyServerFields(error.fields);
        const hasFieldErrors = Object.keys(error.fields).length > unknown.length;
        if (!hasFieldErrors || unknown.length > 0) showFormError([error.message, ...unknown].join(" "));
        else setFormError(error.message);
      } else {
        showFormError(error instanceof Error ? error.message : "Saving failed");
      }
    }
  }

  const field = (name: FieldName) => ({
    label: FIELD_LABELS[name].label,
    help: FIELD_LABELS[name].help,
    error: errors[name]?.message,
  });

  const suggested = values.queue_region !== "" && values.queue_region === suggestedRegion;

  return (
    <div className="form-layout">
      <form className="data-source-form" noValidate onSubmit={handleSubmit(onValid)} aria-label="Data source">
        <section className="panel" aria-labelledby={ids.connection}>
          <h2 id={ids.connection}>Connection details</h2>
          <TextField {...field("name")} required registration={register("name")} />
          <TextField
            {...field("queue_url")}
            required
            registration={queueUrl}
            inputMode="url"
            placeholder="https://sqs.us-east-1.amazonaws.com/123456789012/my-queue"
          />
          <TextField
            {...field("queue_region")}
            required
            registration={queueRegion}
            placeholder="us-east-1"
            list={ids.regions}
            note={suggested ? "Suggested from the Queue URL; type another Region to override it." : undefined}
          />
          <TextField
            {...field("role_arn")}
            required
            registration={register("role_arn")}
            placeholder="arn:aws:iam::123456789012:role/databend-s3-sqs-consumer-role"
          />
          <TextField
            {...field("external_id")}
            required
            readOnly
            className="readonly"
            registration={register("external_id")}
            note={
              <>
                Read-only: Databend sets it to your organization ID. Requiring it in the role&apos;s trust policy
                (the <code>sts:ExternalId</code> condition) ensures Databend assumes your role only on behalf of your
                organization, which protects against the confused-deputy problem.
              </>
            }
          />
          <TextField
            {...field("bucket")}
            required
            registration={register("bucket")}
            placeholder="my-bucket"
          />
          <TextField {...field("prefix")} registration={register("prefix")} placeholder="incoming/" />
          <TextField {...field("suffix")} registration={register("suffix")} placeholder=".csv" />
          <datalist id={ids.regions}>
            {AWS_REGIONS.map((region) => (
              <option key={region} value={region} />
            ))}
          </datalist>
        </section>

        <section className="panel" aria-labelledby={ids.test}>
          <h2 id={ids.test}>Connectivity test</h2>
          <ConnectivityTestResult run={run} stale={stale} />
        </section>

        {formError ? (
          <div
            key={formError.n}
            ref={formError.focus ? focusOnMount : undefined}
            role="alert"
            tabIndex={-1}
            className="alert alert-error"
          >
            {formError.message}
          </div>
        ) : null}

        <div className="form-actions">
          <button
            type="button"
            className="secondary"
            onClick={() => void onTest()}
            aria-disabled={running || undefined}
          >
            {running ? <span className="spinner" aria-hidden="true" /> : null}
            Test Connectivity
          </button>
          {running ? (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={!canSave || isSubmitting} aria-describedby={ids.gate}>
            OK
          </button>
          <p id={ids.gate} className={stale ? "gate-note stale" : "gate-note"}>
            {gate}
          </p>
        </div>
      </form>
      <AwsSetupPanel values={values} org={org} />
    </div>
  );
}
