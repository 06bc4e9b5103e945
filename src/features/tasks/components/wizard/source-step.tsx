// Step 1: the data source whose queue the task reads.
import { Anchor, Select, Stack } from "@mantine/core";
import { Controller } from "react-hook-form";
import { Link } from "react-router";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { useTaskForm } from "./form-context.ts";
import { SourceScope } from "./source-scope.tsx";

export function sourceOptionLabel(source: DataSourceRecord): string {
  return `${source.name} — s3://${source.bucket}/${source.prefix}*${source.suffix}`;
}

export function SourceStep({
  sources,
  source,
  onSourceChange,
}: {
  sources: DataSourceRecord[];
  source: DataSourceRecord | undefined;
  onSourceChange: (source: DataSourceRecord | undefined) => void;
}) {
  const { control } = useTaskForm();
  return (
    <Stack gap="md">
      <Controller
        control={control}
        name="data_source_id"
        render={({ field, fieldState }) => (
          <Select
            ref={field.ref}
            name={field.name}
            label="Data source"
            description={
              <>
                The task reads the S3 events of this source's SQS queue.{" "}
                <Anchor component={Link} to="/data/sources/new" size="xs" underline="always">
                  Create a data source
                </Anchor>
              </>
            }
            placeholder="Choose a data source"
            withAsterisk
            data={sources.map((candidate) => ({ value: candidate.id, label: sourceOptionLabel(candidate) }))}
            value={field.value || null}
            onChange={(value) => {
              field.onChange(value ?? "");
              onSourceChange(sources.find((candidate) => candidate.id === value));
            }}
            onBlur={field.onBlur}
            error={fieldState.error?.message}
            allowDeselect={false}
            maw={560}
          />
        )}
      />
      {source ? <SourceScope source={source} /> : null}
    </Stack>
  );
}
