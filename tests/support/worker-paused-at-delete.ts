// Test-only worker process: the real worker whose first SQS DeleteMessageBatch, once the batch's
// run is recorded, prints a line and never returns, so a test can SIGKILL the process at that
// point. WORKER_TEST_DELETE_AT=after: the delete reached SQS first (the messages are gone);
// =before: it never did (the messages come back after their visibility timeout). Only tests run
// this file.
import { SqsQueue } from "../../server/worker/queue.ts";
import { runWorker } from "../../server/worker/run.ts";

const at = process.env.WORKER_TEST_DELETE_AT === "before" ? "before" : "after";
const deleteBatch = SqsQueue.prototype.deleteBatch;
let paused = false;
SqsQueue.prototype.deleteBatch = async function (this: SqsQueue, entries) {
  if (paused || entries.length === 0) return deleteBatch.call(this, entries);
  paused = true;
  const failed = at === "after" ? await deleteBatch.call(this, entries) : [];
  process.stdout.write(`WORKER_TEST_PAUSED_AT_DELETE ${JSON.stringify({ at, messages: entries.length - failed.length })}\n`);
  return new Promise(() => {});
};

await runWorker();
