// A webhook receiver of the test's own: node:http on 127.0.0.1, port 0, keeping every request's
// headers and raw body (the bytes the signature covers) so a test verifies them with the
// `standardwebhooks` library as a customer's receiver would. Answers 200 unless told otherwise.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  url: string;
  received: ReceivedHook[];
  /** The status code the next requests get (200 by default). */
  answer(status: number): void;
  close(): Promise<void>;
}

/** Bounded: a body over 1 MB is cut (an alert is a few hundred bytes). */
const MAX_BODY = 1_000_000;

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on("end", () => {
      received.push({ path: request.url ?? "/", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "refused by the test's receiver");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(next) {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The requests that reached `path`, as the receiver got them. */
export function hooksAt(receiver: WebhookReceiver, path: string): ReceivedHook[] {
  return receiver.received.filter((hook) => hook.path === path);
}
