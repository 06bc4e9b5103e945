// `npm start`: the console and API, the task worker, and (unless pointed elsewhere) the local
// stand-ins, as one process tree. Ctrl-C stops all of it.
import concurrently, { type ConcurrentlyCommandInput } from "concurrently";
import { existsSync } from "node:fs";
import { provisionedPython, ENGINE_MISSING } from "../sandbox/warehouse/engine-env.ts";
import { clientFromEnv, startOidcStandIn } from "../sandbox/oidc/server.ts";
import { WORKER_NODE_FLAGS } from "../server/worker/node-flags.ts";

const node = JSON.stringify(process.execPath);
const sandboxPort = process.env.SANDBOX_PORT || "4566";
const useSandbox = !process.env.AWS_ENDPOINT_URL && !process.env.AWS_ACCESS_KEY_ID;
const useWarehouse = !process.env.DATABEND_DSN;
const warehousePort = process.env.WAREHOUSE_PORT || "8000";
if (useWarehouse && !provisionedPython()) {
  console.error(ENGINE_MISSING);
  process.exit(1);
}
// The API and the worker reach the dev warehouse wherever WAREHOUSE_PORT put it: DATABEND_DSN is the
// first organization's default warehouse (root, tenant `default`).
const databend: Record<string, string> = useWarehouse
  ? { DATABEND_DSN: `databend://root:@127.0.0.1:${warehousePort}/default?sslmode=disable` }
  : {};
// Each later organization gets a tenant of its own on the dev warehouse, made by the API when the
// organization is made (POST /api/organizations), unless the operator points it elsewhere.
const provisioner: Record<string, string> =
  useWarehouse && process.env.WAREHOUSE_PROVISIONER_URL === undefined
    ? { WAREHOUSE_PROVISIONER_URL: `http://127.0.0.1:${warehousePort}/v1/dev/tenants` }
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

// Single sign-on against the OIDC stand-in, unless OIDC_ISSUER points at a real provider or
// OIDC_STAND_IN=0 turns it off. Started here, before the API, so the API's discovery finds it.
const useOidc = !process.env.OIDC_ISSUER && !/^(0|false|no|off)$/i.test(process.env.OIDC_STAND_IN ?? "");
const oidc: Record<string, string> = {};
if (useOidc) {
  const client = clientFromEnv();
  const idp = await startOidcStandIn({ client }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EADDRINUSE") throw err;
    console.error(`Port ${process.env.OIDC_PORT || 4567} is in use: set OIDC_PORT, or OIDC_STAND_IN=0 to start without single sign-on.`);
    process.exit(1);
  });
  Object.assign(oidc, { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: client.clientId, OIDC_CLIENT_SECRET: client.clientSecret });
  console.log(`OIDC stand-in on ${idp.issuer}: "Sign in with single sign-on" as ${idp.user.email} / ${idp.user.password}`);
}
// The sandbox's demo role trusts this organization ID as the External ID, so the first
// organization (made by the first-run link or by seeding) takes the same one.
const orgId = { ORG_ID: process.env.ORG_ID || "local-org" };

// Alert webhooks to a receiver on this machine (http://127.0.0.1:...) are allowed in the embedded
// run, where everything is local; a deployment keeps the default (https only, no private targets).
const alerts: Record<string, string> =
  useSandbox && process.env.ALERT_WEBHOOK_ALLOW_PRIVATE === undefined ? { ALERT_WEBHOOK_ALLOW_PRIVATE: "true" } : {};

const commands: ConcurrentlyCommandInput[] = [];
if (useSandbox) commands.push({ name: "sandbox", command: `${node} sandbox/main.ts`, env: orgId, prefixColor: "magenta" });
if (useWarehouse) {
  commands.push({ name: "warehouse", command: `${node} sandbox/warehouse/main.ts`, prefixColor: "cyan" });
}
commands.push({
  name: "api",
  command: `${node} server/main.ts`,
  env: { ...platformIdentity("platform-setup"), ...databend, ...provisioner, ...orgId, ...oidc, ...alerts },
  prefixColor: "green",
});
if (existsSync("server/worker/main.ts")) {
  commands.push({
    name: "worker",
    command: `${node} ${WORKER_NODE_FLAGS.join(" ")} server/worker/main.ts`,
    // ORG_ID too: DATABEND_DSN belongs to that organization, for the worker as for the API.
    env: { ...platformIdentity("platform-load"), ...databend, ...orgId, ...alerts },
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
