// Security headers on every response (API, console files, errors) through @fastify/helmet. The
// console is a same-origin SPA: its scripts, styles and API calls all come from this server, it
// is never framed, and nothing it links to needs to know where the user came from.
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config.ts";

export async function securityHeaders(app: FastifyInstance, config: Pick<Config, "publicOrigin">): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // No inline script anywhere: index.html loads one module file, so a script injected into
        // a page (a name, an error message) cannot run.
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Mantine (the UI library) writes <style> elements at runtime for its CSS variables and
        // color scheme, which a hash or nonce cannot cover; styles cannot run code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Mantine draws some icons (checkbox, select chevron) as data: SVGs in CSS.
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The same refusal for browsers that predate frame-ancestors.
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // Only where the operator says the console is served over HTTPS: the embedded run is plain
    // HTTP on loopback, and HSTS on a name pins every later visit to HTTPS for a year.
    strictTransportSecurity: config.publicOrigin?.startsWith("https:") ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}
