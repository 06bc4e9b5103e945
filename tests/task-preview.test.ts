// POST /api/tasks/preview and POST /api/warehouse/databases/:db/tables through the real app: the
// AWS sandbox (STS with the trust policy and External ID, S3 with role permissions), Databend's own
// engine (the dev warehouse) reading the objects this suite writes, the real driver and store.
// CSV, NDJSON and Parquet samples with type inference, newest-first listing, an empty scope, a role
// that may not list, a role that may not read, malformed files, and a table created from the
// inferred columns that a COPY with the same format then loads. Types across files: several objects
// of disagreeing types are read, widened, and a table of the widened types loads every one (CSV,
// NDJSON; Parquet each on its own), where the newest file's own types lose a value. The role
// session's secret key and token never appear in any answer or log line.
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import type { FastifyInstance } from "fastify";
import { parquetWriteBuffer } from "hyparquet-writer";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { previewResponseSchema, type PreviewColumn, type PreviewResponse } from "#contracts/preview.ts";
import { fileFormatSchema, type FileFormat } from "#contracts/task.ts";
import { createdTableSchema, warehouseColumnsSchema, WAREHOUSE_MESSAGES } from "#contracts/warehouse.ts";
import * as documents from "../sandbox/aws/documents.ts";
import { fixedPrincipal } from "./support/fixed-principal.ts";
import type { AuditStore } from "../server/store/audit.ts";
import { buildApp } from "../server/api/app.ts";
import { loadConfig } from "../server/config.ts";
import { buildCopyInto, type S3Connection } from "../server/databend/sql.ts";
import { createPreviewer } from "../server/preview/previewer.ts";
import { ACCOUNT, CUSTOMER, ORG_ID, REGION, useWorkerEnv, type Scenario, type WorkerEnv } from "./worker-env.ts";

const SETUP_KEYS = { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" };
const SETUP_ARN = "arn:aws:iam::111111111111:role/platform-setup";
const LOAD_ARN = "arn:aws:iam::111111111111:role/platform-load";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

let app: FastifyInstance;
let audit: AuditStore;
let s: Scenario;
const logs: string[] = [];
const answers: string[] = [];
const sessions: S3Connection[] = [];

const csv = (over: Partial<FileFormat> = {}) => fileFormatSchema.parse({ type: "csv", ...over });
const ndjson = fileFormatSchema.parse({ type: "ndjson" });
const parquet = fileFormatSchema.parse({ type: "parquet" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function preview(body: Record<string, unknown>) {
  const res = await app.inject({ method: "POST", url: "/api/tasks/preview", payload: { data_source_id: s.dataSourceId, ...body } });
  answers.push(res.body);
  return res;
}

async function ok(body: Record<string, unknown>): Promise<PreviewResponse> {
  const res = await preview(body);
  expect(res.statusCode, res.body).toBe(200);
  return previewResponseSchema.parse(res.json());
}

/** A role trusted by both platform roles with the org's External ID, allowed exactly `actions` on the scenario's bucket. */
async function roleWith(name: string, actions: string[]): Promise<string> {
  const role = await env.iam.send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(documents.trustPolicy(SETUP_ARN, LOAD_ARN, ORG_ID)) }),
  );
  const bucketArn = `arn:aws:s3:::${s.bucket}`;
  await env.iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: "access",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: [bucketArn, `${bucketArn}/*`] }] }),
    }),
  );
  return role.Role!.Arn!;
}

