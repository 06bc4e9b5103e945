// A throwaway PostgreSQL cluster for tests: Debian's `postgresql` binaries, initdb into a temp
// dir, started on a free port on 127.0.0.1 with its unix socket in that dir, stopped and removed
// at the end. No Docker, no system service. initdb refuses to run as root, so as root the cluster
// runs as the `postgres` user the Debian package creates.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./net.ts";

const run = promisify(execFile);

/** Set SKIP_POSTGRES=1 to report the PostgreSQL half of a suite as skipped instead of failed. */
export const SKIP_POSTGRES = process.env.SKIP_POSTGRES === "1";
export const SKIP_REASON = "SKIP_POSTGRES=1: PostgreSQL suites skipped";
export const MISSING = "PostgreSQL is not installed: install Debian's postgresql package (apt-get install postgresql) or set SKIP_POSTGRES=1 to skip these tests.";

/** The directory holding initdb/pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, "initdb"))) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0]!, "bin") : null;
}


export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** A fresh, empty database in the cluster; its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), "pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]).catch(() => {
      throw new Error("Running as root, and initdb refuses root: create a `postgres` user (Debian's postgresql package does) or run the tests as another user.");
    });
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    chownSync(dir, Number(stdout.trim()), gid);
  }
  const pgRun = (cmd: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args);

  await pgRun("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      // fsync off: a test cluster is thrown away, durability buys nothing here.
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
      await pgRun("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]);
      break;
    } catch (error) {
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name = `t${process.pid}_${++counter}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await pgRun("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
