// A modal form's shared ends, for any feature's dialogs: its closing buttons, and a refused
// request's messages put under the fields they name.
import { Button, Group } from "@mantine/core";
import { ApiRequestError } from "./api-client.ts";
import { keepFocus } from "./keep-focus.ts";

/** A modal's closing buttons: Cancel and the action, which shows progress while its request runs. */
export function ModalActions({ submit, pending, onCancel }: { submit: string; pending: boolean; onCancel: () => void }) {
  return (
    // A press on Cancel or submit keeps focus in the field, so its blur error cannot move the button away from the click.
    <Group justify="flex-end" gap="xs" mt="md" onMouseDown={keepFocus}>
      <Button variant="default" onClick={onCancel} disabled={pending}>
        Cancel
      </Button>
      <Button type="submit" loading={pending}>
        {submit}
      </Button>
    </Group>
  );
}

/**
 * Puts a refused request's field messages (400 `fields`) under the form's fields; returns the
 * sentence to show above the buttons when no field of this form was named (a 409, a 403, a 5xx).
 */
export function fieldErrorsOrSentence(
  error: unknown,
  fields: readonly string[],
  setFieldError: (field: string, message: string) => void,
): string | null {
  if (error instanceof ApiRequestError) {
    const named = Object.entries(error.fields).filter(([field]) => fields.includes(field));
    for (const [field, message] of named) setFieldError(field, message);
    if (named.length > 0) return null;
  }
  return error instanceof Error ? error.message : String(error);
}