async function sourceWithRole(name: string, roleArn: string): Promise<string> {
  const source = await env.sources.createDataSource(
    ORG_ID,
    {
      name,
      queue_url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${s.queueName}`,
      queue_region: REGION,
      role_arn: roleArn,
      external_id: ORG_ID,
      bucket: s.bucket,
      prefix: "",
      suffix: "",
    },
    null,
  );
  return source.id;
}

function parquetBody(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "id", data: new Int32Array([1, 2, 3]), type: "INT32" },
        { name: "big", data: new BigInt64Array([10n, 20n, 9007199254740991n]), type: "INT64" },
        { name: "price", data: new Float64Array([1.5, 2.25, -3]), type: "DOUBLE" },
        { name: "ok", data: [true, false, null], type: "BOOLEAN" },
        { name: "at", data: [new Date("2024-01-02T03:04:05Z"), null, new Date("2024-03-04T05:06:07Z")], type: "TIMESTAMP" },
        { name: "name", data: ["a", null, "c"], type: "STRING" },
      ],
    }),
  );
}

const CSV_BODY = [
  "id,name,price,ok,at,day,note,empty",
  '1,"alpha, the first",1.5,true,2024-01-02 03:04:05,2024-01-02,,',
  "2,beta,2,false,2024-02-03T04:05:06Z,2024-02-03,x,",
  "3,gamma,-0.25,true,2024-03-04 05:06:07.123,2024-03-04,y,",
].join("\n");

const NDJSON_BODY = [
  { id: 1, name: "a", price: 1.5, ok: true, at: "2024-01-02T03:04:05Z", gone: null, tags: ["x", "y"], obj: { k: 1, nested: { deep: true } } },
  { id: 2, name: "b", price: 2, ok: false, at: "2024-01-02 03:04:06", gone: null, tags: [], obj: { k: 2 } },
  { id: 3, name: null, price: 3.75, ok: true, at: "2024-01-02T03:04:07.5+02:00", tags: ["z"], obj: {} },
]
  .map((row) => JSON.stringify(row))
  .join("\n");

beforeAll(async () => {
  s = await env.scenario("preview", { prefix: "incoming/" });
  // The real audit port, so creating a table is seen recorded (the env closes this store).
  audit = (await env.openStoreAgain()).audit;
  app = await buildApp({
    authenticate: fixedPrincipal(ORG_ID, "operator"),
    config: loadConfig({ ORG_ID, DATA_DIR: env.dataDir, DATABEND_DSN: env.dsn }),
    logger: pino({ level: "trace" }, { write: (line: string) => void logs.push(line) }),
    stores: { dataSources: env.sources, tasks: env.store, warehouses: env.warehouses, audit },
    previewer: createPreviewer({
      platformSetupRoleArn: SETUP_ARN,
      aws: { credentials: SETUP_KEYS, endpoints: { sts: env.sandbox.url, sqs: env.sandbox.url, s3: env.sandbox.url } },
      timeoutMs: 20_000,
      observeCredentials: (c) => void sessions.push(c),
    }),
  });
  // Oldest first, a second apart (S3's LastModified has whole seconds).
  await env.put(s.bucket, "incoming/old/sample.csv", CSV_BODY);
  await sleep(1100);
  await env.put(s.bucket, "incoming/mid/sample.ndjson", NDJSON_BODY);
  await sleep(1100);
  await env.put(s.bucket, "incoming/new/sample.parquet", parquetBody());
  await env.put(s.bucket, "elsewhere/outside.csv", "id\n1\n");
}, 60_000);

afterAll(async () => {
  await app?.close();
});

describe("POST /api/tasks/preview: objects", () => {
  it("lists the objects under the data source's prefix, newest first, and reads the newest by default", async () => {
    const body = await ok({ file_format: parquet });
    expect(body).toMatchObject({ bucket: s.bucket, prefix: "incoming/", suffix: "", empty: false, upload_hint: null, objects_truncated: false });
    expect(body.objects.map((o) => o.key)).toEqual(["incoming/new/sample.parquet", "incoming/mid/sample.ndjson", "incoming/old/sample.csv"]);
    expect(body.objects[2]).toEqual({ key: "incoming/old/sample.csv", size: CSV_BODY.length, last_modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(body.sample?.key).toBe("incoming/new/sample.parquet");
  });

  it("narrows to the task's suffix, and refuses a scope outside the data source's or a key outside the scope", async () => {
    const body = await ok({ file_format: csv(), suffix: ".csv" });
    expect(body.objects.map((o) => o.key)).toEqual(["incoming/old/sample.csv"]);

    const outside = await preview({ file_format: csv(), prefix: "elsewhere/" });
    expect(outside.statusCode).toBe(400);
    expect(Object.keys(outside.json().fields)).toEqual(["prefix"]);

    const key = await preview({ file_format: csv(), key: "elsewhere/outside.csv" });
    expect(key.statusCode).toBe(400);
    expect(Object.keys(key.json().fields)).toEqual(["key"]);
  });

  it("answers an empty scope with a sentence and an AWS CLI command that uploads into it", async () => {
    const body = await ok({ file_format: csv(), prefix: "incoming/none/", suffix: ".csv" });
    expect(body).toMatchObject({ objects: [], empty: true, sample: null, sample_error: null });
    expect(body.upload_hint?.message).toMatch(/^No object in bucket wt-preview under "incoming\/none\/" and ending in "\.csv" yet\. Upload a test CSV object/);
    expect(body.upload_hint?.command).toBe(
      `aws s3 cp ./sample.csv s3://${s.bucket}/incoming/none/sample.csv --region ${REGION} --endpoint-url ${env.sandbox.url}`,
    );
  });

  it("answers an unknown data source 404", async () => {
    const res = await preview({ file_format: csv(), data_source_id: "no-such-source" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatch(/^No data source with id no-such-source/);
  });
});

