// POSTs an alert to a URL an organization's admin typed: a server-side request forgery vector (the
// classic target is the cloud metadata service at 169.254.169.254). So, unless the deployment allows
// private targets (ALERT_WEBHOOK_ALLOW_PRIVATE, for the embedded run and tests):
// - only https:// URLs;
// - the address actually connected to is checked, not the host name's text: node:http's `lookup`
//   hook resolves the name at connect time and refuses loopback, private, link-local, unique-local,
//   CGNAT, multicast and unspecified addresses (a name that resolves to 127.0.0.1 is refused too,
//   and DNS rebinding gains nothing because the checked address is the one connected to);
// - redirects are never followed (node:http does not; a 3xx is an answer like any other, and the
//   delivery fails with it), so a public URL cannot bounce the request inward.
// The request is bounded by a timeout; the answer's body is read up to a few KiB and dropped.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network", and 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, the cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique-local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** Whether an IP address is one a webhook must not reach unless private targets are allowed. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, "ipv4");
  if (family !== 6) return true; // not an address: refuse rather than guess
  const lower = bare.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible and NAT64 (64:ff9b::a.b.c.d) forms carry an IPv4
  // address inside; judge that one.
  const embedded = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (embedded) return isPrivateAddress(embedded[1]!);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return blocked.check(lower, "ipv6");
}

export class WebhookRefused extends Error {}

/** Why this URL may not be a destination, or null: the scheme rule, and an IP literal's address. */
export function urlProblem(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Enter an absolute https:// URL";
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    return "The webhook URL must start with https:// (plain http:// is allowed only where ALERT_WEBHOOK_ALLOW_PRIVATE is set)";
  }
  if (url.username || url.password) return "Put no user name or password in the URL; the request is signed instead";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && (isIP(host) ? isPrivateAddress(host) : /^localhost$|\.localhost$/i.test(host))) {
    return `The webhook URL points at a private, loopback or link-local address (${url.hostname}), which this server does not call; use a public address`;
  }
  return null;
}

/** A `lookup` that resolves as usual and refuses private answers: used at connect time. */
function guardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as LookupAddress[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad || list.length === 0) {
        return callback(new WebhookRefused(`${hostname} resolves to ${bad?.address ?? "no address"}, a private, loopback or link-local address this server does not call`), "", 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

export interface PostResult {
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  /** Why it did not deliver, in one sentence; null on a 2xx. */
  error: string | null;
  /** The URL or its address is not one this server calls: trying again would not change that. */
  refused?: true;
}

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
}

/** POSTs `body` with `headers`; never throws (a refusal, timeout or connection error is an outcome). */
export function safePost(text: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<PostResult> {
  const problem = urlProblem(text, options.allowPrivate);
  if (problem) return Promise.resolve({ status: null, error: problem, refused: true });
  const url = new URL(text);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: PostResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "sqs-ingestion-alerts/1", ...headers, "content-length": String(Buffer.byteLength(body)) },
        timeout: options.timeoutMs,
        ...(options.allowPrivate ? {} : { lookup: guardedLookup() }),
        // No connection reuse: each delivery connects (and is checked) afresh.
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let seen = 0;
        response.on("data", (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 16 * 1024) response.destroy();
        });
        response.on("close", () =>
          done({
            status,
            error:
              status >= 200 && status < 300
                ? null
                : status >= 300 && status < 400
                  ? `The destination answered ${status} (a redirect); redirects are not followed: enter the final URL`
                  : `The destination answered HTTP ${status}`,
          }),
        );
        response.resume();
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`No answer within ${Math.round(options.timeoutMs / 1000)} s`));
    }, options.timeoutMs);
    request.on("timeout", () => request.destroy(new Error(`No answer within ${Math.round(options.timeoutMs / 1000)} s`)));
    request.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason =
        error instanceof WebhookRefused
          ? error.message
          : error.code === "ECONNREFUSED"
            ? "The destination refused the connection"
            : error.code === "ENOTFOUND"
              ? `The host name ${url.hostname} does not resolve`
              : error.message;
      done({ status: null, error: reason.slice(0, 300), ...(error instanceof WebhookRefused ? { refused: true as const } : {}) });
    });
    request.on("close", () => clearTimeout(timer));
    request.end(body);
  });
}
