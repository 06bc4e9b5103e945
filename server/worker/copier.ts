// The copier: one task's COPY INTO statements, built by the one SQL writer from the task's
// settings and the assumed role's session keys, run through the warehouse, with every error
// scrubbed of those keys. Also the S3 look-ups the load rules need (HEAD for an ETag or existence)
// and, after a crash, the row count of a file whose load committed unseen.
import { createHash } from "node:crypto";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyAwsError } from "../aws/errors.ts";
import type { CopyFileResult, Warehouse } from "../databend/client.ts";
import { WarehouseError, toWarehouseError } from "../databend/client.ts";
import { buildCopyInto, buildCountRows, s3ConnectionOf, scrubSecrets, secretsOf, type S3Connection } from "../databend/sql.ts";
import type { RunnableTask } from "../store/tasks.ts";
import type { CredentialCache } from "./credentials.ts";
import type { TaskMetrics } from "./metrics.ts";

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
}

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex").slice(0, 16);
}

export class Copier {
  private readonly deps: CopierDeps;

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
      const text = scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
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

  copy(keys: readonly string[], options: { force: boolean; label?: string }): Promise<CopyFileResult[]> {
    const { task } = this.deps;
    return this.withConnection(keys.length, (connection) => {
      const sql = buildCopyInto({
        database: task.config.target.database,
        table: task.config.target.table,
        bucket: task.source.bucket,
        files: keys,
        connection,
        fileFormat: task.config.file_format,
        onError: task.config.on_error,
        purge: task.config.purge,
        force: options.force,
        deduplicateLabel: options.label,
        metadataExpireHours: this.deps.metadataHours,
      });
      const done = this.deps.metrics?.copyTimer();
      return this.deps.warehouse.copyInto(sql, secretsOf(connection)).finally(() => done?.());
    });
  }

  /** Rows Databend reads from one file with the task's format (a load that committed before a crash). */
  countRows(key: string): Promise<number> {
    const { task } = this.deps;
    return this.withConnection(1, async (connection) => {
      const { setup, query } = buildCountRows({ bucket: task.source.bucket, key, connection, fileFormat: task.config.file_format, formatName: `sqs_s3_count_${sha1(JSON.stringify(task.config.file_format))}` });
      if (setup) await this.deps.warehouse.exec(setup);
      const rows = await this.deps.warehouse.query(query);
      const value = rows[0] ? Object.values(rows[0])[0] : 0;
      return Number(value ?? 0);
    });
  }

  /** The object's current ETag (quotes stripped); null when it does not exist; undefined without S3. */
  async headEtag(key: string): Promise<string | null | undefined> {
    if (!this.deps.s3) return undefined;
    try {
      const out = await this.deps.s3.send(new HeadObjectCommand({ Bucket: this.deps.task.source.bucket, Key: key }));
      return (out.ETag ?? "").replaceAll('"', "");
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  async objectExists(key: string): Promise<boolean | undefined> {
    try {
      const etag = await this.headEtag(key);
      return etag === undefined ? undefined : etag !== null;
    } catch {
      return undefined;
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
