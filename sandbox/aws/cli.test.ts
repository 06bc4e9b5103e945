/**
 * The seed page's AWS-side Steps 1–6, run with the AWS CLI (Debian's awscli speaks the SQS Query
 * protocol) and jq against a sandbox, then checked with the SDK the product uses.
 * CI installs the Debian packages `awscli` and `jq`; without them this test fails, it never skips.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PLATFORM_LOAD, PLATFORM_SETUP, startTestSandbox, type TestSandbox } from "./test-helpers.ts";

/** Debian's awscli lives in /usr/bin; AWS_CLI overrides (e.g. to try another version). */
function findTool(name: string, preferred: string): string | undefined {
  if (name === "aws" && process.env.AWS_CLI) return process.env.AWS_CLI;
  if (existsSync(preferred)) return preferred;
  const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

let sb: TestSandbox;
let work: string;
beforeAll(async () => {
  sb = await startTestSandbox({ seed: false, orgId: "cli-org" });
  work = mkdtempSync(join(tmpdir(), "sandbox-cli-"));
});
afterAll(async () => {
  await sb.dispose();
  rmSync(work, { recursive: true, force: true });
});

it("runs the seed's AWS CLI Steps 1–6 against the sandbox", { timeout: 180_000 }, async () => {
  const aws = findTool("aws", "/usr/bin/aws");
  const jq = findTool("jq", "/usr/bin/jq");
  if (!aws) throw new Error("The AWS CLI is not installed: `apt-get install -y awscli` (Debian) or set AWS_CLI=/path/to/aws.");
  if (!jq) throw new Error("jq is not installed: `apt-get install -y jq`.");
  const version = execFileSync(aws, ["--version"], { encoding: "utf8" }).trim();

  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: work,
    AWS_CLI: aws,
    SANDBOX_URL: sb.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(work, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "no-credentials"),
    // The page's variables.
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1", // AWS CLI v1 reads only this one
    BUCKET_NAME: "cli-bucket",
    QUEUE_NAME: "cli-events",
    ROLE_NAME: "databend-s3-sqs-consumer-role",
    PREFIX: "incoming/",
    SUFFIX: ".csv",
    DATABEND_SETUP_ROLE_ARN: sb.seedValues.platformSetupRoleArn,
    DATABEND_LOAD_ROLE_ARN: sb.seedValues.platformLoadRoleArn,
    EXTERNAL_ID: "cli-org",
  };
  // Asynchronously: the sandbox answers from this very process.
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile("bash", [join(import.meta.dirname, "seed-steps.sh")], { cwd: work, env, encoding: "utf8", timeout: 150_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
  if (run.code !== 0) {
    throw new Error(`seed steps failed with ${version} (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  const read = (f: string) => readFileSync(join(work, f), "utf8");

  const queueUrl = read("queue-url.txt").trim();
  expect(queueUrl).toBe("https://sqs.us-east-1.amazonaws.com/000000000000/cli-events");
  expect(read("role-arn.txt").trim()).toBe("arn:aws:iam::000000000000:role/databend-s3-sqs-consumer-role");
  const check = JSON.parse(read("notification-check.json"));
  expect(check.QueueConfigurations[0]).toMatchObject({
    Id: "cli-events",
    QueueArn: "arn:aws:sqs:us-east-1:000000000000:cli-events",
    Events: ["s3:ObjectCreated:*"],
  });

  const bodies = ["received-1.json", "received-2.json"].map((f) => JSON.parse(JSON.parse(read(f)).Messages[0].Body));
  expect(bodies[0]).toMatchObject({ Event: "s3:TestEvent", Bucket: "cli-bucket" });
  const record = bodies[1].Records[0];
  expect(record.eventSource).toBe("aws:s3");
  expect(record.eventName).toBe("ObjectCreated:Put");
  expect(record.s3.bucket.name).toBe("cli-bucket");
  expect(record.s3.object.key).toMatch(/^incoming\/databend-test-\d+\.csv$/);
  expect(record.s3.object.size).toBe(4);

  // The role the CLI made works for both platform identities with the External ID …
  for (const who of [PLATFORM_SETUP, PLATFORM_LOAD]) {
    const creds = await sb.assume("arn:aws:iam::000000000000:role/databend-s3-sqs-consumer-role", "cli-org", who);
    // … and its permissions allow consuming the queue (the messages are invisible for 60 s now).
    const got = await sb.sqs(creds).send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(got.Messages ?? []).toEqual([]);
  }
});

it("uploads empty files with `aws s3 cp` and `aws s3api put-object` (no body, no Content-Type)", { timeout: 60_000 }, async () => {
  const aws = findTool("aws", "/usr/bin/aws");
  if (!aws) throw new Error("The AWS CLI is not installed: `apt-get install -y awscli` (Debian) or set AWS_CLI=/path/to/aws.");
  await sb.s3().send(new CreateBucketCommand({ Bucket: "cli-empty" }));
  // No extension, so the CLI finds no MIME type and sends no Content-Type (fauxqs answered 500).
  writeFileSync(join(work, "empty"), "");
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: work,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(work, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "no-credentials"),
    AWS_MAX_ATTEMPTS: "1",
  };
  // Asynchronously: the sandbox answers from this very process.
  const cli = (...args: string[]) =>
    new Promise<void>((done, fail) => {
      execFile(aws, ["--endpoint-url", sb.url, ...args], { cwd: work, env, encoding: "utf8", timeout: 30_000 }, (err, _stdout, stderr) =>
        err ? fail(new Error(`aws ${args.join(" ")} failed: ${stderr}`)) : done(),
      );
    });
  await cli("s3", "cp", "empty", "s3://cli-empty/incoming/empty");
  await cli("s3api", "put-object", "--bucket", "cli-empty", "--key", "incoming/no-body");
  for (const Key of ["incoming/empty", "incoming/no-body"]) {
    const head = await sb.s3().send(new HeadObjectCommand({ Bucket: "cli-empty", Key }));
    expect(head.ContentLength).toBe(0);
    expect(head.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
  }
});
