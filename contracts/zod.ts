// The zod every contract is built with, configured once before any schema exists. `jitless`: the
// console runs under a Content Security Policy without 'unsafe-eval' (server/api/security-headers.ts),
// and zod otherwise probes for `new Function` when it builds its first object schema; the probe's
// error is caught, but the browser still reports a CSP violation on every load. Without JIT, zod
// parses objects by interpretation: the same results, slightly slower, on server and console alike.
// (Modules that build schemas import this first; its body runs before theirs.)
import { z } from "zod";

z.config({ jitless: true });

export { z };
