// The stand-ins a bench runs against, each in its own process as under `npm start`: the AWS
// sandbox and the dev warehouse launcher (which spawns the engine, sandbox/warehouse/front/server.py,
// and prints "dev warehouse ready in <ms> ms" once the engine answers).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../tests/support/net.ts";
import { WORKER_NODE_FLAGS } from "../server/worker/node-flags.ts";

export async function spawnStandIns(dataDir: string, org: string): Promise<{
  sandboxPort: number;
  warehousePort: number;
  sandboxProc: ChildProcess;
  launcher: ChildProcess;
}> {
  const sandboxPort = await freePort();
  const warehousePort = await freePort();
  const sandboxProc = spawn(process.execPath, [path.resolve("sandbox/main.ts"), "--reset"], {
    env: { ...process.env, SANDBOX_PORT: String(sandboxPort), DATA_DIR: dataDir, ORG_ID: org, SANDBOX_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const launcher = spawn(process.execPath, [path.resolve("sandbox/warehouse/main.ts")], {
    env: { ...process.env, WAREHOUSE_PORT: String(warehousePort), DATA_DIR: dataDir, WAREHOUSE_LOG: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return { sandboxPort, warehousePort, sandboxProc, launcher };
}

/**
 * Starts a task worker process as `npm run worker` does (its V8 flags from package.json), acting as
 * the platform load identity against the sandbox; its metrics go to any free port, so several
 * workers (or one beside `npm start`) never contend for 9464, and their cost stays in the figure.
 */
export function spawnBenchWorker(settings: {
  dataDir: string;
  dsn: string;
  org: string;
  sandboxUrl: string;
  region: string;
  extraEnv?: NodeJS.ProcessEnv;
}): ChildProcess {
  // BENCH_CPU_PROF=<dir>: the worker writes a V8 CPU profile (.cpuprofile) there when it exits, for
  // `node bench/cpu-profile-summary.ts <dir>` (docs/benchmarks.md, "where the worker's CPU goes").
  // BENCH_WORKER_FLAGS: more Node/V8 flags for the worker only, space-separated (e.g. --trace-gc;
  // NODE_OPTIONS refuses V8 flags like that one and would reach every process).
  // BENCH_WORKER_ENV="K=V ...": environment for the worker only (e.g. MALLOC_ARENA_MAX=2, which
  // would otherwise also reach the sandbox and the engine through process.env).
  // BENCH_MEMORY_LOG=<file>: the worker appends its memory every 2 s to that file (bench/memory-log.ts).
  const profDir = process.env.BENCH_CPU_PROF;
  const memoryLog = process.env.BENCH_MEMORY_LOG;
  const flags = [
    ...WORKER_NODE_FLAGS,
    ...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profDir)}`] : []),
    ...(memoryLog ? [`--import=${path.resolve("bench/memory-log.ts")}`] : []),
    ...(process.env.BENCH_WORKER_FLAGS ?? "").split(" ").filter(Boolean),
  ];
  return spawn(process.execPath, [...flags, path.resolve("server/worker/main.ts")], {
    env: {
      ...process.env,
      ...settings.extraEnv,
      ...(memoryLog ? { BENCH_MEMORY_LOG: path.resolve(memoryLog) } : {}),
      ...workerEnv(process.env.BENCH_WORKER_ENV),
      DATA_DIR: settings.dataDir,
      DATABEND_DSN: settings.dsn,
      WORKER_METRICS_PORT: "0",
      ORG_ID: settings.org,
      AWS_ENDPOINT_URL: settings.sandboxUrl,
      AWS_ACCESS_KEY_ID: "platform-load",
      AWS_SECRET_ACCESS_KEY: "platform-load",
      AWS_REGION: settings.region,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

function workerEnv(spec: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const pair of (spec ?? "").split(" ").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`BENCH_WORKER_ENV: "${pair}" is not NAME=value (space-separated pairs, e.g. MALLOC_ARENA_MAX=2)`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
