// `npm start`: the console and API, the task worker, and (unless pointed elsewhere) the local
// stand-ins, as one process tree. Ctrl-C stops all of it.
import concurrently, { type ConcurrentlyCommandInput } from "concurrently";
import { existsSync } from "node:fs";
import { provisionedPython, ENGINE_MISSING } from "../sandbox/warehouse/engine-env.ts";

const node = JSON.stringify(process.execPath);
const sandboxPort = process.env.SANDBOX_PORT || "4566";
const useSandbox = !process.env.AWS_ENDPOINT_URL && !process.env.AWS_ACCESS_KEY_ID;
const useWarehouse = !process.env.DATABEND_DSN;
const warehousePort = process.env.WAREHOUSE_PORT || "8000";
if (useWarehouse && !provisionedPython()) {
  console.error(ENGINE_MISSING);
  process.exit(1);
}
// The API and the worker reach the dev warehouse wherever WAREHOUSE_PORT put it.
const databend: Record<string, string> = useWarehouse
  ? { DATABEND_DSN: `databend://root:@127.0.0.1:${warehousePort}/default?sslmode=disable` }
  : {};

// Each product process acts as its own platform identity, through the SDK's default chain.
function platformIdentity(keys: string): Record<string, string> {
  if (!useSandbox) return {};
  return {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${sandboxPort}`,
    AWS_ACCESS_KEY_ID: keys,
    AWS_SECRET_ACCESS_KEY: keys,
    AWS_REGION: process.env.AWS_REGION || "us-east-1",
  };
}

// The sandbox's demo role trusts this organization ID as the External ID, so the first
// organization (made by the first-run link or by seeding) takes the same one.
const orgId = { ORG_ID: process.env.ORG_ID || "local-org" };

const commands: ConcurrentlyCommandInput[] = [];
if (useSandbox) commands.push({ name: "sandbox", command: `${node} sandbox/main.ts`, env: orgId, prefixColor: "magenta" });
if (useWarehouse) {
  commands.push({ name: "warehouse", command: `${node} sandbox/warehouse/main.ts`, prefixColor: "cyan" });
}
commands.push({
  name: "api",
  command: `${node} server/main.ts`,
  env: { ...platformIdentity("platform-setup"), ...databend, ...orgId },
  prefixColor: "green",
});
if (existsSync("server/worker/main.ts")) {
  commands.push({
    name: "worker",
    command: `${node} --max-semi-space-size=4 server/worker/main.ts`,
    env: { ...platformIdentity("platform-load"), ...databend },
    prefixColor: "yellow",
  });
}

const { result } = concurrently(commands, {
  killOthersOn: ["failure", "success"],
  prefix: "name",
  killSignal: "SIGTERM",
});
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
