// Part of step 4 (load), planned before claiming: which version of an object a message is about, and whether that version can still be loaded.
// S3 without versioning serves only a key's newest content, and Databend's COPY reads whatever is
// there under the path, so an event for an older ETag must not load the newer content in its name
// (that content's own event loads it). Before claiming, a HEAD is made only where the answer
// matters (the event has no ETag, or several ETags of one key meet in a batch); every load then
// HEADs its objects inside its transaction, after the COPY (server/worker/copier.ts).
import { DETAIL_MAX, errorText, excerpt, scrubSecrets } from "../../error-text.ts";
import type { S3ObjectRef } from "../events.ts";

/** The current ETag of a key (quotes stripped), null when the object is gone, undefined when unknown. */
export type HeadEtag = (key: string) => Promise<string | null | undefined>;

/** Why an event's version is not loaded. */
export type VersionDecision =
  /** This ETag is no longer the object's content. */
  | { kind: "superseded"; reason: string }
  | { kind: "missing"; reason: string }
  /** The object could not be looked at; try again later. `detail`: the S3 client's text. */
  | { kind: "unknown"; reason: string; detail?: string };

export const REASONS = {
  superseded: (etag: string, current: string) =>
    `overwritten before it was loaded (event ETag ${etag}, now ${current}); the newer version's own event loads it`,
  missing: "object no longer exists in the bucket; nothing to load",
  unknown: "could not read the object's current ETag from S3 (s3:GetObject on the object lets the role read it); will retry",
  /** A zero-byte object: settled by its size (the event's, the listing's or a HEAD's), never handed to COPY. */
  empty: "empty object: nothing to load (0 bytes)",
  /** COPY read the file and it held no row (only a newline, or only a CSV header). */
  noRows: "empty object: nothing to load (the file has no rows: only a header or blank lines)",
  /** A redelivered event of a version already set aside in Failed files. */
  quarantined: "already set aside in Failed files (retry it there once it is fixed)",
} as const;

/** The S3 client's text for a failed HEAD, for a run error's detail (never its sentence). */
function headFailure(error: unknown): string {
  return excerpt(scrubSecrets(errorText(error)), DETAIL_MAX);
}

export interface VersionedItem<T> {
  item: T;
  object: S3ObjectRef;
}

export interface Resolved<T> {
  /** Items whose version is current (or not in doubt), with the ETag filled in. */
  keep: VersionedItem<T>[];
  /** Items settled without loading, with the reason. */
  drop: { item: T; object: S3ObjectRef; decision: VersionDecision }[];
}

/**
 * Before claiming: an event without an ETag takes the object's current one (so it is never taken
 * for a duplicate of a version loaded before); when several ETags of one key meet in a batch,
 * only the current one is kept.
 */
export async function resolveVersions<T>(items: VersionedItem<T>[], head: HeadEtag): Promise<Resolved<T>> {
  const byKey = new Map<string, VersionedItem<T>[]>();
  for (const v of items) {
    const list = byKey.get(v.object.key);
    if (list) list.push(v);
    else byKey.set(v.object.key, [v]);
  }
  const out: Resolved<T> = { keep: [], drop: [] };
  await Promise.all(
    [...byKey.entries()].map(async ([key, list]) => {
      const etags = new Set(list.map((v) => v.object.eTag));
      if (etags.size === 1 && !etags.has("")) {
        out.keep.push(...list);
        return;
      }
      let current: string | null | undefined;
      let failure: string | undefined;
      try {
        current = await head(key);
      } catch (error) {
        failure = headFailure(error);
      }
      for (const v of list) {
        if (failure !== undefined || current === undefined) {
          out.drop.push({ ...v, decision: { kind: "unknown", reason: REASONS.unknown, detail: failure ?? "HEAD gave no answer" } });
        } else if (current === null) {
          out.drop.push({ ...v, decision: { kind: "missing", reason: REASONS.missing } });
        } else if (v.object.eTag === "" || v.object.eTag === current) {
          out.keep.push({ ...v, object: { ...v.object, eTag: current } });
        } else {
          out.drop.push({ ...v, decision: { kind: "superseded", reason: REASONS.superseded(v.object.eTag, current) } });
        }
      }
    }),
  );
  return out;
}
