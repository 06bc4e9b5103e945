// The data-source port of the store (data sources and the connectivity tests that gate saving),
// implemented once over Kysely for SQLite and PostgreSQL (data-sources.ts).
import type { ConnectionFields, DataSourceInput, DataSourceRecord } from "#contracts/data-source.ts";
import type { CheckResult } from "#contracts/connectivity.ts";

export interface StoredTest {
  ok: boolean;
  tested_at: string;
  checks: CheckResult[];
}

export interface TaskRef {
  id: string;
  name: string;
}

export interface DataSourceStore {
  listDataSources(orgId: string): Promise<DataSourceRecord[]>;
  getDataSource(orgId: string, id: string): Promise<DataSourceRecord | null>;
  /** The data source with this name in the org, ignoring ASCII case. */
  findDataSourceByName(orgId: string, name: string): Promise<DataSourceRecord | null>;
  /** Throws DuplicateNameError when the name is taken in the org. */
  createDataSource(orgId: string, input: DataSourceInput, lastTest: StoredTest | null): Promise<DataSourceRecord>;
  /** Null when no such id in the org. Throws DuplicateNameError when the name is taken by another. */
  updateDataSource(
    orgId: string,
    id: string,
    input: DataSourceInput,
    lastTest: StoredTest | null,
  ): Promise<DataSourceRecord | null>;
  /** "deleted", "missing", or the tasks that still use it (then nothing is deleted). */
  deleteDataSource(orgId: string, id: string): Promise<{ status: "deleted" | "missing" } | { status: "in_use"; tasks: TaskRef[] }>;

  /** Minimal task rows, so "in use" works before the task issue lands. */
  createTask(orgId: string, task: { name: string; data_source_id: string }): Promise<TaskRef>;

  recordConnectivityTest(orgId: string, connection: ConnectionFields, test: StoredTest): Promise<void>;
  /** The most recent test of exactly these connection values, or null. */
  latestConnectivityTest(orgId: string, connection: ConnectionFields): Promise<StoredTest | null>;
}

export class DuplicateNameError extends Error {
  readonly existingName: string;
  constructor(existingName: string) {
    super(`A data source named ${existingName} already exists`);
    this.existingName = existingName;
  }
}
