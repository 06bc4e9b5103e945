// The copier's session keys: how much lifetime a statement asks for, and the S3 endpoint written
// into CONNECTION. The credential cache is a stand-in here (no STS is involved in this question);
// the worker suites run the real one against the sandbox's STS.
import { describe, expect, it } from "vitest";
import { makeTask } from "../../tests/support/fixtures.ts";
import type { RunnableTask } from "../store/tasks.ts";
import { Copier } from "./copier.ts";
import type { CredentialCache } from "./credentials.ts";

function copierFor(region: string, endpointUrl?: string) {
  const asked: number[] = [];
  const credentials = {
    get: async (minValidMs: number) => {
      asked.push(minValidMs);
      return { accessKeyId: "AKIA", secretAccessKey: "secret", sessionToken: "token" };
    },
  } as unknown as CredentialCache;
  const record = makeTask();
  const task: RunnableTask = {
    id: record.id,
    org_id: "org",
    config: record,
    source: { id: "ds", queue_url: "", queue_region: region, role_arn: "", external_id: "org", bucket: "b", prefix: "", suffix: "" },
    version: "1",
  } as unknown as RunnableTask;
  const copier = new Copier({ task, warehouse: {} as never, credentials, s3: undefined, endpointUrl, metadataHours: 504, roleSessionSeconds: 3600 });
  return { copier, asked };
}

describe("Copier.connection", () => {
  it("asks for more remaining lifetime for a bigger batch, capped at a third of the session", async () => {
    const { copier, asked } = copierFor("us-east-1");
    await copier.connection(1);
    await copier.connection(1000);
    await copier.connection(100_000);
    expect(asked).toEqual([120_100, 220_000, 1_200_000]);
  });

  it("writes an explicit ENDPOINT_URL for China regions, none elsewhere, and a configured one always", async () => {
    expect((await copierFor("cn-north-1").copier.connection()).endpointUrl).toBe("https://s3.cn-north-1.amazonaws.com.cn");
    expect((await copierFor("eu-west-1").copier.connection()).endpointUrl).toBeUndefined();
    expect((await copierFor("cn-north-1", "http://127.0.0.1:4566").copier.connection()).endpointUrl).toBe("http://127.0.0.1:4566");
  });
});
