/** Shared set-up for the sandbox's own tests: a sandbox on a random port and real SDK clients. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { startSandbox, type Sandbox, type SandboxOptions } from "./server.ts";

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const CUSTOMER: Creds = { accessKeyId: "test", secretAccessKey: "test" };
export const PLATFORM_SETUP: Creds = { accessKeyId: "platform-setup", secretAccessKey: "platform-setup" };
export const PLATFORM_LOAD: Creds = { accessKeyId: "platform-load", secretAccessKey: "platform-load" };

export interface TestSandbox extends Sandbox {
  dataDir: string;
  s3(creds?: Creds, region?: string): S3Client;
  sqs(creds?: Creds, region?: string): SQSClient;
  sts(creds?: Creds): STSClient;
  iam(creds?: Creds): IAMClient;
  /** Assumes `roleArn` as `who` (platform-setup by default) with an External ID. */
  assume(roleArn: string, externalId: string | undefined, who?: Creds, durationSeconds?: number): Promise<Creds>;
  /** Stops the sandbox and deletes its data directory. */
  dispose(): Promise<void>;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "sandbox-test-"));
  const sb = await startSandbox({ port: 0, log: false, ...options, dataDir });
  const endpoint = sb.url;
  return {
    ...sb,
    dataDir,
    s3: (creds = CUSTOMER, region = "us-east-1") => new S3Client({ endpoint, region, credentials: creds, forcePathStyle: true }),
    // useQueueUrlAsEndpoint:false keeps requests on the sandbox whatever host a QueueUrl names.
    sqs: (creds = CUSTOMER, region = "us-east-1") =>
      new SQSClient({ endpoint, region, credentials: creds, useQueueUrlAsEndpoint: false }),
    sts: (creds = CUSTOMER) => new STSClient({ endpoint, region: "us-east-1", credentials: creds }),
    iam: (creds = CUSTOMER) => new IAMClient({ endpoint, region: "us-east-1", credentials: creds }),
    async assume(roleArn, externalId, who = PLATFORM_SETUP, durationSeconds) {
      const sts = new STSClient({ endpoint, region: "us-east-1", credentials: who });
      const out = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "test-session", ExternalId: externalId, DurationSeconds: durationSeconds }),
      );
      const c = out.Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    },
    async dispose() {
      await sb.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes `client` send its requests without a Content-Type header (removed before signing), as the
 * AWS CLI sends an empty file whose extension has no MIME type, or `s3api put-object` without a body.
 */
export function withoutContentType<C extends S3Client>(client: C): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) delete request.headers["content-type"];
      return next(args);
    },
    { step: "build", name: "withoutContentType" },
  );
  return client;
}

/** Resolves with the error a promise rejects with (fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { Code?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { Code?: string };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/**
 * Sends a SigV4-signed form-encoded Query protocol request (as older AWS CLIs do for SQS).
 * A minimal signer, for requests the SDK no longer makes.
 */
export async function signedQuery(
  url: string,
  service: string,
  params: Record<string, string>,
  creds: Creds = CUSTOMER,
  region = "us-east-1",
): Promise<{ status: number; text: string }> {
  const { createHash, createHmac } = await import("node:crypto");
  const body = new URLSearchParams(params).toString();
  const host = new URL(url).host;
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    host,
    "x-amz-date": amzDate,
  };
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const hex = (s: string) => createHash("sha256").update(s).digest("hex");
  const canonical = ["POST", "/", "", names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), hex(body)].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(canonical)].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${creds.secretAccessKey}`).update(date).digest();
  for (const part of [region, service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...sendHeaders } = headers;
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      ...sendHeaders,
      authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}
