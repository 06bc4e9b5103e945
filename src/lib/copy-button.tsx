// Copy affordances on Mantine's CopyButton (Clipboard API with its own "copied" state): a button
// whose accessible name says what it copies, and a titled code block that carries one.
import { Button, Code, CopyButton as MantineCopyButton, Group, Paper, ScrollArea, Text, VisuallyHidden } from "@mantine/core";

/** "Copy <what>"; turns into "Copied" for a moment, announced to screen readers. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  return (
    <MantineCopyButton value={text} timeout={2500}>
      {({ copied, copy }) => (
        <Button
          variant={copied ? "light" : "default"}
          color={copied ? "green" : undefined}
          size="compact-xs"
          onClick={copy}
          // A long title beside it wraps; the button keeps its words.
          style={{ flexShrink: 0 }}
          aria-live="polite"
        >
          {copied ? "Copied" : "Copy"}{" "}
          {/* The name comes from content, not aria-label, so label lookups of form fields never match it.
              The space stays outside the hidden part: name computation (jsdom's) drops it inside. */}
          <VisuallyHidden>{what}</VisuallyHidden>
        </Button>
      )}
    </MantineCopyButton>
  );
}

/** A block of code (JSON or shell) with a title and a copy button; long lines scroll inside it. */
export function CodeBlock({ title, code, what }: { title: string; code: string; what?: string }) {
  return (
    <Paper withBorder radius="sm" p={0} component="figure" m={0}>
      <Group justify="space-between" px="sm" py={6} component="figcaption" wrap="nowrap">
        <Text size="sm" fw={600} miw={0} style={{ overflowWrap: "anywhere" }}>
          {title}
        </Text>
        <CopyButton text={code} what={what ?? title} />
      </Group>
      <ScrollArea.Autosize mah={360} type="auto" offsetScrollbars>
        <Code block tabIndex={0} aria-label={title} style={{ background: "transparent" }}>
          {code}
        </Code>
      </ScrollArea.Autosize>
    </Paper>
  );
}
