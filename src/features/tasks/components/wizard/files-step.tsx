// Step 2: which objects of the source (prefix, suffix) and how they are parsed (file format).
import { Checkbox, Group, Radio, Select, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { Controller, useWatch } from "react-hook-form";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { COMPRESSIONS, FILE_FORMAT_LABELS, type FileFormatType } from "#contracts/task.ts";
import { useTaskForm } from "./form-context.ts";
import { SourceScope } from "./source-scope.tsx";
import { formatOfType } from "./wizard-model.ts";

const FORMAT_TYPES = Object.keys(FILE_FORMAT_LABELS) as FileFormatType[];

export function FilesStep({ source }: { source: DataSourceRecord | undefined }) {
  const { control, register, getValues, setValue, clearErrors, formState } = useTaskForm();
  const format = useWatch({ control, name: "file_format" });
  const errors = formState.errors;
  const formatErrors = errors.file_format as Partial<Record<string, { message?: string }>> | undefined;

  return (
    <Stack gap="md">
      {source ? <SourceScope source={source} /> : null}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <TextInput
          label="Object Key Prefix"
          description={`Only objects whose key starts with this are loaded. Must start with the data source's prefix${source?.prefix ? ` "${source.prefix}"` : ""}; empty takes the source's.`}
          placeholder={source?.prefix || "incoming/"}
          error={errors.prefix?.message}
          {...register("prefix")}
        />
        <TextInput
          label="Object Key Suffix"
          description={`Only objects whose key ends with this are loaded. Must end with the data source's suffix${source?.suffix ? ` "${source.suffix}"` : ""}; empty takes the source's.`}
          placeholder={source?.suffix || ".csv"}
          error={errors.suffix?.message}
          {...register("suffix")}
        />
      </SimpleGrid>

      <Radio.Group
        label="File format"
        description="How each object is parsed when it is loaded with COPY INTO."
        value={format.type}
        onChange={(type) => {
          setValue("file_format", formatOfType(type as FileFormatType, getValues("file_format")));
          clearErrors("file_format");
        }}
      >
        <Group gap="lg" mt="xs">
          {FORMAT_TYPES.map((type) => (
            <Radio key={type} value={type} label={FILE_FORMAT_LABELS[type]} />
          ))}
        </Group>
      </Radio.Group>

      {format.type === "csv" ? (
        <>
          <Controller
            control={control}
            name="file_format.header"
            render={({ field }) => (
              <Checkbox
                ref={field.ref}
                name={field.name}
                label="Header row"
                description="The first line of every file is a header and is skipped."
                checked={field.value ?? true}
                onChange={(event) => field.onChange(event.currentTarget.checked)}
                onBlur={field.onBlur}
              />
            )}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput
              label="Delimiter"
              description="The one single-byte character between fields, not a letter or digit: e.g. , or ; or | or a tab."
              withAsterisk
              error={formatErrors?.delimiter?.message}
              {...register("file_format.delimiter")}
            />
            <TextInput
              label="Quote"
              description={'The character around quoted fields: " or \' or ` (the ones Databend accepts); it must differ from the delimiter.'}
              withAsterisk
              error={formatErrors?.quote?.message}
              {...register("file_format.quote")}
            />
          </SimpleGrid>
        </>
      ) : null}

      {format.type === "csv" || format.type === "ndjson" ? (
        <Controller
          control={control}
          name="file_format.compression"
          render={({ field, fieldState }) => (
            <Select
              ref={field.ref}
              name={field.name}
              label="Compression"
              description="auto detects it from the file name extension."
              data={[...COMPRESSIONS]}
              value={field.value ?? "auto"}
              onChange={(value) => field.onChange(value ?? "auto")}
              onBlur={field.onBlur}
              error={fieldState.error?.message}
              allowDeselect={false}
              maw={280}
            />
          )}
        />
      ) : null}
    </Stack>
  );
}
