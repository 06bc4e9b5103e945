// The wizard's buttons: Cancel, Back, and Next, or on Review the actions that save. Creating, the
// primary button (and Enter, the form's submit) is Create and start; Create stopped is the other.
// A mouse press on them keeps the focus where it is (see keepFocus).
import { Button, Group, Text } from "@mantine/core";
import { Link } from "react-router";
import type { MouseEvent } from "react";
import { keepFocus } from "../../../../lib/keep-focus.ts";

export function WizardActions({
  mode,
  cancelTo,
  busy,
  back,
  last,
  createStopped,
}: {
  mode: "create" | "edit";
  cancelTo: string;
  busy: boolean;
  /** Back to the step before; null on the first step. */
  back: (() => void) | null;
  last: boolean;
  createStopped: (event: MouseEvent<HTMLButtonElement>) => void;
}) {
  return (
    <>
      <Group justify="space-between" gap="sm" onMouseDown={keepFocus}>
        <Button variant="subtle" component={Link} to={cancelTo} disabled={busy}>
          Cancel
        </Button>
        <Group gap="sm">
          {back ? (
            <Button variant="default" onClick={back} disabled={busy}>
              Back
            </Button>
          ) : null}
          {!last ? (
            <Button type="submit">Next</Button>
          ) : mode === "edit" ? (
            <Button type="submit" loading={busy}>
              Save changes
            </Button>
          ) : (
            <>
              {/* What most people came for is the primary button; a task to start later is the other. */}
              <Button variant="default" onClick={createStopped} disabled={busy}>
                Create stopped
              </Button>
              <Button type="submit" loading={busy}>
                Create and start
              </Button>
            </>
          )}
        </Group>
      </Group>
      {mode === "create" && last ? (
        <Text size="sm" c="dimmed">
          Create and start begins loading at once; Create stopped saves the task to start later from its page.
        </Text>
      ) : null}
    </>
  );
}
