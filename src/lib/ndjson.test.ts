import { describe, expect, it } from "vitest";
import { readNdjson } from "./ndjson.ts";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>, signal?: AbortSignal) {
  const out: unknown[] = [];
  for await (const value of readNdjson(stream, signal)) out.push(value);
  return out;
}

describe("readNdjson", () => {
  it("yields one value per line, whatever the chunk boundaries", async () => {
    const euro = new TextEncoder().encode('{"a":"€"}\n');
    const bytes = new ReadableStream<Uint8Array>({
      start(controller) {
        // Split inside the multi-byte character and the line.
        controller.enqueue(euro.slice(0, 7));
        controller.enqueue(euro.slice(7));
        controller.close();
      },
    });
    expect(await collect(bytes)).toEqual([{ a: "€" }]);
    expect(await collect(streamOf(['{"n":1}\n{"n"', ":2}\n\n", '{"n":3}']))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("rejects a line that is not JSON", async () => {
    await expect(collect(streamOf(["{oops}\n"]))).rejects.toThrow(/not JSON/);
  });

  it("stops when aborted, even while waiting for the next chunk", async () => {
    const never = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"n":1}\n'));
      },
    });
    const abort = new AbortController();
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const value of readNdjson(never, abort.signal)) {
        seen.push(value);
        abort.abort(new DOMException("stop", "AbortError"));
      }
    })();
    await expect(done).rejects.toThrow("stop");
    expect(seen).toEqual([{ n: 1 }]);
  });
});
