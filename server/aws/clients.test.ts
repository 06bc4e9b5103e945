import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { canonicalQueueUrl, createS3Client, createSqsClient, resolveEndpoint, roleSessionName } from "./clients.ts";
import { regionOfLocationConstraint } from "../connectivity/checks/s3.ts";

const creds = { accessKeyId: "a", secretAccessKey: "b" };

describe("AWS client factory", () => {
  it("resolves endpoints with the SDK's precedence: explicit, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL", () => {
    const env = { AWS_ENDPOINT_URL: "http://all:1", AWS_ENDPOINT_URL_SQS: "http://sqs:2" };
    expect(resolveEndpoint("sqs", { env })).toBe("http://sqs:2");
    expect(resolveEndpoint("s3", { env })).toBe("http://all:1");
    expect(resolveEndpoint("s3", { env, endpoints: { s3: "http://mine:3" } })).toBe("http://mine:3");
    expect(resolveEndpoint("sts", { env: {} })).toBeUndefined();
    expect(resolveEndpoint("sts", { env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" } })).toBeUndefined();
  });

  it("sends SQS requests to the Region's host, never to the queue URL's", async () => {
    const sqs = createSqsClient("eu-west-1", creds, { env: {} });
    expect(sqs.config.useQueueUrlAsEndpoint).toBe(false);
    sqs.destroy();
    expect(canonicalQueueUrl("eu-west-1", "123456789012", "orders")).toBe("https://sqs.eu-west-1.amazonaws.com/123456789012/orders");
    expect(canonicalQueueUrl("cn-north-1", "123456789012", "q")).toBe("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q");
  });

  it("uses S3 path-style only with an endpoint override", async () => {
    const aws = createS3Client("us-east-1", creds, { env: {} });
    const local = createS3Client("us-east-1", creds, { env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566" } });
    expect(aws.config.forcePathStyle).toBe(false);
    expect(local.config.forcePathStyle).toBe(true);
    aws.destroy();
    local.destroy();
  });

  it("names sessions after the org within STS's character set and length", () => {
    expect(roleSessionName("setup", "local-org")).toBe("databend-setup-local-org");
    expect(roleSessionName("load", "a b/c:d")).toBe("databend-load-a-b-c-d");
    expect(roleSessionName("setup", "x".repeat(100))).toHaveLength(64);
  });

  it("reads LocationConstraint as S3 reports it", () => {
    expect(regionOfLocationConstraint(undefined)).toBe("us-east-1");
    expect(regionOfLocationConstraint("" as never)).toBe("us-east-1");
    expect(regionOfLocationConstraint("EU")).toBe("eu-west-1");
    expect(regionOfLocationConstraint("ap-south-1")).toBe("ap-south-1");
  });
});

describe("the SDK's own endpoint resolution (checked, not assumed)", () => {
  it("sends to AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL from the environment when no endpoint is passed", async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.headers["x-amz-target"] ?? req.method} ${req.url}`);
      res.writeHead(400, { "content-type": "application/x-amz-json-1.0" }).end('{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const script = `
      import { createSqsClient, canonicalQueueUrl } from ${JSON.stringify(new URL("./clients.ts", import.meta.url).href)};
      import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
      const sqs = createSqsClient("eu-west-1", { accessKeyId: "a", secretAccessKey: "b" }, { env: {} });
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: "https://evil.example.com/123456789012/q" })).catch(() => {});
      sqs.destroy();
    `;
    try {
      await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH, AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${port}` },
        timeout: 20_000,
      });
    } finally {
      server.close();
    }
    // The request reached the operator's endpoint; the host in the queue URL was not used.
    expect(hits).toEqual(["AmazonSQS.GetQueueAttributes /"]);
  });
});
