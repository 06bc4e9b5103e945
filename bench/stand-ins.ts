// The stand-ins a bench runs against, each in its own process as under `npm start`: the AWS
// sandbox and the dev warehouse launcher (which spawns the engine, sandbox/warehouse/front/server.py,
// and prints "dev warehouse ready in <ms> ms" once the engine answers).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../tests/support/net.ts";

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
