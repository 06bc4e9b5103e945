// LoadLedgerPort over Kysely: the load ledger and the claims that keep two workers from loading one
// object, on SQLite and PostgreSQL alike.
//
// Two tables. task_objects holds versions (key + ETag), claimed or loaded: it answers "is this
// version loaded" and "what did the ledger know of this key" (KeyHistory). task_claims holds one
// row per key: who holds it, until when (ms by the database's clock), and the key's latest loaded
// ETag. Taking a claim is ONE statement on that row:
//
//   INSERT INTO task_claims ... SELECT ... WHERE NOT EXISTS (this version loaded)
//   ON CONFLICT (task_id, bucket, key) DO UPDATE SET ... holder, lease ...
//   WHERE lease expired AND loaded_etag IS DISTINCT FROM this etag
//   RETURNING ...
//
// PostgreSQL locks the conflicting row and evaluates the DO UPDATE's WHERE against its newest
// committed version, so of two workers racing for a key exactly one gets a row back, whatever
// their isolation level or their hosts' clocks; loaded_etag covers a load that commits while the
// statement runs (its snapshot cannot see the new task_objects row, the locked claim row can).
// SQLite has one writer, so the same statement is trivially atomic there.
//
// A live lease is "held" for its own worker too: an event batch and a backfill page of one worker
// (or a restarted process with the same WORKER_ID) never both get a key; a worker ends its own
// lease by recording the load or releasing the claim, or it lapses.
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { StoreDb } from "./dialect.ts";
import type { Database } from "./schema.ts";
import type { ClaimResult, KeyHistory, LedgerObject, LoadLedgerPort } from "./tasks.ts";

