// Shared set-up for the worker's integration suites: the AWS sandbox and the dev warehouse started
// in-process on random ports, real AWS SDK clients, the real databend-driver, the real store.
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { IAMClient } from "@aws-sdk/client-iam";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import pino from "pino";
import { startSandbox, type Sandbox } from "../sandbox/aws/server.ts";
import * as documents from "../sandbox/aws/documents.ts";
import { startWarehouse } from "../sandbox/warehouse/server.ts";
import type { TaskInput, TaskRecord, TaskRun } from "#contracts/task.ts";
import { fileFormatSchema } from "#contracts/task.ts";
import { DatabendWarehouse, type Warehouse } from "../server/databend/client.ts";
import { openStore, type Stores } from "../server/store/open.ts";
import type { TaskStore } from "../server/store/tasks.ts";
import type { DataSourceStore } from "../server/store/types.ts";
import type { WarehouseStore } from "../server/store/warehouses.ts";
import { createCustomerRole, createNotifyingBucket, platformTrust } from "./support/customer-aws.ts";
import { startPostgres } from "./support/postgres.ts";
import { loadWorkerConfig, type WorkerConfig } from "../server/worker/config.ts";
import { Supervisor } from "../server/worker/supervisor.ts";
import { fixedWarehouse, orgWarehouses, type TaskWarehouses } from "../server/worker/task-warehouses.ts";
import { WarehouseConnections } from "../server/warehouses/connections.ts";
import { secretBoxFor } from "../server/warehouses/secret-box.ts";
import type { MessageQueue } from "../server/worker/queue.ts";

export const ORG_ID = "worker-test-org";
export const ACCOUNT = "000000000000";
export const REGION = "us-east-1";
export const CUSTOMER = { accessKeyId: "test", secretAccessKey: "test" };
export const PLATFORM_LOAD = { accessKeyId: "platform-load", secretAccessKey: "platform-load" };

/** Short timings so the suites finish quickly; every test still uses the real queue semantics. */
export function testWorkerConfig(over: Partial<WorkerConfig> = {}): WorkerConfig {
  return {
    ...loadWorkerConfig({}),
    pollMs: 200,
    receiveConcurrency: 2,
    waitSeconds: 1,
    visibilitySeconds: 6,
    batchLingerMs: 300,
    batchMaxFiles: 200,
    backoffBaseSeconds: 1,
    backoffMaxSeconds: 2,
    claimLeaseSeconds: 5,
    stopGraceMs: 5_000,
    // No metrics server unless a test asks (suites run in parallel; 9464 is for one real worker).
    metricsPort: null,
    ...over,
  };
}

export interface Scenario {
  name: string;
  bucket: string;
  queueName: string;
  queueUrl: string;
  /** The URL the SDK got back from the sandbox (for direct SQS calls from tests). */
  sdkQueueUrl: string;
  roleArn: string;
  dataSourceId: string;
  /** The organization the data source (and its tasks) belong to. */
  orgId: string;
}

