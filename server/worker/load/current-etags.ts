// What S3 holds now for the keys a load's COPY has just read: each key's current ETag, or null when
// the object is gone. The copier (copier.ts) commits a version's rows only when its ETag is still
// the claimed one AFTER the read, so that what COPY read was that version.
//
// Why a listing first: a HEAD answers for one key, one ListObjectsV2 page for up to 1,000 keys of
// one folder. A batch's keys mostly share a few folders (events arrive in order of landing), so
// listing each folder from just before its first key to its last one costs a request or two where
// HEADs cost one per key: at 1,000 objects per COPY those HEADs took as long as the COPY itself
// and most of the worker's CPU (docs/benchmarks.md). S3 lists with the same strong read-after-write
// consistency as it reads ("Amazon S3 data consistency model", S3 User Guide,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel: a listing
// after a write reflects it), and a listed object's ETag is the one HEAD gives. A store behind
// ENDPOINT_URL that lists less consistently than it reads would weaken this check.
//
// A listing only ever proves presence: a key it did not show (beyond its budget, in an order a
// store-compatible service sorts differently, or when the role may not list) is asked with a HEAD,
// and only a HEAD says an object is gone. So a listing can save requests, never change an answer.
// Request price (S3 pricing: LIST $0.005, HEAD $0.0004 per 1,000): one page for 13 keys or more costs
// less than their HEADs; folders with fewer than LIST_MIN_KEYS keys are HEADed.
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import pLimit from "p-limit";

/** HEADs in flight per load: the AWS SDK's default Node agent has 50 sockets per host. */
const HEADS_AT_ONCE = 50;
/** Fewer keys than this in one folder are HEADed: a listing would not save a request. */
export const LIST_MIN_KEYS = 4;
/** Listed entries per folder per wanted key (and at least LIST_FLOOR) before the rest are HEADed. */
const LIST_ENTRIES_PER_KEY = 4;
const LIST_FLOOR = 200;
/**
 * The first page asks for about twice the wanted keys: where they are dense (the usual case) that
 * covers them, and a full page of 200 entries beyond them cost the worker their parsing (at
 * N=100,000, 97 folders of ~1,000 objects: 3.5 s of CPU per 1,000 objects against 1.2 at 5,000).
 * Later pages double, within the budget.
 */
function firstPageSize(wanted: number): number {
  return 2 * wanted + 8;
}

export interface CurrentEtags {
  /** Every asked key: its ETag without quotes, or null when the object does not exist. */
  etags: Map<string, string | null>;
  /** Requests made, for the bench and metrics. */
  lists: number;
  heads: number;
  /** The first listing error, when one fell back to HEADs (e.g. AccessDenied without s3:ListBucket). */
  listError?: unknown;
}

/** Whole-key byte order, as S3 lists (UTF-8 binary order; JS compares UTF-16 code units). */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function unquoted(etag: string | undefined): string {
  return (etag ?? "").replaceAll('"', "");
}

/** The folder part of a key (through its last "/"; "" at the bucket's top). */
function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/") + 1);
}

/** The object's current ETag (quotes stripped), or null when it does not exist. */
export async function headEtag(s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return unquoted(out.ETag);
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

/**
 * Lists one folder from just before its first wanted key through its last, within a budget of
 * entries; returns the wanted keys it saw with their ETags, and the pages it asked for.
 */
async function listFolder(s3: S3Client, bucket: string, folder: string, sortedKeys: readonly string[]): Promise<{ seen: Map<string, string>; pages: number }> {
  const wanted = new Set(sortedKeys);
  const last = sortedKeys[sortedKeys.length - 1]!;
  const seen = new Map<string, string>();
  let budget = Math.max(LIST_FLOOR, LIST_ENTRIES_PER_KEY * sortedKeys.length);
  // A proper prefix of the first key sorts before it and after nothing of the folder's that
  // matters: the listing starts within a few entries of the first key.
  const startAfter = sortedKeys[0]!.slice(0, -1);
  let token: string | undefined;
  let pages = 0;
  let pageSize = firstPageSize(sortedKeys.length);
  while (budget > 0) {
    const out = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: folder || undefined,
        ...(token ? { ContinuationToken: token } : startAfter ? { StartAfter: startAfter } : {}),
        MaxKeys: Math.min(1000, budget, pageSize),
      }),
    );
    pageSize *= 2;
    pages++;
    const contents = out.Contents ?? [];
    for (const o of contents) if (o.Key !== undefined && wanted.has(o.Key)) seen.set(o.Key, unquoted(o.ETag));
    budget -= Math.max(1, contents.length);
    const lastListed = contents[contents.length - 1]?.Key;
    if (!out.IsTruncated || !out.NextContinuationToken || lastListed === undefined || byteOrder(lastListed, last) >= 0 || seen.size === wanted.size) break;
    token = out.NextContinuationToken;
  }
  return { seen, pages };
}

/**
 * The current ETag of each key: folders with enough keys are listed first (when `list` is on), and
 * every key no listing showed gets a HEAD. A listing's failure falls back to HEADs; a HEAD's
 * failure is thrown (the caller cannot prove the version without it).
 */
export async function currentEtags(s3: S3Client, bucket: string, keys: readonly string[], options: { list: boolean }): Promise<CurrentEtags> {
  const unique = [...new Set(keys)];
  const etags = new Map<string, string | null>();
  let lists = 0;
  let listError: unknown;
  if (options.list) {
    const byFolder = new Map<string, string[]>();
    for (const key of unique) {
      const folder = folderOf(key);
      const group = byFolder.get(folder) ?? [];
      group.push(key);
      byFolder.set(folder, group);
    }
    const listed = [...byFolder].filter(([, group]) => group.length >= LIST_MIN_KEYS);
    await pLimit(HEADS_AT_ONCE).map(listed, async ([folder, group]) => {
      if (listError !== undefined) return;
      try {
        const { seen, pages } = await listFolder(s3, bucket, folder, group.sort(byteOrder));
        lists += pages;
        for (const [key, etag] of seen) etags.set(key, etag);
      } catch (error) {
        listError ??= error;
      }
    });
  }
  const rest = unique.filter((k) => !etags.has(k));
  await pLimit(HEADS_AT_ONCE).map(rest, async (key) => etags.set(key, await headEtag(s3, bucket, key)));
  return { etags, lists, heads: rest.length, ...(listError !== undefined ? { listError } : {}) };
}
