// A destination's signing secret, shown once (after Add destination and after Rotate secret): the
// secret with a copy button, a plain sentence that it will not be shown again, and how a receiver
// uses it. The secret lives only in the modal's state; closing the modal forgets it.
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import type { AlertDestinationWithSecret } from "#contracts/alerts.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";

/** The line a receiver runs with the secret (the `standardwebhooks` npm library; others exist per language). */
export const VERIFY_EXAMPLE = "new Webhook(secret).verify(body, headers)";

export function SigningSecret({ shown, onDone }: { shown: AlertDestinationWithSecret; onDone: () => void }) {
  const slack = shown.destination.format === "slack";
  return (
    <Stack gap="md">
      {/* No title: Mantine's light yellow title is below AA contrast on its tint (axe); the body text passes. */}
      <Alert color="yellow" variant="light">
        <Text size="sm">
          <strong>Copy the signing secret now.</strong> It will not be shown again: if it is lost, rotate it and give the
          receiver the new one.
        </Text>
      </Alert>
      <CodeBlock title="Signing secret" code={shown.secret} what="signing secret" />
      <Text size="sm">
        {slack
          ? "Slack does not check signatures; keep the secret for any other receiver of this URL."
          : "Every alert is signed with it (the webhook-id, webhook-timestamp and webhook-signature headers of Standard Webhooks). A receiver verifies each request with a Standard Webhooks library, for example the npm package standardwebhooks:"}
      </Text>
      {slack ? null : <CodeBlock title="Verify a request" code={VERIFY_EXAMPLE} what="verification example" />}
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}

/** The new secret after Rotate secret, in a modal of its own that a stray click cannot close. */
export function RotatedSecretModal({ shown, onClose }: { shown: AlertDestinationWithSecret | null; onClose: () => void }) {
  return (
    <Modal
      opened={shown !== null}
      onClose={onClose}
      title={shown ? `New signing secret of "${shown.destination.name}"` : ""}
      closeButtonProps={{ "aria-label": "Close" }}
      closeOnClickOutside={false}
      size="lg"
    >
      {shown ? <SigningSecret shown={shown} onDone={onClose} /> : null}
    </Modal>
  );
}
