// AWS's own CLI (Debian's awscli, v2) as the customer (keys test/test) against the sandbox: an
// independent reader of queue state, so a check of "Test Connectivity left the message alone"
// does not trust our SDK code. Debian's 2.9 predates AWS_ENDPOINT_URL, so the endpoint is also
// passed as --endpoint-url. Runs asynchronously: the sandbox answers from this same process.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);
// Debian's package; a pyenv shim or another install earlier on PATH may be an older v1.
export const CLI = ["/usr/bin/aws", "/bin/aws"].find((candidate) => existsSync(candidate)) ?? "aws";

export async function awsCli(endpoint: string, args: string[], region = "us-east-1"): Promise<unknown> {
  const { stdout } = await run(
    CLI,
    ["--endpoint-url", endpoint, "--region", region, "--output", "json", "--cli-connect-timeout", "5", "--cli-read-timeout", "10", ...args],
    {
      timeout: 30_000,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_PAGER: "",
        // No profile or config of the machine's user takes part.
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
    },
  );
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** Visible and in-flight message counts, as `aws sqs get-queue-attributes` reports them. */
export async function queueCounts(endpoint: string, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = (await awsCli(endpoint, [
    "sqs", "get-queue-attributes", "--queue-url", queueUrl,
    "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
  ])) as { Attributes?: Record<string, string> };
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

/** One `aws sqs receive-message` with the messages' ApproximateReceiveCount. */
export async function receiveOnce(
  endpoint: string,
  queueUrl: string,
): Promise<{ Body: string; Attributes?: { ApproximateReceiveCount?: string } }[]> {
  const out = (await awsCli(endpoint, [
    "sqs", "receive-message", "--queue-url", queueUrl,
    "--attribute-names", "ApproximateReceiveCount", "--visibility-timeout", "60", "--max-number-of-messages", "10",
  ])) as { Messages?: { Body: string; Attributes?: { ApproximateReceiveCount?: string } }[] };
  return out.Messages ?? [];
}
