// `npm install` runs this (postinstall, after provision-engine.ts): creates sandbox/cfn-tools/.venv
// with the template checkers pinned in sandbox/cfn-tools/requirements.txt (cfn-lint, moto[server],
// python-hcl2) when it is missing or the pins changed. Like the engine, without a usable python3 it
// says what to install and exits 0; the template test then fails with the same sentence.
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CFN_TOOLS, CFN_TOOLS_MISSING, cfnToolsHash, cfnToolsProvisioned } from "../sandbox/cfn-tools/tools-env.ts";

const rel = (p: string) => path.relative(process.cwd(), p);

function findPython(): string | undefined {
  for (const candidate of [process.env.CFN_TOOLS_PYTHON, "python3", "python3.13", "python3.12", "python3.11"]) {
    if (!candidate) continue;
    const r = spawnSync(candidate, ["-c", "import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)"], { stdio: "ignore" });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

if (process.env.CFN_TOOLS_SKIP === "1") {
  console.log("template checkers: skipped (CFN_TOOLS_SKIP=1)");
  process.exit(0);
}
if (cfnToolsProvisioned()) {
  console.log(`template checkers: ready (${rel(CFN_TOOLS.venvDir)})`);
  process.exit(0);
}
const python = findPython();
if (!python) {
  console.warn(`template checkers: not installed. ${CFN_TOOLS_MISSING}`);
  process.exit(0);
}
console.log(`template checkers: creating ${rel(CFN_TOOLS.venvDir)} with ${python} and installing ${rel(CFN_TOOLS.requirements)} (about 150 MB, once)...`);
rmSync(CFN_TOOLS.venvDir, { recursive: true, force: true });
try {
  execFileSync(python, ["-m", "venv", CFN_TOOLS.venvDir], { stdio: "inherit" });
  execFileSync(CFN_TOOLS.python, ["-m", "pip", "install", "--disable-pip-version-check", "-r", CFN_TOOLS.requirements], { stdio: "inherit" });
  execFileSync(CFN_TOOLS.cfnLint, ["--version"], { stdio: "inherit" });
  execFileSync(CFN_TOOLS.python, ["-c", "import hcl2, moto.server"], { stdio: "inherit" });
} catch (e) {
  rmSync(CFN_TOOLS.venvDir, { recursive: true, force: true });
  console.error(`template checkers: installing failed (${(e as Error).message}). ${CFN_TOOLS_MISSING}`);
  process.exit(1);
}
writeFileSync(CFN_TOOLS.marker, cfnToolsHash() + "\n");
console.log("template checkers: ready");
