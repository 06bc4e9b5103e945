// Step 4 of the pipeline (pipeline.ts), load: a batch's objects, loaded by version (key + ETag):
// which version each event is about (plan-versions.ts), one version of a key at a time in this
// runner, claims so two workers never load one version (the fast path), each load one Databend
// transaction with its receipts (the proof: Copier.loadVersions, load-items.ts), a hold while
// Databend does not answer (hold-through-outages.ts), and what each outcome means for its messages
// and the ledger. The backfill loads its listed objects through here too, with its own Settler.
// A little over 300 lines: the outcomes' settlement (empty, loaded, failed) reads best beside the
// claims it ends; the failed file's own rules are in quarantine.ts.
import type { ClaimedObject, LedgerObject, TaskStore } from "../../store/tasks.ts";
import type { Acknowledger, Settlement } from "../settle.ts";
import type { Copier } from "../copier.ts";
import type { LoadItem } from "./load-items.ts";
import { loadHoldingThroughOutages } from "./hold-through-outages.ts";
import { DEFERRALS, type BatchTally } from "../run-record.ts";
import { DETAIL_MAX, detailOf, errorText, excerpt, SENTENCE_MAX } from "../../error-text.ts";
import { ledgerObject, type S3ObjectRef } from "../events.ts";
import type { Batcher } from "../batcher.ts";
import { pauseReceiving, type TaskContext } from "../context.ts";
import type { BatchItem } from "../receive.ts";
import { REASONS, resolveVersions } from "./plan-versions.ts";
import { settleFailedVersion } from "./quarantine.ts";
import { backoff, MAX_PAUSE_MS } from "../backoff.ts";


/**
 * Where a record's outcome goes: for a queue message the acknowledger (deleted, retried, deferred);
 * a backfill, whose objects come from a listing, keeps its own book (backfill.ts).
 */
export interface Settler {
  resolve(id: string): Settlement | null;
  fail(id: string): Settlement | null;
  defer(id: string, seconds: number): Settlement | null;
}

export interface LoadVia {
  settle: Settler;
  /**
   * Whether a key another batch of this runner is loading waits in memory for that load (events:
   * yes). A backfill's object is deferred instead (its batch looks again), as for a key another
   * worker holds.
   */
  park: boolean;
  /**
   * Failures of a version with the same file error before it is set aside in Failed files
   * (default WORKER_FILE_ATTEMPTS); a Retry from Failed files is one attempt.
   */
  fileAttempts?: number;
}

interface VersionEntry {
  object: S3ObjectRef;
  messageIds: string[];
}

export class VersionLoader {
  private readonly ctx: TaskContext;
  private readonly copier: Copier;
  private readonly ack: Acknowledger;
  /** Where parked items go back to when the load they waited for ends. */
  private readonly batcher: Batcher<BatchItem>;
  /** Keys a batch of this runner is loading now (one version of a key at a time). */
  private readonly keysInFlight = new Set<string>();
  /** Items waiting for a key in `keysInFlight`, handed back when its load ends. */
  private readonly parked = new Map<string, BatchItem[]>();
  private accessFailures = 0;

  constructor(ctx: TaskContext, copier: Copier, ack: Acknowledger, batcher: Batcher<BatchItem>) {
    this.ctx = ctx;
    this.copier = copier;
    this.ack = ack;
    this.batcher = batcher;
  }

