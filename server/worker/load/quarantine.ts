// Part of step 4 (load), what a failed file comes to: a file error (Databend says this file is at
// fault: a bad value, a malformed file) counts one attempt of that object version in the store's
// failed_files (server/store/failed-files.ts), so the count survives restarts and is shared by
// every worker. Below WORKER_FILE_ATTEMPTS the message goes back with the queue's backoff; at the
// limit the version is quarantined: recorded with Databend's sentence, bucket, key, ETag and the
// event, its message deleted. Failures that are not the file's (Databend unreachable, a
// conflicting commit, S3 refusing access, the statement budget) never count.
import { failurePosition } from "../../databend/errors.ts";
import { detailOf, errorText, excerpt, SENTENCE_MAX } from "../../error-text.ts";
import type { TaskContext } from "../context.ts";
import type { S3ObjectRef } from "../events.ts";
import type { BatchTally } from "../run-record.ts";
import type { FileOutcome } from "./load-items.ts";
import type { Settler } from "./load-versions.ts";
import { REASONS } from "./plan-versions.ts";

type Failed = Extract<FileOutcome, { status: "failed" }>;

/** Settles the messages of one failed version: retried with backoff, or (quarantined) deleted. */
export async function settleFailedVersion(
  ctx: TaskContext,
  object: S3ObjectRef,
  messageIds: readonly string[],
  outcome: Failed,
  tally: BatchTally,
  settle: Settler,
  maxAttempts: number,
): Promise<void> {
  const retry = (note = "") => {
    for (const id of messageIds) {
      tally.errors.push({ message_id: id, key: outcome.key, error: excerpt(`${outcome.error}${note}`, SENTENCE_MAX), ...detailOf(outcome.detail) });
      tally.note(id, settle.fail(id));
    }
  };
  if (outcome.errorClass !== "file") return retry();
  const detail = outcome.detail ?? outcome.error;
  const position = failurePosition(detail);
  let result;
  try {
    result = await ctx.store.recordFileFailure(
      ctx.task.org_id,
      ctx.task.id,
      {
        bucket: object.bucket, key: object.key, etag: object.eTag, versionId: object.versionId ?? null, size: Number.isFinite(object.size) ? object.size : null,
        errorClass: outcome.errorClass, errorCode: outcome.code ?? null, errorCodeName: outcome.codeName ?? null,
        error: outcome.error, detail, file: object.key, ...position,
        eventName: object.eventName || null, eventTime: object.eventTime || null, sequencer: object.sequencer || null, messageId: messageIds[0] ?? null,
      },
      maxAttempts,
    );
  } catch (error) {
    // The count cannot be kept: retry through the queue as before (nothing is lost).
    ctx.log.warn({ err: errorText(error), key: object.key }, "recording a failed file failed; the message is retried");
    return retry();
  }
  if (result.state === "counting") return retry(` Attempt ${result.attempts} of ${maxAttempts}; retried with backoff.`);
  if (result.newly) {
    tally.objectsFailed++;
    for (const id of messageIds) {
      tally.errors.push({
        message_id: id,
        key: outcome.key,
        error: excerpt(`${outcome.error} Set aside in Failed files after ${result.attempts} attempt(s); its message is deleted.`, SENTENCE_MAX),
        ...detailOf(outcome.detail),
      });
      tally.note(id, settle.resolve(id));
    }
    return;
  }
  // A redelivery of a version already in Failed files (or dismissed there): nothing new to try.
  tally.objectsDuplicate++;
  for (const id of messageIds) {
    tally.skipped.push({ message_id: id, key: outcome.key, reason: REASONS.quarantined });
    tally.note(id, settle.resolve(id));
  }
}
