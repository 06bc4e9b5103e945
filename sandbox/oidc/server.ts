/**
 * The local OpenID provider: oidc-provider (the certified OpenID Connect implementation) on
 * 127.0.0.1 with one seeded user, one registered confidential client, the authorization code flow
 * with PKCE required, and the small login and consent pages of interactions.ts. Everything is in
 * memory: signing key, cookie keys, sessions and grants are new at every start.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import type { Logger } from "pino";
import { handleInteraction, isInteraction, type SeededUser } from "./interactions.ts";

export type { SeededUser } from "./interactions.ts";

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs: `<console origin>/api/auth/callback/<provider id>`. */
  redirectUris: string[];
}

export interface OidcStandInOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default: env OIDC_PORT or 4567. */
  port?: number;
  /** The seeded user. Default: env OIDC_USER_EMAIL / OIDC_USER_PASSWORD, or DEFAULT_USER. */
  user?: Partial<SeededUser>;
  /** The client, when its redirect URIs are known at start; otherwise call `register` later. */
  client?: OidcClient;
  /** Where the provider's own errors go (its `server_error` events). */
  log?: Logger;
}

export interface OidcStandIn {
  /** The issuer, also the base of its discovery document: `http://127.0.0.1:<port>`. */
  issuer: string;
  port: number;
  user: SeededUser;
  /**
   * Registers the client; until then every request answers 503. Tests start the provider first
   * (port 0), then the API, whose origin makes the redirect URI.
   */
  register(client: OidcClient): void;
  stop(): Promise<void>;
}

export const DEFAULT_PORT = 4567;
export const DEFAULT_USER: SeededUser = {
  sub: "sso-user-1",
  email: "sso.user@example.com",
  password: "sso-password",
  name: "SSO User",
};

/**
 * The client the console registers when run on this machine: OIDC_CLIENT_ID/SECRET (or the
 * embedded defaults), redirect URIs for PUBLIC_URL's origin or both loopback names on PORT.
 */
export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): OidcClient {
  const port = env.PORT || "3000";
  const origins = env.PUBLIC_URL ? [new URL(env.PUBLIC_URL).origin] : [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const providerId = env.OIDC_PROVIDER_ID || "oidc";
  return {
    clientId: env.OIDC_CLIENT_ID || "console",
    clientSecret: env.OIDC_CLIENT_SECRET || "console-stand-in-secret",
    redirectUris: origins.map((origin) => `${origin}/api/auth/callback/${providerId}`),
  };
}

function seededUser(given: Partial<SeededUser> = {}): SeededUser {
  return {
    sub: given.sub ?? DEFAULT_USER.sub,
    email: given.email ?? (process.env.OIDC_USER_EMAIL || DEFAULT_USER.email),
    password: given.password ?? (process.env.OIDC_USER_PASSWORD || DEFAULT_USER.password),
    name: given.name ?? DEFAULT_USER.name,
  };
}

function makeProvider(issuer: string, user: SeededUser, client: OidcClient, log: Logger | undefined): Provider {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    findAccount: (_ctx, id) =>
      id === user.sub
        ? { accountId: id, claims: () => ({ sub: id, email: user.email, email_verified: true, name: user.name }) }
        : undefined,
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The library's development pages take any password; ours check the seeded user's.
    features: { devInteractions: { enabled: false } },
    // Every client, confidential ones included, must send a PKCE code challenge (S256).
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    // Seconds; set so the library does not warn about its defaults at each first use.
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), use: "sig", alg: "RS256" }] },
  });
  provider.on("server_error", (_ctx, err) => log?.error({ err }, "oidc stand-in: server error"));
  return provider;
}

export async function startOidcStandIn(options: OidcStandInOptions = {}): Promise<OidcStandIn> {
  const user = seededUser(options.user);
  let provider: Provider | undefined;
  let callback: ((req: IncomingMessage, res: ServerResponse) => unknown) | undefined;

  const server = createServer((req, res) => {
    if (!provider || !callback) {
      res.writeHead(503, { "content-type": "text/plain" }).end("The OIDC stand-in has no client registered yet");
      return;
    }
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    if (!isInteraction(pathname)) return void callback(req, res);
    handleInteraction(provider, user, req, res).catch((err: Error) => {
      // Mostly SessionNotFound (no interaction cookie: another browser, or the interaction expired).
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
      res.end(`Sign-in cannot continue: ${err.message}. Start again from the console.`);
    });
  });
  const port = options.port ?? Number(process.env.OIDC_PORT || DEFAULT_PORT);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${actualPort}`;

  const register = (client: OidcClient) => {
    if (provider) throw new Error("The OIDC stand-in has one client; it is already registered");
    provider = makeProvider(issuer, user, client, options.log);
    callback = provider.callback();
  };
  if (options.client) register(options.client);

  return {
    issuer,
    port: actualPort,
    user,
    register,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
