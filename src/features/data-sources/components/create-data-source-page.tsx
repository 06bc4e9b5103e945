// Create Data Source: first the service type (each a link, so Back returns to the choice), then its
// form. With one service type there is nothing to choose: the form comes at once.
import { Anchor, Badge, Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { useId } from "react";
import { Link, useSearchParams } from "react-router";
import { PageHeader } from "../../../lib/page-states.tsx";
import { useOrg } from "../../../lib/use-org.ts";
import { useCreateDataSource } from "../api/create-data-source.ts";
import { DATA_SOURCE_TYPES, dataSourceType, type DataSourceTypeDescriptor } from "../data-source-types.ts";
import { DataSourceForm } from "./data-source-form.tsx";
import { Loading, LoadError } from "./page-states.tsx";

function TypePicker() {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <Title order={2} size="h4" id={headingId} mb="sm">
        Choose a service type
      </Title>
      <SimpleGrid component="ul" cols={{ base: 1, md: 2 }} p={0} m={0} style={{ listStyle: "none" }}>
        {DATA_SOURCE_TYPES.map((descriptor) => (
          <TypeCard key={descriptor.type} descriptor={descriptor} />
        ))}
      </SimpleGrid>
    </section>
  );
}

function TypeCard({ descriptor }: { descriptor: DataSourceTypeDescriptor }) {
  const descriptionId = useId();
  return (
    <Card component="li" withBorder radius="md" padding="md">
      <Group gap="xs" mb={6} wrap="nowrap">
        <Badge variant="outline" color="gray" radius="sm" aria-hidden="true">
          {descriptor.provider}
        </Badge>
        <Anchor component={Link} to={`?type=${encodeURIComponent(descriptor.type)}`} aria-describedby={descriptionId} fw={600}>
          {descriptor.label}
        </Anchor>
      </Group>
      <Text id={descriptionId} size="sm" c="dimmed">
        {descriptor.description}
      </Text>
    </Card>
  );
}

export function CreateDataSourcePage({ testTimeoutMs }: { testTimeoutMs?: number } = {}) {
  const [params] = useSearchParams();
  const only = DATA_SOURCE_TYPES.length === 1 ? DATA_SOURCE_TYPES[0] : undefined;
  const type = dataSourceType(params.get("type")) ?? only;
  const org = useOrg();
  const create = useCreateDataSource();

  return (
    <>
      <PageHeader
        title="Create Data Source"
        trail={[{ label: "Data Sources", to: "/data/sources" }, { label: "Create Data Source" }]}
        lede={
          type ? (
            <>
              Service type: <strong>{type.label}</strong>
              {only ? null : (
                <>
                  {" "}
                  <Anchor component={Link} to="/data/sources/new" size="sm" underline="always">
                    Change
                  </Anchor>
                </>
              )}
            </>
          ) : (
            "Choose how Databend reaches your data."
          )
        }
      />
      {!type ? (
        <TypePicker />
      ) : org.isPending ? (
        <Loading what="your organization" />
      ) : org.isError ? (
        <LoadError error={org.error} what="organization information" retry={() => void org.refetch()} />
      ) : (
        <DataSourceForm org={org.data} onSave={(input) => create.mutateAsync(input)} testTimeoutMs={testTimeoutMs} />
      )}
    </>
  );
}
