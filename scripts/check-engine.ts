// `npm test` runs this first: without DATABEND_DSN the suites need the dev warehouse's engines (the
// newest for every suite, the oldest for the node-oldest-engine project), and a missing one is one
// sentence saying what to do, not a hundred failing tests.
import { ENGINE_MISSING, ENGINE_NAMES, provisioned } from "../sandbox/warehouse/engine-env.ts";

const missing = process.env.DATABEND_DSN ? [] : ENGINE_NAMES.filter((name) => !provisioned(name));
if (missing.length > 0) {
  console.error(`${ENGINE_MISSING} (missing: ${missing.join(", ")})`);
  process.exit(1);
}
