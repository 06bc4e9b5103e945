// Who is asking: GET /api/session's answer for a signed-in user or an API key.
import { z } from "./zod.ts";

export const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  /** Every organization the user belongs to; org_id is the organization's External ID. */
  organizations: z.array(
    z.object({
      org_id: z.string(),
      name: z.string(),
      // A string until the roles (admin, operator, viewer) are defined as access-control roles.
      role: z.string(),
    }),
  ),
});
export type Session = z.infer<typeof sessionSchema>;