export interface WorkerEnv {
  dataDir: string;
  sandbox: Sandbox;
  dsn: string;
  stopWarehouse(): Promise<void>;
  startWarehouseAgain(): Promise<void>;
  /** Starts the dev warehouse again if a test stopped it and did not (it failed mid-outage). */
  ensureWarehouseUp(): Promise<void>;
  wh: DatabendWarehouse;
  store: TaskStore;
  sources: DataSourceStore;
  /** The organizations' warehouses (the API's and the worker's view of them). */
  warehouses: WarehouseStore;
  /**
   * The same, with passwords sealed by the key in dataDir (as the worker and an API on this
   * DATA_DIR read them); ORG_ID's default is the dev warehouse (DATABEND_DSN's role).
   */
  connections: WarehouseConnections;
  /** What a worker process needs to open the same store: DATA_DIR, and DATABASE_URL on PostgreSQL. */
  storeEnv: Record<string, string>;
  /** Another connection to the same store (as a second worker process would have); closed with the env. */
  openStoreAgain(): Promise<Stores>;
  s3: S3Client;
  sqs: SQSClient;
  iam: IAMClient;
  awsOptions: { credentials: typeof PLATFORM_LOAD; endpoints: { sts: string; sqs: string; s3: string } };
  /**
   * A bucket, queue, role and data source. `orgId` is the data source's organization (ORG_ID by
   * default); the role trusts `trustedExternalId` (by default that organization's ID).
   */
  scenario(
    name: string,
    opts?: { prefix?: string; suffix?: string; allowDelete?: boolean; orgId?: string; trustedExternalId?: string },
  ): Promise<Scenario>;
  createTask(s: Scenario, table: string, over?: Partial<TaskInput>): Promise<TaskRecord>;
  start(task: TaskRecord, orgId?: string): Promise<void>;
  supervisor(
    over?: Partial<WorkerConfig>,
    extra?: { store?: TaskStore; queueFor?: (taskId: string) => MessageQueue | undefined; warehouse?: Warehouse; warehouses?: TaskWarehouses },
  ): Supervisor;
  /** Stops every supervisor started through `supervisor()` (call in afterEach). */
  stopSupervisors(): Promise<void>;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  send(s: Scenario, body: string): Promise<string>;
  /** Visible + in flight messages. */
  queueDepth(s: Scenario): Promise<{ visible: number; inFlight: number }>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** An S3 ObjectCreated notification as S3 writes it (key encoded as S3 encodes it). */
export function objectCreatedEvent(o: { bucket: string; key: string; size: number; eTag: string; sequencer?: string }): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: REGION,
        eventTime: new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        s3: {
          s3SchemaVersion: "1.0",
          bucket: { name: o.bucket, arn: `arn:aws:s3:::${o.bucket}` },
          object: {
            key: encodeURIComponent(o.key).replace(/%20/g, "+").replace(/%2F/g, "/"),
            size: o.size,
            eTag: o.eTag,
            sequencer: o.sequencer ?? "00AA",
          },
        },
      },
    ],
  });
}

/** The ObjectCreated notification for an object as it is now in the bucket. */
export async function eventForObject(env: WorkerEnv, bucket: string, key: string): Promise<string> {
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return objectCreatedEvent({ bucket, key, size: Number(head.ContentLength), eTag: String(head.ETag).replaceAll('"', "") });
}

/**
 * One worker environment per test file: started before the file's tests, its supervisors stopped
 * after each test, closed at the end. `set` receives it (a suite keeps it in a `let`).
 */
export function useWorkerEnv(set: (env: WorkerEnv) => void, options: Parameters<typeof startWorkerEnv>[0] = {}): void {
  let env: WorkerEnv | undefined;
  beforeAll(async () => {
    env = await startWorkerEnv(options);
    set(env);
  });
  afterAll(async () => {
    await env?.close();
  });
  afterEach(async () => {
    await env?.stopSupervisors();
    await env?.ensureWarehouseUp();
  });
}

/** The ids in a test table of `default`, in order. */
export async function tableIds(env: WorkerEnv, table: string): Promise<number[]> {
  const rows = await env.wh.query(`SELECT id FROM \`default\`.\`${table}\` ORDER BY id`);
  return rows.map((r) => Number(r.id));
}

/**
 * The usual start of a worker test: a scenario (bucket, queue, role, data source), a table
 * `(id INT, name VARCHAR)` in `default`, and a task on it whose desired state is running.
 */
export async function runningTask(
  env: WorkerEnv,
  name: string,
  table: string,
  over: { prefix?: string } = {},
): Promise<{ s: Scenario; task: TaskRecord }> {
  const s = await env.scenario(name, over.prefix ? { prefix: over.prefix } : {});
  await env.wh.exec(`CREATE TABLE \`default\`.\`${table}\` (id INT, name VARCHAR)`);
  const task = await env.createTask(s, table, over.prefix ? { prefix: over.prefix } : {});
  await env.start(task);
  return { s, task };
}

/** A task's run history, newest first (up to 1000). */
export async function taskRuns(env: WorkerEnv, taskId: string): Promise<TaskRun[]> {
  return (await env.store.listRuns(ORG_ID, taskId, 1000))!;
}

