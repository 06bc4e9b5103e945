// The task wizard's preview: what a task on a data source would see, asked of AWS and Databend the
// way the task itself will. The API assumes the customer's role with its own (setup) identity and
// the organization's External ID, exactly as Test Connectivity does; lists the bucket under the
// task's prefix with ListObjectsV2 (newest first, bounded); then has Databend read one object with
// the task's format options and that role session's keys, through the same SQL writer as the
// worker's COPY (server/databend/sql.ts); then up to four more (the newest and oldest others,
// within PREVIEW_LIMITS' count, size and time) so the columns' types take every file read
// (across-files.ts). The keys live for this one call: never stored, logged or answered; every
// Databend text is scrubbed of them before it leaves.
import { ListObjectsV2Command, type _Object } from "@aws-sdk/client-s3";
import { keyInScope, partitionOfRegion } from "#contracts/aws-names.ts";
import { PREVIEW_LIMITS, type PreviewObject, type PreviewResponse, type PreviewSample } from "#contracts/preview.ts";
import type { FileFormat } from "#contracts/task.ts";
import type { ApiError } from "#contracts/api.ts";
import { awsFailureStatus } from "../aws/errors.ts";
import { createS3Client, resolveEndpoint, type AwsClientOptions } from "../aws/clients.ts";
import { describeAwsError } from "../connectivity/aws-errors.ts";
import { assumeSetupSession } from "../aws/setup-session.ts";
import { WarehouseError, toWarehouseError } from "../databend/client.ts";
import { readSample, type FileSample } from "../databend/preview.ts";
import { s3ConnectionOf, secretsOf, type S3Connection } from "../databend/sql.ts";
import { scrubSecrets } from "../error-text.ts";
import { askDatabend } from "../databend/target-check.ts";
import type { WarehouseAccess } from "../databend/warehouse-access.ts";
import { joinFiles, typingCandidates } from "./across-files.ts";


/** A preview that cannot be answered: the HTTP status, a sentence, and what AWS or Databend said. */
export class PreviewFailure extends Error {
  readonly statusCode: number;
  readonly detail: string | undefined;
  constructor(statusCode: number, message: string, detail?: string) {
    super(message);
    this.name = "PreviewFailure";
    this.statusCode = statusCode;
    this.detail = detail;
  }
}

export interface PreviewInput {
  /** The caller's organization: its ID is the External ID. */
  orgId: string;
  source: { role_arn: string; bucket: string; queue_region: string };
  prefix: string;
  suffix: string;
  fileFormat: FileFormat;
  key?: string | undefined;
  /** The organization's warehouse that reads the sample (the task's own, or the default). */
  warehouse: PreviewWarehouse;
}

/** What the preview needs of a warehouse (server/databend/warehouse-access.ts gives it). */
export type PreviewWarehouse = Pick<WarehouseAccess, "reader" | "address" | "name" | "scrub">;

export interface Previewer {
  preview(input: PreviewInput): Promise<PreviewResponse>;
  close(): Promise<void>;
}

export interface PreviewerOptions {
  platformSetupRoleArn: string;
  /** The setup identity and endpoints; by default the SDK's chain and the operator's variables. */
  aws?: AwsClientOptions;
  /** How long Databend may take to read the sample. */
  timeoutMs: number;
  /** ENDPOINT_URL Databend uses for S3 (DATABEND_S3_ENDPOINT_URL), when it differs from the API's. */
  databendS3EndpointUrl?: string | undefined;
  /** Test hook: smaller read bounds than PREVIEW_LIMITS' (the suite shows an object refused without writing 64 MiB). */
  readBounds?: { objectBytes: number; ms: number };
  /** Test hook: sees the role session's keys (the suite checks they never leave). */
  observeCredentials?: (connection: S3Connection) => void;
}

