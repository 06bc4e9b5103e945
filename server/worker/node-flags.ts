// The Node/V8 flags the worker process runs with, one list for every launcher: `npm run worker`
// (package.json spells it out, node-flags.test.ts holds it to this list), `npm start`
// (scripts/start.ts) and the bench (bench/stand-ins.ts), so the bench measures what runs.
//
// --max-semi-space-size=4: a young generation of 4 MB semi-spaces (docs/benchmarks.md).
// --heap-growing-percent=50: after each full GC V8 lets the old space grow to 1.5 x what survived,
// instead of a factor it picks from its GC speed, up to 4 x on a machine with this much memory
// (V8's heap-controller.cc, MaxGrowingFactor/GrowingFactor). The worker's live heap stays at 37-42
// MB through a backlog, but 1,000-file batches allocate fast, so V8 let the old space reach
// 140-160 MB between full GCs and the peak RSS rose with the length of the run. A factor, not a
// cap like --max-old-space-size: a bigger WORKER_BATCH_MAX_FILES can still get the heap it needs.
// Measured in docs/benchmarks.md ("Worker memory").
export const WORKER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4", "--heap-growing-percent=50"];
