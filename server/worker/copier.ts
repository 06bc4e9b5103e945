// The copier: one task's COPY INTO statements, built by the one SQL writer from the task's
// settings and the assumed role's session keys, run through the warehouse, with every error
// scrubbed of those keys. Also the S3 look-ups the load rules need (HEAD for an ETag or existence)
// and each load's one transaction with its receipts.
import type { S3Client } from "@aws-sdk/client-s3";
import { classifyAwsError } from "../aws/errors.ts";
import type { CopyFileResult, Warehouse } from "../databend/client.ts";
import { WarehouseError, toWarehouseError } from "../databend/client.ts";
import { FENCE_SLOTS, fenceSlotsQuery, fenceUpdate, insertFenceSlots, insertReceipts, pruneReceipts, readReceipts, receiptsByVersion, receiptTablesDdl, resultsByKey, type Receipt, type Version } from "../databend/receipts.ts";
import { buildCopyInto, s3ConnectionOf, secretsOf, type S3Connection } from "../databend/sql.ts";
import { errorText, scrubSecrets } from "../error-text.ts";
import type { RunnableTask } from "../store/tasks.ts";
import type { CredentialCache } from "./credentials.ts";
import { inCopySlot } from "./copy-slots.ts";
import { currentEtags, headEtag } from "./load/current-etags.ts";
import { resultKey } from "./load/load-items.ts";
import type { TaskMetrics } from "./metrics.ts";

/** How often a runner drops receipts past their retention. */
const PRUNE_EVERY_MS = 6 * 3600_000;

/** How a transaction of versions ended: committed (loaded now, or receipted before), or rolled back. */
export type VersionsLoad =
  | { kind: "committed"; loaded: Map<string, CopyFileResult>; receipted: Map<string, Receipt> }
  /** An object is no longer the claimed version (its newer version's event loads it); nothing committed. */
  | { kind: "superseded"; versions: { key: string; etag: string; current: string | null }[] }
  /** This worker no longer holds its claims (it stalled past its lease); nothing committed. */
  | { kind: "claims_lost" };

export interface CopierDeps {
  task: RunnableTask;
  warehouse: Warehouse;
  credentials: CredentialCache;
  s3: S3Client | undefined;
  /** ENDPOINT_URL for Databend's CONNECTION (sandbox or S3-compatible store), if any. */
  endpointUrl: string | undefined;
  /** Hours Databend keeps the load metadata each COPY writes. */
  metadataHours: number;
  /** The role session's length: the lifetime a statement needs grows with its batch, up to a third of it. */
  roleSessionSeconds: number;
  /** COPY durations and errors by class. */
  metrics?: TaskMetrics;
  /** Load transactions in flight at once on this warehouse in this process (copy-slots.ts); default 1. */
  copyConcurrency?: number;
}

export class Copier {
  private readonly deps: CopierDeps;
  private fencesReady: Promise<void> | undefined;
  private prunedAt = 0;
  /** Cleared when the role may not list the bucket: every check after a COPY is then a HEAD. */
  private mayList = true;

  constructor(deps: CopierDeps) {
    this.deps = deps;
  }

  /**
   * Session keys for one statement. A COPY must not start with keys that could expire while it
   * runs: a bigger batch asks for more remaining lifetime (2 minutes plus 100 ms per file, capped
   * at a third of the session), refreshing the role session first when needed.
   */
  async connection(files = 1): Promise<S3Connection> {
    const cap = (this.deps.roleSessionSeconds * 1000) / 3;
    const needMs = Math.min(cap, 120_000 + files * 100);
    const creds = await this.deps.credentials.get(needMs);
    return s3ConnectionOf(creds, this.deps.task.source.queue_region, this.deps.endpointUrl);
  }

  private async withConnection<T>(files: number, run: (c: S3Connection) => Promise<T>): Promise<T> {
    let connection: S3Connection;
    try {
      connection = await this.connection(files);
    } catch (error) {
      const text = scrubSecrets(errorText(error));
      const { code, kind } = classifyAwsError(error);
      this.deps.metrics?.awsError(kind);
      throw new WarehouseError("access", `Cannot assume the data source's role: ${text}`, {
        sentence:
          `Cannot assume the data source's role${code ? ` (${code})` : ""}. Check that its trust policy allows the platform load ` +
          "role with the organization's external ID; the batch is retried with fresh credentials.",
        detail: text,
      });
    }
    const secrets = secretsOf(connection);
    try {
      return await run(connection);
    } catch (error) {
      const e = toWarehouseError(error, secrets, this.deps.task.source.bucket);
      this.deps.metrics?.databendError(e.errorClass);
      throw e;
    }
  }