/** A POSIX shell word: single-quoted unless plainly safe. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

const EXTENSIONS: Record<FileFormat["type"], string> = { csv: ".csv", ndjson: ".ndjson", parquet: ".parquet" };

/** What to do when nothing matches: upload a test object whose key has the prefix and the suffix. */
export function uploadHint(input: Pick<PreviewInput, "source" | "prefix" | "suffix" | "fileFormat">, endpointUrl: string | undefined): PreviewResponse["upload_hint"] {
  const key = `${input.prefix}sample${input.suffix || EXTENSIONS[input.fileFormat.type]}`;
  const local = key.slice(key.lastIndexOf("/") + 1) || `sample${EXTENSIONS[input.fileFormat.type]}`;
  const parts = ["aws s3 cp", shellWord(`./${local}`), shellWord(`s3://${input.source.bucket}/${key}`), "--region", shellWord(input.source.queue_region)];
  if (endpointUrl) parts.push("--endpoint-url", shellWord(endpointUrl));
  const scope = [input.prefix ? `under "${input.prefix}"` : "", input.suffix ? `ending in "${input.suffix}"` : ""].filter(Boolean).join(" and ");
  return {
    message:
      `No object in bucket ${input.source.bucket}${scope ? ` ${scope}` : ""} yet. Upload a test ${input.fileFormat.type.toUpperCase()} object ` +
      "with a key that matches (for example with the AWS CLI command below), then Retry.",
    command: parts.join(" "),
  };
}

/** Newest first, then by key. */
function sortNewestFirst(objects: readonly PreviewObject[]): PreviewObject[] {
  return [...objects].sort((a, b) => (a.last_modified === b.last_modified ? a.key.localeCompare(b.key) : a.last_modified < b.last_modified ? 1 : -1));
}

