import { describe, expect, it } from "vitest";
import { evaluate, parsePolicy, wildcardMatch } from "./policy.ts";

describe("policy evaluation", () => {
  it("matches IAM wildcards", () => {
    expect(wildcardMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b.csv")).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::b/?.csv", "arn:aws:s3:::b/ab.csv")).toBe(false);
    expect(wildcardMatch("s3:get*", "s3:GetObject", true)).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::b", "arn:aws:s3:::b2")).toBe(false);
  });

  it("lets an explicit Deny win and fails closed on what it does not understand", () => {
    const allow = { Effect: "Allow", Action: "s3:*", Resource: "*" };
    expect(evaluate([{ Statement: [allow] }], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" })).toBe("allow");
    expect(
      evaluate([{ Statement: [allow, { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }], {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
      }),
    ).toBe("explicit-deny");
    expect(evaluate([{ Statement: [{ Effect: "Allow", NotAction: "s3:PutObject", Resource: "*" }] }], { action: "s3:GetObject", resource: "x" })).toBe(
      "implicit-deny",
    );
    const forAny = { Effect: "Allow", Action: "*", Resource: "*", Condition: { "ForAnyValue:StringLike": { "aws:TagKeys": "*" } } };
    expect(evaluate([{ Statement: [forAny] }], { action: "s3:GetObject", resource: "x" })).toBe("implicit-deny");
    const denyOdd = { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01" } } };
    expect(evaluate([{ Statement: [allow, denyOdd] }], { action: "s3:GetObject", resource: "x" })).toBe("explicit-deny");
  });

  it("evaluates trust principals and conditions", () => {
    const trust = parsePolicy(
      JSON.stringify({
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::111111111111:role/a"] },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": ["x", "y"] }, StringNotEquals: { "aws:PrincipalAccount": "222222222222" } },
          },
        ],
      }),
    );
    const who = { arns: ["arn:aws:iam::111111111111:role/a"], account: "111111111111" };
    expect(evaluate([trust], { action: "sts:AssumeRole", principal: who, context: { "sts:externalid": "y" } })).toBe("allow");
    expect(evaluate([trust], { action: "sts:AssumeRole", principal: who, context: {} })).toBe("implicit-deny");
    const other = { arns: ["arn:aws:iam::111111111111:role/b"], account: "111111111111" };
    expect(evaluate([trust], { action: "sts:AssumeRole", principal: other, context: { "sts:ExternalId": "x" } })).toBe("implicit-deny");
  });

  it("rejects documents IAM would reject", () => {
    expect(() => parsePolicy("{not json")).toThrow("This policy contains invalid Json");
    expect(() => parsePolicy(JSON.stringify({ Statement: [{ Effect: "Maybe" }] }))).toThrow("Syntax errors in policy.");
  });
});
