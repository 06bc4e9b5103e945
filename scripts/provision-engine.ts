// `npm install` runs this (postinstall): creates sandbox/warehouse/.venv with the pinned Databend
// embedded engine when it is missing or its pins changed. Without CPython >= 3.12 it says what to
// install and exits 0, so `npm install` still succeeds for people who point DATABEND_DSN at their
// own Databend; `npm start` and `npm test` then stop with the same sentence.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENGINE_MISSING, MARKER, REQUIREMENTS, VENV_DIR, VENV_PYTHON, provisionedPython, requirementsHash } from "../sandbox/warehouse/engine-env.ts";

const MIN = [3, 12];

function versionOf(python: string, env: NodeJS.ProcessEnv = process.env): number[] | undefined {
  const r = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8", env });
  if (r.status !== 0) return undefined;
  return r.stdout.trim().split(".").map(Number);
}

const newEnough = (v: number[] | undefined) => !!v && (v[0]! > MIN[0]! || (v[0] === MIN[0] && v[1]! >= MIN[1]!));

/** python3.13, python3.12, then python3 if new enough; then pyenv's 3.13.x / 3.12.x installs. */
function findPython(): { python: string; env: NodeJS.ProcessEnv } | undefined {
  for (const candidate of [process.env.WAREHOUSE_PYTHON, "python3.13", "python3.12", "python3"]) {
    if (candidate && newEnough(versionOf(candidate))) return { python: candidate, env: process.env };
  }
  const pyenv = spawnSync("pyenv", ["versions", "--bare"], { encoding: "utf8" });
  if (pyenv.status === 0) {
    const installed = pyenv.stdout.split("\n").map((s) => s.trim()).filter((s) => /^3\.(1[2-9])\.\d+$/.test(s));
    for (const version of installed.sort().reverse()) {
      const prefix = spawnSync("pyenv", ["prefix", version], { encoding: "utf8" });
      const python = path.join(prefix.stdout.trim(), "bin", "python3");
      if (prefix.status === 0 && newEnough(versionOf(python))) return { python, env: process.env };
    }
  }
  return undefined;
}

if (process.env.DATABEND_SKIP_ENGINE === "1") {
  console.log("dev warehouse engine: skipped (DATABEND_SKIP_ENGINE=1)");
  process.exit(0);
}
if (provisionedPython()) {
  console.log(`dev warehouse engine: ready (${path.relative(process.cwd(), VENV_DIR)})`);
  process.exit(0);
}
const found = findPython();
if (!found) {
  console.warn(`dev warehouse engine: not installed. ${ENGINE_MISSING}`);
  process.exit(0);
}
console.log(`dev warehouse engine: creating ${path.relative(process.cwd(), VENV_DIR)} with ${found.python} and installing ${path.relative(process.cwd(), REQUIREMENTS)} (about 100 MB, once)...`);
rmSync(VENV_DIR, { recursive: true, force: true });
try {
  execFileSync(found.python, ["-m", "venv", VENV_DIR], { stdio: "inherit", env: found.env });
  execFileSync(VENV_PYTHON, ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "on", "-r", REQUIREMENTS], { stdio: "inherit" });
  // Importing the engine opens its meta store under ./.databend: check it in a scratch directory.
  const scratch = mkdtempSync(path.join(tmpdir(), "engine-check-"));
  execFileSync(VENV_PYTHON, ["-c", "import databend, pyarrow; print(databend.SessionContext(tenant='default').sql('SELECT version()').to_arrow_table().column(0)[0])"], { stdio: "inherit", cwd: scratch });
  rmSync(scratch, { recursive: true, force: true });
} catch (e) {
  rmSync(VENV_DIR, { recursive: true, force: true });
  console.error(`dev warehouse engine: installing failed (${(e as Error).message}). ${ENGINE_MISSING}`);
  process.exit(1);
}
writeFileSync(MARKER, requirementsHash() + "\n");
console.log("dev warehouse engine: ready");
