/**
 * `npm run sandbox [-- --reset]`: the local AWS sandbox on http://127.0.0.1:4566 (SANDBOX_PORT).
 */
import { pino } from "pino";
import { startSandbox } from "./aws/server.ts";
import { formValues } from "./seed.ts";

const args = new Set(process.argv.slice(2));
if (args.has("--help") || args.has("-h")) {
  console.log("usage: npm run sandbox [-- --reset]   (env: SANDBOX_PORT, DATA_DIR, ORG_ID, SANDBOX_LOG_LEVEL; see sandbox/README.md)");
  process.exit(0);
}

// JSON lines when piped (e.g. under `npm start`), pino-pretty when a person watches the terminal.
const log = pino({
  name: "sandbox",
  level: process.env.SANDBOX_LOG_LEVEL ?? "info",
  ...(process.stdout.isTTY ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname" } } } : {}),
});
const sandbox = await startSandbox({ reset: args.has("--reset"), log }).catch((err: NodeJS.ErrnoException) => {
  if (err.code === "EADDRINUSE") {
    console.error(`Port ${process.env.SANDBOX_PORT ?? 4566} is in use (another sandbox?). Set SANDBOX_PORT to use another.`);
    process.exit(1);
  }
  throw err;
});

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping sandbox");
  sandbox.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, "error while stopping");
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));

const values = formValues(sandbox.seedValues);
const width = Math.max(...values.map(([k]) => k.length));
console.log(
  [
    "",
    `AWS sandbox on ${sandbox.url}  (state: ${sandbox.stateDir}${sandbox.seeded ? ", demo just seeded" : ""})`,
    `  export AWS_ENDPOINT_URL=${sandbox.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`,
    "",
    "Create Data Source with:",
    ...values.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    "",
    "Upload a matching object to produce an event:",
    `  aws --endpoint-url ${sandbox.url} s3 cp some.csv s3://${sandbox.seedValues.bucket}/${sandbox.seedValues.prefix}some.csv`,
    "",
  ].join("\n"),
);

