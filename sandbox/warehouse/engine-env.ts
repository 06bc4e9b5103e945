// Where the dev warehouse's engine lives: a git-ignored Python virtual environment
// (sandbox/warehouse/.venv) holding the pinned PyPI `databend` (Databend's embedded engine) and
// pyarrow. `npm install` provisions it (scripts/provision-engine.ts); everything that starts the
// warehouse asks here first, and a missing engine is one sentence that says what to do.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FRONT_DIR = path.join(here, "front");
export const REQUIREMENTS = path.join(FRONT_DIR, "requirements.txt");
export const VENV_DIR = process.env.WAREHOUSE_VENV ? path.resolve(process.env.WAREHOUSE_VENV) : path.join(here, ".venv");
export const VENV_PYTHON = path.join(VENV_DIR, "bin", "python");
/** Written after a successful install; names the requirements it installed. */
export const MARKER = path.join(VENV_DIR, ".provisioned");

export function requirementsHash(): string {
  return createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex").slice(0, 16);
}

export const ENGINE_MISSING =
  "The dev warehouse needs Databend's embedded engine: install CPython 3.12 or newer (python3.12 or python3.13 on PATH) and run `npm install`, or set DATABEND_DSN to a Databend you run.";

/** The venv's python when the pinned engine is installed, otherwise undefined. */
export function provisionedPython(): string | undefined {
  if (!existsSync(VENV_PYTHON) || !existsSync(MARKER)) return undefined;
  return readFileSync(MARKER, "utf8").trim() === requirementsHash() ? VENV_PYTHON : undefined;
}

export class EngineMissingError extends Error {
  constructor() {
    super(ENGINE_MISSING);
    this.name = "EngineMissingError";
  }
}

export function requireEngine(): string {
  const python = provisionedPython();
  if (!python) throw new EngineMissingError();
  return python;
}
