// Who is asking: GET /api/session's answer for a signed-in user or an API key, and the public
// GET /api/sign-in-options the sign-in page reads before anyone is signed in.
import { ROLES } from "./roles.ts";
import { z } from "./zod.ts";

export const roleSchema = z.enum(ROLES);

const membershipSchema = z.object({
  /** The organization's ID, which is also its External ID. */
  org_id: z.string(),
  name: z.string(),
  role: roleSchema,
});

export const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  /** A browser session (cookie) or an API key (`Authorization: Bearer …`). */
  via: z.enum(["session", "api_key"]),
  /** Every organization the user belongs to (an API key: only its own). */
  organizations: z.array(membershipSchema),
  /**
   * The organization requests act for, with the role they act with: the session's active
   * organization (switched with better-auth's organization/set-active), or the key's organization
   * with the lesser of the key's role and its creator's. Null when the user belongs to none.
   */
  active: membershipSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;
export type Membership = z.infer<typeof membershipSchema>;

export const signInOptionsSchema = z.object({
  /** True while the store has no user: the console offers the first-run setup (with the link printed at start). */
  setup_needed: z.boolean(),
  /** Single sign-on through OpenID Connect, when configured: the provider id for better-auth's sign-in/oauth2 and the button's label. */
  sso: z.object({ provider_id: z.string(), label: z.string() }).nullable(),
});
export type SignInOptions = z.infer<typeof signInOptionsSchema>;
