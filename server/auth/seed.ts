// First-run seeding for automation and tests: with ADMIN_EMAIL, ADMIN_PASSWORD and ADMIN_API_KEY
// set and no user in the store yet, create the admin user, the first organization (its id is
// ORG_ID's value, the External ID today's single-organization setup already uses) with that user
// as admin, and an API key of that user with exactly ADMIN_API_KEY's value (stored hashed by the
// library). Once a user exists, the variables are ignored. Every step goes through better-auth's
// own API; a seeding instance differs from the served one only in allowing this one sign-up and in
// the id and key it hands out.
import type { Logger } from "pino";
import type { AdminSeed, Config } from "../config.ts";
import type { StoreDb } from "../store/dialect.ts";
import { createAuth } from "./auth.ts";

export type SeedResult = { seeded: false } | { seeded: true; userId: string; organizationId: string };

export async function seedFirstRun(config: Config, store: StoreDb, logger?: Logger): Promise<SeedResult> {
  const seed = config.adminSeed;
  if (!seed) return { seeded: false };
  const auth = createAuth(config, store, { logger, allowSignUp: true, issueKey: seed.apiKey, organizationId: config.orgId });
  const context = await auth.$context;
  if ((await context.adapter.count({ model: "user" })) > 0) return { seeded: false };
  // Not atomic across the three calls: a start that dies between them leaves a user, and later
  // starts ignore the variables; the admin can finish by hand once the console can.
  const { user } = await auth.api.signUpEmail({ body: { email: seed.email, password: seed.password, name: adminName(seed) } });
  const organization = await auth.api.createOrganization({ body: { name: config.orgId, slug: config.orgId, userId: user.id } });
  if (organization?.id !== config.orgId) throw new Error(`seeding: the first organization got id "${String(organization?.id)}" instead of ORG_ID "${config.orgId}"`);
  const key = await auth.api.createApiKey({ body: { userId: user.id, name: "ADMIN_API_KEY" } });
  if (key.key !== seed.apiKey) throw new Error("seeding: the admin API key was not issued with ADMIN_API_KEY's value");
  return { seeded: true, userId: user.id, organizationId: organization.id };
}

function adminName(seed: AdminSeed): string {
  return seed.email.split("@")[0] || "admin";
}
