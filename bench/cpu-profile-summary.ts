// Where a worker's CPU goes: reads the V8 .cpuprofile files in a directory (written by a bench run
// with BENCH_CPU_PROF=<dir>, see bench/stand-ins.ts) and prints self time by area, from the script
// URL of each sampled frame. Areas are coarse on purpose: they say which kind of work to look at.
// Usage: node bench/cpu-profile-summary.ts <dir> [top-functions]
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

// First match wins; the order puts the specific packages before our own code.
const AREAS: [string, RegExp][] = [
  ["SDK: signing", /@smithy\/signature-v4|@aws-crypto|node:crypto|@smithy\/util-hex|@smithy\/hash/],
  ["SDK: XML/JSON (de)serialization", /fast-xml-parser|@aws-sdk\/core\/dist-cjs\/submodules\/protocols|@smithy\/core\/dist-cjs\/submodules\/(serde|protocols|cbor)|@smithy\/smithy-client|@aws-sdk\/client-s3\/dist-cjs\/protocols|@aws-sdk\/client-sqs/],
  ["SDK: HTTP handler", /@smithy\/node-http-handler|node:_http|node:http|node:net|node:tls|node:stream|node:internal\/streams/],
  ["SDK: middleware, endpoints, other", /@aws-sdk|@smithy/],
  ["zod", /node_modules\/zod/],
  ["logging (pino)", /node_modules\/(pino|sonic-boom|thread-stream|fast-redact|quick-format)/],
  ["store (SQLite/Kysely/pg)", /node_modules\/(kysely|better-sqlite3|pg|pg-protocol|pg-pool)|node:sqlite/],
  ["driver (databend-driver)", /databend-driver/],
  ["our code: server/worker", /\/server\/worker\//],
  ["our code: server/store", /\/server\/store\//],
  ["our code: other", /\/(server|shared)\//],
  ["other node_modules", /node_modules/],
  ["node internals", /^node:/],
];

// Node's own internals and native frames are charged to the nearest caller outside Node (an HMAC
// to the signer, a socket write to the HTTP handler, module compilation to start-up).
function areaOf(node: Node, parent: Map<number, Node>): string {
  const { url, functionName } = node.callFrame;
  if (functionName === "(garbage collector)" || functionName === "(program)" || functionName === "(idle)") return areaOfFrame(node);
  for (let n: Node | undefined = node; n; n = parent.get(n.id)) {
    const u = n.callFrame.url;
    if (/node:internal\/(modules|bootstrap)|node:internal\/deps\/(amaro|cjs-module-lexer)/.test(u)) return "start-up: module loading";
    if (u && !u.startsWith("node:")) return areaOfFrame(n);
  }
  return url ? "node internals" : areaOfFrame(node);
}

function areaOfFrame(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(program)") return "V8/native (program)";
    if (functionName === "(idle)") return "(idle)";
    return `native: ${functionName || "(anonymous)"}`;
  }
  for (const [name, re] of AREAS) if (re.test(url)) return name;
  return "other";
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: node bench/cpu-profile-summary.ts <dir with .cpuprofile files> [top-functions]");
const topN = Number(process.argv[3] ?? 25);
const byArea = new Map<string, number>();
const byFn = new Map<string, number>();
let total = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
  const prof = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Profile;
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, Node>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n);
  prof.samples.forEach((id, i) => {
    const node = nodes.get(id)!;
    const us = prof.timeDeltas[i] ?? 0;
    const area = areaOf(node, parent);
    if (area === "(idle)") return;
    total += us;
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(server|shared)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  });
}
const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5);
console.log(`busy (non-idle) samples: ${(total / 1e6).toFixed(2)} s`);
for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)} %  ${area}`);
console.log(`\ntop ${topN} functions by self time:`);
for (const [fn, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, topN)) console.log(`${pct(us)} %  ${fn}`);
