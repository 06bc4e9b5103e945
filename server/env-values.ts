// Numbers, ports and switches read from the environment, for the API's configuration and the
// worker's alike: one rule for what is accepted and one shape of message ("NAME must be …, got
// "value"") so an operator reading a refused start knows which variable to fix and how.
import { z } from "zod";

type Env = NodeJS.ProcessEnv;

/** The variable's value, or undefined when it is unset or blank (a blank value means "the default"). */
function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function refuse(name: string, rule: string, value: string): never {
  throw new Error(`${name} must be ${rule}, got "${value}"`);
}

/** A number of at least `min` (whole when `integer`), or `fallback` when unset. */
export function envNumber(env: Env, name: string, fallback: number, opts: { min?: number; integer?: boolean } = {}): number {
  const { min = 0, integer = false } = opts;
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const base = integer ? z.coerce.number().int() : z.coerce.number();
  const parsed = base.min(min).safeParse(value);
  // z.coerce turns "" and " " into 0; raw() has already sent those to the default.
  if (!parsed.success || !Number.isFinite(parsed.data)) refuse(name, `${integer ? "a whole number" : "a number"} of at least ${min}`, value);
  return parsed.data;
}

/** A TCP port (0 asks for any free one); with `off`, the word "off" turns the listener off (null). */
export function envPort(env: Env, name: string, fallback: number): number;
export function envPort(env: Env, name: string, fallback: number, opts: { off: true }): number | null;
export function envPort(env: Env, name: string, fallback: number, opts: { off?: boolean } = {}): number | null {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (opts.off && value.toLowerCase() === "off") return null;
  const parsed = z.coerce.number().int().min(0).max(65535).safeParse(value);
  if (!parsed.success) refuse(name, `a port number from 0 to 65535${opts.off ? ' or "off"' : ""}`, value);
  return parsed.data;
}

/** true/1 or false/0 (any case), or `fallback` when unset. */
export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const text = value.toLowerCase();
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  return refuse(name, "true or false", value);
}
