// moto_server (PyPI moto[server], from sandbox/cfn-tools/.venv) as a child process on 127.0.0.1 and a
// port the OS picks, for the template test: a CloudFormation implementation nobody here wrote.
// `aws` runs the real AWS CLI (Debian's, as tests/e2e/aws-cli.ts picks it) against it: no
// @aws-sdk/client-cloudformation is installed.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { CFN_TOOLS, CFN_TOOLS_MISSING, cfnToolsProvisioned } from "../../sandbox/cfn-tools/tools-env.ts";
import { CLI } from "../e2e/aws-cli.ts";

const run = promisify(execFile);

export const MOTO_KEYS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface MotoServer {
  endpoint: string;
  /** The AWS CLI against moto, JSON output parsed (undefined for commands that print nothing). */
  aws(region: string, args: string[]): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startMotoServer(): Promise<MotoServer> {
  if (!cfnToolsProvisioned()) throw new Error(CFN_TOOLS_MISSING);
  const child: ChildProcess = spawn(CFN_TOOLS.motoServer, ["-H", "127.0.0.1", "-p", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`moto_server did not report its address within 30 s: ${seen}`)), 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`moto_server exited (${code}): ${seen}`)));
  });
  // Keep draining its request log so the pipe never fills.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    endpoint,
    async aws(region, args) {
      const { stdout } = await run(CLI, ["--endpoint-url", endpoint, "--region", region, "--output", "json", "--cli-connect-timeout", "5", "--cli-read-timeout", "30", ...args], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: MOTO_KEYS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: MOTO_KEYS.secretAccessKey,
          AWS_PAGER: "",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        },
        timeout: 60_000,
      });
      return stdout.trim() ? (JSON.parse(stdout) as unknown) : undefined;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
