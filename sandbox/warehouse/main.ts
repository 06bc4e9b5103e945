// `npm run warehouse [-- --reset]`: Databend's embedded engine behind Databend's HTTP protocol on
// 127.0.0.1:8000 (WAREHOUSE_PORT), state in DATA_DIR/warehouse.
import { EngineMissingError } from "./engine-env.ts";
import { startWarehouse } from "./server.ts";

const reset = process.argv.includes("--reset");
let warehouse;
try {
  warehouse = await startWarehouse({ log: process.env.WAREHOUSE_LOG !== "0", reset });
} catch (e) {
  console.error(e instanceof EngineMissingError ? e.message : `dev warehouse: ${(e as Error).message}`);
  process.exit(1);
}
console.log(`dev warehouse ready in ${warehouse.startupMs} ms: ${warehouse.url}  DSN ${warehouse.dsn}\n  engine (${warehouse.engine}, WAREHOUSE_ENGINE=newest|oldest): ${warehouse.version}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void warehouse.stop().then(() => process.exit(0));
  });
}
