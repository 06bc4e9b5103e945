// Dismiss failed files: says which files (one, the selected ones, or every failed file of the task)
// and asks for the reason, which is required, kept on each file and audited. A refusal stays in the
// modal with the typed reason, so nothing typed is lost; the reason's rules are the contract's.
import { Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { DISMISS_REASON_MAX, FAILED_FILES_MESSAGES, type FailedFilesDismiss } from "#contracts/failed-files.ts";
import { ErrorAlert } from "../../../lib/error-detail.tsx";
import { fieldErrorsOrSentence, ModalActions } from "../../../lib/modal-form.tsx";

/** What a dismissal is about: its words for the modal and the request's selection. */
export interface DismissTarget {
  /** "load-orders/2026/bad.csv", "3 selected files", "all 12 failed files". */
  what: string;
  /** How many files that is (for the sentence's grammar). */
  count: number;
  selection: Pick<FailedFilesDismiss, "ids" | "all">;
}

export default function DismissFailedFilesModal({
  target,
  onClose,
  dismiss,
}: {
  target: DismissTarget | null;
  onClose: () => void;
  /** Sends the dismissal; resolves once the API has kept it. */
  dismiss: (body: FailedFilesDismiss) => Promise<unknown>;
}) {
  return (
    <Modal opened={target !== null} onClose={onClose} title="Dismiss failed files" closeButtonProps={{ "aria-label": "Close" }} size="lg">
      {target ? <DismissForm key={target.what} target={target} dismiss={dismiss} onDone={onClose} /> : null}
    </Modal>
  );
}

function DismissForm({ target, dismiss, onDone }: { target: DismissTarget; dismiss: (body: FailedFilesDismiss) => Promise<unknown>; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sentence, setSentence] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async () => {
    setSentence(null);
    const trimmed = reason.trim();
    if (trimmed === "") return setError(FAILED_FILES_MESSAGES.reasonRequired);
    if (trimmed.length > DISMISS_REASON_MAX) return setError(FAILED_FILES_MESSAGES.reasonTooLong);
    setError(null);
    setPending(true);
    try {
      await dismiss({ ...target.selection, reason: trimmed });
      onDone();
    } catch (failure) {
      setSentence(fieldErrorsOrSentence(failure, ["reason"], (_field, message) => setError(message)));
    } finally {
      setPending(false);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!pending) void submit();
      }}
      noValidate
    >
      <Stack gap="md">
        <Text size="sm">
          Dismiss {target.what}: {target.count === 1 ? "it leaves" : "they leave"} this list, and nothing loads{" "}
          {target.count === 1 ? "it" : "them"} unless the object is uploaded again. The record stays, under Dismissed, with your reason.
        </Text>
        <Textarea
          label="Reason"
          description="Why this needs nothing more (kept with the file and in the audit log)."
          withAsterisk
          required
          rows={3}
          data-autofocus
          value={reason}
          error={error}
          onChange={(event) => {
            setReason(event.currentTarget.value);
            if (error) setError(null);
          }}
        />
        {sentence ? <ErrorAlert title="Could not dismiss" message={sentence} /> : null}
      </Stack>
      <ModalActions submit="Dismiss" pending={pending} onCancel={onDone} />
    </form>
  );
}
