// Step 3: what the task would load, before it exists. The objects under its prefix and suffix
// (newest first; any of them can be the sample) and the sample as Databend reads it with the chosen
// file format (preview-sample.tsx). Advice, not a gate: whatever it shows, or fails to show, Next
// goes on; the task's target is checked when it is saved and started.
import { Alert, Button, Code, Group, Loader, Stack, Text, VisuallyHidden } from "@mantine/core";
import type { PreviewObject, PreviewRequest } from "#contracts/preview.ts";
import { ApiRequestError } from "../../../../lib/api-client.ts";
import { CodeBlock } from "../../../../lib/copy-button.tsx";
import { columnsFor, DataTable } from "../../../../lib/data-table.tsx";
import { ErrorAlert } from "../../../../lib/error-detail.tsx";
import { formatBytes, formatDateTime } from "../../../../lib/format.ts";
import { usePreview } from "../../api/preview-task.ts";
import { PreviewSample } from "./preview-sample.tsx";

const column = columnsFor<PreviewObject>();
const OBJECT_COLUMNS = [
  column.accessor("key", { header: "Key", cell: (info) => <Code style={{ overflowWrap: "anywhere" }}>{info.getValue()}</Code> }),
  column.accessor("size", { header: "Size", sortFn: "basic", cell: (info) => formatBytes(info.getValue()) }),
  column.accessor("last_modified", {
    header: "Last modified",
    sortFn: "datetime",
    cell: (info) => <time dateTime={info.getValue()}>{formatDateTime(info.getValue())}</time>,
  }),
];

/** Shown beside every failure: the preview never holds anyone back. */
export const PREVIEW_IS_ADVICE =
  "You can still go on with Next: the preview is advice, not a check. The target table is checked when the task is saved and started.";

export function PreviewStep({ request, onChooseSample }: { request: PreviewRequest | null; onChooseSample: (key: string) => void }) {
  const preview = usePreview(request);
  if (!request) return <Text size="sm">Choose a data source and a valid file format first.</Text>;

  if (preview.isPending) {
    return (
      <Group role="status" gap="xs" py="md">
        <Loader size="sm" aria-hidden="true" />
        <Text size="sm">
          {/* No count here: PREVIEW_LIMITS as a value would put the contract into the first route's shared chunk (bench:console-size). */}
          Listing the objects and reading a sample and a few other objects with Databend… this can take a few seconds.
        </Text>
      </Group>
    );
  }

  const retry = (
    <Group>
      <Button variant="default" size="xs" onClick={() => void preview.refetch()} loading={preview.isFetching}>
        Retry
      </Button>
    </Group>
  );

  if (preview.isError) {
    const error = preview.error;
    const forbidden = error instanceof ApiRequestError && error.status === 403;
    return (
      <Stack gap="sm">
        <ErrorAlert
          title={forbidden ? "Your role cannot preview the objects" : "Could not preview the objects"}
          message={error.message}
          detail={error instanceof ApiRequestError ? error.detail : undefined}
        >
          {forbidden ? null : retry}
        </ErrorAlert>
        <Text size="sm">{PREVIEW_IS_ADVICE}</Text>
      </Stack>
    );
  }

  const data = preview.data;
  const scope = `s3://${data.bucket}/${data.prefix}*${data.suffix}`;
  if (data.empty) {
    return (
      <Stack gap="sm">
        {/* The command sits outside the Alert: a long line inside its flex body would widen it past a phone's width. */}
        <Alert color="blue" variant="light" title="No object matches the prefix and suffix yet">
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            {data.upload_hint?.message ?? `Upload a test object under ${scope}, then Retry.`}
          </Text>
        </Alert>
        {data.upload_hint ? <CodeBlock title="Upload a test object (AWS CLI)" code={data.upload_hint.command} what="upload command" /> : null}
        {retry}
        <Text size="sm">{PREVIEW_IS_ADVICE}</Text>
      </Stack>
    );
  }

  const sampleKey = data.sample?.key ?? request.key ?? data.objects[0]?.key;
  return (
    <Stack gap="md">
      <Text size="sm">
        The objects under <Code>{scope}</Code>, newest first
        {data.objects_truncated ? ` (only the newest ${data.objects.length} are listed)` : ""}. Choose one to see how Databend reads
        it.
      </Text>
      <DataTable
        label="Objects in scope"
        columns={OBJECT_COLUMNS}
        data={data.objects}
        getRowId={(object) => object.key}
        pageSize={10}
        minWidth={560}
        card={{ title: "key" }}
        actions={(object) =>
          object.key === sampleKey ? (
            // Words, not a Badge: a badge's capitals are cut to "SA…" in the narrow pinned column.
            <Text size="sm" fw={600} c="blue.8">
              Sample<VisuallyHidden>: {object.key}</VisuallyHidden>
            </Text>
          ) : (
            <Button size="compact-xs" variant="default" onClick={() => onChooseSample(object.key)} disabled={preview.isFetching}>
              Read <VisuallyHidden>{object.key}</VisuallyHidden>
            </Button>
          )
        }
      />
      <PreviewSample response={data} sampleKey={sampleKey} reading={preview.isPlaceholderData} retry={retry} />
    </Stack>
  );
}
