// A reverse proxy in its own process, as the tests' stand-in for the TLS proxy in front of the API
// (no proxy package is installed; this is node:http piping, enough for a fixture): it listens on
// 127.0.0.1:0, prints `listening <port>` on stdout, and forwards every request to the upstream port
// given as its argument, as nginx's `proxy_add_x_forwarded_for` does: it appends the address its
// client connected from to X-Forwarded-For (keeping what the client sent before it) and sets
// X-Forwarded-Proto. Run: node tests/support/reverse-proxy.ts <upstream port>.
import { createServer, request } from "node:http";

const upstreamPort = Number(process.argv[2]);
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0) {
  console.error("usage: node tests/support/reverse-proxy.ts <upstream port>");
  process.exit(2);
}

const server = createServer((incoming, outgoing) => {
  const sent = incoming.headers["x-forwarded-for"];
  const forwardedFor = [...(sent ? [Array.isArray(sent) ? sent.join(", ") : sent] : []), incoming.socket.remoteAddress ?? ""].join(", ");
  const upstream = request(
    {
      host: "127.0.0.1",
      port: upstreamPort,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, "x-forwarded-for": forwardedFor, "x-forwarded-proto": "http" },
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  upstream.on("error", (error) => {
    if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
    outgoing.end(`proxy: ${error.message}`);
  });
  incoming.pipe(upstream);
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
