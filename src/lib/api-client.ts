// The console's one way to call the API: JSON in, JSON out, errors as ApiRequestError.
import { apiErrorSchema } from "#contracts/api.ts";

export class ApiRequestError extends Error {
  readonly status: number;
  readonly fields: Record<string, string>;
  /** The server's code or raw text behind the sentence, for an expandable detail; never the headline. */
  readonly detail: string | undefined;
  constructor(status: number, message: string, fields: Record<string, string> = {}, detail?: string) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.detail = detail;
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
    const parsed = apiErrorSchema.safeParse(body);
    const message = parsed.success ? parsed.data.error : `Request failed with status ${response.status}`;
    const detail = (body as { detail?: unknown } | undefined)?.detail;
    throw new ApiRequestError(
      response.status,
      message,
      parsed.success ? parsed.data.fields : {},
      typeof detail === "string" ? detail : undefined,
    );
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
