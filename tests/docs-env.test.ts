// The documentation stays true to the code: every environment variable the code reads is documented
// under docs/, every variable docs/configuration.md's tables list is read somewhere, README.md stays a
// front door (at most 200 lines), and every relative link in README.md and docs/*.md (and the heading
// it names, if any) exists. Plain text scanning, no servers: this file runs in well under a second.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Where the code that reads the environment lives (src/ reads none: the console runs in a browser). */
const CODE_DIRS = ["server", "sandbox", "scripts", ".ci", "bench", "tests"];

/**
 * Variables read but deliberately not documented. Each is a private hand-off between two of our own
 * processes or the system's own, not a setting anyone configures. Keep it short; an entry the code no
 * longer reads fails the test, so the list cannot go stale.
 */
const READ_BUT_UNDOCUMENTED: Record<string, string> = {
  PATH: "the system's own, passed on to child processes (the AWS CLI test)",
  HOME: "the system's own, passed on to child processes",
  "WORKER_TEST_*": "a test's instruction to the worker process it spawns (tests/support/worker-*.ts)",
  "BARE_*": "bench/worker.ts's arguments to the bare receive+delete loop it spawns (bench/bare-loop.ts)",
  WAREHOUSE_ROOT_PASSWORD: "the dev warehouse front's hand-off of a tenant's root password to the engine process it starts",
};

/** Variables docs/configuration.md lists that our code does not read itself. */
const DOCUMENTED_BUT_NOT_READ: Record<string, string> = {
  AWS_SECRET_ACCESS_KEY: "read by the AWS SDK's default credential chain, not by our code (npm start sets it for the stand-ins)",
};

type Kind = "js" | "py" | "sh";

const NAME = "[A-Z][A-Z0-9_]*";
const JS_PATTERNS = [
  // process.env.NAME, env.NAME, env?.NAME
  new RegExp(`\\benv\\??\\.(${NAME})\\b`, "g"),
  // env["NAME"], process.env['NAME']
  new RegExp(`\\benv\\[\\s*["'\`](${NAME})["'\`]\\s*\\]`, "g"),
  // A helper given the name: envNumber(env, "NAME", …), envPort(env, "NAME", …), envFlag("NAME", …)
  new RegExp(`\\b\\w*[eE]nv\\w*\\(\\s*(?:[\\w.]+\\s*,\\s*)?["'\`](${NAME})["'\`]`, "g"),
];
/** env[`AWS_ENDPOINT_URL_${service}`]: a family of names, kept as "AWS_ENDPOINT_URL_*". */
const JS_FAMILY = new RegExp(`\\benv\\[\\s*\`(${NAME}_)\\$\\{`, "g");
const PY_PATTERNS = [new RegExp(`\\bos\\.(?:environ(?:\\.get|\\.pop)?|getenv)\\s*[[(]\\s*["'](${NAME})["']`, "g")];
const SH_PATTERNS = [new RegExp(`\\$\\{(${NAME}):?[-=?+]`, "g")];

/** The environment variables a source text reads; a family of names ends in "*". */
export function namesRead(source: string, kind: Kind): Set<string> {
  const names = new Set<string>();
  const patterns = kind === "js" ? JS_PATTERNS : kind === "py" ? PY_PATTERNS : SH_PATTERNS;
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) names.add(m[1]!);
  if (kind === "js") for (const m of source.matchAll(JS_FAMILY)) names.add(`${m[1]!}*`);
  return names;
}

function withoutFences(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, "");
}

/** Code spans of a markdown text, fenced blocks included (a variable set in an example counts). */
function codeSpans(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const inline = [...withoutFences(markdown).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...fenced, ...inline];
}

/** NAME, and a family written NAME_<PART> as "NAME_*". */
function variableNames(text: string): string[] {
  return [...text.matchAll(/(?<![<\w])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_?)(<[A-Z]+>)?/g)]
    .filter((m) => m[1]!.length > 1 && (m[2] === undefined || m[1]!.endsWith("_")))
    .map((m) => (m[2] ? `${m[1]!}*` : m[1]!));
}

/** Every variable-looking name in a markdown text's code spans. */
export function namesDocumented(markdown: string): Set<string> {
  return new Set(codeSpans(markdown).flatMap(variableNames));
}

