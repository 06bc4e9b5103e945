// The stand-in's own login and consent pages. oidc-provider leaves these to the host application;
// its devInteractions accept any name with any password, so they could not show a refused
// password. These are the smallest pages that can: a form per prompt, checked against the one
// seeded user, and the result handed back to the library (interactionFinished), which carries on
// the authorization request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";

export interface SeededUser {
  /** The subject (`sub`) the provider issues for this user. */
  sub: string;
  email: string;
  password: string;
  name: string;
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/;

export function isInteraction(pathname: string): boolean {
  return INTERACTION_PATH.test(pathname);
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · OIDC stand-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 24rem; margin: 3rem auto"><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid: string, clientId: string, error?: string): string {
  return page(
    "Sign in",
    `<p>to continue to <strong>${escape(clientId)}</strong></p>
${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<p><label>Email <input name="email" type="email" autocomplete="username" required autofocus></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function consentPage(uid: string, clientId: string, scopes: string[]): string {
  return page(
    "Allow access",
    `<p><strong>${escape(clientId)}</strong> asks for: ${scopes.map(escape).join(", ") || "sign-in only"}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`,
  );
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 16 * 1024) break;
  }
  return new URLSearchParams(body);
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
}

/** Serves GET /interaction/:uid and the POSTs of its forms. */
export async function handleInteraction(provider: Provider, user: SeededUser, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, uid, action] = INTERACTION_PATH.exec(new URL(req.url ?? "/", "http://x").pathname)!;
  // Throws SessionNotFound when the interaction cookie does not match: a form from another browser.
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page("Error", "<p>This sign-in page belongs to another request.</p>"));
  const clientId = String(details.params.client_id);
  const prompt = details.prompt.name;

  if (req.method === "GET" && !action) {
    if (prompt === "login") return send(res, 200, loginPage(uid, clientId));
    const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
    return send(res, 200, consentPage(uid, clientId, missing));
  }
  if (req.method !== "POST" || !action) return send(res, 405, page("Error", "<p>Method not allowed.</p>"));

  if (action === "abort") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "The user cancelled the sign-in" }, { mergeWithLastSubmission: false });
  }
  if (action === "login") {
    if (prompt !== "login") return send(res, 400, page("Error", "<p>Not waiting for a sign-in.</p>"));
    const form = await formOf(req);
    const email = (form.get("email") ?? "").trim().toLowerCase();
    // A stand-in: the one seeded user's password is compared as given, never stored hashed.
    if (email !== user.email.toLowerCase() || form.get("password") !== user.password) {
      return send(res, 401, loginPage(uid, clientId, "Wrong email or password."));
    }
    return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }
  // confirm: grant what the prompt says is missing, as oidc-provider's own example does.
  if (prompt !== "consent" || !details.session?.accountId) return send(res, 400, page("Error", "<p>Not waiting for consent.</p>"));
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId });
  if (!grant) return send(res, 400, page("Error", "<p>The grant has expired: start again.</p>"));
  const missingScope = details.prompt.details.missingOIDCScope as string[] | undefined;
  if (missingScope) grant.addOIDCScope(missingScope.join(" "));
  const missingClaims = details.prompt.details.missingOIDCClaims as string[] | undefined;
  if (missingClaims) grant.addOIDCClaims(missingClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
