import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WORKER_NODE_FLAGS } from "./node-flags.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("the worker's Node flags", () => {
  it("are the ones `npm run worker` starts it with", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.worker).toBe(`node ${WORKER_NODE_FLAGS.join(" ")} server/worker/main.ts`);
  });

  it("are V8 flags this Node knows (a misspelt or dropped one would stop the worker starting)", () => {
    const v8Options = execFileSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    for (const flag of WORKER_NODE_FLAGS) expect(v8Options).toContain(`  ${flag.split("=")[0]} (`);
  });
});
