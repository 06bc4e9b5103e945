// Switch the organization the session acts for (better-auth's organization/set-active); every
// cached answer belonged to the previous one, so all queries are fetched again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useLocation, useNavigate } from "react-router";
import { apiRequest } from "../../../lib/api-client.ts";
import { notifyFailure, notifySuccess } from "../../../lib/notify.ts";

/** POST /api/auth/organization/set-active: requests act for `orgId` from now on. */
export function setActiveOrganization(orgId: string): Promise<unknown> {
  return apiRequest<unknown>("/api/auth/organization/set-active", { method: "POST", body: { organizationId: orgId } });
}

/**
 * After the session's organization changed: leave a record's page (/data/sources/<id>/…, which
 * belonged to the previous organization) for its list, fetch everything again, and say so.
 */
export function useAfterSwitch() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return useCallback(
    async (notice: string) => {
      const list = pathname.split("/").slice(0, 3).join("/");
      if (list !== pathname) await navigate(list);
      await client.invalidateQueries();
      notifySuccess(notice);
    },
    [client, navigate, pathname],
  );
}

export function useSetActiveOrganization() {
  const afterSwitch = useAfterSwitch();
  return useMutation({
    mutationFn: ({ orgId }: { orgId: string; name: string }) => setActiveOrganization(orgId),
    onSuccess: (_, { name }) => afterSwitch(`Now working in ${name}`),
    onError: (error) => notifyFailure("Could not switch the organization", error),
  });
}
