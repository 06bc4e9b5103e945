// PUT /api/alerts/rules/:id (admins): any subset of the fields; Enable/Disable sends `enabled` alone.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { AlertRule, AlertRuleUpdate } from "#contracts/alerts.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { alertKeys, rulePath } from "./keys.ts";

export function useUpdateAlertRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, update }: { id: string; update: AlertRuleUpdate }) => apiRequest<AlertRule>(rulePath(id), { method: "PUT", body: update }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}
