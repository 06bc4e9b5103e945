// The benchmark's baseline in a process of its own (so its CPU time is measured as the worker's
// is): a bare receive+delete loop with the worker's receive concurrency, nothing else.
// Spawned by bench/worker.ts with BARE_ENDPOINT, BARE_REGION, BARE_QUEUE_URL, BARE_CONCURRENCY.
// Protocol on stdio: prints READY once its client is warm, starts on a "go" line, prints
// DONE {"messages", "ms"} (ms: from "go" to the last delete), and exits when stdin closes.
import { createInterface } from "node:readline";
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

const queueUrl = process.env.BARE_QUEUE_URL!;
const concurrency = Number(process.env.BARE_CONCURRENCY ?? 4);
const sqs = new SQSClient({
  endpoint: process.env.BARE_ENDPOINT,
  region: process.env.BARE_REGION,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  useQueueUrlAsEndpoint: false,
});

// Warm-up, as the bench's own client was warm when this loop ran inside it: one signed call per
// connection the loop will use loads the SDK's lazy parts and opens the keep-alive sockets.
await Promise.all(
  Array.from({ length: concurrency }, () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }))),
);

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once("line", () => resolve()));
lines.once("close", () => process.exit(0));
process.stdout.write("READY\n");
await go;

let messages = 0;
const start = Date.now();
let lastDelete = start;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    // Ends after two empty polls in a row (about 2 s of waiting, not counted).
    let empty = 0;
    while (empty < 2) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }));
      const msgs = out.Messages ?? [];
      if (msgs.length === 0) {
        empty++;
        continue;
      }
      empty = 0;
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: msgs.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle! })) }),
      );
      messages += msgs.length;
      lastDelete = Date.now();
    }
  }),
);
sqs.destroy();
process.stdout.write(`DONE ${JSON.stringify({ messages, ms: lastDelete - start })}\n`);
