// Success and failure notices, one way for every feature. A failure says what failed in words; the
// server's detail (an error code, raw text) is appended only as a second line operators can copy.
import { notifications } from "@mantine/notifications";
import { ApiRequestError } from "./api-client.ts";

// Mantine's close button has no name of its own (axe: button-name).
const closeButtonProps = { "aria-label": "Close notice" };

export function notifySuccess(message: string, title?: string) {
  notifications.show({ color: "green", title, message, autoClose: 4000, closeButtonProps });
}

export function notifyFailure(title: string, error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  const detail = error instanceof ApiRequestError ? error.detail : undefined;
  notifications.show({
    color: "red",
    title,
    message: detail ? `${message} (${detail})` : message,
    autoClose: 10_000,
    closeButtonProps,
  });
}

/**
 * Runs `work` with a "…in progress" notice that turns into success or failure; returns whether it
 * succeeded so a caller can navigate only then.
 */
export async function withProgressNotice(
  labels: { pending: string; success: string; failure: string },
  work: () => Promise<unknown>,
): Promise<boolean> {
  const id = notifications.show({ loading: true, message: labels.pending, autoClose: false, withCloseButton: false, closeButtonProps });
  try {
    await work();
    notifications.update({ id, loading: false, color: "green", message: labels.success, autoClose: 4000, withCloseButton: true });
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const detail = error instanceof ApiRequestError ? error.detail : undefined;
    notifications.update({
      id,
      loading: false,
      color: "red",
      title: labels.failure,
      message: detail ? `${message} (${detail})` : message,
      autoClose: 10_000,
      withCloseButton: true,
    });
    return false;
  }
}
