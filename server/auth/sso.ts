// Single sign-on through an OpenID provider: better-auth's generic-oauth plugin, configured from
// OIDC_* (config.ts). The library does the protocol: discovery, the authorization code flow with
// PKCE, state (stored server-side and bound to a signed cookie), the OIDC nonce, and the ID token's
// signature, issuer and audience against the provider's published keys. What is ours:
// - the issuer must be exactly OIDC_ISSUER (the library takes whatever issuer discovery names);
// - only the authorization code flow: sign-in with a bare ID token posted by the browser is off;
// - a user's first single sign-on makes them a member of OIDC_ORG_ID with OIDC_DEFAULT_ROLE. Later
//   sign-ins change no membership, so an admin's removal or role change sticks.
import { createAuthMiddleware } from "@better-auth/core/api";
import { getCurrentAdapter } from "@better-auth/core/context";
import { APIError } from "@better-auth/core/error";
import type { BetterAuthOptions } from "better-auth";
import { genericOAuth } from "better-auth/plugins";
import type { OidcConfig } from "../config.ts";

/** better-auth's endpoints single sign-on uses, under /api/auth (the console's button and the provider's redirect). */
export function ssoEndpoints(oidc: OidcConfig): ReadonlyArray<readonly [string, RegExp]> {
  return [
    // Body {provider: <provider id>, callbackURL, errorCallbackURL?}: answers {url} of the provider's authorize page.
    ["POST", /^\/sign-in\/social$/],
    // The provider sends the browser back here with code, state and iss.
    ["GET", new RegExp(`^/callback/${oidc.providerId}$`)],
    // Where the library sends a browser whose sign-in failed and that gave no errorCallbackURL.
    ["GET", /^\/error$/],
  ];
}

/** GET /api/sign-in-options' `sso`. */
export function ssoButton(oidc: OidcConfig | undefined): { provider_id: string; label: string } | null {
  return oidc ? { provider_id: oidc.providerId, label: oidc.label } : null;
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

/** The generic-oauth plugin with our provider, checked after the library's discovery. */
export function ssoPlugin(oidc: OidcConfig) {
  const plugin = genericOAuth({
    config: [
      {
        providerId: oidc.providerId,
        name: oidc.label,
        discoveryUrl: discoveryUrl(oidc.issuer),
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret,
        // The OIDC default method for a registered confidential client.
        authentication: "basic",
        scopes: ["openid", "email", "profile"],
        pkce: true,
        // Without the issuer and keys from discovery the library would decode ID tokens unverified.
        requireIdTokenVerification: true,
      },
    ],
  });
  const init = plugin.init;
  return {
    ...plugin,
    init: async (ctx: Parameters<typeof init>[0]) => {
      const result = await init(ctx);
      const providers = result.context.socialProviders;
      const ours = providers.find((provider) => provider.id === oidc.providerId);
      if (!ours) {
        ctx.logger.error(`single sign-on is off until restart: no usable discovery document at ${discoveryUrl(oidc.issuer)} (see the error above)`);
        return result;
      }
      if (ours.issuer !== oidc.issuer) {
        ctx.logger.error(`single sign-on is off: the discovery document at ${discoveryUrl(oidc.issuer)} names issuer "${ours.issuer}", not OIDC_ISSUER "${oidc.issuer}"`);
        return { context: { socialProviders: providers.filter((provider) => provider !== ours) } };
      }
      return result;
    },
    hooks: {
      before: [
        {
          // Only the redirect flow: the library would also take an ID token posted by the browser
          // (its disableIdTokenSignIn switch would turn off the callback's ID token check too).
          matcher: (ctx: { path?: string }) => ctx.path === "/sign-in/social",
          handler: createAuthMiddleware(async (ctx) => {
            if ((ctx.body as { idToken?: unknown } | undefined)?.idToken !== undefined) {
              throw new APIError("BAD_REQUEST", { message: "idToken: not accepted; sign in through the provider's page (omit idToken)" });
            }
          }),
        },
      ],
    },
  };
}

type DatabaseHooks = NonNullable<BetterAuthOptions["databaseHooks"]>;
type ValidateUserInfo = NonNullable<NonNullable<BetterAuthOptions["user"]>["validateUserInfo"]>;

/**
 * Refuses to create a user on a first single sign-on while OIDC_ORG_ID names no organization (the
 * user would be signed in to nothing, and stay so: membership is only made on the first sign-on).
 * Runs inside the library's transaction, so it reads through that transaction's adapter.
 */
export function ssoValidateUserInfo(oidc: OidcConfig): ValidateUserInfo {
  return async ({ source }, context) => {
    if (source.action !== "create-user" || source.oauth?.providerId !== oidc.providerId) return;
    const adapter = await getCurrentAdapter(context.context.adapter);
    const organization = await adapter.findOne({ model: "organization", where: [{ field: "id", value: oidc.orgId }] });
    if (organization) return;
    context.context.logger.error(`single sign-on: OIDC_ORG_ID "${oidc.orgId}" names no organization; set it to the organization SSO users join`);
    return { error: "sso_not_set_up", errorDescription: "Single sign-on is not set up: ask an admin" };
  };
}

/** After the first single sign-on's account row is committed: the membership, through the organization plugin's API. */
export function ssoDatabaseHooks(oidc: OidcConfig, addMember: (userId: string) => Promise<void>): DatabaseHooks {
  return {
    account: {
      create: {
        after: async (account) => {
          if (account.providerId === oidc.providerId) await addMember(account.userId);
        },
      },
    },
  };
}
