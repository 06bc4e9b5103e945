// What every step of a task's pipeline (pipeline.ts) is handed: the task, its configuration, the
// store, the log, the metrics, the abort signal that ends every wait when the task stops, and the
// RunState, which the runner writes and the steps read (stopping, abandoned) or share (holding,
// receiving paused). Steps read the state here instead of calling back into the runner.
import type { Logger } from "pino";
import type { RunnableTask, TaskStore } from "../store/tasks.ts";
import type { WorkerConfig } from "./config.ts";
import type { TaskMetrics } from "./metrics.ts";

/** What the runner says about itself, read by every step (no step writes `stopping` or `abandoned`). */
export interface RunState {
  /** The task is stopping: take no new work, give messages back. */
  stopping: boolean;
  /** Stopping gave up on the batches still loading: nothing more is recorded for them. */
  abandoned: boolean;
  /** Batches holding because Databend does not answer (receiving pauses meanwhile). */
  holding: number;
  /** Receiving waits until then (ms since the epoch): the queue refused us, or S3 refused Databend. */
  receivePausedUntil: number;
}

/** What every step of one task's pipeline is handed. */
export interface TaskContext {
  task: RunnableTask;
  cfg: WorkerConfig;
  store: TaskStore;
  log: Logger;
  metrics: TaskMetrics;
  /** Aborts every wait at once when the task stops. */
  signal: AbortSignal;
  state: RunState;
}

/** Why the task cannot go on: the operator's sentence, and the outside system's text behind it. */
export interface TaskFailure {
  reason: string;
  detail?: string | undefined;
}

/** Holds receiving off until at least `ms` from now. */
export function pauseReceiving(state: RunState, ms: number): void {
  state.receivePausedUntil = Math.max(state.receivePausedUntil, Date.now() + ms);
}