describe("POST /api/tasks/preview: the sample as Databend reads it", () => {
  it("CSV: header names, types inferred from the text Databend read, matched by position", async () => {
    const body = await ok({ file_format: csv(), key: "incoming/old/sample.csv" });
    expect(body.sample_error).toBeNull();
    expect(body.sample).toMatchObject({ key: "incoming/old/sample.csv", inferred_by: "sample", match_by: "position", truncated: false });
    expect(body.sample!.columns).toEqual([
      { name: "id", type: "BIGINT", nullable: true },
      { name: "name", type: "VARCHAR", nullable: true },
      { name: "price", type: "DOUBLE", nullable: true },
      { name: "ok", type: "BOOLEAN", nullable: true },
      { name: "at", type: "TIMESTAMP", nullable: true },
      { name: "day", type: "DATE", nullable: true },
      { name: "note", type: "VARCHAR", nullable: true },
      { name: "empty", type: "VARCHAR", nullable: true },
    ]);
    expect(body.sample!.rows).toEqual([
      ["1", "alpha, the first", "1.5", "true", "2024-01-02 03:04:05", "2024-01-02", null, null],
      ["2", "beta", "2", "false", "2024-02-03T04:05:06Z", "2024-02-03", "x", null],
      ["3", "gamma", "-0.25", "true", "2024-03-04 05:06:07.123", "2024-03-04", "y", null],
    ]);
  });

  it("CSV without a header: column_<n> names and the first line as data", async () => {
    const body = await ok({ file_format: csv({ header: false }), key: "incoming/old/sample.csv" });
    expect(body.sample!.columns.map((c) => c.name)).toEqual(["column_1", "column_2", "column_3", "column_4", "column_5", "column_6", "column_7", "column_8"]);
    // The header line is text, so every column is VARCHAR.
    expect(new Set(body.sample!.columns.map((c) => c.type))).toEqual(new Set(["VARCHAR"]));
    expect(body.sample!.rows).toHaveLength(4);
  });

  it("NDJSON: one column per key, numbers, booleans, timestamps, nulls, and nested JSON as VARIANT, matched by name", async () => {
    const body = await ok({ file_format: ndjson, key: "incoming/mid/sample.ndjson" });
    expect(body.sample).toMatchObject({ inferred_by: "sample", match_by: "name", truncated: false });
    const types = Object.fromEntries(body.sample!.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({ at: "TIMESTAMP", gone: "VARCHAR", id: "BIGINT", name: "VARCHAR", obj: "VARIANT", ok: "BOOLEAN", price: "DOUBLE", tags: "VARIANT" });
    expect(body.sample!.columns.every((c) => c.nullable)).toBe(true);
    const names = body.sample!.columns.map((c) => c.name);
    const first = Object.fromEntries(names.map((n, i) => [n, body.sample!.rows[0]![i]]));
    expect(first).toEqual({ id: 1, name: "a", price: 1.5, ok: true, at: "2024-01-02T03:04:05Z", gone: null, tags: ["x", "y"], obj: { k: 1, nested: { deep: true } } });
    const third = Object.fromEntries(names.map((n, i) => [n, body.sample!.rows[2]![i]]));
    expect(third).toMatchObject({ name: null, gone: null, obj: {} });
    // The third line has no "gone" key at all: a COPY would refuse it, and the preview says so.
    expect(body.sample!.warnings).toEqual([expect.stringMatching(/^Key "gone" is missing from line 3 of the sample: a COPY into a table with a gone column refuses such a line/)]);
  });

  it("Parquet: columns typed by Databend from the file's schema, values as JSON", async () => {
    const body = await ok({ file_format: parquet, key: "incoming/new/sample.parquet" });
    expect(body.sample).toMatchObject({ inferred_by: "databend", match_by: "name" });
    expect(body.sample!.columns).toEqual([
      { name: "id", type: "INT", nullable: true },
      { name: "big", type: "BIGINT", nullable: true },
      { name: "price", type: "DOUBLE", nullable: true },
      { name: "ok", type: "BOOLEAN", nullable: true },
      { name: "at", type: "TIMESTAMP", nullable: true },
      { name: "name", type: "VARCHAR", nullable: true },
    ]);
    expect(body.sample!.rows).toEqual([
      [1, 10, 1.5, true, "2024-01-02T03:04:05.000Z", "a"],
      [2, 20, 2.25, false, null, null],
      [3, 9007199254740991, -3, null, "2024-03-04T05:06:07.000Z", "c"],
    ]);
  });

  it("bounds the rows: at most 20, and a long value is cut", async () => {
    const long = "x".repeat(5000);
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i, text: i === 0 ? long : "short" }));
    await env.put(s.bucket, "incoming/bounds/many.ndjson", lines.join("\n"));
    const body = await ok({ file_format: ndjson, key: "incoming/bounds/many.ndjson" });
    expect(body.sample!.rows).toHaveLength(20);
    expect(body.sample!.truncated).toBe(true);
    const text = body.sample!.columns.findIndex((c) => c.name === "text");
    expect(String(body.sample!.rows[0]![text])).toHaveLength(1001);
  });
});

