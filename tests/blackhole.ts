// A local socket that accepts connections and never answers: how tests bound and cancel AWS calls
// without a network. `openSockets` shows whether a client is still waiting on it.
import { createServer, type Socket } from "node:net";

export interface Blackhole {
  url: string;
  openSockets: Set<Socket>;
  close(): Promise<void>;
}

export async function openBlackhole(): Promise<Blackhole> {
  const openSockets = new Set<Socket>();
  const server = createServer((socket) => {
    openSockets.add(socket);
    socket.resume(); // read (and drop) what arrives, so the peer closing is noticed
    socket.on("close", () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    openSockets,
    async close() {
      for (const socket of openSockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
