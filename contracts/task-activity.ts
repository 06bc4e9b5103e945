// GET /api/tasks/:id/activity: what a task is doing now, for its page (refreshed every few
// seconds): the queue's backlog as SQS counts it, event -> committed lag over recent runs, and
// objects and rows loaded per minute over the last hour.
import { z } from "./zod.ts";

/** Minutes of throughput the activity answers, oldest first. */
export const ACTIVITY_MINUTES = 60;
/** Lag percentiles are taken over the objects of this many recent runs that recorded lag. */
export const ACTIVITY_LAG_RUNS = 50;

/**
 * The task queue's dead-letter queue, as its `RedrivePolicy` attribute names it (AWS SQS API
 * reference, SetQueueAttributes: `deadLetterTargetArn`, the queue SQS moves a message to once its
 * receive count exceeds `maxReceiveCount`), and how many messages wait there. Read with the
 * backlog, through the same role and session, and cached with it.
 * - `none`: the queue has no redrive policy; SQS never gives up on a message.
 * - `counted`: the dead-letter queue's approximate counts.
 * - `unavailable`: a policy exists but its queue cannot be read: a sentence that names the
 *   permission or the problem, and AWS's text behind it.
 */
export const deadLetterQueueSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("none") }),
  z.object({
    status: z.literal("counted"),
    queue_arn: z.string(),
    queue_name: z.string(),
    max_receive_count: z.number(),
    /** ApproximateNumberOfMessages of the dead-letter queue. */
    visible: z.number(),
    /** ApproximateNumberOfMessagesNotVisible: received by someone inspecting it, not yet deleted. */
    in_flight: z.number(),
  }),
  z.object({
    status: z.literal("unavailable"),
    /** Null when the policy itself could not be read. */
    queue_arn: z.string().nullable(),
    max_receive_count: z.number().nullable(),
    unavailable: z.string(),
    detail: z.string().optional(),
  }),
]);
export type DeadLetterQueue = z.infer<typeof deadLetterQueueSchema>;

/**
 * The queue's approximate counts (GetQueueAttributes, through the data source's role as the setup
 * identity, the way Test Connectivity asks), or why they cannot be had: a sentence, and AWS's
 * text behind it. `checked_at` is when SQS was asked (answers are cached for a few seconds).
 */
export const taskBacklogSchema = z.union([
  z.object({
    /** ApproximateNumberOfMessages: waiting to be received. */
    visible: z.number(),
    /** ApproximateNumberOfMessagesNotVisible: received by a worker and not yet deleted. */
    in_flight: z.number(),
    checked_at: z.string(),
    dead_letter: deadLetterQueueSchema,
  }),
  z.object({
    unavailable: z.string(),
    detail: z.string().optional(),
    checked_at: z.string(),
  }),
]);
export type TaskBacklog = z.infer<typeof taskBacklogSchema>;

export const taskLagSchema = z.object({
  /** Null when no recent run recorded lag (nothing loaded yet). */
  p50_ms: z.number().nullable(),
  p95_ms: z.number().nullable(),
  /** The largest lag among those runs' objects (exact). */
  max_ms: z.number().nullable(),
  /** Objects the percentiles are over. */
  objects: z.number(),
  /** Runs the percentiles are over (at most ACTIVITY_LAG_RUNS). */
  batches: z.number(),
  /** When the oldest of those runs ended. */
  since: z.string().nullable(),
  /**
   * The percentiles merge the runs' lag histograms: each lies within this fraction of the exact
   * nearest-rank value over those objects (0.01 = 1%).
   */
  relative_accuracy: z.number(),
});
export type TaskLag = z.infer<typeof taskLagSchema>;

export const throughputMinuteSchema = z.object({
  /** Start of the minute (UTC ISO 8601); runs count in the minute they ended. */
  minute: z.string(),
  objects_loaded: z.number(),
  rows_loaded: z.number(),
});
export type ThroughputMinute = z.infer<typeof throughputMinuteSchema>;

export const taskActivitySchema = z.object({
  backlog: taskBacklogSchema,
  lag: taskLagSchema,
  throughput: z.object({
    /** ACTIVITY_MINUTES entries, oldest first, the current (partial) minute last; empty minutes are zeros. */
    minutes: z.array(throughputMinuteSchema),
    objects_loaded: z.number(),
    rows_loaded: z.number(),
  }),
});
export type TaskActivity = z.infer<typeof taskActivitySchema>;
