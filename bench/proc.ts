// Per-process figures for the benchmark, read from Linux's /proc (undefined elsewhere or once the
// process is gone): CPU time of one process (all its threads, not its children), peak RSS, and a
// process's children.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name; [0] is field 3 (state) of proc(5). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds the process has used so far (utime + stime, fields 14 and 15). */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const f = statFields(pid);
  if (!f) return undefined;
  return (Number(f[11]) + Number(f[12])) / clockTicks();
}

/** A `Vm*` line of /proc/<pid>/status in MB, e.g. VmHWM (peak RSS) or VmRSS. */
export function vmMegabytes(pid: number | undefined, field: "VmHWM" | "VmRSS"): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The process's command name (/proc/<pid>/comm). */
export function commandName(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Pids whose parent is `pid`: /proc/<pid>/task/<tid>/children, or a scan of /proc as `pgrep -P` does. */
export function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const found = new Set<number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/)) if (c) found.add(Number(c));
      } catch {
        // kernel without CONFIG_PROC_CHILDREN, or the thread ended
      }
    }
  } catch {
    return [];
  }
  if (found.size === 0) {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      if (statFields(Number(entry))?.[1] === String(pid)) found.add(Number(entry));
    }
  }
  return [...found];
}
