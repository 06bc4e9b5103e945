// `npm run warehouse`: the dev warehouse on 127.0.0.1:8000 (WAREHOUSE_PORT), state in DATA_DIR/warehouse.

import { startWarehouse } from "./server.ts";

const warehouse = await startWarehouse({ log: process.env.WAREHOUSE_LOG !== "0" });
console.log(`dev warehouse ready: ${warehouse.url}  DSN ${warehouse.dsn}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    warehouse.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
