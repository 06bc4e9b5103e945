// What the pieces of a task runner share: the items a batch is made of, and waiting.
import type { LedgerObject } from "../store/tasks.ts";
import type { S3ObjectRef } from "./events.ts";

/** What the receive side hands to the batcher: one entry per record (or per message without records). */
export type BatchItem =
  | { kind: "object"; messageId: string; object: S3ObjectRef }
  | { kind: "duplicate"; messageId: string; object: S3ObjectRef }
  | { kind: "skip"; messageId: string; key: string | undefined; reason: string }
  | { kind: "test"; messageId: string; bucket: string | undefined }
  | { kind: "invalid"; messageId: string; reason: string };

/** Waits `ms`, or less when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export function ledgerObject(object: S3ObjectRef, messageId?: string): LedgerObject {
  return { bucket: object.bucket, key: object.key, etag: object.eTag, sequencer: object.sequencer, message_id: messageId };
}
