// POST /api/organizations { name } → 201 { id, name }: the caller becomes its admin (403 when the
// server has organization creation turned off). The console then makes it the session's active
// organization (set-active) and fetches everything again, so the new organization is where one is.
import { useMutation } from "@tanstack/react-query";
import type { createdOrganizationSchema, OrganizationInput } from "#contracts/warehouse-connection.ts";
import type { z } from "#contracts/zod.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { setActiveOrganization, useAfterSwitch } from "./set-active-organization.ts";

export type CreatedOrganization = z.infer<typeof createdOrganizationSchema>;

/** The organization exists but the session could not be moved to it: say so, and how to get there. */
export class NotActivatedError extends Error {
  constructor(name: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Created ${name}, but could not switch to it: ${why}. Choose it under Switch organization in this menu.`);
  }
}

export function useCreateOrganization() {
  const afterSwitch = useAfterSwitch();
  return useMutation({
    mutationFn: async (input: OrganizationInput) => {
      const created = await apiRequest<CreatedOrganization>("/api/organizations", { method: "POST", body: input });
      try {
        await setActiveOrganization(created.id);
      } catch (error) {
        throw new NotActivatedError(created.name, error);
      }
      return created;
    },
    onSuccess: (created) => afterSwitch(`Created ${created.name}; you are its admin and now working in it`),
  });
}
