/**
 * `npm run oidc`: the OIDC stand-in on http://127.0.0.1:4567 (OIDC_PORT) with its one client
 * registered for the console at PUBLIC_URL or http://localhost:$PORT (see sandbox/oidc/README.md).
 * `npm start` starts it by itself; this is for running the API another way.
 */
import { clientFromEnv, startOidcStandIn } from "./server.ts";

const client = clientFromEnv();
const idp = await startOidcStandIn({ client }).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== "EADDRINUSE") throw err;
  console.error(`Port ${process.env.OIDC_PORT || 4567} is in use (another stand-in?). Set OIDC_PORT to use another.`);
  process.exit(1);
});
const stop = () => void idp.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

console.log(
  [
    "",
    `OIDC stand-in on ${idp.issuer}  (discovery: ${idp.issuer}/.well-known/openid-configuration)`,
    `  user      ${idp.user.email} / ${idp.user.password}`,
    `  client    ${client.clientId} / ${client.clientSecret}`,
    ...client.redirectUris.map((uri) => `  redirect  ${uri}`),
    "",
    "Point the API at it with:",
    `  OIDC_ISSUER=${idp.issuer} OIDC_CLIENT_ID=${client.clientId} OIDC_CLIENT_SECRET=${client.clientSecret}`,
    "",
  ].join("\n"),
);