/** Waits until the scenario's queue holds nothing, visible or in flight. */
export async function drained(env: WorkerEnv, s: Scenario, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `queue ${s.queueName} drained`,
    async () => {
      const d = await env.queueDepth(s);
      return d.visible === 0 && d.inFlight === 0 ? true : undefined;
    },
    timeoutMs,
    200,
  );
}

/** The table holds exactly `expected` rows, all with distinct ids: nothing lost, nothing twice. */
export async function expectExactRows(env: WorkerEnv, table: string, expected: number): Promise<void> {
  const rows = await env.wh.query(`SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS d FROM \`default\`.\`${table}\``);
  expect({ total: Number(rows[0]!.total), distinct: Number(rows[0]!.d) }).toEqual({ total: expected, distinct: expected });
}

/**
 * What a worker process (`server/worker/main.ts` or a test wrapper of it) started by a test needs
 * to reach this environment: the same store, warehouse and sandbox, as the platform load identity.
 * Tests add their WORKER_* settings.
 */
export function workerProcessEnv(env: WorkerEnv): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    ...env.storeEnv,
    DATABEND_DSN: env.dsn,
    ORG_ID,
    AWS_ENDPOINT_URL: env.sandbox.url,
    AWS_ACCESS_KEY_ID: "platform-load",
    AWS_SECRET_ACCESS_KEY: "platform-load",
    AWS_REGION: REGION,
    LOG_LEVEL: "warn",
  };
}

/**
 * DATABEND_DSN runs every worker suite against that Databend instead of the embedded engine (it
 * must reach the sandbox on 127.0.0.1). The few tests that stop the warehouse are skipped then.
 */
export const externalDatabend = Boolean(process.env.DATABEND_DSN);

