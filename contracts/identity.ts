// The organization's people and keys, as the API and the console exchange them: first-run setup,
// members and invitations, API keys. Field rules and messages live here once.
import { displayNameSchema } from "./display-name.ts";
import { roleSchema } from "./session.ts";
import { z } from "./zod.ts";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export const IDENTITY_MESSAGES = {
  emailInvalid: "Enter an email address, like ana@example.com",
  passwordShort: `Use at least ${PASSWORD_MIN_LENGTH} characters for the password`,
  passwordLong: `Use at most ${PASSWORD_MAX_LENGTH} characters for the password`,
  orgNameRequired: "Enter a name for the organization",
  orgNameTooLong: "The organization name must be at most 128 characters",
  personNameRequired: "Enter your name",
  personNameTooLong: "The name must be at most 128 characters",
  keyNameRequired: "Enter a name that says what uses the key, like ci-deploy",
  keyNameTooLong: "The key name must be at most 128 characters",
  setupTokenRequired: "Open the first-run link printed by `npm start`; it carries the setup token",
} as const;

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email(IDENTITY_MESSAGES.emailInvalid));
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, IDENTITY_MESSAGES.passwordShort)
  .max(PASSWORD_MAX_LENGTH, IDENTITY_MESSAGES.passwordLong);
const personNameSchema = displayNameSchema("person", {
  required: IDENTITY_MESSAGES.personNameRequired,
  tooLong: IDENTITY_MESSAGES.personNameTooLong,
});

/** POST /api/sign-in's body is better-auth's (sign-in/email); the console validates it with this. */
export const signInInputSchema = z.object({ email: emailSchema, password: z.string().min(1, "Enter your password") });
export type SignInInput = z.infer<typeof signInInputSchema>;

/** POST /api/setup: the first organization and its admin, with the one-time token printed at start. */
export const setupInputSchema = z.strictObject({
  token: z.string().min(1, IDENTITY_MESSAGES.setupTokenRequired),
  organization_name: displayNameSchema("organization", {
    required: IDENTITY_MESSAGES.orgNameRequired,
    tooLong: IDENTITY_MESSAGES.orgNameTooLong,
  }),
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
});
export type SetupInput = z.infer<typeof setupInputSchema>;

export const memberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joined_at: z.iso.datetime(),
});
export type Member = z.infer<typeof memberSchema>;

/** PATCH /api/members/:user_id */
export const memberRoleInputSchema = z.strictObject({ role: roleSchema });

/** POST /api/invitations: invite someone by email with a role; the answer carries the link once. */
export const invitationInputSchema = z.strictObject({ email: emailSchema, role: roleSchema });
export type InvitationInput = z.infer<typeof invitationInputSchema>;

export const invitationSchema = z.object({
  /**
   * A handle to list and cancel the invitation by (and to name it in the audit log); not the
   * link's secret, which only the answer to POST /api/invitations carries, in `url`.
   */
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  invited_by: z.string(),
  expires_at: z.iso.datetime(),
});
export type Invitation = z.infer<typeof invitationSchema>;

/** The answer to POST /api/invitations: the link to hand the person (shown once; nobody emails it). */
export const createdInvitationSchema = invitationSchema.extend({ url: z.string() });

/** GET /api/invitations/:id (public: the link is the secret): what the invitee is joining. */
export const invitationPreviewSchema = z.object({
  organization_name: z.string(),
  email: z.string(),
  role: roleSchema,
  /** Whether the email already has an account here: then the person signs in and accepts; else they set a name and password. */
  account_exists: z.boolean(),
});

/** POST /api/invitations/:id/accept: a new person sets their name and password; then they are signed in. */
export const acceptInvitationInputSchema = z.strictObject({ name: personNameSchema, password: passwordSchema });
/**
 * The accept route's body: the fields above for a new person; `{}` from someone whose account
 * exists and who is signed in as the invitation's email.
 */
export const acceptInvitationBodySchema = acceptInvitationInputSchema.partial();

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  /** The key's first characters, to tell keys apart; never the key. */
  start: z.string().nullable(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** POST /api/keys */
export const apiKeyInputSchema = z.strictObject({
  name: displayNameSchema("API key", { required: IDENTITY_MESSAGES.keyNameRequired, tooLong: IDENTITY_MESSAGES.keyNameTooLong }),
  role: roleSchema,
});
export type ApiKeyInput = z.infer<typeof apiKeyInputSchema>;

/** The answer to POST /api/keys: the key itself, shown this once (stored hashed). */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });
