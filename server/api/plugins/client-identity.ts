// Who is asking, for limits kept per client (Test Connectivity today), so that one client using
// up its budget leaves everyone else's alone: the API key or the signed-in user when the request
// carries one (resolved by access.ts before any limit runs), else the peer's IP address.
import type { FastifyRequest } from "fastify";

export function clientIdentity(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.via.kind === "api_key") return `key:${principal.via.keyId}`;
  if (principal) return `user:${principal.user.id}`;
  return `ip:${request.ip}`;
}
