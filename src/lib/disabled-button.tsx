// A button that cannot be used right now and says why: `data-disabled` (not `disabled`) keeps it
// focusable and hoverable so the tooltip shows, and the reason is its accessible description, so a
// screen reader hears it too. Used for a role that may not act and for a state that forbids it.
// The tooltip (Mantine's Tooltip with Popover positioning, ~7 kB gzip) is a chunk of its own, so
// pages whose buttons are all usable (an operator's, the common case) never download it.
import { Button, VisuallyHidden, type ButtonProps } from "@mantine/core";
import { lazy, Suspense, useId, type ReactNode } from "react";

const Tooltip = lazy(() => import("./lazy-tooltip.tsx"));

export function DisabledButton({
  reason,
  children,
  ...props
}: { reason: string; children: ReactNode } & Pick<ButtonProps, "size" | "variant" | "color">) {
  const id = useId();
  const button = (
    <Button variant="default" {...props} data-disabled aria-disabled="true" aria-describedby={id} onClick={(event) => event.preventDefault()}>
      {children}
    </Button>
  );
  return (
    <>
      <Suspense fallback={button}>
        <Tooltip label={reason} withArrow multiline maw={320}>
          {button}
        </Tooltip>
      </Suspense>
      <VisuallyHidden id={id}>{reason}</VisuallyHidden>
    </>
  );
}