describe("POST /api/tasks/preview: what goes wrong, in words", () => {
  it("a malformed file names the key, with Databend's reason only in detail", async () => {
    await env.put(s.bucket, "incoming/bad/broken.ndjson", '{"id": 1\nnot json at all\n');
    const bad = await ok({ file_format: ndjson, key: "incoming/bad/broken.ndjson" });
    expect(bad.sample).toBeNull();
    expect(bad.sample_error?.error).toMatch(/^Databend cannot read incoming\/bad\/broken\.ndjson as NDJSON \(1046 BadBytes\): the file is malformed or not NDJSON\. Check the file format/);
    // The detail is the engine's own text, worded differently by each version ("Invalid JSON row" on
    // 1.2.453, "Invalid NDJSON row" on 1.2.895): only its code and the absence of a backtrace are ours.
    expect(bad.sample_error?.detail).toMatch(/\[1046\]/);
    expect(bad.sample_error?.detail).not.toMatch(/Backtrace|\n\s+0: /);
    expect(bad.objects.length).toBeGreaterThan(0);

    await env.put(s.bucket, "incoming/bad/broken.parquet", "PAR1 not a parquet file at all PAR1");
    const parquetBad = await ok({ file_format: parquet, key: "incoming/bad/broken.parquet" });
    expect(parquetBad.sample_error?.error).toMatch(/^Databend cannot read incoming\/bad\/broken\.parquet as PARQUET \(\d+ \w+\): the file is malformed/);
    expect(parquetBad.sample_error?.detail).toBeTruthy();
  });

  it("a sample that is not in the bucket says so", async () => {
    const res = await ok({ file_format: csv(), key: "incoming/old/missing.csv" });
    expect(res.sample_error?.error).toBe(`There is no object incoming/old/missing.csv in bucket ${s.bucket} (3001 StorageNotFound); choose one of the listed objects.`);
  });

  it("a role that may not list the bucket: 422 naming the role and s3:ListBucket, AWS's words in detail", async () => {
    const roleArn = await roleWith("preview-no-list", ["s3:GetObject"]);
    const id = await sourceWithRole("no list", roleArn);
    const res = await preview({ file_format: csv(), data_source_id: id });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe(
      `The role ${roleArn} may not list bucket ${s.bucket}: it lacks s3:ListBucket on arn:aws:s3:::${s.bucket}. ` +
        `Add "s3:ListBucket" on "arn:aws:s3:::${s.bucket}" to the role's permissions policy, then Retry.`,
    );
    expect(res.json().detail).toMatch(/AccessDenied/);
  });

  it("a role that may list but not read: the objects, and a sample error naming s3:GetObject", async () => {
    const roleArn = await roleWith("preview-no-read", ["s3:ListBucket"]);
    const id = await sourceWithRole("no read", roleArn);
    const body = await ok({ file_format: csv(), data_source_id: id, prefix: "incoming/old/" });
    expect(body.objects.map((o) => o.key)).toEqual(["incoming/old/sample.csv"]);
    expect(body.sample).toBeNull();
    expect(body.sample_error?.error).toMatch(new RegExp(`^S3 refused Databend reading incoming/old/sample\\.csv with the session of role ${roleArn} \\(3002 StoragePermissionDenied\\)\\. Add "s3:GetObject"`));
    expect(body.sample_error?.detail).toMatch(/PermissionDenied/);
  });

  it("a role whose trust policy does not name the External ID: 422 on AssumeRole", async () => {
    const name = "preview-other-org";
    const role = await env.iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(documents.trustPolicy(SETUP_ARN, LOAD_ARN, "another-org")) }),
    );
    const id = await sourceWithRole("other org", role.Role!.Arn!);
    const res = await preview({ file_format: csv(), data_source_id: id });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatch(new RegExp(`^Databend's setup role ${SETUP_ARN} may not assume ${role.Role!.Arn!} with external ID "${ORG_ID}"`));
  });
});

