// `npm test` runs this first: without DATABEND_DSN the suites need the dev warehouse's engine, and
// a missing one is one sentence saying what to do, not a hundred failing tests.
import { ENGINE_MISSING, provisionedPython } from "../sandbox/warehouse/engine-env.ts";

if (!process.env.DATABEND_DSN && !provisionedPython()) {
  console.error(ENGINE_MISSING);
  process.exit(1);
}
