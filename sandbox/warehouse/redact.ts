// Secrets in COPY ... CONNECTION = (...) must never reach a log line.

const SECRET_KEYS = /\b(SECRET_ACCESS_KEY|AWS_SECRET_KEY|SESSION_TOKEN|SECURITY_TOKEN|AWS_TOKEN|ACCESS_KEY_ID|AWS_KEY_ID|MASTER_KEY|PASSWORD)(\s*=\s*)'(?:[^'\\]|\\.|'')*'/gi;

export function redactSql(sql: string): string {
  return sql.replace(SECRET_KEYS, (_m, key: string, eq: string) => `${key}${eq}'***'`);
}