  async load(objects: { messageId: string; object: S3ObjectRef }[], tally: BatchTally, via: LoadVia = { settle: this.ack, park: true }): Promise<void> {
    const { ctx } = this;
    const { settle } = via;
    // Which version each event is about: no ETag, or several ETags of one key, is settled by a HEAD.
    const resolved = await resolveVersions(objects.map((o) => ({ item: o.messageId, object: o.object })), (key) => this.copier.headEtag(key));
    const loadedBefore = await this.loadedAfterAll(resolved.drop.filter((d) => d.decision.kind === "superseded").map((d) => d.object));
    for (const d of resolved.drop) {
      const version = `${d.object.key}\u0000${d.object.eTag}`;
      const before = loadedBefore.get(version);
      if (before === "ledger") {
        // Loaded, then overwritten: this event is a redelivery of a loaded version.
        tally.objectsDuplicate++;
        tally.note(d.item, settle.resolve(d.item));
      } else if (before) {
        // Committed with its receipt by a worker that died before recording it: counted here, once.
        loadedBefore.set(version, "ledger"); // another message of it in this batch is a duplicate
        if (before.rows === 0) {
          this.settleEmpty({ object: d.object, messageIds: [d.item] }, tally, settle, REASONS.noRows);
          continue;
        }
        tally.objectsLoaded++;
        tally.rowsLoaded += before.rows;
        tally.loaded.push({ ...ledgerObject(d.object, d.item), rows: before.rows });
        tally.note(d.item, settle.resolve(d.item));
      } else if (d.decision.kind === "unknown") {
        tally.errors.push({ message_id: d.item, key: d.object.key, error: d.decision.reason, ...detailOf(d.decision.detail) });
        tally.note(d.item, settle.fail(d.item));
      } else {
        tally.skipped.push({ message_id: d.item, key: d.object.key, reason: d.decision.reason });
        tally.note(d.item, settle.resolve(d.item));
      }
    }
    const byVersion = new Map<string, VersionEntry>();
    for (const v of resolved.keep) {
      const id = `${v.object.key}\u0000${v.object.eTag}`;
      const entry = byVersion.get(id);
      if (entry) entry.messageIds.push(v.item);
      else byVersion.set(id, { object: v.object, messageIds: [v.item] });
    }
    const entryOf = (o: LedgerObject) => byVersion.get(`${o.key}\u0000${o.etag}`)!;

    // A key another batch of this runner is loading waits in memory until that load ends (its
    // messages stay invisible through the heartbeat): handing them back to SQS would count one
    // more receive toward the queue's maxReceiveCount each time.
    for (const [id, entry] of byVersion) {
      const key = entry.object.key;
      if (!this.keysInFlight.has(key)) continue;
      for (const m of entry.messageIds) tally.noteDeferred(m, key, DEFERRALS.ownBatch);
      if (!via.park) {
        for (const m of entry.messageIds) tally.note(m, settle.defer(m, 1));
        byVersion.delete(id);
        continue;
      }
      const parked = this.parked.get(key) ?? [];
      for (const m of entry.messageIds) parked.push({ kind: "object", messageId: m, object: entry.object });
      this.parked.set(key, parked);
      byVersion.delete(id);
    }
    if (byVersion.size === 0) return;

    const ledger = [...byVersion.values()].map((e) => ledgerObject(e.object, e.messageIds[0]));
    const leaseMs = ctx.cfg.claimLeaseSeconds * 1000;
    // The keys are this runner's from here on, before the claim is awaited, so a later batch of
    // this runner parks (events) or defers (backfill) them here; the claim statement refuses a
    // live claim to its own worker too, which keeps two loads of one key apart whatever the order.
    const reserved = ledger.map((o) => o.key);
    for (const key of reserved) this.keysInFlight.add(key);
    let claim: Awaited<ReturnType<TaskStore["claim"]>>;
    try {
      claim = await ctx.store.claim(ctx.task.id, ctx.cfg.workerId, ledger, leaseMs);
    } catch (error) {
      for (const key of reserved) this.letGo(key);
      throw error;
    }
    const claimedKeys = claim.claimed.map((o) => o.key);
    const kept = new Set(claimedKeys);
    for (const key of reserved) if (!kept.has(key)) this.letGo(key);
    for (const o of claim.loaded) {
      for (const id of entryOf(o).messageIds) {
        tally.objectsDuplicate++;
        tally.note(id, settle.resolve(id));
      }
    }
    for (const { object, leaseMsLeft } of claim.held) {
      // Another worker is loading this key now; look again when its claim would have ended.
      const seconds = Math.max(1, Math.min(ctx.cfg.visibilitySeconds, Math.ceil(leaseMsLeft / 1000)));
      for (const id of entryOf(object).messageIds) {
        tally.noteDeferred(id, object.key, DEFERRALS.heldElsewhere(seconds));
        tally.note(id, settle.defer(id, seconds));
      }
    }
    const extend = setInterval(() => {
      ctx.store.extendClaims(ctx.task.id, ctx.cfg.workerId, claim.claimed, leaseMs).catch((error: unknown) => {
        ctx.log.warn({ err: errorText(error) }, "extending claims failed");
      });
    }, Math.max(500, leaseMs / 3));
    try {
      await this.loadClaimed(claim.claimed, entryOf, tally, settle, via.fileAttempts ?? ctx.cfg.fileAttempts);
    } finally {
      clearInterval(extend);
      for (const key of claimedKeys) this.letGo(key);
    }
  }

