import { GetCallerIdentityCommand, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { ListQueuesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, PLATFORM_LOAD, PLATFORM_SETUP, rejection, startTestSandbox, type TestSandbox } from "./test-helpers.ts";

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox({ orgId: "org-123", minSessionSeconds: 1 });
});
afterAll(() => sb.dispose());

describe("STS AssumeRole against the seeded role", () => {
  it("succeeds for a trusted platform role with the right External ID", async () => {
    const out = await sb.sts(PLATFORM_SETUP).send(
      new AssumeRoleCommand({ RoleArn: sb.seedValues.roleArn, RoleSessionName: "setup-check", ExternalId: "org-123", DurationSeconds: 900 }),
    );
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toBeTruthy();
    expect(out.Credentials?.SessionToken).toBeTruthy();
    const ttl = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(ttl).toBeGreaterThan(880_000);
    expect(ttl).toBeLessThanOrEqual(900_000);
    expect(out.AssumedRoleUser?.Arn).toBe(
      "arn:aws:sts::000000000000:assumed-role/databend-s3-sqs-consumer-role/setup-check",
    );
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:setup-check$/);

    const me = await sb.sts(await sb.assume(sb.seedValues.roleArn, "org-123", PLATFORM_LOAD)).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe("000000000000");
    expect(me.Arn).toBe("arn:aws:sts::000000000000:assumed-role/databend-s3-sqs-consumer-role/test-session");
  });

  it.each([
    ["a wrong External ID", PLATFORM_SETUP, "other-org"],
    ["a missing External ID", PLATFORM_SETUP, undefined],
    ["an untrusted principal (the customer's own keys)", CUSTOMER, "org-123"],
  ])("refuses %s with AccessDenied", async (_what, who, externalId) => {
    const err = await rejection(sb.assume(sb.seedValues.roleArn, externalId, who));
    expect(err.name).toBe("AccessDenied");
    const callerArn =
      who === CUSTOMER ? "arn:aws:iam::000000000000:root" : "arn:aws:sts::111111111111:assumed-role/platform-setup/platform-setup";
    expect(err.message).toBe(`User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${sb.seedValues.roleArn}`);
  });

  it("refuses a role that does not exist exactly like an untrusted one", async () => {
    const err = await rejection(sb.assume("arn:aws:iam::000000000000:role/nope", "org-123"));
    expect(err.name).toBe("AccessDenied");
  });

  it("supports StringLike conditions and account principals, and fails closed on unknown operators", async () => {
    const iam = sb.iam();
    const make = async (name: string, condition: object, principal: unknown) => {
      await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole", Condition: condition }],
          }),
        }),
      );
      return `arn:aws:iam::000000000000:role/${name}`;
    };
    const like = await make("like-role", { StringLike: { "sts:ExternalId": "org-*" } }, ["111111111111"]);
    await expect(sb.assume(like, "org-anything")).resolves.toBeTruthy();
    expect((await rejection(sb.assume(like, "xorg-1"))).name).toBe("AccessDenied");
    const unknownOp = await make("odd-role", { NumericEquals: { "sts:ExternalId": "1" } }, "arn:aws:iam::111111111111:root");
    expect((await rejection(sb.assume(unknownOp, "1"))).name).toBe("AccessDenied");
  });

  it("validates DurationSeconds against the allowed range and the role's MaxSessionDuration", async () => {
    const err = await rejection(sb.assume(sb.seedValues.roleArn, "org-123", PLATFORM_SETUP, 43201));
    expect(err.name).toBe("ValidationError");
    expect(err.message).toContain("less than or equal to 43200");
    const tooLong = await rejection(sb.assume(sb.seedValues.roleArn, "org-123", PLATFORM_SETUP, 7200));
    expect(tooLong.message).toBe("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  });

  it("refuses expired session credentials with ExpiredToken on every service", async () => {
    const creds = await sb.assume(sb.seedValues.roleArn, "org-123", PLATFORM_LOAD, 1);
    await new Promise((r) => setTimeout(r, 1100));
    const sts = await rejection(sb.sts(creds).send(new GetCallerIdentityCommand({})));
    expect(sts.name).toBe("ExpiredToken");
    const sqs = await rejection(sb.sqs(creds).send(new ListQueuesCommand({})));
    expect((sqs as { Code?: string }).Code ?? sqs.name).toBe("ExpiredToken");
    const s3 = await rejection(sb.s3(creds).send(new ListBucketsCommand({})));
    expect(s3.name).toBe("ExpiredToken");
  });

  it("refuses unknown keys and bad signatures", async () => {
    const unknown = { accessKeyId: "AKIANOTAKEY", secretAccessKey: "x" };
    expect((await rejection(sb.sts(unknown).send(new GetCallerIdentityCommand({})))).name).toBe("InvalidClientTokenId");
    expect((await rejection(sb.s3(unknown).send(new ListBucketsCommand({})))).name).toBe("InvalidAccessKeyId");
    const sqsErr = await rejection(sb.sqs(unknown).send(new ListQueuesCommand({})));
    expect(sqsErr.Code).toBe("InvalidClientTokenId");
    const badSecret = { accessKeyId: "test", secretAccessKey: "wrong" };
    expect((await rejection(sb.sts(badSecret).send(new GetCallerIdentityCommand({})))).name).toBe("SignatureDoesNotMatch");
  });

  it("reports every identity in GetCallerIdentity", async () => {
    const who = async (c: typeof CUSTOMER) => (await sb.sts(c).send(new GetCallerIdentityCommand({}))).Arn;
    expect(await who(CUSTOMER)).toBe("arn:aws:iam::000000000000:root");
    expect(await who(PLATFORM_SETUP)).toBe("arn:aws:sts::111111111111:assumed-role/platform-setup/platform-setup");
    expect(await who(PLATFORM_LOAD)).toBe("arn:aws:sts::111111111111:assumed-role/platform-load/platform-load");
  });

  it("lets only the customer's keys call IAM", async () => {
    const err = await rejection(
      sb.iam(PLATFORM_SETUP).send(new PutRolePolicyCommand({ RoleName: "x", PolicyName: "p", PolicyDocument: "{}" })),
    );
    expect(err.name).toBe("AccessDenied");
  });
});
