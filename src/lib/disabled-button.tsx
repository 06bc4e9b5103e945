// A button that cannot be used right now and says why: `data-disabled` (not `disabled`) keeps it
// focusable and hoverable so the tooltip shows, and the reason is its accessible description, so a
// screen reader hears it too. Used for a role that may not act and for a state that forbids it.
import { Button, Tooltip, VisuallyHidden, type ButtonProps } from "@mantine/core";
import { useId, type ReactNode } from "react";

export function DisabledButton({
  reason,
  children,
  ...props
}: { reason: string; children: ReactNode } & Pick<ButtonProps, "size" | "variant" | "color">) {
  const id = useId();
  return (
    <>
      <Tooltip label={reason} withArrow multiline maw={320}>
        <Button
          variant="default"
          {...props}
          data-disabled
          aria-disabled="true"
          aria-describedby={id}
          onClick={(event) => event.preventDefault()}
        >
          {children}
        </Button>
      </Tooltip>
      <VisuallyHidden id={id}>{reason}</VisuallyHidden>
    </>
  );
}