  /**
   * Of versions a HEAD found overwritten, those that were loaded after all, by `key\0etag`: the
   * ledger knows it ("ledger"), or only its receipt does (a worker committed it and died before
   * recording it). The ledger and receipts come before the HEAD, so such an event is not called
   * "overwritten before it was loaded".
   */
  private async loadedAfterAll(objects: S3ObjectRef[]): Promise<Map<string, "ledger" | { rows: number }>> {
    const out = new Map<string, "ledger" | { rows: number }>();
    if (objects.length === 0) return out;
    const id = (o: { key: string; etag: string }) => `${o.key}\u0000${o.etag}`;
    const versions = objects.map((o) => ({ key: o.key, etag: o.eTag }));
    const known = await this.ctx.store.loadedAmong(this.ctx.task.id, objects.map((o) => ledgerObject(o)));
    for (const i of known) out.set(id(versions[i]!), "ledger");
    const rest = versions.filter((v) => !out.has(id(v)));
    if (rest.length > 0) for (const [v, r] of await this.copier.receiptsOf(rest)) out.set(v, { rows: r.rows });
    return out;
  }

  /** The key's load in this runner ended: items that waited for it go back to the batcher (to the queue when stopping). */
  private letGo(key: string): void {
    this.keysInFlight.delete(key);
    const parked = this.parked.get(key);
    this.parked.delete(key);
    for (const item of parked ?? []) {
      if (this.ctx.state.stopping) this.ack.release(item.messageId);
      else this.batcher.add(item);
    }
  }

  /** A version with nothing to load: settled and entered in the ledger (a redelivery is a duplicate), counted as empty. */
  private settleEmpty(entry: VersionEntry, tally: BatchTally, settle: Settler, reason: string): void {
    tally.objectsEmpty++;
    tally.loaded.push({ ...ledgerObject(entry.object, entry.messageIds[0]), rows: 0, empty: true });
    for (const id of entry.messageIds) {
      tally.skipped.push({ message_id: id, key: entry.object.key, reason });
      tally.note(id, settle.resolve(id));
    }
  }

