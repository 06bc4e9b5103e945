// Loaded into the bench's worker with `node --import` when BENCH_MEMORY_LOG=<file> is set
// (bench/stand-ins.ts): every BENCH_MEMORY_LOG_MS (2000) it appends one JSON line to the file with
// process.memoryUsage() and /proc/self/status's RssAnon/RssFile (MB), so a run shows whether the
// worker's memory grows with the backlog and which part does: V8's heap, external/array buffers,
// or the rest (native: the databend-driver's Rust runtime, glibc's arenas, SQLite; it also counts
// the distinct SQL texts node:sqlite prepared, each one native memory). A preload, not
// worker code, so production never carries it. Summarize with `node bench/memory-log.ts <file>`.
import { appendFileSync, readFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

const MB = 1024 * 1024;
const r1 = (n: number) => Math.round(n * 10) / 10;

function statusMb(text: string, field: string): number | undefined {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(text);
  return m ? r1(Number(m[1]) / 1024) : undefined;
}

// Distinct SQL texts node:sqlite has prepared in this process, and their bound parameters: each
// prepared statement holds native memory (its bytecode) that no heap figure shows.
const prepared = new Map<string, number>();
function countPrepares(): void {
  const original = DatabaseSync.prototype.prepare;
  DatabaseSync.prototype.prepare = function (this: DatabaseSync, text: string) {
    if (!prepared.has(text)) prepared.set(text, text.split("?").length - 1);
    return original.call(this, text);
  } as typeof original;
}

function sample(): Record<string, number | undefined> {
  const u = process.memoryUsage();
  let status = "";
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    // not Linux: the V8 figures alone
  }
  return {
    t: Date.now(),
    rss: r1(u.rss / MB),
    heapUsed: r1(u.heapUsed / MB),
    heapTotal: r1(u.heapTotal / MB),
    external: r1(u.external / MB),
    arrayBuffers: r1(u.arrayBuffers / MB),
    rssAnon: statusMb(status, "RssAnon"),
    rssFile: statusMb(status, "RssFile"),
    hwm: statusMb(status, "VmHWM"),
    threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? NaN),
    sqlTexts: prepared.size,
    sqlParams: [...prepared.values()].reduce((a, b) => a + b, 0),
  };
}

const isMain = process.argv[1] === fileURLToPath(import.meta.url);
const file = process.env.BENCH_MEMORY_LOG;
if (!isMain && file) {
  countPrepares();
  const every = Number(process.env.BENCH_MEMORY_LOG_MS ?? 2000);
  const write = () => appendFileSync(file, `${JSON.stringify(sample())}\n`);
  write();
  setInterval(write, every).unref();
  process.once("exit", write);
}

if (isMain) {
  // Summary of a log: peaks, and the samples at a few points in time.
  type Row = Record<"t" | "rss" | "heapUsed" | "heapTotal" | "external" | "arrayBuffers" | "rssAnon" | "rssFile" | "hwm" | "threads" | "sqlTexts" | "sqlParams", number>;
  const rows = readFileSync(process.argv[2]!, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row);
  const t0 = rows[0]!.t;
  const keys: (keyof Row)[] = ["rss", "heapUsed", "heapTotal", "external", "arrayBuffers", "rssAnon", "rssFile", "threads", "sqlTexts", "sqlParams"];
  const peak = Object.fromEntries(keys.map((k) => [k, Math.max(...rows.map((r) => r[k] ?? NaN))]));
  console.log(`samples ${rows.length} over ${r1((rows.at(-1)!.t - t0) / 1000)} s; VmHWM ${rows.at(-1)!.hwm} MB`);
  console.log(`peaks: ${keys.map((k) => `${k} ${peak[k]}`).join(", ")}`);
  const atPeak = rows.reduce((a, b) => (b.rss > a.rss ? b : a));
  const native = (r: Row) => r1(r.rss - r.heapTotal - r.external);
  console.log(`at peak rss (t=${r1((atPeak.t - t0) / 1000)} s): ${JSON.stringify(atPeak)}; rss - heapTotal - external = ${native(atPeak)} MB`);
  const step = Math.max(1, Math.floor(rows.length / 12));
  console.log("t s\trss\theapUsed\theapTotal\texternal\tarrayBuf\trssAnon\trssFile\tnative");
  for (let i = 0; i < rows.length; i += step) {
    const r = rows[i]!;
    console.log([r1((r.t - t0) / 1000), r.rss, r.heapUsed, r.heapTotal, r.external, r.arrayBuffers, r.rssAnon, r.rssFile, native(r)].join("\t"));
  }
}
