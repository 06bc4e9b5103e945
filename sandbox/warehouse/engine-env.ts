// Where the dev warehouse's engines live: git-ignored Python virtual environments holding a pinned
// PyPI `databend` (Databend's embedded engine) and pyarrow. Two engines are provisioned: the newest
// PyPI serves (the default, sandbox/warehouse/.venv) and the oldest the product supports
// (sandbox/warehouse/.venv-oldest), chosen by WAREHOUSE_ENGINE=newest|oldest. `npm install`
// provisions both (scripts/provision-engine.ts); everything that starts the warehouse asks here
// first, and a missing engine is one sentence that says what to do.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FRONT_DIR = path.join(here, "front");

export type EngineName = "newest" | "oldest";
export const ENGINE_NAMES: readonly EngineName[] = ["newest", "oldest"];

export interface EngineEnv {
  name: EngineName;
  requirements: string;
  venvDir: string;
  python: string;
  /** Written after a successful install; names the requirements it installed. */
  marker: string;
  /**
   * The preload library that keeps 1.2.895's embedded meta store across processes (see
   * front/keepmeta.c and the sandbox README); built by provisioning, undefined where not needed.
   */
  preload?: string;
}

/** 1.2.895's binding opens a new meta store per process; older ones keep theirs (README). */
const NEEDS_PRELOAD: Record<EngineName, boolean> = { newest: true, oldest: false };

export function engineEnv(name: EngineName): EngineEnv {
  const override = name === "newest" ? process.env.WAREHOUSE_VENV : process.env.WAREHOUSE_VENV_OLDEST;
  const venvDir = override ? path.resolve(override) : path.join(here, name === "newest" ? ".venv" : ".venv-oldest");
  return {
    name,
    requirements: path.join(FRONT_DIR, name === "newest" ? "requirements.txt" : "requirements-oldest.txt"),
    venvDir,
    python: path.join(venvDir, "bin", "python"),
    marker: path.join(venvDir, ".provisioned"),
    preload: NEEDS_PRELOAD[name] ? path.join(venvDir, "keepmeta.so") : undefined,
  };
}

export function engineNameError(value: string): string {
  return `WAREHOUSE_ENGINE is "${value}": use "newest" (the default, the newest databend PyPI serves) or "oldest" (the oldest the product supports).`;
}

/** WAREHOUSE_ENGINE (newest by default). Throws with a sentence naming the variable when it is neither. */
export function selectedEngineName(value = process.env.WAREHOUSE_ENGINE): EngineName {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "") return "newest";
  if (v === "newest" || v === "oldest") return v;
  throw new Error(engineNameError(value!));
}

export function requirementsHash(env: EngineEnv): string {
  const h = createHash("sha256").update(readFileSync(env.requirements));
  // The preload library is part of what makes the engine usable: rebuilt when its source changes.
  if (env.preload) h.update(readFileSync(path.join(FRONT_DIR, "keepmeta.c")));
  return h.digest("hex").slice(0, 16);
}

export const ENGINE_MISSING =
  "The dev warehouse needs Databend's embedded engine: install CPython 3.12 or newer (python3.12 or python3.13 on PATH) and a C compiler (cc), and run `npm install`, or set DATABEND_DSN to a Databend you run.";

/** The venv's python when that engine is installed as pinned, otherwise undefined. */
export function provisioned(name: EngineName): EngineEnv | undefined {
  const env = engineEnv(name);
  if (!existsSync(env.python) || !existsSync(env.marker)) return undefined;
  if (env.preload && !existsSync(env.preload)) return undefined;
  return readFileSync(env.marker, "utf8").trim() === requirementsHash(env) ? env : undefined;
}

/** The selected engine's python (WAREHOUSE_ENGINE), or undefined when it is not provisioned. */
export function provisionedPython(): string | undefined {
  return provisioned(selectedEngineName())?.python;
}

export class EngineMissingError extends Error {
  constructor(name: EngineName = "newest") {
    super(name === "newest" ? ENGINE_MISSING : `${ENGINE_MISSING} (WAREHOUSE_ENGINE=oldest needs sandbox/warehouse/.venv-oldest, which \`npm install\` makes too.)`);
    this.name = "EngineMissingError";
  }
}

export function requireEngine(name: EngineName = selectedEngineName()): EngineEnv {
  const env = provisioned(name);
  if (!env) throw new EngineMissingError(name);
  return env;
}

/**
 * Rules that differ between the engines, for the tests that pin each engine's truth (listed in the
 * sandbox README). `deduplicateLabel`: a second statement with the same `deduplicate_label` loads
 * nothing. The embedded 1.2.895 loads again: its statement checks the label in the users' meta
 * store (src/query/service/src/interpreters/common/util.rs, `check_deduplicate_label`) while the
 * table commit writes it into the catalog's (src/meta/api/src/api_impl/table_api.rs), and that
 * binding gives every component a meta store of its own (src/meta/store/src/lib.rs), so the label
 * is never found. A databend-query with one meta service, and the embedded 1.2.453 (one global
 * meta store), find it.
 */
export const ENGINE_RULES: Record<EngineName, { deduplicateLabel: boolean }> = {
  newest: { deduplicateLabel: false },
  oldest: { deduplicateLabel: true },
};

/** The rules of the Databend the tests run against: the selected dev warehouse engine, or DATABEND_DSN's. */
export function testedEngineRules(): { deduplicateLabel: boolean } {
  return process.env.DATABEND_DSN ? { deduplicateLabel: true } : ENGINE_RULES[selectedEngineName()];
}
