// Create or edit an "Amazon SQS (S3) - IAM Role" data source. OK is enabled only after a passing test
// of exactly the current connection values (or, when editing, while the connection is unchanged).
import { zodResolver } from "@hookform/resolvers/zod";
import { Button, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useId, useLayoutEffect, useRef, useState } from "react";
import { useForm, useWatch, type FieldPath } from "react-hook-form";
import { useNavigate } from "react-router";
import type { OrgInfo } from "#contracts/api.ts";
import {
  CONNECTION_FIELDS,
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
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { DraftNotice } from "../../../lib/draft-notice.tsx";
import { notifySuccess } from "../../../lib/notify.ts";
import { revealField } from "../../../lib/reveal.ts";
import { useFormDraft } from "../../../lib/use-form-draft.ts";
import { useLeaveGuard } from "../../../lib/use-leave-guard.ts";
import { useConnectivityTest } from "../api/test-connectivity.ts";
import { AwsSetupPanel } from "./aws-setup-panel.tsx";
import { ConnectivityTestResult } from "./connectivity-checks.tsx";
import { ConnectionFieldset, type FieldName } from "./data-source-fields.tsx";
import classes from "./data-source-form.module.css";
import { connectionKey, saveGate } from "./save-gate.ts";

function isFieldName(key: string): key is FieldName {
  return (DATA_SOURCE_FIELDS as readonly string[]).includes(key);
}

/** What a new source's draft keeps: what was typed, without a queue URL's query (never expected, possibly a credential). */
function draftOf(values: DataSourceFormValues): Partial<DataSourceFormValues> {
  const { external_id: _decidedByThePlatform, ...typed } = values;
  return { ...typed, queue_url: values.queue_url.split("?")[0] ?? "" };
}

const LEAVE_NEW = {
  title: "Leave without creating the data source?",
  body: "What you typed stays as a draft in this browser tab: Create Data Source brings it back until the tab is closed.",
  leave: "Leave",
};
const LEAVE_EDIT = {
  title: "Leave without saving?",
  body: "Your changes to this data source are not saved.",
  leave: "Leave without saving",
  loses: true,
};

/** Where the AWS setup moves beside the form: Mantine's lg breakpoint, as in data-source-form.module.css. */
const WIDE = "(min-width: 75em)";

function focusOnMount(element: HTMLElement | null) {
  element?.focus();
}

interface FormError {
  message: string;
  detail?: string;
  focus: boolean;
  /** Remounts the alert so that each new error is announced and, when asked, focused. */
  n: number;
}

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
  const form = useForm<DataSourceFormValues, unknown, DataSourceInput>({
    resolver: zodResolver(dataSourceInputSchema),
    mode: "onTouched",
    defaultValues: defaults,
    // The form reveals the first wrong field itself (whole, below the fixed header): see revealFirstError.
    shouldFocusError: false,
  });
  const { control, handleSubmit, getValues, setError, trigger, formState, getFieldState } = form;
  // Typed values survive a refresh, Back and Forward (a new source only); leaving with edits asks.
  const draft = useFormDraft(form, record ? null : "new-data-source", draftOf);
  const [draftNotice, setDraftNotice] = useState(draft.restored);
  const leave = useLeaveGuard(record ? formState.isDirty : draft.edited, record ? LEAVE_EDIT : LEAVE_NEW);
  const { run, start, cancel } = useConnectivityTest({ timeoutMs: testTimeoutMs });
  const [formError, setFormErrorState] = useState<FormError | null>(null);
  const setFormError = (error: Omit<FormError, "n"> | null) =>
    setFormErrorState((current) => (error === null ? null : { ...error, n: (current?.n ?? 0) + 1 }));
  // Beside the form (wide) the steps start open; stacked between the fields and Test Connectivity
  // (a phone, a tablet) they start collapsed to their titles, so the test stays a few screens away,
  // not dozens. Read at the first render (no effect), so the accordion starts in the right state.
  const besideForm = useMediaQuery(WIDE, false, { getInitialValueInEffect: false }) ?? false;
  const ids = { form: useId(), connection: useId(), test: useId(), gate: useId() };

  const formRef = useRef<HTMLFormElement>(null);
  // Bumped to reveal the first field in error once the errors are on screen (after React's commit).
  const [revealRequest, setRevealRequest] = useState(0);
  useLayoutEffect(() => {
    if (revealRequest === 0) return;
    const first = DATA_SOURCE_FIELDS.find((name) => getFieldState(name).invalid);
    const input = first ? formRef.current?.elements.namedItem(first) : null;
    if (input instanceof HTMLElement) revealField(input);
  }, [revealRequest, getFieldState]);
  const revealFirstError = () => setRevealRequest((n) => n + 1);
  // The connection fields in error, which a test waits for: the panel names them.
  const blockedBy = CONNECTION_FIELDS.filter((name) => formState.errors[name]).map((name) => FIELD_LABELS[name].label);

  const values = useWatch({ control }) as Partial<Record<FieldName, string>>;
  const gate = saveGate({ run, currentKey: connectionKey(values), savedKey: record ? connectionKey(record) : null, editing: !!record });
  const running = run.phase === "running";

  function applyServerFields(fields: Record<string, string>): string[] {
    const unknown: string[] = [];
    let any = false;
    for (const [key, message] of Object.entries(fields)) {
      if (!isFieldName(key)) {
        unknown.push(message);
        continue;
      }
      setError(key, { type: "server", message });
      any = true;
    }
    if (any) revealFirstError();
    return unknown;
  }

  async function onTest() {
    if (running) return;
    setFormError(null);
    const connection = Object.fromEntries(CONNECTION_FIELDS.map((field) => [field, getValues(field) ?? ""]));
    const parsed = connectivityTestInputSchema.safeParse(connection);
    if (!parsed.success) {
      await trigger([...CONNECTION_FIELDS] as FieldPath<DataSourceFormValues>[]);
      revealFirstError();
      return;
    }
    const outcome = await start(parsed.data as ConnectionFields);
    if (outcome.phase === "error") applyServerFields(outcome.fields);
  }

  async function onValid(input: DataSourceInput) {
    setFormError(null);
    if (!gate.canSave) return setFormError({ message: gate.note, focus: true });
    try {
      const saved = await onSave(input);
      draft.discard();
      leave.allowNextNavigation();
      notifySuccess(`${record ? "Saved" : "Created"} data source "${saved.name}"`);
      await navigate(`/data/sources/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      if (error instanceof ApiRequestError) {
        const unknown = applyServerFields(error.fields);
        const onFields = Object.keys(error.fields).length > unknown.length;
        // Field errors take focus themselves; otherwise the alert does.
        setFormError({
          message: [error.message, ...unknown].join(" "),
          detail: error.detail,
          focus: !onFields || unknown.length > 0,
        });
      } else {
        setFormError({ message: error instanceof Error ? error.message : "Saving failed", focus: true });
      }
    }
  }

  return (
    // The AWS setup sits where the operator acts on it: beside the form on a wide screen; stacked,
    // after the connection details it fills in from and before Test Connectivity and OK, which need
    // it done. The fields are the form; Test and OK sit outside it (OK submits it through `form`), so
    // the guide is a top-level landmark between them rather than nested in the form (layout: CSS grid).
    <div className={classes.layout}>
      <form
        id={ids.form}
        ref={formRef}
        noValidate
        onSubmit={handleSubmit(onValid, revealFirstError)}
        aria-label="Data source"
        className={classes.fields}
      >
        <Stack gap="md">
          {draftNotice ? (
            <DraftNotice
              onStartOver={() => {
                form.reset(defaults);
                draft.discard();
                setDraftNotice(false);
              }}
              onClose={() => setDraftNotice(false)}
            />
          ) : null}
          <Paper component="section" aria-labelledby={ids.connection} withBorder radius="md" p="md">
            <Title order={2} size="h4" id={ids.connection} mb="sm">
              Connection details
            </Title>
            <ConnectionFieldset form={form} defaults={defaults} />
          </Paper>
        </Stack>
      </form>

      <AwsSetupPanel values={values} org={org} opened={besideForm} className={classes.guide} purges={record?.purges ?? false} />

      <Stack gap="md" className={classes.finish}>
        <Paper component="section" aria-labelledby={ids.test} withBorder radius="md" p="md">
          <Title order={2} size="h4" id={ids.test} mb="sm">
            Connectivity test
          </Title>
          <ConnectivityTestResult run={run} stale={gate.stale} blockedBy={blockedBy} />
        </Paper>

        {formError ? (
          <div key={formError.n} ref={formError.focus ? focusOnMount : undefined} tabIndex={-1}>
            <ErrorAlert
              title={record ? "Could not save the data source" : "Could not create the data source"}
              message={formError.message}
              detail={formError.detail}
            />
          </div>
        ) : null}

        <Stack gap={6}>
          <Group gap="sm">
            <Button
              type="button"
              variant="default"
              onClick={() => void onTest()}
              aria-disabled={running || undefined}
              leftSection={running ? <Loader size={14} aria-hidden="true" /> : undefined}
            >
              Test Connectivity
            </Button>
            {running ? (
              <Button type="button" variant="subtle" color="gray" onClick={cancel}>
                Cancel
              </Button>
            ) : null}
            <Button type="submit" form={ids.form} disabled={!gate.canSave || formState.isSubmitting} aria-describedby={ids.gate}>
              OK
            </Button>
          </Group>
          <Text id={ids.gate} size="sm" c="dimmed">
            {gate.note}
          </Text>
        </Stack>
      </Stack>
    </div>
  );
}
