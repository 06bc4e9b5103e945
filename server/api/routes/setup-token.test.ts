import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../host-names.ts";
import { announceSetupLink, newSetupToken, setupLink } from "./setup-token.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function announce(loopbackOnly: boolean) {
  const parent = mkdtempSync(path.join(tmpdir(), "setup-link-"));
  dirs.push(parent);
  // Not made yet, as with a PostgreSQL store.
  const dataDir = path.join(parent, "data");
  const link = setupLink("http://localhost:3000", newSetupToken());
  const logged: string[] = [];
  const shown: string[] = [];
  const file = announceSetupLink({ link, dataDir, loopbackOnly, log: (m) => logged.push(m), terminal: (t) => shown.push(t) });
  return { link, file, logged, shown };
}

describe("the first-run link reaches the operator, never a log line", () => {
  it("is written to a file only this user reads, and the log names the file, not the token", () => {
    const { link, file, logged, shown } = announce(false);
    expect(readFileSync(file, "utf8").trim()).toBe(link);
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = link.split("#token=")[1]!;
    expect(logged.join("\n")).toContain(file);
    expect(logged.join("\n")).not.toContain(token);
    // Bound beyond loopback: nothing on the terminal either.
    expect(shown).toEqual([]);
  });
  it("a console bound to loopback also shows the link on the terminal, outside the log", () => {
    const { link, logged, shown } = announce(true);
    expect(shown.join("")).toContain(link);
    expect(logged.join("\n")).not.toContain(link.split("#token=")[1]!);
  });
  it("loopback binds are told from the others", () => {
    expect(["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(["0.0.0.0", "::", "10.0.0.5", "console.example.com"].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
