// The AWS-side configuration for these values: documents to save and CLI commands to run, each in a
// code block with a copy button, one accordion item per step of the seed. Open while creating beside
// the form (the operator is setting AWS up); collapsed when stacked on a narrow screen (between the
// fields and Test Connectivity: titles first) and on a saved source's page (there it is reference).
import { Accordion, Code, Paper, Stack, Text, Title } from "@mantine/core";
import { useId } from "react";
import type { OrgInfo } from "#contracts/api.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";
import { setupSteps, setupVariables, type SetupValues } from "../aws-setup.ts";
import classes from "./aws-setup-panel.module.css";
import { AwsTemplateActions } from "./aws-template-actions.tsx";

export function AwsSetupPanel({
  values,
  org,
  opened,
  className,
  purges = false,
}: {
  values: SetupValues;
  org?: OrgInfo | null;
  /** Whether the steps start expanded. */
  opened: boolean;
  /** Where the page places it (e.g. the form's grid area). */
  className?: string;
  /** Whether a task of the source purges loaded files: the template then grants s3:DeleteObject. */
  purges?: boolean;
}) {
  const headingId = useId();
  const variables = setupVariables(values, org);
  const steps = setupSteps(variables);
  const missing = Object.values(variables).some((value) => typeof value === "string" && /<[a-z-]+>/.test(value));
  return (
    <Paper component="aside" aria-labelledby={headingId} withBorder radius="md" p="md" className={className ? `${classes.panel} ${className}` : classes.panel}>
      <Stack gap="xs" mb="sm">
        <Title order={2} size="h4" id={headingId}>
          AWS setup
        </Title>
        <Text size="sm" c="dimmed">
          Run these in your AWS account (AWS CLI, Region <Code>{variables.region}</Code>). Databend never receives AWS
          keys: it assumes the role below with your External ID.
        </Text>
        {missing ? (
          <Text size="sm" c="dimmed">
            Values shown as <Code>&lt;placeholder&gt;</Code> fill in as you complete the form.
          </Text>
        ) : null}
      </Stack>
      <Paper withBorder radius="sm" p="sm" mb="sm">
        <AwsTemplateActions values={values} org={org} purges={purges} />
      </Paper>
      <Text size="sm" c="dimmed" mb="xs">
        Or step by step with the AWS CLI:
      </Text>
      <Accordion
        multiple
        variant="contained"
        radius="sm"
        defaultValue={opened ? steps.map((step) => step.id) : []}
        chevronPosition="left"
        order={3}
      >
        {steps.map((step) => (
          <Accordion.Item key={step.id} value={step.id}>
            <Accordion.Control fz="sm" fw={600}>
              {step.title}
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                {step.note ? (
                  <Text size="sm" c="dimmed">
                    {step.note}
                  </Text>
                ) : null}
                {step.items.map((item) =>
                  item.kind === "file" ? (
                    <CodeBlock key={item.filename} title={item.filename} code={item.code} />
                  ) : (
                    <CodeBlock key={item.title} title={item.title} code={item.code} what={`command: ${item.title}`} />
                  ),
                )}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Paper>
  );
}
