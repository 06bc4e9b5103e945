// better-auth's tables (users, sessions, accounts, organizations, members, API keys), created and
// brought up to date by better-auth's own programmatic migration, from our store's migrate step.
//
// Why its migration and not numbered migrations of ours: getMigrations() compares the schema the
// configured plugins expect with what the database has and adds what is missing, so a library
// upgrade that adds a column is applied by the same step; copying its schema into our migrations
// would be a second definition that drifts. It runs on every start in one transaction under a
// lock, so two processes starting together cannot both create a table: PostgreSQL takes an
// advisory lock for the transaction; SQLite's BEGIN IMMEDIATE (our dialect) holds the write lock.
import { getMigrations } from "better-auth/db/migration";
import { sql } from "kysely";
import { authSchemaOptions } from "../auth/options.ts";
import type { StoreDb } from "./dialect.ts";

/** Any fixed number: the advisory lock better-auth's migration is serialized by. */
const AUTH_MIGRATION_LOCK = 7_342_019;

export async function migrateAuthTables(s: StoreDb): Promise<void> {
  await s.db.transaction().execute(async (trx) => {
    if (s.dialect === "postgres") await sql`select pg_advisory_xact_lock(${AUTH_MIGRATION_LOCK})`.execute(trx);
    const { runMigrations } = await getMigrations(authSchemaOptions({ db: trx, dialect: s.dialect }));
    await runMigrations();
  });
}