export function createPreviewer(options: PreviewerOptions): Previewer {
  const aws = options.aws ?? {};

  async function assume(input: PreviewInput): Promise<S3Connection> {
    const region = input.source.queue_region;
    try {
      const c = await assumeSetupSession({ roleArn: input.source.role_arn, externalId: input.orgId, partition: partitionOfRegion(region), aws });
      if (!c) throw new PreviewFailure(502, "AWS STS answered AssumeRole without credentials; try again");
      const connection = s3ConnectionOf(
        { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
        region,
        options.databendS3EndpointUrl ?? resolveEndpoint("s3", aws),
      );
      options.observeCredentials?.(connection);
      return connection;
    } catch (error) {
      if (error instanceof PreviewFailure) throw error;
      const mapped = describeAwsError(error, {
        service: "sts",
        action: "sts:AssumeRole",
        resource: input.source.role_arn,
        region,
        subject: `role ${input.source.role_arn}`,
      });
      if (mapped.kind === "access_denied") {
        throw new PreviewFailure(
          422,
          `Databend's setup role ${options.platformSetupRoleArn} may not assume ${input.source.role_arn} with external ID "${input.orgId}": ` +
            "the role's trust policy does not allow it, or the role does not exist. Run Test Connectivity on the data source for the fix.",
          mapped.detail,
        );
      }
      throw new PreviewFailure(awsFailureStatus(mapped.kind), `${mapped.message}. ${mapped.hint}`, mapped.detail);
    }
  }

  /** The newest PREVIEW_LIMITS.objects for the answer, and every one listed (newest first) for the typing's oldest. */
  async function list(input: PreviewInput, connection: S3Connection): Promise<{ objects: PreviewObject[]; all: PreviewObject[]; truncated: boolean }> {
    const { bucket, queue_region: region, role_arn: roleArn } = input.source;
    const s3 = createS3Client(region, { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey, sessionToken: connection.sessionToken }, aws);
    const found: PreviewObject[] = [];
    let token: string | undefined;
    try {
      for (let page = 0; page < PREVIEW_LIMITS.listPages; page++) {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: input.prefix || undefined, ContinuationToken: token }));
        for (const o of out.Contents ?? []) if (matches(o, input)) found.push(objectOf(o));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
        if (!token) break;
      }
    } catch (error) {
      const resource = `arn:aws:s3:::${bucket}`;
      const mapped = describeAwsError(error, { service: "s3", action: "s3:ListBucket", resource, region, subject: `bucket ${bucket}` });
      if (mapped.kind === "access_denied") {
        throw new PreviewFailure(
          422,
          `The role ${roleArn} may not list bucket ${bucket}${input.prefix ? ` under "${input.prefix}"` : ""}: it lacks s3:ListBucket on ${resource}. ` +
            `Add "s3:ListBucket" on "${resource}" to the role's permissions policy, then Retry.`,
          mapped.detail,
        );
      }
      throw new PreviewFailure(awsFailureStatus(mapped.kind), `Could not list bucket ${bucket}: ${mapped.message}. ${mapped.hint}`, mapped.detail);
    } finally {
      s3.destroy();
    }
    // A token left after the last page read: more keys than were listed.
    const all = sortNewestFirst(found);
    return { objects: all.slice(0, PREVIEW_LIMITS.objects), all, truncated: token !== undefined || found.length > PREVIEW_LIMITS.objects };
  }

  /** One object read by Databend within `timeoutMs`, or why not: a file or access problem is an ApiError (the answer's `sample_error`). */
  async function readFile(input: PreviewInput, key: string, connection: S3Connection, timeoutMs: number): Promise<{ file: FileSample | null; error: ApiError | null }> {
    const secrets = secretsOf(connection);
    const scrub = (text: string) => input.warehouse.scrub(scrubSecrets(text, secrets));
    const w = input.warehouse.reader;
    const answer = await askDatabend(
      () =>
        readSample(w, { bucket: input.source.bucket, key, connection, fileFormat: input.fileFormat }).then(
          (s) => ({ status: "read" as const, sample: s }),
          (error: unknown) => ({ status: "failed" as const, error: toWarehouseError(error, secrets, input.source.bucket) }),
        ),
      timeoutMs,
      scrub,
    );
    const address = `${input.warehouse.name} (${input.warehouse.address})`;
    if (answer.status === "read") return { file: answer.sample, error: null };
    if (answer.status !== "failed") {
      // Only the timeout reaches here: the question itself never throws.
      throw new PreviewFailure(503, `The warehouse ${address} did not answer within ${Math.round(timeoutMs / 100) / 10} s while reading ${key}. Try again once Databend answers.`);
    }
    const e: WarehouseError = answer.error;
    const detail = scrub(e.detail);
    const format = input.fileFormat.type.toUpperCase();
    const tag = e.code === undefined ? "" : ` (${e.code}${e.codeName ? ` ${e.codeName}` : ""})`;
    switch (e.errorClass) {
      case "access":
        return {
          file: null,
          error: {
            error:
              `S3 refused Databend reading ${key} with the session of role ${input.source.role_arn}${tag}. ` +
              `Add "s3:GetObject" on "arn:aws:s3:::${input.source.bucket}/*" to the role's permissions policy (and kms:Decrypt if the objects are encrypted with a KMS key), then Retry.`,
            detail,
          },
        };
      case "file":
        if (e.code === 3001) {
          return { file: null, error: { error: `There is no object ${key} in bucket ${input.source.bucket}${tag}; choose one of the listed objects.`, detail } };
        }
        return {
          file: null,
          error: {
            error:
              `Databend cannot read ${key} as ${format}${tag}: the file is malformed or not ${format}. ` +
              "Check the file format settings (type, delimiter, quote, compression) or choose another object.",
            detail,
          },
        };
      case "configuration":
        if (e.code === undefined || e.code === 1051 || e.code === 5100) break;
        return {
          file: null,
          error: { error: `Databend refused to read ${key} with this file format${tag}. Check the file format settings, then Retry.`, detail },
        };
      case "transient":
        break;
    }
    throw new PreviewFailure(503, `Could not read ${key}: the warehouse ${address} answered with an error${tag}. Try again; if it persists, run Test connection on Organization → Warehouses.`, detail);
  }

  /**
   * The chosen object read, then the others that type the columns with it (typingCandidates), one
   * after another within PREVIEW_LIMITS.typingMs together: one that is too large, unreadable or late
   * is left out and named, never failing the preview. Only the chosen object's failure is the answer's.
   */
  async function sample(input: PreviewInput, key: string, listed: readonly PreviewObject[], connection: S3Connection): Promise<{ sample: PreviewSample | null; error: ApiError | null }> {
    const bounds = readBounds();
    const size = listed.find((o) => o.key === key)?.size;
    if (size !== undefined && size > bounds.objectBytes) {
      return {
        sample: null,
        error: {
          error:
            `${key} is ${sizeText(size)}, larger than the ${sizeText(bounds.objectBytes)} a preview asks Databend to read. ` +
            "Choose a smaller object of the same kind, or upload a sample file under the prefix.",
        },
      };
    }
    const chosen = await readFile(input, key, connection, options.timeoutMs);
    if (!chosen.file) return { sample: null, error: chosen.error };
    const files = [chosen.file];
    const leftOut: PreviewSample["typing_left_out"] = [];
    const deadline = Date.now() + bounds.ms;
    for (const other of typingCandidates(listed, key)) {
      const remaining = deadline - Date.now();
      if (other.size > bounds.objectBytes) {
        leftOut.push({ key: other.key, reason: `${sizeText(other.size)}, larger than the ${sizeText(bounds.objectBytes)} a preview reads for the types` });
      } else if (remaining <= 0) {
        leftOut.push({ key: other.key, reason: `not read: a preview reads other files for ${bounds.ms / 1000} s at most` });
      } else {
        try {
          const read = await readFile(input, other.key, connection, Math.min(options.timeoutMs, remaining));
          if (read.file) files.push(read.file);
          else leftOut.push({ key: other.key, reason: read.error?.error ?? "not read" });
        } catch (error) {
          if (!(error instanceof PreviewFailure)) throw error;
          leftOut.push({ key: other.key, reason: error.message });
        }
      }
    }
    return { sample: joinFiles(files, leftOut, input.fileFormat.type), error: null };
  }

  function readBounds(): { objectBytes: number; ms: number } {
    return options.readBounds ?? { objectBytes: PREVIEW_LIMITS.objectBytes, ms: PREVIEW_LIMITS.typingMs };
  }

  return {
    async preview(input) {
      const connection = await assume(input);
      const listed = await list(input, connection);
      // The newest object a preview may read; when every one is too large, the newest (refused in words).
      const key = input.key ?? (listed.objects.find((o) => o.size <= readBounds().objectBytes) ?? listed.objects[0])?.key;
      const empty = listed.objects.length === 0;
      const read = key === undefined ? { sample: null, error: null } : await sample(input, key, listed.all, connection);
      return {
        bucket: input.source.bucket,
        prefix: input.prefix,
        suffix: input.suffix,
        objects: listed.objects,
        objects_truncated: listed.truncated,
        sample: read.sample,
        sample_error: read.error,
        empty,
        upload_hint: empty ? uploadHint(input, resolveEndpoint("s3", aws)) : null,
      };
    },
    async close() {},
  };
}

function matches(o: _Object, input: Pick<PreviewInput, "prefix" | "suffix">): boolean {
  const key = o.Key ?? "";
  // A key ending in "/" is either a console "folder" or an object Databend cannot address: neither
  // is a file a task would load, so neither is previewed.
  return key !== "" && !key.endsWith("/") && keyInScope(key, input);
}

function objectOf(o: _Object): PreviewObject {
  return { key: o.Key ?? "", size: Number(o.Size ?? 0), last_modified: (o.LastModified ?? new Date(0)).toISOString() };
}

/** A size as a person reads it: "42 bytes", "3.5 KiB", "64.0 MiB". */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

