// The API key a request carries as `Authorization: Bearer <key>`: read the same way by better-auth's
// API key plugin (options.ts) and by our principal (principal.ts).
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function bearerToken(headers: Headers): string | undefined {
  return BEARER.exec(headers.get("authorization") ?? "")?.[1];
}