export async function startWorkerEnv(
  options: {
    minSessionSeconds?: number;
    /** Load into this Databend instead of starting the dev warehouse (the real-Databend suite). */
    databendDsn?: string;
    /** The store to run on; default: PostgreSQL when WORKER_STORE=postgres, else the SQLite file. */
    store?: "sqlite" | "postgres";
  } = {},
): Promise<WorkerEnv> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "worker-test-"));
  const sandbox = await startSandbox({
    port: 0,
    dataDir,
    orgId: ORG_ID,
    reset: true,
    log: false,
    seed: false,
    ...(options.minSessionSeconds ? { minSessionSeconds: options.minSessionSeconds } : {}),
  });
  const externalDsn = options.databendDsn ?? process.env.DATABEND_DSN;
  let warehouse = externalDsn
    ? { dsn: externalDsn, port: 0, stop: async () => {} }
    : await startWarehouse({ port: 0, dataDir, log: false });
  const dsn = warehouse.dsn;
  let warehouseDown = false;
  const whPort = warehouse.port;
  const endpoint = sandbox.url;
  const s3 = new S3Client({ endpoint, region: REGION, credentials: CUSTOMER, forcePathStyle: true });
  const sqs = new SQSClient({ endpoint, region: REGION, credentials: CUSTOMER, useQueueUrlAsEndpoint: false });
  const iam = new IAMClient({ endpoint, region: REGION, credentials: CUSTOMER });
  const wh = new DatabendWarehouse(dsn);
  // WORKER_STORE=postgres runs the suite on a throwaway PostgreSQL cluster instead of the SQLite file.
  const cluster = (options.store ?? process.env.WORKER_STORE) === "postgres" ? await startPostgres() : undefined;
  const target = cluster ? await cluster.createDatabase() : dataDir;
  const stores = await openStore(target);
  const opened: Stores[] = [stores];
  const store = stores.tasks;
  const sources = stores.dataSources;
  const supervisors: Supervisor[] = [];
  const connections = new WarehouseConnections({
    store: stores.warehouses,
    box: secretBoxFor({ warehouseSecretKeys: { current: undefined, old: [] }, dataDir }),
    bootstrap: { dsn, firstOrgId: async () => ORG_ID },
  });

  const env: WorkerEnv = {
    dataDir,
    sandbox,
    dsn,
    async stopWarehouse() {
      await warehouse.stop();
      warehouseDown = true;
    },
    async startWarehouseAgain() {
      warehouse = await startWarehouse({ port: whPort, dataDir, log: false });
      warehouseDown = false;
    },
    async ensureWarehouseUp() {
      // A test that failed mid-outage must not leave the next test without Databend.
      if (warehouseDown) await this.startWarehouseAgain();
    },
    wh,
    store,
    sources,
    warehouses: stores.warehouses,
    connections,
    storeEnv: { DATA_DIR: dataDir, ...(cluster ? { DATABASE_URL: target } : {}) },
    async openStoreAgain() {
      const again = await openStore(target);
      opened.push(again);
      return again;
    },
    s3,
    sqs,
    iam,
    awsOptions: { credentials: PLATFORM_LOAD, endpoints: { sts: endpoint, sqs: endpoint, s3: endpoint } },

    async scenario(name, opts = {}) {
      const orgId = opts.orgId ?? ORG_ID;
      const prefix = opts.prefix ?? "";
      const suffix = opts.suffix ?? "";
      const bucket = `wt-${name}`;
      const queueName = `wt-${name}`;
      const { sdkQueueUrl, queueArn, bucketArn } = await createNotifyingBucket({ s3, sqs }, { bucket, queueName, region: REGION, account: ACCOUNT, prefix, suffix });
      const roleArn = await createCustomerRole(iam, {
        roleName: `wt-role-${name}`,
        trust: platformTrust(opts.trustedExternalId ?? orgId),
        policy: documents.permissionsPolicy(bucketArn, queueArn, opts.allowDelete ?? false),
      });
      const queueUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${queueName}`;
      const source = await sources.createDataSource(
        orgId,
        {
          name: `source ${name}`,
          queue_url: queueUrl,
          queue_region: REGION,
          role_arn: roleArn,
          external_id: orgId,
          bucket,
          prefix,
          suffix,
        },
        null,
      );
      return { name, bucket, queueName, queueUrl, sdkQueueUrl, roleArn, dataSourceId: source.id, orgId };
    },

    async createTask(s, table, over = {}) {
      return store.create(s.orgId, {
        name: over.name ?? `task ${s.name} ${table}`,
        data_source_id: s.dataSourceId,
        file_format: over.file_format ?? fileFormatSchema.parse({ type: "csv" }),
        prefix: over.prefix ?? "",
        suffix: over.suffix ?? "",
        target: over.target ?? { database: "default", table },
        on_error: over.on_error ?? "abort",
        purge: over.purge ?? false,
        reconcile_every_minutes: over.reconcile_every_minutes ?? null,
      });
    },

    async start(task, orgId = ORG_ID) {
      await store.setDesiredState(orgId, task.id, "running", 30_000);
    },

    supervisor(over = {}, extra = {}) {
      const sup = new Supervisor({
        store: extra.store ?? store,
        // Each task's own organization's warehouse, as the worker process picks it, unless a test
        // about loading (not tenancy) hands in one warehouse for all.
        warehouses: extra.warehouses ?? (extra.warehouse ? fixedWarehouse(extra.warehouse) : orgWarehouses(connections)),
        config: testWorkerConfig(over),
        log: pino({ level: process.env.WORKER_TEST_LOG ?? "silent" }),
        aws: env.awsOptions,
        ...(extra.queueFor ? { queueFor: extra.queueFor } : {}),
      });
      supervisors.push(sup);
      sup.start();
      return sup;
    },

    async stopSupervisors() {
      await Promise.allSettled(supervisors.splice(0).map((s) => s.stop()));
    },

    async put(bucket, key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },

    async send(s, body) {
      const out = await sqs.send(new SendMessageCommand({ QueueUrl: s.sdkQueueUrl, MessageBody: body }));
      return out.MessageId!;
    },

    async queueDepth(s) {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: s.sdkQueueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return {
        visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },

    async count(table) {
      const rows = await wh.query(`SELECT COUNT(*) AS n FROM \`default\`.\`${table}\``);
      return Number(Object.values(rows[0] ?? {})[0] ?? 0);
    },

    async close() {
      await Promise.allSettled(supervisors.map((s) => s.stop()));
      await wh.close();
      await Promise.allSettled(opened.map((s) => s.close()));
      await cluster?.stop();
      s3.destroy();
      sqs.destroy();
      iam.destroy();
      await warehouse.stop().catch(() => {});
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return env;
}
