/** `npm run sandbox` as a process: prints the form values, and stops cleanly on SIGTERM and SIGINT. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "sandbox-main-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "main.ts"), ...args], {
      env: { ...process.env, SANDBOX_PORT: "0", DATA_DIR: dataDir, ORG_ID: "main-org", SANDBOX_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`sandbox did not start/stop in time:\n${out}`));
    }, 30_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Object Key Suffix")) child.kill(signal);
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

it("prints the values for the form and exits 0 on SIGTERM/SIGINT; --reset seeds again", async () => {
  const first = await run([], "SIGTERM");
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/AWS sandbox on http:\/\/127\.0\.0\.1:\d+ .*demo just seeded/);
  for (const line of [
    "Queue URL          https://sqs.us-east-1.amazonaws.com/000000000000/databend-demo-events",
    "Queue Region       us-east-1",
    "Role ARN           arn:aws:iam::000000000000:role/databend-s3-sqs-consumer-role",
    "External ID        main-org",
    "Bucket             databend-demo-bucket",
    "Object Key Prefix  incoming/",
    "Object Key Suffix  .csv",
  ]) {
    expect(first.out).toContain(line);
  }
  const second = await run([], "SIGINT");
  expect(second.code).toBe(0);
  expect(second.out).not.toContain("demo just seeded");
  const third = await run(["--reset"], "SIGTERM");
  expect(third.out).toContain("demo just seeded");
});
