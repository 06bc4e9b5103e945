// Host names as the Host header, PUBLIC_URL and ALLOWED_HOSTS spell them, read one way: through
// the WHATWG URL parser (lower case, punycode, IPv6 in brackets, 127.1 as 127.0.0.1), so a name
// cannot pass the allow-list in one spelling and mean another.

/** Names that reach this machine only: a page on another site can never be served under them. */
export const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"] as const;

/** Characters a Host header never holds but a URL would read as something else (userinfo, path, query). */
const NOT_IN_AUTHORITY = /[\s@/\\?#]/;

/** `Example.COM.:8080` → `{ hostname: "example.com", port: "8080" }`; undefined when it is not a host. */
export function parseAuthority(authority: string): { hostname: string; port: string } | undefined {
  if (authority === "" || NOT_IN_AUTHORITY.test(authority)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${authority}`);
  } catch {
    return undefined;
  }
  // A trailing dot names the same host ("localhost." is localhost), so it must not slip past or be refused.
  const hostname = url.hostname.endsWith(".") ? url.hostname.slice(0, -1) : url.hostname;
  return hostname === "" ? undefined : { hostname, port: url.port };
}

/** The host name of an ALLOWED_HOSTS entry: a bare name or address, no scheme, port or path. */
export function allowedHostEntry(entry: string): string | undefined {
  const parsed = parseAuthority(entry);
  const outsideBrackets = entry.replace(/^\[[^\]]*\]/, "");
  if (!parsed || outsideBrackets.includes(":")) return undefined;
  return parsed.hostname;
}

/** Whether a bind address (HOST) listens on this machine only: a loopback name or 127.x.y.z. */
export function isLoopbackHost(host: string): boolean {
  const parsed = parseAuthority(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  if (!parsed) return false;
  return (LOOPBACK_HOSTNAMES as readonly string[]).includes(parsed.hostname) || /^127\.\d+\.\d+\.\d+$/.test(parsed.hostname);
}
