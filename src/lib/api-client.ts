// The console's one way to call the API: JSON in, JSON out, errors as ApiRequestError.
//
// Responses are read by their contract types without parsing them again here: the API checks every
// response against the same zod contract before sending it (Fastify response schemas), and keeping
// zod out of the pages that only read saves about a tenth of the first page's JavaScript. Forms still
// validate with the contract's schemas.
import type { ApiError } from "#contracts/api.ts";

export class ApiRequestError extends Error {
  readonly status: number;
  readonly fields: Record<string, string>;
  /** The server's code or raw text behind the sentence, for an expandable detail; never the headline. */
  readonly detail: string | undefined;
  /** Seconds to wait before asking again, from a 429's Retry-After (or better-auth's X-Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, message: string, fields: Record<string, string> = {}, detail?: string, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export async function apiRequest<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiRequestError(0, "Cannot reach the API server; check that it is running");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const parsed = asApiError(body);
    throw new ApiRequestError(
      response.status,
      parsed?.error ?? `Request failed with status ${response.status}`,
      parsed?.fields ?? {},
      parsed?.detail,
      retryAfterOf(response.headers),
    );
  }
  return body as T;
}

/** An error body in the contract's shape (`{ error, fields?, detail? }`), or undefined (e.g. a proxy's HTML page). */
export function asApiError(body: unknown): ApiError | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { error, fields, detail } = body as Record<string, unknown>;
  if (typeof error !== "string") return undefined;
  const stringFields =
    typeof fields === "object" && fields !== null
      ? Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === "string"))
      : undefined;
  return { error, ...(stringFields ? { fields: stringFields } : {}), ...(typeof detail === "string" ? { detail } : {}) };
}

function retryAfterOf(headers: Headers): number | undefined {
  const value = headers.get("retry-after") ?? headers.get("x-retry-after");
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
