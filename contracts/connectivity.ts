// Test Connectivity result: stable check ids and statuses (DESIGN.md, fixed contracts).
import { z } from "./zod.ts";

export const CHECK_IDS = [
  "assume_role",
  "sqs_queue",
  "sqs_standard",
  "sqs_policy",
  "sqs_receive",
  "s3_bucket",
  "s3_list",
  "s3_read",
] as const;

export const checkIdSchema = z.enum(CHECK_IDS);
export type CheckId = z.infer<typeof checkIdSchema>;

export const checkStatusSchema = z.enum(["pass", "fail", "warn", "skip"]);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkResultSchema = z.object({
  id: checkIdSchema,
  status: checkStatusSchema,
  /** What the check found, in words for the operator. */
  message: z.string(),
  /** What to change on the AWS side. */
  hint: z.string().optional(),
  /** AWS's own answer (error code and message, scrubbed), for an expandable "details" view. */
  detail: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const testResultSchema = z.object({
  ok: z.boolean(),
  checks: z.array(checkResultSchema),
});
export type TestResult = z.infer<typeof testResultSchema>;

/** What POST /api/data-sources/test answers: the result and when the test ran. */
export const testOutcomeSchema = testResultSchema.extend({ tested_at: z.string() });

/** `ok` is true when no check fails; warnings and skips do not fail a test. */
export function isOk(checks: readonly Pick<CheckResult, "status">[]): boolean {
  return checks.every((check) => check.status !== "fail");
}

export const CHECK_TITLES: Record<CheckId, string> = {
  assume_role: "Assume IAM role",
  sqs_queue: "SQS queue reachable",
  sqs_standard: "Standard (not FIFO) queue",
  sqs_policy: "Queue policy lets S3 send",
  sqs_receive: "Receive permitted",
  s3_bucket: "Bucket exists in the queue's Region",
  s3_list: "List objects permitted",
  s3_read: "Read objects permitted",
};

/**
 * Streaming form of POST /api/data-sources/test, chosen with `Accept: application/x-ndjson`:
 * one JSON event per line as checks start and finish, then `done` with the whole result.
 */
export const testEventSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("running"), id: checkIdSchema }),
  z.object({ event: z.literal("result"), check: checkResultSchema }),
  z.object({
    event: z.literal("done"),
    result: testOutcomeSchema,
  }),
]);
export type TestEvent = z.infer<typeof testEventSchema>;
