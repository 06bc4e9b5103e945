// Who is asking, for limits kept per client (Test Connectivity today, sign-in attempts later), so
// that one client using up its budget leaves everyone else's alone. The peer's IP address until
// requests carry an identity; then the signed-in user or the API key (issue 10 §1) goes here,
// and every per-client limit follows.
import type { FastifyRequest } from "fastify";

export function clientIdentity(request: FastifyRequest): string {
  return `ip:${request.ip}`;
}
