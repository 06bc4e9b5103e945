// Starts and stops the dev warehouse: Databend's own engine (PyPI `databend`) behind Databend's
// HTTP query protocol, served by front/server.py from the provisioned virtual environment. This
// file only launches the process; every statement is executed by the engine.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { FRONT_DIR, requireEngine, selectedEngineName, type EngineName } from "./engine-env.ts";

export interface WarehouseOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default: WAREHOUSE_PORT or 8000. */
  port?: number;
  /** The engine's state lives in <dataDir>/warehouse/. Default: DATA_DIR or ./data. */
  dataDir?: string;
  /** Log each request and statement outcome (never statement text). Default false. */
  log?: boolean;
  /** Delete the engine's state first. */
  reset?: boolean;
  /** Which provisioned engine runs it. Default: WAREHOUSE_ENGINE, else the newest. */
  engine?: EngineName;
}

export interface Warehouse {
  dsn: string;
  port: number;
  url: string;
  /** The engine's `SELECT version()`. */
  version: string;
  /** Milliseconds from spawn to ready. */
  startupMs: number;
  /** The engine chosen (newest or oldest). */
  engine: EngineName;
  pid: number;
  stop(): Promise<void>;
}

export const STATE_SUBDIR = "warehouse";

export function warehouseStateDir(dataDir: string): string {
  return path.resolve(dataDir, STATE_SUBDIR);
}

export async function startWarehouse(options: WarehouseOptions = {}): Promise<Warehouse> {
  const engine = requireEngine(options.engine ?? selectedEngineName());
  const port = options.port ?? Number(process.env.WAREHOUSE_PORT || 8000);
  const stateDir = warehouseStateDir(options.dataDir ?? process.env.DATA_DIR ?? "./data");
  if (options.reset) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const args = [path.join(FRONT_DIR, "server.py"), "--port", String(port), "--data-dir", stateDir, "--exit-with-stdin"];
  if (options.log) args.push("--log");
  const started = Date.now();
  const child = spawn(engine.python, args, {
    cwd: FRONT_DIR,
    stdio: ["pipe", "pipe", "pipe"],
    // The engine's Rust backtraces are noise in our logs; its error codes and messages are kept.
    // keepmeta.so: the newest engine finds its catalog again after a restart (front/keepmeta.c).
    env: { ...process.env, RUST_BACKTRACE: "0", PYTHONUNBUFFERED: "1", ...(engine.preload ? { LD_PRELOAD: engine.preload } : {}) },
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    if (options.log) process.stderr.write(chunk);
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  const ready = await new Promise<{ port: number; version: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (line.startsWith("WAREHOUSE_READY ")) resolve(JSON.parse(line.slice("WAREHOUSE_READY ".length)));
      else if (options.log) process.stdout.write(line + "\n");
    });
    child.once("exit", (code, signal) => {
      const tail = stderr.join("").trim().split("\n").slice(-5).join("\n");
      const inUse = /Address already in use/.test(tail);
      reject(
        new Error(
          inUse
            ? `Port ${port} is in use (another warehouse?). Set WAREHOUSE_PORT to use another.`
            : `The dev warehouse exited before it was ready (${signal ?? `code ${code}`}): ${tail}`,
        ),
      );
    });
    child.once("error", reject);
  });
  const url = `http://127.0.0.1:${ready.port}`;
  return {
    dsn: `databend://root:@127.0.0.1:${ready.port}/default?sslmode=disable`,
    port: ready.port,
    url,
    version: ready.version,
    startupMs: Date.now() - started,
    engine: engine.name,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
