// Sign out (better-auth's sign-out; the API clears the session cookie), then start over at the
// sign-in page with nothing of the previous user's data left in the query cache.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { apiRequest } from "../../../lib/api-client.ts";

export function useSignOut() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    // better-auth reads a JSON body on every POST; an empty object is its sign-out's body.
    mutationFn: () => apiRequest<unknown>("/api/auth/sign-out", { method: "POST", body: {} }),
    onSuccess: async () => {
      await navigate("/sign-in", { replace: true });
      client.clear();
    },
    // Notices are not on the first route (lib/overlays.ts); a failure is rare enough to load them then.
    onError: (error) => void import("../../../lib/notify.ts").then(({ notifyFailure }) => notifyFailure("Could not sign out", error)),
  });
}