  /**
   * Loads these versions in ONE Databend transaction with their receipts (server/databend/receipts.ts):
   * BEGIN; move the fence rows of the keys' slots; read their receipts (a version with one is loaded already:
   * its rows are the receipt's); COPY the others with FORCE = TRUE (Databend's path-keyed load
   * metadata must never skip a new version, nor a key loaded from another bucket); ask S3 each copied
   * object's ETag (still the claimed one, so what COPY read is that version) while the receipts are
   * written; ask
   * `stillOurs` (this worker still holds the claims, by the store's clock); COMMIT. A changed
   * object or a lost claim rolls everything back. A COMMIT that loses to a racing load of the same
   * key fails (2009 on 1.2.453, 4001 on 1.2.895: both transient) and leaves nothing.
   */
  async loadVersions(versions: readonly Version[], workerId: string, stillOurs: () => Promise<boolean>): Promise<VersionsLoad> {
    const { task } = this.deps;
    const bucket = task.source.bucket;
    return this.withConnection(versions.length, async (connection) => {
      const secrets = secretsOf(connection);
      // The transaction takes a slot of the warehouse (copy-slots.ts); what comes before (resolving
      // versions, claims) overlaps another batch's transaction. A runner's first load writes its
      // fence slot rows inside the slot too: an INSERT into the fences table beside another
      // transaction's UPDATE of it made that COMMIT fail on 1.2.895 (4001, seen in the bench).
      const value = await inCopySlot(this.deps.warehouse, this.deps.copyConcurrency ?? 1, async () => {
        await this.prepareFences(workerId);
        return this.deps.warehouse.transaction<VersionsLoad>(async (tx) => {
          await tx.exec(fenceUpdate(task.id, bucket, versions, workerId));
          const receipted = await readReceipts(tx, task.id, bucket, versions);
          const toCopy = versions.filter((v) => !receipted.has(v.key));
          let loaded = new Map<string, CopyFileResult>();
          if (toCopy.length > 0) {
            const sql = buildCopyInto({
              database: task.config.target.database,
              table: task.config.target.table,
              bucket,
              files: toCopy.map((v) => v.key),
              connection,
              fileFormat: task.config.file_format,
              onError: task.config.on_error,
              purge: task.config.purge,
              force: true,
              metadataExpireHours: this.deps.metadataHours,
            });
            const done = this.deps.metrics?.copyTimer();
            const results = await tx.copyInto(sql, secrets).finally(() => done?.());
            loaded = resultsByKey(toCopy.map((v) => v.key), results, (file) => resultKey(file, bucket));
            // S3 serves whatever is current when Databend reads it: only an ETag unchanged AFTER the
            // read proves the rows are the claimed version's. The receipts go in while S3 is asked
            // (a changed object rolls them back with the rows); both settle before either's outcome
            // counts, so nothing else is sent on the session while the INSERT runs.
            const receipts = insertReceipts(task.id, bucket, toCopy.map((v) => ({ ...v, rows: loaded.get(v.key)!.rowsLoaded })), workerId);
            const [current, inserted] = await Promise.allSettled([this.currentForReceipts(toCopy.map((v) => v.key)), tx.exec(receipts)]);
            if (current.status === "rejected") throw current.reason;
            if (inserted.status === "rejected") throw inserted.reason;
            const changed = toCopy
              .map((v) => ({ ...v, current: current.value?.get(v.key) }))
              .filter((h) => h.current !== undefined && h.current !== h.etag);
            if (changed.length > 0) {
              return { commit: false, value: { kind: "superseded", versions: changed.map((c) => ({ key: c.key, etag: c.etag, current: c.current ?? null })) } };
            }
          }
          // Last, right before COMMIT: a claim that lapsed (a stalled worker) is someone else's load now.
          if (!(await stillOurs())) return { commit: false, value: { kind: "claims_lost" } };
          return { commit: true, value: { kind: "committed", loaded, receipted } };
        }, secrets);
      });
      // Housekeeping never delays the load's record (and its deletes): a Databend that stops
      // answering right after the COMMIT would hold the batch for each statement's retries. It takes
      // a slot all the same: its DELETEs beside a load's UPDATE of the fences would fail one COMMIT.
      if (value.kind === "committed" && this.pruneDue()) void inCopySlot(this.deps.warehouse, this.deps.copyConcurrency ?? 1, () => this.prune());
      return value;
    });
  }

