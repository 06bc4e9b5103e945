// Shapes of API responses shared by the console and the server.
import { z } from "./zod.ts";

export const orgInfoSchema = z.object({
  org_id: z.string(),
  platform_setup_role_arn: z.string(),
  platform_load_role_arn: z.string(),
  /** Where the deployment published the AWS-side template (CLOUDFORMATION_TEMPLATE_URL); absent: no Launch stack link. */
  cloudformation_template_url: z.string().optional(),
});
export type OrgInfo = z.infer<typeof orgInfoSchema>;

/**
 * Every 4xx/5xx body: a sentence for a person and, for bad input, one message per field. `detail`,
 * when present, is what an outside system (Databend, AWS) answered, scrubbed of secrets: for an
 * expandable "details" view, never the headline.
 */
export const apiErrorSchema = z.object({
  error: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
  detail: z.string().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** A list response, `{ items: [...] }` (GET /api/data-sources, /api/tasks, /api/tasks/:id/runs). */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** First message per field path, the way a form shows it. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "_";
    if (issue.code === "unrecognized_keys") {
      for (const unknown of issue.keys) fields[unknown] ??= "Unknown field; remove it";
      continue;
    }
    fields[key] ??= issue.message;
  }
  return fields;
}
