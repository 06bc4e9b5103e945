/**
 * A small subset of IAM policy evaluation: identity policies (Action/Resource), trust policies
 * (Principal/Action) and resource policies for the S3 service principal, with Condition blocks.
 * Anything we do not understand (NotAction, NotResource, NotPrincipal, unknown condition
 * operators, ForAnyValue:/ForAllValues: set operators) fails closed: an Allow statement using it
 * does not allow, a Deny statement using it denies.
 */

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: Statement | Statement[];
}

/** Context keys available to conditions, e.g. `sts:ExternalId`, `aws:SourceArn`. Case-insensitive. */
export type ConditionContext = Record<string, string | undefined>;

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

class Unsupported extends Error {}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function statements(doc: PolicyDocument): Statement[] {
  return asList(doc.Statement);
}

/** IAM wildcard match: `*` any run of characters, `?` any single character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, ignoreCase ? "is" : "s").test(value);
}

function lookup(ctx: ConditionContext, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(ctx)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

const OPERATORS = new Set([
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
  "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike", "Null",
]);

/** Evaluates one Condition block; throws Unsupported for operators we do not implement. */
function conditionHolds(condition: Statement["Condition"], ctx: ConditionContext): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== "object" || condition === null) throw new Unsupported("Condition");
  for (const [rawOperator, entries] of Object.entries(condition)) {
    if (rawOperator.includes(":")) throw new Unsupported(rawOperator); // ForAnyValue:, ForAllValues:
    let operator = rawOperator;
    const ifExists = operator.endsWith("IfExists");
    if (ifExists) operator = operator.slice(0, -"IfExists".length);
    if (!OPERATORS.has(operator)) throw new Unsupported(rawOperator);
    if (typeof entries !== "object" || entries === null) throw new Unsupported(rawOperator);
    for (const [key, expected] of Object.entries(entries)) {
      const values = asList(expected as unknown).map((v) => String(v));
      const actual = lookup(ctx, key);
      if (operator === "Null") {
        const wantNull = values.some((v) => v.toLowerCase() === "true");
        if ((actual === undefined) !== wantNull) return false;
        continue;
      }
      if (actual === undefined) {
        if (ifExists) continue;
        // Negated operators are true when the key is absent, as in IAM.
        if (/^(StringNot|ArnNot)/.test(operator)) continue;
        return false;
      }
      let ok: boolean;
      switch (operator) {
        case "StringEquals":
        case "ArnEquals":
          ok = values.some((v) => v === actual);
          break;
        case "StringNotEquals":
        case "ArnNotEquals":
          ok = !values.some((v) => v === actual);
          break;
        case "StringEqualsIgnoreCase":
          ok = values.some((v) => v.toLowerCase() === actual.toLowerCase());
          break;
        case "StringNotEqualsIgnoreCase":
          ok = !values.some((v) => v.toLowerCase() === actual.toLowerCase());
          break;
        case "StringLike":
        case "ArnLike":
          ok = values.some((v) => wildcardMatch(v, actual));
          break;
        case "StringNotLike":
        case "ArnNotLike":
          ok = !values.some((v) => wildcardMatch(v, actual));
          break;
        default:
          throw new Unsupported(rawOperator);
      }
      if (!ok) return false;
    }
  }
  return true;
}

function actionMatches(st: Statement, action: string): boolean {
  if (st.NotAction !== undefined) throw new Unsupported("NotAction");
  return asList(st.Action).some((a) => typeof a === "string" && wildcardMatch(a, action, true));
}

function resourceMatches(st: Statement, resource: string): boolean {
  if (st.NotResource !== undefined) throw new Unsupported("NotResource");
  return asList(st.Resource).some((r) => typeof r === "string" && wildcardMatch(r, resource));
}

/** A principal as a trust or resource policy sees it. */
export interface PrincipalInfo {
  /** ARNs that name this caller: role ARN, assumed-role session ARN, account root ARN. */
  arns: string[];
  account?: string;
  /** Service principal, e.g. s3.amazonaws.com. */
  service?: string;
}

function principalMatches(st: Statement, who: PrincipalInfo): boolean {
  if (st.NotPrincipal !== undefined) throw new Unsupported("NotPrincipal");
  const p = st.Principal;
  if (p === "*") return true;
  if (typeof p !== "object" || p === null) return false;
  const block = p as Record<string, unknown>;
  for (const aws of asList(block.AWS as string | string[] | undefined)) {
    if (aws === "*") return true;
    if (who.account && (aws === who.account || aws === `arn:aws:iam::${who.account}:root`)) return true;
    if (who.arns.includes(aws)) return true;
  }
  if (who.service) {
    for (const service of asList(block.Service as string | string[] | undefined)) {
      if (service === who.service) return true;
    }
  }
  return false;
}

interface EvalInput {
  action: string;
  resource?: string;
  principal?: PrincipalInfo;
  context?: ConditionContext;
}

/** Evaluates the given policies together: an explicit Deny wins, otherwise any Allow allows. */
export function evaluate(docs: PolicyDocument[], input: EvalInput): Decision {
  let allowed = false;
  for (const doc of docs) {
    for (const st of statements(doc)) {
      const effect = st.Effect;
      if (effect !== "Allow" && effect !== "Deny") continue;
      let applies: boolean;
      try {
        applies =
          actionMatches(st, input.action) &&
          (input.resource === undefined || resourceMatches(st, input.resource)) &&
          (input.principal === undefined || principalMatches(st, input.principal)) &&
          conditionHolds(st.Condition, input.context ?? {});
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
        applies = effect === "Deny"; // fail closed
      }
      if (!applies) continue;
      if (effect === "Deny") return "explicit-deny";
      allowed = true;
    }
  }
  return allowed ? "allow" : "implicit-deny";
}

/** Parses a policy document, throwing a message in IAM's words when it is not one. */
export function parsePolicy(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("This policy contains invalid Json");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new Error("This policy contains invalid Json");
  }
  const sts = (doc as PolicyDocument).Statement;
  if (sts === undefined) throw new Error("Syntax errors in policy.");
  for (const st of asList(sts)) {
    if (typeof st !== "object" || st === null) throw new Error("Syntax errors in policy.");
    if (st.Effect !== "Allow" && st.Effect !== "Deny") throw new Error("Syntax errors in policy.");
  }
  return doc as PolicyDocument;
}
