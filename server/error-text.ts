// Text about a failure that leaves the process (a log line, run history, a check's details, an API
// answer): the one place that decides what is scrubbed from it and how long it may be. AWS and
// Databend errors both pass through here, because either may echo the other's secrets (a Databend
// error quotes the COPY statement with the role's session keys; an AWS error names an access key).
import { sqlString } from "./databend/sql.ts";

const REDACTED = "[redacted]";

/** Any thrown value as one line: `Name: message` (the name left out when it is plain "Error"). */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
    return oneLine(`${name}${error.message}`);
  }
  return oneLine(String(error));
}

/** Runs of white space (line breaks included) as one space, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** At most `max` characters, with "…" when cut. */
export function excerpt(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The most a sentence of ours about one failure may take (it may quote a file's first error). */
export const SENTENCE_MAX = 500;

/** The most an outside system's own words (a detail) may take in a record or an answer. */
export const DETAIL_MAX = 2000;

/** `{ detail }` cut to DETAIL_MAX, or nothing when there is none (spread into a result). */
export function detailOf(detail: string | undefined): { detail?: string } {
  return detail ? { detail: excerpt(detail, DETAIL_MAX) } : {};
}

/**
 * Removes credentials from a text:
 * - each of `secrets` (passwords, session keys), as written and as written inside a SQL string
 *   literal (a driver error may echo the statement) or a URL;
 * - any `KEY = '...'` credential assignment of a Databend CONNECTION, whatever its value;
 * - AWS access key ids (AKIA/ASIA for keys, AROA/AIDA for role and user ids) and long opaque
 *   tokens (a session token is several hundred base64 characters).
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, sqlString(secret).slice(1, -1), encodeURIComponent(secret)])) {
      out = out.replaceAll(form, REDACTED);
    }
  }
  return out
    .replace(
      /\b(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|AWS_KEY_ID|AWS_SECRET_KEY|AWS_TOKEN|SECURITY_TOKEN)(\s*=\s*)'(?:[^'\\]|\\.|'')*'/gi,
      `$1$2'${REDACTED}'`,
    )
    .replace(/\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, REDACTED)
    .replace(/[A-Za-z0-9+/=]{80,}/g, REDACTED);
}
