// End to end: objects uploaded to the sandbox's S3 -> real ObjectCreated notifications on SQS ->
// the worker (in-process supervisor, real SDK clients, assumed role) -> COPY INTO on the dev
// warehouse through databend-driver. Every row present exactly once, every message deleted, and
// run history adds up.
import { describe, expect, it } from "vitest";
import { parquetWriteBuffer } from "hyparquet-writer";
import { fileFormatSchema } from "#contracts/task.ts";
import { useWorkerEnv, waitFor, ORG_ID, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

const ROWS_PER_FILE = 3;

function csvFile(n: number): string {
  const rows = Array.from({ length: ROWS_PER_FILE }, (_, i) => `${n * 10 + i},"name ${n}, row ${i}"`);
  return `id,name\n${rows.join("\n")}\n`;
}
function ndjsonFile(n: number): string {
  return Array.from({ length: ROWS_PER_FILE }, (_, i) => JSON.stringify({ id: n * 10 + i, name: `name ${n} row ${i}` })).join("\n") + "\n";
}
function parquetFile(n: number): Uint8Array {
  const ids = Array.from({ length: ROWS_PER_FILE }, (_, i) => n * 10 + i);
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "id", data: ids, type: "INT32" },
        { name: "name", data: ids.map((id) => `name ${id}`), type: "STRING" },
      ],
    }),
  );
}

async function uploadAll(bucket: string, keys: string[], body: (n: number) => string | Uint8Array): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    await Promise.all(keys.slice(i, i + 25).map((key, j) => env.put(bucket, key, body(i + j))));
  }
}

async function distinctIds(table: string): Promise<{ total: number; distinct: number }> {
  const rows = await env.wh.query(`SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS d FROM \`default\`.\`${table}\``);
  const r = rows[0]!;
  return { total: Number(r.total), distinct: Number(r.d) };
}

describe("worker: 500 objects in CSV, NDJSON and Parquet", () => {
  it("loads every row exactly once, deletes every message, and run history adds up", async () => {
    const formats = [
      { name: "csv", count: 200, suffix: ".csv", format: fileFormatSchema.parse({ type: "csv" }), body: csvFile },
      { name: "ndjson", count: 150, suffix: ".json", format: fileFormatSchema.parse({ type: "ndjson" }), body: ndjsonFile },
      { name: "parquet", count: 150, suffix: ".parquet", format: fileFormatSchema.parse({ type: "parquet" }), body: parquetFile },
    ];
    const setups = [];
    for (const f of formats) {
      const s = await env.scenario(`load-${f.name}`, { prefix: "in/", suffix: f.suffix });
      const table = `load_${f.name}`;
      await env.wh.exec(`CREATE TABLE \`${table}\` (id INT NOT NULL, name VARCHAR)`);
      const task = await env.createTask(s, table, { file_format: f.format, prefix: "in/", suffix: f.suffix });
      await env.start(task);
      setups.push({ ...f, s, table, task });
    }
    env.supervisor();

    await Promise.all(
      setups.map((x) =>
        uploadAll(
          x.s.bucket,
          Array.from({ length: x.count }, (_, i) => `in/${Math.floor(i / 50)}/obj-${i}${x.suffix}`),
          x.body,
        ),
      ),
    );

    for (const x of setups) {
      const expected = x.count * ROWS_PER_FILE;
      await waitFor(`${x.name} rows`, async () => (await env.count(x.table)) >= expected || undefined, 90_000, 250);
      await waitFor(`${x.name} queue drained`, async () => {
        const d = await env.queueDepth(x.s);
        return d.visible === 0 && d.inFlight === 0 ? true : undefined;
      });
    }
    // Let any straggling duplicate settle, then check exactness.
    await new Promise((r) => setTimeout(r, 500));
    for (const x of setups) {
      const expected = x.count * ROWS_PER_FILE;
      expect(await distinctIds(x.table), x.name).toEqual({ total: expected, distinct: expected });
      const task = (await env.store.get(ORG_ID, x.task.id))!;
      expect(task.status).toBe("running");
      expect(task.counters.objects_loaded, x.name).toBe(x.count);
      expect(task.counters.rows_loaded, x.name).toBe(expected);
      const runs = (await env.store.listRuns(ORG_ID, x.task.id, 1000))!;
      const sum = (k: "objects_loaded" | "rows_loaded" | "messages_deleted" | "copy_statements") =>
        runs.reduce((n, r) => n + r[k], 0);
      expect(sum("objects_loaded"), x.name).toBe(x.count);
      expect(sum("rows_loaded"), x.name).toBe(expected);
      // One object per message, plus the s3:TestEvent sent when the notification was configured.
      expect(sum("messages_deleted"), x.name).toBe(x.count + 1);
      expect(runs.every((r) => r.errors.length === 0), x.name).toBe(true);
      expect(runs.some((r) => r.skipped.some((s) => /TestEvent/.test(s.reason)))).toBe(true);
      // Batching: far fewer statements than objects.
      expect(sum("copy_statements")).toBeLessThan(x.count / 2);
      expect(task.counters.messages_deleted, x.name).toBe(x.count + 1);
    }
  });
});
