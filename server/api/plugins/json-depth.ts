// JSON bodies nested deeper than any contract needs are refused with 400 before they are parsed,
// on every route. V8's JSON.parse reads a 5,000-deep array happily, but whatever walks the value
// recursively afterwards (JSON.stringify in better-auth's handoff, validators, loggers) runs out
// of stack: a RangeError, a 500 and an error-level log line per request. secure-json-parse, which
// Fastify's parser uses, has no depth option (its options are protoAction, constructorAction and
// safe), so the depth is counted here, in one linear pass over the text, and the text then goes to
// Fastify's own default parser (prototype-poisoning checks, empty-body and syntax errors unchanged).
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { HttpError } from "./errors.ts";

/** Deepest nesting of arrays and objects a body may have; our contracts use fewer than ten levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[` and `{` in a JSON text, outside strings; stops counting once past
 * `limit`. Invalid JSON is left for the parser to refuse: only the depth is judged here.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

export const jsonDepthLimit = fp(
  async (app: FastifyInstance) => {
    const parse = app.getDefaultJsonParser("error", "error");
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      const text = body as string;
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
        done(new HttpError(400, `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep; send the fields the route documents`), undefined);
        return;
      }
      parse(request, text, done);
    });
  },
  { name: "json-depth-limit" },
);
