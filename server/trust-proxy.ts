// TRUST_PROXY: the addresses (or CIDR ranges) of the reverse proxies in front of the API, handed
// to Fastify's `trustProxy` (proxy-addr). A request whose peer is one of them is taken to come
// from the address the proxy recorded in X-Forwarded-For (and its scheme and host from
// X-Forwarded-Proto/-Host); any other peer is the client itself, whatever headers it sends. So
// per-address limits (sign-in) count people, not the proxy, and a client cannot pick its address.
// Only explicit addresses: `true`, `*` or a hop count would let any client name its own address.
import { isIP } from "node:net";

/** proxy-addr's names for the reserved ranges, accepted as they are. */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function validEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const slash = entry.lastIndexOf("/");
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash === -1) return true;
  const bits = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  return prefix >= 1 && prefix <= (version === 4 ? 32 : 128);
}

/** The proxies to trust, or undefined (none: the socket's peer is the client). */
export function trustProxyFrom(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const entries = value.split(",").map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const bad = entries.filter((entry) => !validEntry(entry));
  if (bad.length > 0 || entries.length === 0) {
    throw new Error(
      `TRUST_PROXY must list the reverse proxies' addresses or CIDR ranges, comma-separated (e.g. 10.0.0.5,10.1.0.0/16, or loopback); ` +
        `"${bad.join('", "') || value}" ${bad.length > 1 ? "are" : "is"} not one. Never trust every address: clients would choose their own`,
    );
  }
  return entries;
}
