// POST /api/alerts/rules (admins): 201 with the rule; 400 names the field.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertRule, AlertRuleInput } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys } from "./keys.ts";

export function useCreateAlertRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AlertRuleInput) => apiRequest<AlertRule>("/api/alerts/rules", { method: "POST", body: input }),
    // Destinations list the rules that send to them.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}
