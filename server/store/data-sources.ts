// DataSourceStore over Kysely: data sources and the Test Connectivity outcomes that gate saving.
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { DATA_SOURCE_TYPE, type DataSourceRecord } from "#contracts/data-source.ts";
import { connectionHash } from "./connection-hash.ts";
import type { StoreDb } from "./dialect.ts";
import type { DataSourcesTable } from "./schema.ts";
import { DuplicateNameError, type DataSourceStore, type StoredTest, type TaskRef } from "./types.ts";

/** Tests older than this are pruned; the save gate only looks 15 minutes back. */
const TEST_RETENTION_MS = 24 * 60 * 60 * 1000;

export function dataSourceStore(s: StoreDb, now: () => Date): DataSourceStore {
  const { db } = s;

  const usedBy = (orgId: string, id: string): Promise<TaskRef[]> =>
    db.selectFrom("tasks").select(["id", "name"]).where("org_id", "=", orgId).where("data_source_id", "=", id).orderBy("name").execute();

  /** Whether a task of this source deletes loaded files: its role then needs s3:DeleteObject (the AWS-side template). */
  const anyPurges = async (orgId: string, id: string): Promise<boolean> =>
    !!(await db.selectFrom("tasks").select("id").where("org_id", "=", orgId).where("data_source_id", "=", id).where("purge", "=", 1).executeTakeFirst());

  const toRecord = async (row: Selectable<DataSourcesTable>): Promise<DataSourceRecord> => ({
    id: row.id,
    type: DATA_SOURCE_TYPE,
    name: row.name,
    queue_url: row.queue_url,
    queue_region: row.queue_region,
    role_arn: row.role_arn,
    external_id: row.external_id,
    bucket: row.bucket,
    prefix: row.prefix,
    suffix: row.suffix,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_test: row.last_test ? (JSON.parse(row.last_test) as StoredTest) : null,
    used_by: await usedBy(row.org_id, row.id),
    purges: await anyPurges(row.org_id, row.id),
  });

  const getRow = (orgId: string, id: string) =>
    db.selectFrom("data_sources").selectAll().where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();

  /** Case-insensitive, as the unique index on (org_id, lower(name)). */
  const byName = (orgId: string, name: string) =>
    db
      .selectFrom("data_sources")
      .selectAll()
      .where("org_id", "=", orgId)
      .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
      .executeTakeFirst();

  const duplicate = async (error: unknown, orgId: string, name: string): Promise<never> => {
    if (s.isUniqueViolation(error)) throw new DuplicateNameError((await byName(orgId, name))?.name ?? name);
    throw error;
  };

  return {
    async listDataSources(orgId) {
      const rows = await db.selectFrom("data_sources").selectAll().where("org_id", "=", orgId).orderBy("created_at").orderBy("id").execute();
      return Promise.all(rows.map(toRecord));
    },

    async getDataSource(orgId, id) {
      const row = await getRow(orgId, id);
      return row ? toRecord(row) : null;
    },

    async findDataSourceByName(orgId, name) {
      const row = await byName(orgId, name);
      return row ? toRecord(row) : null;
    },

    async createDataSource(orgId, input, lastTest) {
      const id = randomUUID();
      const at = now().toISOString();
      await db
        .insertInto("data_sources")
        .values({
          id, org_id: orgId, type: DATA_SOURCE_TYPE, name: input.name, queue_url: input.queue_url,
          queue_region: input.queue_region, role_arn: input.role_arn, external_id: input.external_id,
          bucket: input.bucket, prefix: input.prefix, suffix: input.suffix,
          last_test: lastTest ? JSON.stringify(lastTest) : null, created_at: at, updated_at: at,
        })
        .execute()
        .catch((error) => duplicate(error, orgId, input.name));
      return toRecord((await getRow(orgId, id))!);
    },

    async updateDataSource(orgId, id, input, lastTest) {
      const result = await db
        .updateTable("data_sources")
        .set({
          name: input.name, queue_url: input.queue_url, queue_region: input.queue_region, role_arn: input.role_arn,
          external_id: input.external_id, bucket: input.bucket, prefix: input.prefix, suffix: input.suffix,
          last_test: lastTest ? JSON.stringify(lastTest) : null, updated_at: now().toISOString(),
        })
        .where("org_id", "=", orgId)
        .where("id", "=", id)
        .executeTakeFirst()
        .catch((error) => duplicate(error, orgId, input.name));
      if (Number(result.numUpdatedRows) === 0) return null;
      return toRecord((await getRow(orgId, id))!);
    },

    async deleteDataSource(orgId, id) {
      if (!(await getRow(orgId, id))) return { status: "missing" };
      const tasks = await usedBy(orgId, id);
      if (tasks.length > 0) return { status: "in_use", tasks };
      // The foreign key (ON DELETE RESTRICT) refuses it should a task be created meanwhile.
      try {
        await db.deleteFrom("data_sources").where("org_id", "=", orgId).where("id", "=", id).execute();
      } catch (error) {
        const now = await usedBy(orgId, id);
        if (now.length > 0) return { status: "in_use", tasks: now };
        throw error;
      }
      return { status: "deleted" };
    },

    async createTask(orgId, task) {
      const id = randomUUID();
      await db.insertInto("tasks").values({ id, org_id: orgId, name: task.name, data_source_id: task.data_source_id, created_at: now().toISOString() }).execute();
      return { id, name: task.name };
    },

    async recordConnectivityTest(orgId, connection, test) {
      await db
        .insertInto("connectivity_tests")
        .values({
          id: randomUUID(), org_id: orgId, connection_hash: connectionHash(connection), ok: test.ok ? 1 : 0,
          checks: JSON.stringify(test.checks), tested_at: test.tested_at,
        })
        .execute();
      const cutoff = new Date(now().getTime() - TEST_RETENTION_MS).toISOString();
      await db.deleteFrom("connectivity_tests").where("org_id", "=", orgId).where("tested_at", "<", cutoff).execute();
    },

    async latestConnectivityTest(orgId, connection) {
      const row = await db
        .selectFrom("connectivity_tests")
        .select(["ok", "checks", "tested_at"])
        .where("org_id", "=", orgId)
        .where("connection_hash", "=", connectionHash(connection))
        .orderBy("tested_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!row) return null;
      return { ok: Number(row.ok) === 1, tested_at: row.tested_at, checks: JSON.parse(row.checks) as StoredTest["checks"] };
    },
  };
}