  /**
   * Receipts tables and this task's fence slot rows, once per runner (outside any transaction): a
   * failure is asked again by the next load.
   */
  private async prepareFences(workerId: string): Promise<void> {
    const { task } = this.deps;
    this.fencesReady ??= (async () => {
      for (const ddl of receiptTablesDdl()) await this.deps.warehouse.exec(ddl);
      const have = new Set((await this.deps.warehouse.query(fenceSlotsQuery(task.id, task.source.bucket))).map((r) => Number(r.slot)));
      const missing = Array.from({ length: FENCE_SLOTS }, (_, slot) => slot).filter((slot) => !have.has(slot));
      if (missing.length > 0) await this.deps.warehouse.exec(insertFenceSlots(task.id, task.source.bucket, missing, workerId));
    })().catch((error: unknown) => {
      this.fencesReady = undefined;
      throw error;
    });
    await this.fencesReady;
  }

  /** Whether receipts past their retention are due to go (at most every few hours per runner); marks them taken. */
  private pruneDue(): boolean {
    const now = Date.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return false;
    this.prunedAt = now;
    return true;
  }

  /** Drops receipts past their retention (never inside a load; a failure waits for the next turn). */
  private async prune(): Promise<void> {
    for (const statement of pruneReceipts(this.deps.task.id)) await this.deps.warehouse.exec(statement).catch(() => {});
  }

  /**
   * The copied keys' current ETags, inside a load's transaction (current-etags.ts: a listing per
   * folder, HEADs for the rest); undefined without S3. A failure rolls the load back as S3 access
   * trouble (retried).
   */
  private async currentForReceipts(keys: readonly string[]): Promise<Map<string, string | null> | undefined> {
    if (!this.deps.s3) return undefined;
    try {
      const found = await currentEtags(this.deps.s3, this.deps.task.source.bucket, keys, { list: this.mayList });
      this.deps.metrics?.versionChecks(found.lists, found.heads);
      if (found.listError !== undefined && classifyAwsError(found.listError).kind === "access_denied") this.mayList = false;
      return found.etags;
    } catch (error) {
      const text = scrubSecrets(errorText(error));
      throw new WarehouseError("access", `Cannot confirm the objects' versions with S3: ${text}`, {
        sentence: `Could not confirm with S3 that the copied objects are still the versions being loaded (s3:GetObject on the objects lets the role read them); the batch is retried.`,
        detail: text,
      });
    }
  }

  /** The object's current ETag (quotes stripped); null when it does not exist; undefined without S3. */
  async headEtag(key: string): Promise<string | null | undefined> {
    if (!this.deps.s3) return undefined;
    return headEtag(this.deps.s3, this.deps.task.source.bucket, key);
  }

  async objectExists(key: string): Promise<boolean | undefined> {
    try {
      const etag = await this.headEtag(key);
      return etag === undefined ? undefined : etag !== null;
    } catch {
      return undefined;
    }
  }

  /**
   * The receipts of these versions by `key\0etag`, read outside any load: what to call an event
   * whose version was overwritten since, never whether to load. Empty when they cannot be read.
   */
  async receiptsOf(versions: readonly Version[]): Promise<Map<string, Receipt>> {
    const { task } = this.deps;
    try {
      return await receiptsByVersion(this.deps.warehouse, task.id, task.source.bucket, versions);
    } catch {
      return new Map();
    }
  }

  /** Whether Databend answers at all (the probe while it is unreachable). */
  async warehouseAnswers(): Promise<boolean> {
    try {
      await this.deps.warehouse.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }
}
