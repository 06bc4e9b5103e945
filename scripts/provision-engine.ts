// `npm install` runs this (postinstall): creates the dev warehouse's engines when they are missing
// or their pins changed: sandbox/warehouse/.venv with the newest Databend embedded engine (the
// default) and sandbox/warehouse/.venv-oldest with the oldest the product supports
// (WAREHOUSE_ENGINE=oldest). Without CPython >= 3.12 it says what to install and exits 0, so
// `npm install` still succeeds for people who point DATABEND_DSN at their own Databend; `npm start`
// and `npm test` then stop with the same sentence.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENGINE_MISSING, ENGINE_NAMES, FRONT_DIR, engineEnv, provisioned, requirementsHash, type EngineEnv } from "../sandbox/warehouse/engine-env.ts";

const MIN = [3, 12];

function versionOf(python: string, env: NodeJS.ProcessEnv = process.env): number[] | undefined {
  const r = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8", env });
  if (r.status !== 0) return undefined;
  return r.stdout.trim().split(".").map(Number);
}

const newEnough = (v: number[] | undefined) => !!v && (v[0]! > MIN[0]! || (v[0] === MIN[0] && v[1]! >= MIN[1]!));

/** python3.13, python3.12, then python3 if new enough; then pyenv's 3.13.x / 3.12.x installs. */
function findPython(): string | undefined {
  for (const candidate of [process.env.WAREHOUSE_PYTHON, "python3.13", "python3.12", "python3"]) {
    if (candidate && newEnough(versionOf(candidate))) return candidate;
  }
  const pyenv = spawnSync("pyenv", ["versions", "--bare"], { encoding: "utf8" });
  if (pyenv.status === 0) {
    const installed = pyenv.stdout.split("\n").map((s) => s.trim()).filter((s) => /^3\.(1[2-9])\.\d+$/.test(s));
    for (const version of installed.sort().reverse()) {
      const prefix = spawnSync("pyenv", ["prefix", version], { encoding: "utf8" });
      const python = path.join(prefix.stdout.trim(), "bin", "python3");
      if (prefix.status === 0 && newEnough(versionOf(python))) return python;
    }
  }
  return undefined;
}

/** Builds the preload library the newest engine needs to keep its catalog (front/keepmeta.c). */
function buildPreload(env: EngineEnv): void {
  const cc = process.env.CC || "cc";
  execFileSync(cc, ["-shared", "-fPIC", "-O2", "-o", env.preload!, path.join(FRONT_DIR, "keepmeta.c"), "-ldl", "-lpthread"], { stdio: "inherit" });
}

function provision(env: EngineEnv, python: string): boolean {
  const rel = (p: string) => path.relative(process.cwd(), p);
  console.log(`dev warehouse engine (${env.name}): creating ${rel(env.venvDir)} with ${python} and installing ${rel(env.requirements)} (about 100 MB, once)...`);
  rmSync(env.venvDir, { recursive: true, force: true });
  try {
    execFileSync(python, ["-m", "venv", env.venvDir], { stdio: "inherit" });
    execFileSync(env.python, ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "on", "-r", env.requirements], { stdio: "inherit" });
    if (env.preload) buildPreload(env);
    // Importing the engine opens its meta store under ./.databend: check it in a scratch directory,
    // with the front's own way of opening a session (either engine's signature).
    const scratch = mkdtempSync(path.join(tmpdir(), "engine-check-"));
    execFileSync(env.python, ["-c", "import sys; sys.path.insert(0, sys.argv[1]); from engine import open_engine; print(open_engine().version_text)", FRONT_DIR], {
      stdio: "inherit",
      cwd: scratch,
      env: { ...process.env, ...(env.preload ? { LD_PRELOAD: env.preload } : {}) },
    });
    rmSync(scratch, { recursive: true, force: true });
  } catch (e) {
    rmSync(env.venvDir, { recursive: true, force: true });
    console.error(`dev warehouse engine (${env.name}): installing failed (${(e as Error).message}). ${ENGINE_MISSING}`);
    return false;
  }
  writeFileSync(env.marker, requirementsHash(env) + "\n");
  console.log(`dev warehouse engine (${env.name}): ready`);
  return true;
}

if (process.env.DATABEND_SKIP_ENGINE === "1") {
  console.log("dev warehouse engine: skipped (DATABEND_SKIP_ENGINE=1)");
  process.exit(0);
}
const missing = ENGINE_NAMES.filter((name) => !provisioned(name));
for (const name of ENGINE_NAMES.filter((n) => !missing.includes(n))) {
  console.log(`dev warehouse engine (${name}): ready (${path.relative(process.cwd(), engineEnv(name).venvDir)})`);
}
if (missing.length === 0) process.exit(0);
const python = findPython();
if (!python) {
  console.warn(`dev warehouse engine: not installed. ${ENGINE_MISSING}`);
  process.exit(0);
}
const cc = process.env.CC || "cc";
const hasCompiler = spawnSync(cc, ["--version"], { stdio: "ignore" }).status === 0;
let ok = true;
for (const name of missing) {
  const env = engineEnv(name);
  if (env.preload && !hasCompiler) {
    // Like a missing Python: `npm install` succeeds and says what to do.
    console.warn(`dev warehouse engine (${name}): not installed: it needs a C compiler (${cc}) to build keepmeta.so. Install one (e.g. gcc) and run \`npm install\` again; WAREHOUSE_ENGINE=oldest works without it.`);
    continue;
  }
  ok = provision(env, python) && ok;
}
process.exit(ok ? 0 : 1);
