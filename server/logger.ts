import pino, { type DestinationStream, type Logger } from "pino";

// Credentials must never reach a log line, whatever object a caller hands to the logger.
export const REDACTED_PATHS = [
  "*.SecretAccessKey",
  "*.SessionToken",
  "*.secretAccessKey",
  "*.sessionToken",
  "*.AccessKeyId",
  "*.accessKeyId",
  "credentials",
  "*.credentials",
  // STS AssumeRole output as the SDK returns it.
  "Credentials",
  "*.Credentials",
  "req.headers.authorization",
  'req.headers["x-amz-security-token"]',
];

/** The processes' logger; `destination` (stdout by default) lets a test read every line. */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}
