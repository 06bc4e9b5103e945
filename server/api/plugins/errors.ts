// One place that turns failures into the API's error shape: a sentence, never a stack trace. Input
// that fails a route's contract schema (checked by the zod type provider) becomes the 400
// `{ error, fields: { field: message } }` with the contract's own messages.
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors, type ZodFastifySchemaValidationError } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiErrorSchema, fieldErrors } from "#contracts/api.ts";

export class HttpError extends Error {
  readonly statusCode: number;
  readonly fields: Record<string, string> | undefined;
  /** What an outside system (Databend, AWS) answered, scrubbed: the body's `detail`, never its `error`. */
  readonly detail: string | undefined;
  constructor(statusCode: number, message: string, fields?: Record<string, string>, detail?: string) {
    super(message);
    this.statusCode = statusCode;
    this.fields = fields;
    this.detail = detail;
  }
}

/** The error statuses every route may answer, for its `schema.response`: `{ error, fields?, detail? }`. */
export const ERROR_RESPONSES = { "4xx": apiErrorSchema, "5xx": apiErrorSchema } as const;

type Part = "body" | "querystring" | "params" | "headers";

const NAMES: Record<Part, [one: string, many: string]> = {
  body: ["this field", "these fields"],
  querystring: ["this query parameter", "these query parameters"],
  params: ["this path parameter", "these path parameters"],
  headers: ["this header", "these headers"],
};

/** The 400 for bad input: one message per field, and a sentence naming the fields. */
export function invalidFields(fields: Record<string, string>, part: Part = "body"): HttpError {
  const names = Object.keys(fields);
  const [one, many] = NAMES[part];
  return new HttpError(400, `Fix ${names.length === 1 ? one : many}: ${names.join(", ")}`, fields);
}

/**
 * The zod issues behind a type-provider validation error. The type provider flattens each issue
 * into Fastify's validation entry (code as `keyword`, path as `instancePath`, the rest as
 * `params`); this puts them back so the contract's `fieldErrors` names the fields, as the form does.
 */
function issuesOf(validation: ZodFastifySchemaValidationError[]): z.core.$ZodIssue[] {
  return validation.map(
    (entry) =>
      ({
        ...entry.params,
        code: entry.keyword,
        message: entry.message,
        path: entry.instancePath === "/" ? [] : entry.instancePath.slice(1).split("/"),
      }) as z.core.$ZodIssue,
  );
}

const isJsonObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);

function validationError(error: FastifyError & { validation: ZodFastifySchemaValidationError[] }, request: FastifyRequest) {
  const part = (error.validationContext ?? "body") as Part;
  if (part === "body" && !isJsonObject(request.body)) {
    return new HttpError(400, "Send a JSON object with Content-Type: application/json");
  }
  return invalidFields(fieldErrors(new z.ZodError(issuesOf(error.validation))), part);
}

export const errorHandling: FastifyPluginAsync = fp(async (app) => {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) error = validationError(error, request);
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({
        error: error.message,
        ...(error.fields ? { fields: error.fields } : {}),
        ...(error.detail ? { detail: error.detail } : {}),
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message =
        error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? "Request body is too large"
          : error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
            ? "Send JSON with Content-Type: application/json"
            : error.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
              ? "Request body is empty; send a JSON object"
              : error.message;
      return reply.code(status).send({ error: message });
    }
    // Includes a response that does not match its contract schema (the type provider's serializer).
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: "Internal error; the details are in the server log" });
  });
});