/** The names in the first cell of each table row of a markdown text (the header row excepted). */
export function namesInTables(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of withoutFences(markdown).split("\n")) {
    if (!line.startsWith("|") || /^\|[-| :]+\|$/.test(line)) continue;
    const first = line.split("|")[1] ?? "";
    for (const span of first.matchAll(/`([^`]+)`/g)) for (const name of variableNames(span[1]!)) names.add(name);
  }
  return names;
}

/** Whether `name` (or the family it belongs to) is in `names`. */
function covered(name: string, names: Set<string>): boolean {
  if (names.has(name)) return true;
  for (const entry of names) if (entry.endsWith("*") && name.startsWith(entry.slice(0, -1))) return true;
  return false;
}

/** Names read but neither documented nor excused, sorted. */
export function undocumented(read: Set<string>, documented: Set<string>, excused: Record<string, string>): string[] {
  const excusedNames = new Set(Object.keys(excused));
  return [...read].filter((n) => !covered(n, documented) && !covered(n, excusedNames)).sort();
}

function kindOf(file: string): Kind | undefined {
  if (/\.(ts|tsx|js|mjs|cjs)$/.test(file)) return "js";
  if (file.endsWith(".py")) return "py";
  if (file.endsWith(".sh") || path.basename(path.dirname(file)) === ".ci") return "sh";
  return undefined;
}

/** Source files under a directory; symlinks (node_modules, the engines' virtual environments) are not followed. */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".venv") ? [] : sourceFiles(full);
    return entry.isFile() && kindOf(full) ? [full] : [];
  });
}

function codeNames(): Map<string, string> {
  const where = new Map<string, string>();
  // This file's own samples are not configuration.
  const files = [...CODE_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d))), path.join(ROOT, "vite.config.ts")].filter(
    (file) => file !== import.meta.filename,
  );
  for (const file of files) {
    for (const name of namesRead(readFileSync(file, "utf8"), kindOf(file)!)) {
      if (!where.has(name)) where.set(name, path.relative(ROOT, file));
    }
  }
  return where;
}

const docsDir = path.join(ROOT, "docs");
const docFiles = readdirSync(docsDir).filter((f) => f.endsWith(".md")).map((f) => path.join(docsDir, f));
const read = (file: string) => readFileSync(file, "utf8");

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function anchorOf(heading: string): string {
  const text = heading.replace(/[`*]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = anchorOf(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative links of a markdown file that lead nowhere: a missing file, or a heading the target lacks. */
export function brokenLinks(file: string, markdown: string): string[] {
  const broken: string[] = [];
  for (const m of withoutFences(markdown).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [rel, anchor] = target.split("#") as [string, string | undefined];
    if (rel === "") {
      if (anchor && !anchors(markdown).has(anchor)) broken.push(`${target} (no such heading)`);
      continue;
    }
    const resolved = path.resolve(path.dirname(file), rel);
    if (!existsSync(resolved)) {
      broken.push(`${target} (no such file)`);
      continue;
    }
    if (anchor && resolved.endsWith(".md") && statSync(resolved).isFile() && !anchors(read(resolved)).has(anchor)) {
      broken.push(`${target} (no such heading)`);
    }
  }
  return broken;
}

describe("the scanning functions", () => {
  const sample = [
    'const port = envPort(env, "SAMPLE_PORT", 3000);',
    "const dir = process.env.SAMPLE_DIR ?? './data';",
    'const key = env["SAMPLE_KEY"];',
    'const on = envFlag("SAMPLE_FLAG", true);',
    "const url = env[`SAMPLE_URL_${service}`];",
    "const planted = process.env.PLANTED_UNDOCUMENTED;",
    "const notAVariable = options.env.preload;",
  ].join("\n");
  const docs = [
    "| variable | default | meaning |",
    "|---|---|---|",
    "| `SAMPLE_PORT`, `SAMPLE_DIR` | `3000` | where |",
    "| `SAMPLE_URL_<SERVICE>` | unset | per service |",
    "",
    "Set `SAMPLE_KEY=secret` and `SAMPLE_FLAG`.",
    "```sh",
    "SAMPLE_FENCED=1 npm start",
    "```",
  ].join("\n");

  it("finds the names code reads, each way it reads them", () => {
    expect([...namesRead(sample, "js")].sort()).toEqual(
      ["PLANTED_UNDOCUMENTED", "SAMPLE_DIR", "SAMPLE_FLAG", "SAMPLE_KEY", "SAMPLE_PORT", "SAMPLE_URL_*"].sort(),
    );
    expect([...namesRead('pw = os.environ.pop("PY_SECRET", "")\nx = os.getenv("PY_OTHER")', "py")].sort()).toEqual(["PY_OTHER", "PY_SECRET"]);
    expect([...namesRead('[ -n "${SH_PATH:-}" ] || echo "$LOCAL"', "sh")]).toEqual(["SH_PATH"]);
  });

  it("fails on a planted undocumented variable, and only on it", () => {
    const documented = namesDocumented(docs);
    expect(undocumented(namesRead(sample, "js"), documented, {})).toEqual(["PLANTED_UNDOCUMENTED"]);
    expect(undocumented(namesRead(sample, "js"), documented, { PLANTED_UNDOCUMENTED: "why" })).toEqual([]);
  });

  it("reads a table's first column, a family written NAME_<PART>, and fenced examples", () => {
    expect([...namesInTables(docs)].sort()).toEqual(["SAMPLE_DIR", "SAMPLE_PORT", "SAMPLE_URL_*"]);
    expect(namesDocumented(docs).has("SAMPLE_FENCED")).toBe(true);
    expect(undocumented(new Set(["SAMPLE_URL_S3"]), namesDocumented(docs), {})).toEqual([]);
  });

  it("finds a link to a missing file or heading", () => {
    const here = path.join(docsDir, "sample.md");
    const text = "[ok](configuration.md#worker) [gone](missing.md) [bad](configuration.md#no-such-heading) [web](https://example.com) [self](#one) [other](#two)\n\n## One\n";
    expect(brokenLinks(here, text)).toEqual(["missing.md (no such file)", "configuration.md#no-such-heading (no such heading)", "#two (no such heading)"]);
  });
});

describe("the documentation", () => {
  const inCode = codeNames();
  const documented = new Set(docFiles.flatMap((f) => [...namesDocumented(read(f))]));

  it("documents every environment variable the code reads", () => {
    const missing = undocumented(new Set(inCode.keys()), documented, READ_BUT_UNDOCUMENTED);
    expect(missing.map((n) => `${n} (read in ${inCode.get(n)})`), "document these in docs/configuration.md, docs/testing.md or docs/benchmarks.md").toEqual([]);
  });

  it("lists in configuration.md's tables only variables the code reads", () => {
    const readNames = new Set(inCode.keys());
    const listed = namesInTables(read(path.join(docsDir, "configuration.md")));
    const unread = [...listed].filter((n) => !covered(n, readNames) && !(n in DOCUMENTED_BUT_NOT_READ));
    expect(unread, "remove these from docs/configuration.md or read them").toEqual([]);
  });

  it("keeps its exception lists true", () => {
    const readNames = new Set(inCode.keys());
    const stale = Object.keys(READ_BUT_UNDOCUMENTED).filter((n) =>
      n.endsWith("*") ? ![...readNames].some((r) => r.startsWith(n.slice(0, -1))) : !readNames.has(n),
    );
    expect(stale, "no code reads these any more: drop them from READ_BUT_UNDOCUMENTED").toEqual([]);
    const listed = namesInTables(read(path.join(docsDir, "configuration.md")));
    expect(Object.keys(DOCUMENTED_BUT_NOT_READ).filter((n) => !listed.has(n) || readNames.has(n))).toEqual([]);
  });

  it("keeps README.md a front door of at most 200 lines", () => {
    expect(read(path.join(ROOT, "README.md")).split("\n").length).toBeLessThanOrEqual(200);
  });

  it("has no relative link to a missing file or heading", () => {
    const broken = [path.join(ROOT, "README.md"), ...docFiles].flatMap((f) =>
      brokenLinks(f, read(f)).map((b) => `${path.relative(ROOT, f)}: ${b}`),
    );
    expect(broken).toEqual([]);
  });
});
