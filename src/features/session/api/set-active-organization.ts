// Switch the organization the session acts for (better-auth's organization/set-active); every
// cached answer belonged to the previous one, so all queries are fetched again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useLocation, useNavigate } from "react-router";
import { apiRequest } from "../../../lib/api-client.ts";
import { notifyFailure, notifySuccess } from "../../../lib/notify.ts";

export function useSetActiveOrganization() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return useMutation({
    mutationFn: ({ orgId }: { orgId: string; name: string }) =>
      apiRequest<unknown>("/api/auth/organization/set-active", { method: "POST", body: { organizationId: orgId } }),
    onSuccess: async (_, { name }) => {
      // A record's page (/data/sources/<id>/…) belongs to the previous organization: go to its list.
      const list = pathname.split("/").slice(0, 3).join("/");
      if (list !== pathname) await navigate(list);
      await client.invalidateQueries();
      notifySuccess(`Now working in ${name}`);
    },
    onError: (error) => notifyFailure("Could not switch the organization", error),
  });
}
