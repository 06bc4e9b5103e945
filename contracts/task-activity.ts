// GET /api/tasks/:id/activity: what a task is doing now, for its page (refreshed every few
// seconds): the queue's backlog as SQS counts it, event -> committed lag over recent runs, and
// objects and rows loaded per minute over the last hour.
import { z } from "./zod.ts";

/** Minutes of throughput the activity answers, oldest first. */
export const ACTIVITY_MINUTES = 60;
/** Lag percentiles are taken over the objects of this many recent runs that recorded lag. */
export const ACTIVITY_LAG_RUNS = 50;

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