/** Row-value IN lists stay well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 300;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function loadLedger(s: StoreDb, now: () => Date): LoadLedgerPort {
  const { db } = s;
  const iso = () => now().toISOString();

  /** The atomic claim of one key for one version; true when it is ours now. */
  async function take(q: Kysely<Database>, taskId: string, workerId: string, o: LedgerObject, leaseMs: number): Promise<boolean> {
    const nowMs = s.nowMs();
    const row = await sql<{ etag: string }>`
      insert into task_claims (task_id, bucket, key, etag, worker_id, lease_until, loaded_etag, updated_at)
      select ${taskId}, ${o.bucket}, ${o.key}, ${o.etag}, ${workerId}, ${nowMs} + ${leaseMs}, null, ${iso()}
      where not exists (
        select 1 from task_objects
        where task_id = ${taskId} and bucket = ${o.bucket} and key = ${o.key} and etag = ${o.etag} and state = 'loaded')
      on conflict (task_id, bucket, key) do update set
        etag = excluded.etag, worker_id = excluded.worker_id, lease_until = excluded.lease_until, updated_at = excluded.updated_at
      where task_claims.lease_until <= ${nowMs}
        and (task_claims.loaded_etag is null or task_claims.loaded_etag <> excluded.etag)
      returning etag`.execute(q);
    return row.rows.length > 0;
  }

  /** Why a claim was refused: this version is loaded, or another worker holds the key (ms left). */
  async function refusal(q: Kysely<Database>, taskId: string, o: LedgerObject): Promise<{ loaded: true } | { loaded: false; leaseMsLeft: number }> {
    const loaded = await q
      .selectFrom("task_objects")
      .select("etag")
      .where("task_id", "=", taskId).where("bucket", "=", o.bucket).where("key", "=", o.key).where("etag", "=", o.etag)
      .where("state", "=", "loaded")
      .executeTakeFirst();
    const claim = await q
      .selectFrom("task_claims")
      .select(["loaded_etag", sql<number>`lease_until - ${s.nowMs()}`.as("left")])
      .where("task_id", "=", taskId).where("bucket", "=", o.bucket).where("key", "=", o.key)
      .executeTakeFirst();
    if (loaded || claim?.loaded_etag === o.etag) return { loaded: true };
    // The holder may have let go since the statement ran; the caller looks again shortly.
    return { loaded: false, leaseMsLeft: Math.max(0, Number(claim?.left ?? 0)) };
  }

  /** What the ledger knew of the key before this claim (read while we hold the key). */
  async function historyOf(q: Kysely<Database>, taskId: string, o: LedgerObject): Promise<KeyHistory> {
    // Raw SQL (here and in the insert below), as in take: these run once per object, and building
    // them with Kysely's query builder each time was a visible share of the worker's CPU profile.
    const { rows } = await sql<{ etag: string; state: string }>`
      select etag, state from task_objects where task_id = ${taskId} and bucket = ${o.bucket} and key = ${o.key}`.execute(q);
    if (rows.some((r) => r.etag !== o.etag)) return "other_version";
    return rows.some((r) => r.etag === o.etag && r.state === "claimed") ? "crashed" : "none";
  }

  return {
    async claim(taskId, workerId, objects, leaseMs) {
      return s.burst(async (q) => {
        const result: ClaimResult = { claimed: [], loaded: [], held: [] };
        for (const o of objects) {
          if (!(await take(q, taskId, workerId, o, leaseMs))) {
            const why = await refusal(q, taskId, o);
            if (why.loaded) result.loaded.push(o);
            else result.held.push({ object: o, leaseMsLeft: why.leaseMsLeft });
            continue;
          }
          const history = await historyOf(q, taskId, o);
          // The version's own row says "claimed, not loaded yet": a later claim of it reads "crashed".
          await sql`
            insert into task_objects (task_id, bucket, key, etag, sequencer, state, worker_id, lease_until, message_id, updated_at)
            values (${taskId}, ${o.bucket}, ${o.key}, ${o.etag}, ${o.sequencer}, 'claimed', ${workerId}, null, ${o.message_id ?? null}, ${iso()})
            on conflict (task_id, bucket, key, etag) do update set
              state = 'claimed', worker_id = excluded.worker_id, sequencer = excluded.sequencer,
              message_id = excluded.message_id, updated_at = excluded.updated_at`.execute(q);
          result.claimed.push({ ...o, history });
        }
        return result;
      });
    },

    async extendClaims(taskId, workerId, objects, leaseMs) {
      await s.burst(async (q) => {
        for (const part of chunks(objects)) {
          await q
            .updateTable("task_claims")
            .set({ lease_until: sql<number>`${s.nowMs()} + ${leaseMs}` })
            .where("task_id", "=", taskId)
            .where("worker_id", "=", workerId)
            .where((eb) => eb(eb.refTuple("bucket", "key", "etag"), "in", part.map((o) => eb.tuple(o.bucket, o.key, o.etag))))
            .execute();
        }
      });
    },

    async confirmClaims(taskId, workerId, objects, leaseMs) {
      // One UPDATE per chunk, not per object (its cost per object showed in the worker's CPU
      // profile): the same rows move as with one statement per version, and a claim row matches
      // at most one (bucket, key, etag), so "all held" is "as many rows as distinct versions".
      const distinct = new Map(objects.map((o) => [`${o.bucket}\u0000${o.key}\u0000${o.etag}`, o]));
      return s.burst(async (q) => {
        let held = 0;
        for (const part of chunks([...distinct.values()])) {
          const nowMs = s.nowMs();
          const rows = await q
            .updateTable("task_claims")
            .set({ lease_until: sql<number>`${nowMs} + ${leaseMs}` })
            .where("task_id", "=", taskId)
            .where("worker_id", "=", workerId)
            .where("lease_until", ">", nowMs)
            .where((eb) => eb(eb.refTuple("bucket", "key", "etag"), "in", part.map((o) => eb.tuple(o.bucket, o.key, o.etag))))
            .returning("key")
            .execute();
          held += rows.length;
        }
        return held === distinct.size;
      });
    },

    async releaseClaims(taskId, workerId, objects) {
      await s.burst(async (q) => {
        for (const o of objects) {
          // The key row stays (it carries loaded_etag); its lease simply ends now.
          await q
            .updateTable("task_claims")
            .set({ lease_until: 0, updated_at: iso() })
            .where("task_id", "=", taskId).where("bucket", "=", o.bucket).where("key", "=", o.key).where("etag", "=", o.etag)
            .where("worker_id", "=", workerId)
            .execute();
          await q
            .deleteFrom("task_objects")
            .where("task_id", "=", taskId).where("bucket", "=", o.bucket).where("key", "=", o.key).where("etag", "=", o.etag)
            .where("state", "=", "claimed")
            .where("worker_id", "=", workerId)
            .execute();
        }
      });
    },

    async loadedAmong(taskId, objects) {
      const out = new Set<number>();
      const indexed = objects.map((o, i) => ({ o, i }));
      for (const part of chunks(indexed)) {
        // The state is filtered here, not in SQL: with `state = 'loaded'` beside the tuple IN, SQLite
        // chose the (task_id, state, updated_at) index and read every loaded row of the task for
        // each chunk, 40 % of the worker's CPU at N=20,000; by the version alone it looks each up.
        const rows = await db
          .selectFrom("task_objects")
          .select(["bucket", "key", "etag", "state"])
          .where("task_id", "=", taskId)
          .where((eb) => eb(eb.refTuple("bucket", "key", "etag"), "in", part.map(({ o }) => eb.tuple(o.bucket, o.key, o.etag))))
          .execute();
        const hit = new Set(rows.filter((r) => r.state === "loaded").map((r) => `${r.bucket}\u0000${r.key}\u0000${r.etag}`));
        for (const { o, i } of part) if (hit.has(`${o.bucket}\u0000${o.key}\u0000${o.etag}`)) out.add(i);
      }
      return out;
    },

    async firstErrorFor(taskId, messageId) {
      const rows = await db
        .insertInto("task_message_errors")
        .values({ task_id: taskId, message_id: messageId, first_seen: iso() })
        .onConflict((oc) => oc.columns(["task_id", "message_id"]).doNothing())
        .returning("message_id")
        .execute();
      return rows.length > 0;
    },

    async pruneLedger(olderThanMs) {
      const cutoff = new Date(now().getTime() - olderThanMs).toISOString();
      const objects = await db.deleteFrom("task_objects").where("updated_at", "<", cutoff).executeTakeFirst();
      const claims = await db
        .deleteFrom("task_claims")
        .where("updated_at", "<", cutoff)
        .where("lease_until", "<", s.nowMs())
        .executeTakeFirst();
      // SQS keeps a message 14 days at most: no redelivery asks about an older delete.
      const deletes = await db.deleteFrom("task_deleted_messages").where("recorded_at", "<", cutoff).executeTakeFirst();
      return Number(objects.numDeletedRows) + Number(claims.numDeletedRows) + Number(deletes.numDeletedRows);
    },
  };
}
