// An error said in words, with the code or raw text kept behind a "Details" toggle: operators read
// the sentence; support asks for the detail.
import { Alert, Anchor, Code, Collapse, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useId, type ReactNode } from "react";

export function ErrorDetail({ detail }: { detail: string }) {
  const [opened, { toggle }] = useDisclosure(false);
  const id = useId();
  return (
    <div>
      {/* The body text's colour, underlined: the link blue reads 4.1:1 on ErrorAlert's red tint (axe). */}
      <Anchor
        component="button"
        type="button"
        size="sm"
        c="var(--mantine-color-text)"
        underline="always"
        onClick={toggle}
        aria-expanded={opened}
        aria-controls={id}
      >
        {opened ? "Hide details" : "Show details"}
      </Anchor>
      <Collapse expanded={opened} id={id}>
        <Code block mt={4} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {detail}
        </Code>
      </Collapse>
    </div>
  );
}

/** A red alert with a title, the sentence, an optional detail toggle and actions (e.g. Retry). */
export function ErrorAlert({
  title,
  message,
  detail,
  children,
}: {
  title: string;
  message: ReactNode;
  detail?: string | null | undefined;
  children?: ReactNode;
}) {
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {detail ? <ErrorDetail detail={detail} /> : null}
        {children}
      </Stack>
    </Alert>
  );
}
