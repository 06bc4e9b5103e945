// Does an SQS queue policy let S3 send this bucket's events? A reading of the common shapes of
// the policy language, not a full IAM evaluator: an Allow statement for the S3 service principal
// (or "*") with sqs:SendMessage on the queue, whose aws:SourceArn condition matches the bucket.

import { queuePolicy } from "#contracts/aws-setup-documents.ts";

export type PolicyVerdict =
  /** A statement allows S3 to send, restricted to this bucket by aws:SourceArn. */
  | { kind: "allows_bucket"; sid: string | undefined }
  /** A statement allows S3 to send with no aws:SourceArn restriction (any bucket may send). */
  | { kind: "allows_any_bucket"; sid: string | undefined }
  /** S3 statements exist but their aws:SourceArn names other buckets. */
  | { kind: "other_buckets"; sourceArns: string[] }
  | { kind: "no_statement" }
  | { kind: "absent" }
  | { kind: "unreadable" };

type Json = unknown;

const asArray = (value: Json): Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const strings = (value: Json): string[] => asArray(value).filter((v): v is string => typeof v === "string");

/** IAM wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const regex = pattern
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, caseInsensitive ? "is" : "s").test(value);
}

function principalAllowsS3(principal: Json): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  const p = principal as Record<string, Json>;
  if (strings(p.Service).some((s) => s.toLowerCase() === "s3.amazonaws.com")) return true;
  return strings(p.AWS).includes("*");
}

function actionAllowsSend(action: Json): boolean {
  return strings(action).some((a) => wildcardMatch(a, "sqs:SendMessage", true));
}

function resourceCoversQueue(resource: Json, queueArn: string): boolean {
  // A queue policy without Resource applies to the queue it is attached to.
  if (resource === undefined) return true;
  return strings(resource).some((r) => wildcardMatch(r, queueArn));
}

const SOURCE_ARN_OPERATORS = new Set(["arnlike", "arnequals", "stringequals", "stringlike"]);
const WILDCARD_OPERATORS = new Set(["arnlike", "arnequals", "stringlike"]);

/** aws:SourceArn patterns in a Condition block, with whether each may use wildcards. */
function sourceArnConditions(condition: Json): { pattern: string; wildcard: boolean }[] {
  if (typeof condition !== "object" || condition === null) return [];
  const found: { pattern: string; wildcard: boolean }[] = [];
  for (const [operatorRaw, block] of Object.entries(condition as Record<string, Json>)) {
    const operator = operatorRaw
      .replace(/^for(any|all)value:/i, "")
      .replace(/ifexists$/i, "")
      .toLowerCase();
    if (!SOURCE_ARN_OPERATORS.has(operator) || typeof block !== "object" || block === null) continue;
    for (const [key, values] of Object.entries(block as Record<string, Json>)) {
      if (key.toLowerCase() !== "aws:sourcearn") continue;
      for (const pattern of strings(values)) found.push({ pattern, wildcard: WILDCARD_OPERATORS.has(operator) });
    }
  }
  return found;
}

export function evaluateQueuePolicy(policyText: string | undefined, queueArn: string, bucketArn: string): PolicyVerdict {
  if (policyText === undefined || policyText.trim() === "") return { kind: "absent" };
  let policy: Json;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return { kind: "unreadable" };
  }
  if (typeof policy !== "object" || policy === null) return { kind: "unreadable" };
  const statements = asArray((policy as Record<string, Json>).Statement);
  const others: string[] = [];
  let anyBucket: PolicyVerdict | undefined;
  for (const raw of statements) {
    if (typeof raw !== "object" || raw === null) continue;
    const st = raw as Record<string, Json>;
    if (st.Effect !== "Allow" || st.NotPrincipal !== undefined || st.NotAction !== undefined) continue;
    if (!principalAllowsS3(st.Principal) || !actionAllowsSend(st.Action)) continue;
    if (st.NotResource !== undefined || !resourceCoversQueue(st.Resource, queueArn)) continue;
    const sid = typeof st.Sid === "string" ? st.Sid : undefined;
    const conditions = sourceArnConditions(st.Condition);
    if (conditions.length === 0) {
      anyBucket ??= { kind: "allows_any_bucket", sid };
      continue;
    }
    const matches = conditions.some(({ pattern, wildcard }) =>
      wildcard ? wildcardMatch(pattern, bucketArn) : pattern === bucketArn,
    );
    if (matches) return { kind: "allows_bucket", sid };
    others.push(...conditions.map((c) => c.pattern));
  }
  if (anyBucket) return anyBucket;
  if (others.length > 0) return { kind: "other_buckets", sourceArns: others };
  return { kind: "no_statement" };
}

/** The policy to apply, as the seed's Step 2 builds it. */
export function recommendedQueuePolicy(queueArn: string, bucketArn: string, accountId: string, queueName: string): string {
  return JSON.stringify(queuePolicy(queueName, queueArn, bucketArn, accountId));
}
