// Says that a form was filled in again from this tab's draft, with a way to drop it (Start over)
// or keep it and close the notice. One wording for every form that keeps a draft.
import { Alert, Button, Group, Text } from "@mantine/core";

export function DraftNotice({ onStartOver, onClose }: { onStartOver: () => void; onClose: () => void }) {
  return (
    <Alert color="blue" variant="light" title="Your draft is back" withCloseButton closeButtonLabel="Keep the draft" onClose={onClose}>
      <Group gap="sm" justify="space-between">
        <Text size="sm">What you chose and typed earlier in this browser tab is filled in again.</Text>
        <Button size="xs" variant="default" onClick={onStartOver}>
          Start over
        </Button>
      </Group>
    </Alert>
  );
}
