// better-auth's tables (users, sessions, accounts, organizations, members, API keys), created and
// brought up to date by better-auth's own programmatic migration, in the store's database. Identity
// asks for them before its first use (seeding, the API's first request); the store knows nothing
// of identity, so a worker, which needs none of them, never creates them.
//
// Why its migration and not numbered migrations of ours: getMigrations() compares the schema the
// configured plugins expect with what the database has and adds what is missing, so a library
// upgrade that adds a column is applied by the same step; copying its schema into our migrations
// would be a second definition that drifts. It runs on every start in one transaction under a
// lock, so two processes starting together cannot both create a table: PostgreSQL takes an
// advisory lock for the transaction; SQLite's BEGIN IMMEDIATE (our dialect) holds the write lock.
import { getMigrations } from "better-auth/db/migration";
import { sql } from "kysely";
import type { StoreDb } from "../store/dialect.ts";
import { authSchemaOptions } from "./options.ts";

/** Any fixed number: the advisory lock better-auth's migration is serialized by. */
const AUTH_MIGRATION_LOCK = 7_342_019;

const migrated = new WeakMap<StoreDb, Promise<void>>();

/** The tables exist and are current in this store; asked once per store handle, whoever asks. */
export function ensureAuthTables(s: StoreDb): Promise<void> {
  let done = migrated.get(s);
  if (!done) {
    done = migrateAuthTables(s);
    // A failure is not remembered: the next caller tries again.
    done.catch(() => migrated.delete(s));
    migrated.set(s, done);
  }
  return done;
}

async function migrateAuthTables(s: StoreDb): Promise<void> {
  await s.db.transaction().execute(async (trx) => {
    if (s.dialect === "postgres") await sql`select pg_advisory_xact_lock(${AUTH_MIGRATION_LOCK})`.execute(trx);
    const { runMigrations } = await getMigrations(authSchemaOptions({ db: trx, dialect: s.dialect }));
    await runMigrations();
  });
}
