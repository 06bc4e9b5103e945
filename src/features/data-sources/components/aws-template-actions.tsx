// The AWS side in one step: the CloudFormation template and the Terraform file for the values on
// screen (downloads), and a Launch stack link when the deployment published the template; otherwise
// the reason. Part of the AWS setup panel, so the form (create, edit) and the source's page have it.
import { Anchor, Button, Checkbox, Group, Stack, Text, Title } from "@mantine/core";
import { useId, useState } from "react";
import type { OrgInfo } from "#contracts/api.ts";
import { DisabledButton } from "../../../lib/disabled-button.tsx";
import { cloudFormationTemplateText } from "../aws-cloudformation.ts";
import { launchStackLink, stackNameFor } from "../aws-launch-stack.ts";
import type { SetupValues } from "../aws-setup.ts";
import { templateInputs } from "../aws-template-model.ts";
import { terraformFile } from "../aws-terraform.ts";

function download(filename: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has the blob once the click is dispatched; release it on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function AwsTemplateActions({ values, org, purges }: { values: SetupValues; org?: OrgInfo | null; purges: boolean }) {
  const headingId = useId();
  const [purge, setPurge] = useState(purges);
  const result = templateInputs({ values, org, purge });
  const launch = result.ok ? launchStackLink(result.inputs, org?.cloudformation_template_url) : null;
  const missing = result.ok ? null : result.missing.join(" ");
  const base = result.ok ? stackNameFor(result.inputs.queueName) : "";

  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={3} size="h5" id={headingId}>
        Set up with a template
      </Title>
      <Text size="sm" c="dimmed">
        One stack creates the queue with its policy, the notification from your existing bucket and the role, for these
        connection values. The template merges its notification into the bucket&apos;s configuration; S3 itself replaces the whole
        configuration on every write, and the Terraform file does replace it: read its warning first.
      </Text>
      <Checkbox
        size="sm"
        checked={purge}
        onChange={(event) => setPurge(event.currentTarget.checked)}
        label="A task purges loaded files (grant s3:DeleteObject under the prefix)"
      />
      {result.ok ? (
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => download(`${base}.cfn.json`, cloudFormationTemplateText(result.inputs), "application/json")}>
            Download CloudFormation template
          </Button>
          <Button size="xs" variant="default" onClick={() => download(`${base}.tf`, terraformFile(result.inputs), "text/plain")}>
            Download Terraform
          </Button>
          {launch?.ok ? (
            <Button size="xs" component="a" href={launch.url} target="_blank" rel="noopener noreferrer">
              Launch stack
            </Button>
          ) : null}
        </Group>
      ) : (
        <Group gap="xs">
          <DisabledButton size="xs" reason={missing!}>
            Download CloudFormation template
          </DisabledButton>
          <DisabledButton size="xs" reason={missing!}>
            Download Terraform
          </DisabledButton>
        </Group>
      )}
      {missing ? (
        <Text size="sm" c="dimmed">
          Needed first: {missing}
        </Text>
      ) : launch && !launch.ok ? (
        <Text size="sm" c="dimmed" data-testid="launch-stack-unavailable">
          Launch stack is unavailable: {launch.reason}
        </Text>
      ) : launch?.ok ? (
        <Text size="sm" c="dimmed">
          Launch stack opens the AWS console in {result.ok ? result.inputs.region : ""} with these values as the stack&apos;s
          parameters (stack {launch.stackName}); then copy its outputs into the form.
        </Text>
      ) : null}
      <Anchor href="https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html" target="_blank" rel="noopener noreferrer" size="sm">
        S3: PutBucketNotificationConfiguration replaces the whole configuration
      </Anchor>
    </Stack>
  );
}
