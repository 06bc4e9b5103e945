// Where the template checkers live: a git-ignored Python venv (sandbox/cfn-tools/.venv) with the
// pinned PyPI cfn-lint (AWS's CloudFormation linter), moto[server] (a CloudFormation, SQS, S3, IAM
// and STS implementation the template test applies stacks to) and python-hcl2 (an HCL parser for the
// Terraform file). `npm install` provisions it (scripts/provision-cfn-tools.ts); tests ask here.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export const CFN_TOOLS = {
  requirements: path.join(here, "requirements.txt"),
  venvDir: path.join(here, ".venv"),
  python: path.join(here, ".venv", "bin", "python"),
  cfnLint: path.join(here, ".venv", "bin", "cfn-lint"),
  motoServer: path.join(here, ".venv", "bin", "moto_server"),
  marker: path.join(here, ".venv", ".provisioned"),
};

export const CFN_TOOLS_MISSING =
  "The template checks need cfn-lint, moto[server] and python-hcl2 in sandbox/cfn-tools/.venv: install CPython 3.9 or newer (python3) and run `npm install`.";

export function cfnToolsHash(): string {
  return createHash("sha256").update(readFileSync(CFN_TOOLS.requirements)).digest("hex").slice(0, 16);
}

/** True when the venv holds exactly the pinned requirements. */
export function cfnToolsProvisioned(): boolean {
  if (!existsSync(CFN_TOOLS.python) || !existsSync(CFN_TOOLS.marker)) return false;
  return readFileSync(CFN_TOOLS.marker, "utf8").trim() === cfnToolsHash();
}