  private async loadClaimed(claimed: ClaimedObject[], entryOf: (o: LedgerObject) => VersionEntry, tally: BatchTally, settle: Settler, fileAttempts: number): Promise<void> {
    const { ctx } = this;
    const release: LedgerObject[] = [];
    // A zero-byte version (by the size its event, listing or HEAD gave) never reaches COPY: there
    // is nothing to read, and Databend 1.2.453 fails the whole statement on it with 1046
    // "Unexpected EOF <path> expect 0 bytes" without naming it the usual way, so the batch would
    // be halved down to it and it would be retried forever (tests/databend-rules.test.ts; the
    // sentence is BytesReader::read_batch's in src/query/storages/stage/src/read/row_based/
    // processors/reader.rs; 1.2.895 leaves size-0 files out in stage_table.rs, since #17522).
    const toCopy: ClaimedObject[] = [];
    for (const object of claimed) {
      const entry = entryOf(object);
      if (entry.object.size === 0) this.settleEmpty(entry, tally, settle, REASONS.empty);
      else toCopy.push(object);
    }
    // Every claimed version is one item: its receipt, not the ledger's history or Databend's load
    // metadata, says whether it is loaded, and the HEAD inside its transaction whether it is current.
    const plan: (LoadItem & { object: ClaimedObject })[] = toCopy.map((object) => ({ key: object.key, object }));
    const planByKey = new Map(plan.map((p) => [p.key, p]));
    const messagesOf = (pending: readonly LoadItem[]) => new Set(pending.flatMap((p) => entryOf(planByKey.get(p.key)!.object).messageIds)).size;
    const { outcomes, stoppedBy } = await loadHoldingThroughOutages(ctx, this.copier, plan, planByKey, messagesOf, tally);
    if (ctx.state.abandoned) return; // stop gave up on this batch: its messages stay in the queue

    for (const outcome of outcomes) {
      const { object } = planByKey.get(outcome.key)!;
      const entry = entryOf(object);
      const ledgerEntry = ledgerObject(entry.object, entry.messageIds[0]);
      const first = entry.messageIds[0]!;
      switch (outcome.status) {
        case "loaded":
          // COPY read it and found no row (only a header or blank lines): nothing to load, which is
          // not a duplicate (tests/databend-rules.test.ts: such a file gets no line in COPY's result).
          if (outcome.rows === 0 && outcome.errorsSeen === 0) {
            this.settleEmpty(entry, tally, settle, REASONS.noRows);
            break;
          }
          tally.objectsLoaded++;
          tally.rowsLoaded += outcome.rows;
          tally.loaded.push({ ...ledgerEntry, rows: outcome.rows });
          tally.noteLag(entry.object.eventTime, outcome.committedAt);
          if (outcome.errorsSeen > 0) {
            const at = outcome.firstErrorLine !== null ? ` at line ${outcome.firstErrorLine}` : "";
            tally.errors.push({
              message_id: first,
              key: outcome.key,
              error: excerpt(`${outcome.errorsSeen} bad row(s) skipped (ON_ERROR = ${ctx.task.config.on_error.toUpperCase()}); first${at}: ${outcome.firstError ?? "unknown"}`, SENTENCE_MAX),
            });
          }
          for (const id of entry.messageIds) tally.note(id, settle.resolve(id));
          break;
        case "receipted":
          // Committed earlier with its receipt (a worker that died or stalled before recording it):
          // its rows are the receipt's. The store counts a version once, whoever records it first.
          if (outcome.rows === 0) {
            this.settleEmpty(entry, tally, settle, REASONS.noRows);
            break;
          }
          tally.objectsLoaded++;
          tally.rowsLoaded += outcome.rows;
          tally.loaded.push({ ...ledgerEntry, rows: outcome.rows });
          for (const id of entry.messageIds) tally.note(id, settle.resolve(id));
          break;
        case "superseded":
          release.push(ledgerEntry);
          for (const id of entry.messageIds) {
            const reason = outcome.current === null ? REASONS.missing : REASONS.superseded(object.etag, outcome.current);
            tally.skipped.push({ message_id: id, key: outcome.key, reason });
            tally.note(id, settle.resolve(id));
          }
          break;
        case "lost": {
          // Our claim lapsed and nothing was written: the new holder loads it. The messages come
          // back after a while; by then the version is loaded (a duplicate) or free to claim.
          const seconds = Math.max(1, Math.min(ctx.cfg.visibilitySeconds, ctx.cfg.claimLeaseSeconds));
          for (const id of entry.messageIds) {
            tally.noteDeferred(id, outcome.key, DEFERRALS.lapsed(seconds));
            tally.note(id, settle.defer(id, seconds));
          }
          break;
        }
        case "missing":
          release.push(ledgerEntry);
          for (const id of entry.messageIds) {
            tally.skipped.push({ message_id: id, key: outcome.key, reason: REASONS.missing });
            tally.note(id, settle.resolve(id));
          }
          break;
        case "failed":
          release.push(ledgerEntry);
          await settleFailedVersion(ctx, entry.object, entry.messageIds, outcome, tally, settle, fileAttempts);
          break;
      }
    }
    if (release.length > 0) await ctx.store.releaseClaims(ctx.task.id, ctx.cfg.workerId, release);
    if (stoppedBy?.errorClass === "configuration") {
      tally.fatal = excerpt(stoppedBy.sentence, SENTENCE_MAX);
      tally.fatalDetail = excerpt(stoppedBy.detail, DETAIL_MAX);
    } else if (stoppedBy?.errorClass === "access") {
      // S3 refused Databend: affects every file alike; hold off receiving for fresh credentials.
      this.accessFailures++;
      const delay = backoff(this.accessFailures, 1000, MAX_PAUSE_MS);
      pauseReceiving(ctx.state, delay);
      ctx.log.warn({ err: stoppedBy.detail, pauseMs: delay }, "load refused; messages stay in the queue");
    } else {
      this.accessFailures = 0;
    }
  }
}
