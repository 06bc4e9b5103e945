// A second process for the store contract's race: opens the same store, waits for "go" on stdin,
// claims the given keys one by one (as a worker claims a batch) and prints the keys it won.
import { openStore } from "../../server/store/open.ts";

const [target, taskId, workerId, order] = process.argv.slice(2) as [string, string, string, "up" | "down"];
const stores = await openStore(target);
const keys = Array.from({ length: 1000 }, (_, i) => `p${i}`);
if (order === "down") keys.reverse();
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
const won: string[] = [];
for (const key of keys) {
  const result = await stores.tasks.claim(taskId, workerId, [{ bucket: "b", key, etag: "e1", sequencer: "01" }], 60_000);
  won.push(...result.claimed.map((c) => c.key));
}
await stores.close();
process.stdout.write(JSON.stringify(won) + "\n");