describe("POST /api/warehouse/databases/:db/tables", () => {
  const create = (db: string, payload: unknown) => app.inject({ method: "POST", url: `/api/warehouse/databases/${db}/tables`, payload: payload as object });

  it("creates a table from a sample's inferred columns, DESC shows them, and a COPY with the same format loads the file", async () => {
    const cases = [
      { table: "from_csv", key: "incoming/old/sample.csv", format: csv(), rows: 3 },
      // Its own prefix: the other NDJSON objects under incoming/ (other keys) would join its columns.
      { table: "from_ndjson", key: "incoming/full/sample.ndjson", format: ndjson, rows: 3, prefix: "incoming/full/" },
      { table: "from_parquet", key: "incoming/new/sample.parquet", format: parquet, rows: 3 },
    ];
    // The NDJSON sample with every key on every line (a missing key fails the COPY; see the warning above).
    await env.put(s.bucket, "incoming/full/sample.ndjson", NDJSON_BODY.replace('"tags":["z"]', '"gone":null,"tags":["z"]'));
    for (const c of cases) {
      const sample = (await ok({ file_format: c.format, key: c.key, ...("prefix" in c ? { prefix: c.prefix } : {}) })).sample!;
      expect(sample.warnings, c.table).toEqual([]);
      const res = await create("default", { name: c.table, columns: sample.columns });
      expect(res.statusCode, res.body).toBe(201);
      const created = createdTableSchema.parse(res.json());
      expect(created.columns.map(({ name, type, nullable }) => ({ name, type, nullable }))).toEqual(sample.columns);

      const described = await app.inject({ method: "GET", url: `/api/warehouse/databases/default/tables/${c.table}/columns` });
      expect(warehouseColumnsSchema.parse(described.json()).items.map((col) => col.type)).toEqual(sample.columns.map((col) => col.type));

      const loaded = await env.wh.copyInto(
        buildCopyInto({
          database: "default",
          table: c.table,
          bucket: s.bucket,
          files: [c.key],
          connection: { region: REGION, ...CUSTOMER, endpointUrl: env.sandbox.url },
          fileFormat: c.format,
          onError: "abort",
          purge: false,
        }),
        [],
      );
      expect(loaded.map((r) => r.rowsLoaded), c.table).toEqual([c.rows]);
    }
    const rows = await env.wh.query("SELECT id, obj:nested:deep AS deep FROM `default`.`from_ndjson` ORDER BY id");
    expect(rows.map((r) => [Number(r.id), r.deep === null ? null : String(r.deep)])).toEqual([[1, "true"], [2, null], [3, null]]);

    // Each table made is in the audit log, by its database and name, as the caller.
    const recorded = (await audit.list(ORG_ID, { limit: 50, resource_type: "table" }))!.items;
    expect(recorded.map((e) => [e.action, e.resource_id, e.resource_name, e.actor.email]).reverse()).toEqual(
      cases.map((c) => ["created", `default.${c.table}`, `default.${c.table}`, "test@example.com"]),
    );
    expect(recorded.at(-1)!.outcome).toMatch(/^\d+ columns in warehouse /);
  });

  it("takes every whitelisted type and DECIMAL, spelled as DESC spells them, and keeps NOT NULL", async () => {
    const res = await create("default", {
      name: "All Types",
      columns: [
        { name: "b", type: "boolean", nullable: false },
        { name: "t", type: "tinyint unsigned" },
        { name: "i", type: "INT" },
        { name: "d", type: "decimal(10,2)" },
        { name: "f", type: "FLOAT" },
        { name: "day", type: "DATE" },
        { name: "ts", type: "TIMESTAMP" },
        { name: "v", type: "VARIANT" },
        { name: "bin", type: "BINARY" },
        { name: "with space", type: "VARCHAR" },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().columns.map((c: { name: string; type: string; nullable: boolean }) => [c.name, c.type, c.nullable])).toEqual([
      ["b", "BOOLEAN", false],
      ["t", "TINYINT UNSIGNED", true],
      ["i", "INT", true],
      ["d", "DECIMAL(10, 2)", true],
      ["f", "FLOAT", true],
      ["day", "DATE", true],
      ["ts", "TIMESTAMP", true],
      ["v", "VARIANT", true],
      ["bin", "BINARY", true],
      ["with space", "VARCHAR", true],
    ]);
  });

  it("answers 409 when the table exists, 404 for a missing database, and 400 for a type or name it refuses", async () => {
    const again = await create("default", { name: "from_csv", columns: [{ name: "x", type: "INT" }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/^Databend already has a table from_csv in database default/);

    const missing = await create("nowhere", { name: "t", columns: [{ name: "x", type: "INT" }] });
    expect(missing.statusCode).toBe(404);

    const bad = await create("default", {
      name: "bad",
      columns: [
        { name: "x", type: "INT; DROP TABLE y" },
        { name: "a`b", type: "INT" },
        { name: "x", type: "DECIMAL(80, 2)" },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual({
      "columns.0.type": WAREHOUSE_MESSAGES.columnType,
      "columns.1.name": expect.stringMatching(/backtick/),
      "columns.2.type": WAREHOUSE_MESSAGES.columnType,
    });
    const dup = await create("default", { name: "dup", columns: [{ name: "x", type: "INT" }, { name: "x", type: "INT" }] });
    expect(dup.json().fields).toEqual({ "columns.1.name": WAREHOUSE_MESSAGES.duplicateColumn("x") });
  });
});

describe("secrets", () => {
  it("the role session's secret key and token appear in no answer and no log line", () => {
    expect(sessions.length).toBeGreaterThan(5);
    expect(answers.length).toBeGreaterThan(5);
    expect(logs.length).toBeGreaterThan(0);
    const everything = [...answers, ...logs].join("\n");
    for (const session of sessions) {
      expect(session.secretAccessKey.length).toBeGreaterThan(8);
      expect(everything).not.toContain(session.secretAccessKey);
      if (session.sessionToken) expect(everything).not.toContain(session.sessionToken);
    }
  });
});

describe("CSV inference follows what Databend's CSV reader loads", () => {
  it("TRUE/FALSE in capitals stay VARCHAR: Databend loads only true and false into a BOOLEAN", async () => {
    await env.put(s.bucket, "incoming/caps/flags.csv", "flag\nTRUE\nFALSE\n");
    const body = await ok({ file_format: csv(), key: "incoming/caps/flags.csv", prefix: "incoming/caps/" });
    expect(body.sample!.columns).toEqual([{ name: "flag", type: "VARCHAR", nullable: true }]);
  });
});

describe("types across files: the preview reads several objects and widens, and a table of the widened types loads them all", () => {
  /** A table made through the API from `columns`, then one COPY of `files` with `format` into it: its per-file results, or the engine's refusal. */
  async function tableLoads(table: string, columns: PreviewColumn[], format: FileFormat, files: string[]) {
    const made = await app.inject({ method: "POST", url: "/api/warehouse/databases/default/tables", payload: { name: table, columns } });
    expect(made.statusCode, made.body).toBe(201);
    return env.wh.copyInto(
      buildCopyInto({
        database: "default",
        table,
        bucket: s.bucket,
        files,
        connection: { region: REGION, ...CUSTOMER, endpointUrl: env.sandbox.url },
        fileFormat: format,
        onError: "abort",
        purge: false,
      }),
      [],
    );
  }

  // Oldest first, a second apart (S3's LastModified has whole seconds). The newest holds amount 1.
  const CSV_FILES: [string, string][] = [
    ["w1", "1,0.25,A7,2024-01-01"],
    ["w2", "2,10.5,,2024-01-02 03:04:05"],
    ["w3", "3,4,,2024-01-03"],
    ["w4", "4,3,,2024-01-04"],
    ["w5", "5,2,x,2024-01-05"],
    ["w6", "6,1,7,2024-01-06"],
  ];
  const csvKey = (name: string) => `incoming/widen/${name}.csv`;
  const NDJSON_FILES: [string, Record<string, unknown>][] = [
    ["j1", { id: 1, v: 2.5, o: [1, 2], t: null }],
    ["j2", { id: 2, v: "one", o: { a: 1 }, t: "2024-01-02 03:04:05" }],
    ["j3", { id: 3, v: 1, o: null, t: "2024-01-03" }],
  ];
  const ndjsonKey = (name: string) => `incoming/widenj/${name}.ndjson`;

  beforeAll(async () => {
    for (const [i, [name, line]] of CSV_FILES.entries()) {
      if (i > 0) await sleep(1100);
      await env.put(s.bucket, csvKey(name), `id,amount,code,day\n${line}\n`);
    }
    for (const [i, [name, row]] of NDJSON_FILES.entries()) {
      if (i > 0) await sleep(1100);
      await env.put(s.bucket, ndjsonKey(name), `${JSON.stringify(row)}\n`);
    }
  }, 60_000);

  it("CSV: BIGINT in the newest 3 files, DOUBLE in the 2 oldest → DOUBLE; 5 of 6 files read, the sample's next newest and the oldest", async () => {
    const body = await ok({ file_format: csv(), prefix: "incoming/widen/" });
    const sample = body.sample!;
    expect(sample.key).toBe(csvKey("w6"));
    expect(sample.typed_from).toEqual(["w6", "w5", "w4", "w2", "w1"].map((n) => ({ key: csvKey(n), rows: 1 })));
    expect(sample.typing_left_out).toEqual([]);
    expect(sample.columns).toEqual([
      { name: "id", type: "BIGINT", nullable: true },
      { name: "amount", type: "DOUBLE", nullable: true },
      { name: "code", type: "VARCHAR", nullable: true },
      { name: "day", type: "TIMESTAMP", nullable: true },
    ]);
    expect(sample.disagreements).toEqual([
      { column: "amount", type: "DOUBLE", types: [{ type: "BIGINT", keys: ["w6", "w5", "w4"].map(csvKey) }, { type: "DOUBLE", keys: ["w2", "w1"].map(csvKey) }] },
      // w5's "x" and w1's "A7" are text, w6's 7 a number; the other files hold no code.
      { column: "code", type: "VARCHAR", types: [{ type: "BIGINT", keys: [csvKey("w6")] }, { type: "VARCHAR", keys: ["w5", "w1"].map(csvKey) }] },
      { column: "day", type: "TIMESTAMP", types: [{ type: "DATE", keys: ["w6", "w5", "w4", "w1"].map(csvKey) }, { type: "TIMESTAMP", keys: [csvKey("w2")] }] },
    ]);
    // The rows shown are still the sample's own.
    expect(sample.rows).toEqual([["6", "1", "7", "2024-01-06"]]);

    // What one file alone proposes (the scope narrowed to the newest): amount BIGINT, and the real
    // engine loses the older file's decimals in it; the widened proposal loads all six files as written.
    const alone = (await ok({ file_format: csv(), prefix: "incoming/widen/w6" })).sample!;
    expect(alone.typed_from).toEqual([{ key: csvKey("w6"), rows: 1 }]);
    expect(alone.columns.find((c) => c.name === "amount")?.type).toBe("BIGINT");
    const narrow = await tableLoads("widen_one_file", alone.columns, csv(), [csvKey("w2")]).then(
      async () => (await env.wh.query("SELECT amount FROM `default`.`widen_one_file`")).map((r) => Number(r.amount)),
      (error: unknown) => String(error),
    );
    // Both engines (1.2.453 and 1.2.895) load the text 10.5 into BIGINT without a word, as 11.
    expect(narrow).toEqual([11]);

    const loaded = await tableLoads("widen_csv", sample.columns, csv(), CSV_FILES.map(([n]) => csvKey(n)));
    expect(loaded.map((r) => r.rowsLoaded)).toEqual(CSV_FILES.map(() => 1));
    const rows = await env.wh.query("SELECT id, amount, code FROM `default`.`widen_csv` ORDER BY id");
    expect(rows.map((r) => [Number(r.id), Number(r.amount), r.code ?? null])).toEqual([
      [1, 0.25, "A7"],
      [2, 10.5, null],
      [3, 4, null],
      [4, 3, null],
      [5, 2, "x"],
      [6, 1, "7"],
    ]);
  });

  it("NDJSON: a number in one file and a word in another → VARCHAR, nested → VARIANT, date and timestamp → TIMESTAMP; the table loads every file", async () => {
    const body = await ok({ file_format: ndjson, prefix: "incoming/widenj/" });
    const sample = body.sample!;
    expect(sample.typed_from.map((f) => f.key)).toEqual(["j3", "j2", "j1"].map(ndjsonKey));
    expect(Object.fromEntries(sample.columns.map((c) => [c.name, c.type]))).toEqual({ id: "BIGINT", v: "VARCHAR", o: "VARIANT", t: "TIMESTAMP" });
    expect(sample.disagreements.map((d) => [d.column, d.types.map((t) => `${t.type} in ${t.keys.length}`).join(", "), d.type])).toEqual([
      ["t", "DATE in 1, TIMESTAMP in 1", "TIMESTAMP"],
      ["v", "BIGINT in 1, VARCHAR in 1, DOUBLE in 1", "VARCHAR"],
    ]);
    expect(sample.warnings).toEqual([]);
    const loaded = await tableLoads("widen_ndjson", sample.columns, ndjson, NDJSON_FILES.map(([n]) => ndjsonKey(n)));
    expect(loaded.map((r) => r.rowsLoaded)).toEqual([1, 1, 1]);
    const rows = await env.wh.query("SELECT id, v, o::STRING AS o FROM `default`.`widen_ndjson` ORDER BY id");
    expect(rows.map((r) => [Number(r.id), r.v, r.o ?? null])).toEqual([
      [1, "2.5", "[1,2]"],
      [2, "one", '{"a":1}'],
      [3, "1", null],
    ]);
  });

  it("Parquet: INT in one file and DOUBLE in another → DOUBLE; the table loads each, and the preview warns that one COPY of both fails", async () => {
    const one = (name: string, data: Int32Array | Float64Array, type: "INT32" | "DOUBLE") =>
      env.put(s.bucket, `incoming/widenp/${name}.parquet`, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "n", data, type }] })));
    await one("p1", new Float64Array([1.5]), "DOUBLE");
    await sleep(1100);
    await one("p2", new Int32Array([2]), "INT32");
    const sample = (await ok({ file_format: parquet, prefix: "incoming/widenp/" })).sample!;
    expect(sample.typed_from.map((f) => f.key)).toEqual(["incoming/widenp/p2.parquet", "incoming/widenp/p1.parquet"]);
    expect(sample.columns.map((c) => [c.name, c.type])).toEqual([["n", "DOUBLE"]]);
    expect(sample.disagreements.map((d) => d.types.map((t) => t.type))).toEqual([["INT", "DOUBLE"]]);
    const loaded = await tableLoads("widen_parquet", sample.columns, parquet, ["incoming/widenp/p1.parquet"]);
    expect(loaded.map((r) => r.rowsLoaded)).toEqual([1]);
    const second = await env.wh.copyInto(
      buildCopyInto({ database: "default", table: "widen_parquet", bucket: s.bucket, files: ["incoming/widenp/p2.parquet"], connection: { region: REGION, ...CUSTOMER, endpointUrl: env.sandbox.url }, fileFormat: parquet, onError: "abort", purge: false }),
      [],
    );
    expect(second.map((r) => r.rowsLoaded)).toEqual([1]);
    // One COPY of both (a batch of the task) is refused: 1.2.895 answers 1303 "get diff schema in
    // file", 1.2.453 1002 "conversion from arrow type Int32 to Number(Float64) is not supported".
    await expect(
      env.wh.copyInto(
        buildCopyInto({ database: "default", table: "widen_parquet", bucket: s.bucket, files: ["incoming/widenp/p1.parquet", "incoming/widenp/p2.parquet"], connection: { region: REGION, ...CUSTOMER, endpointUrl: env.sandbox.url }, fileFormat: parquet, onError: "abort", purge: false, force: true }),
        [],
      ),
    ).rejects.toThrow(/\[1303\]|\[1002\]/);
    expect(sample.warnings).toEqual([expect.stringMatching(/^The files read disagree on the Parquet type of n: Databend refuses one COPY of Parquet files whose schemas differ/)]);
    const rows = await env.wh.query("SELECT n FROM `default`.`widen_parquet` ORDER BY n");
    expect(rows.map((r) => Number(r.n))).toEqual([1.5, 2]);
  });

  it("bounds: the sample is the newest object within the size bound, one chosen over it is refused in words, others over it or past the time bound are left out and named", async () => {
    const warehouse = await app.warehouses.access(ORG_ID, null, "warehouse_id");
    const source = (await env.sources.getDataSource(ORG_ID, s.dataSourceId))!;
    const bounded = (readBounds: { objectBytes: number; ms: number }) =>
      createPreviewer({ platformSetupRoleArn: SETUP_ARN, aws: { credentials: SETUP_KEYS, endpoints: { sts: env.sandbox.url, s3: env.sandbox.url } }, timeoutMs: 20_000, readBounds });
    const input = { orgId: ORG_ID, source, prefix: "incoming/widen/", suffix: "", fileFormat: csv(), warehouse };

    // A bound one byte under the smallest object: nothing may be read, and the answer says why.
    const sizes = (await ok({ file_format: csv(), prefix: "incoming/widen/" })).objects;
    const limit = Math.min(...sizes.map((o) => o.size));
    const none = await bounded({ objectBytes: limit - 1, ms: 20_000 }).preview(input);
    expect(none.sample).toBeNull();
    expect(none.sample_error?.error).toMatch(new RegExp(`^${csvKey("w6")} is \\d+ bytes, larger than the ${limit - 1} bytes a preview asks Databend to read\\. Choose a smaller object`));
    // Chosen by key over the bound: refused the same way, nothing read.
    const chosen = await bounded({ objectBytes: limit - 1, ms: 20_000 }).preview({ ...input, key: csvKey("w1") });
    expect(chosen.sample_error?.error).toMatch(/larger than the \d+ bytes a preview asks Databend to read/);

    // A bound at the smallest object's size: the sample is the newest object within it, and every
    // larger one is left out of the typing with its size.
    const within = sizes.filter((o) => o.size <= limit);
    const bySize = (await bounded({ objectBytes: limit, ms: 20_000 }).preview(input)).sample!;
    expect(bySize.typed_from[0]!.key).toBe(within[0]!.key);
    const larger = sizes.filter((o) => o.size > limit).map((o) => o.key);
    expect(bySize.typing_left_out.map((f) => f.key).sort()).toEqual(larger.filter((k) => k !== within[0]!.key).sort());
    for (const f of bySize.typing_left_out) expect(f.reason).toMatch(new RegExp(`^\\d+ bytes, larger than the ${limit} bytes a preview reads for the types$`));

    const byTime = (await bounded({ objectBytes: 1024, ms: 0 }).preview(input)).sample!;
    expect(byTime.typed_from.map((f) => f.key)).toEqual([csvKey("w6")]);
    expect(byTime.typing_left_out).toEqual(["w5", "w4", "w2", "w1"].map((n) => ({ key: csvKey(n), reason: "not read: a preview reads other files for 0 s at most" })));
  });

  it("a file of another format in the scope is not read for the types, and one that Databend cannot read is left out and named", async () => {
    await env.put(s.bucket, "incoming/widenj/zz-other.csv", "id\n1\n");
    await env.put(s.bucket, "incoming/widenj/j0-broken.ndjson", '{"id": \n');
    const sample = (await ok({ file_format: ndjson, prefix: "incoming/widenj/", key: ndjsonKey("j2") })).sample!;
    expect(sample.typed_from.map((f) => f.key)).toEqual(["j2", "j3", "j1"].map(ndjsonKey));
    expect(sample.typing_left_out).toEqual([
      { key: "incoming/widenj/j0-broken.ndjson", reason: expect.stringMatching(/^Databend cannot read incoming\/widenj\/j0-broken\.ndjson as NDJSON/) },
    ]);
  });
});
