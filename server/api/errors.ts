// One place that turns failures into the API's error shape: a sentence, never a stack trace.
import type { FastifyError, FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";

export class HttpError extends Error {
  readonly statusCode: number;
  readonly fields: Record<string, string> | undefined;
  constructor(statusCode: number, message: string, fields?: Record<string, string>) {
    super(message);
    this.statusCode = statusCode;
    this.fields = fields;
  }
}

export const errorHandling: FastifyPluginAsync = fp(async (app) => {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply
        .code(error.statusCode)
        .send(error.fields ? { error: error.message, fields: error.fields } : { error: error.message });
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
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: "Internal error; the details are in the server log" });
  });
});
