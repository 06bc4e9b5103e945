// GET /api/org/warehouses (default first), POST (create), PUT /:id (update; a password left out is
// kept), DELETE /:id (409 while a task uses it, or while it is the default and others exist). The
// list is read by every role (the wizard's Target step, a task's page); changes need an admin.
// Browsing answers (databases, tables, rows) may change with a connection, so they are refreshed too.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { WarehouseConnection, WarehouseConnectionInput, WarehouseConnectionUpdate } from "#contracts/warehouse-connection.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { warehouseKeys } from "../../warehouse/public.ts";
import { adminKeys } from "./keys.ts";

export const warehousePath = (id: string) => `/api/org/warehouses/${encodeURIComponent(id)}`;

function refresh(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: adminKeys.all }),
    queryClient.invalidateQueries({ queryKey: warehouseKeys.all }),
  ]);
}

export function useWarehouses({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: adminKeys.warehouses(),
    queryFn: async ({ signal }) => (await apiRequest<{ items: WarehouseConnection[] }>("/api/org/warehouses", { signal })).items,
    enabled,
    staleTime: 60_000,
  });
}

export function useCreateWarehouse() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: WarehouseConnectionInput) => apiRequest<WarehouseConnection>("/api/org/warehouses", { method: "POST", body: input }),
    onSuccess: () => refresh(queryClient),
  });
}

export function useUpdateWarehouse() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, update }: { id: string; update: WarehouseConnectionUpdate }) =>
      apiRequest<WarehouseConnection>(warehousePath(id), { method: "PUT", body: update }),
    onSuccess: () => refresh(queryClient),
  });
}

/** Makes a warehouse the organization's default (the previous default stops being it). */
export function useMakeDefaultWarehouse() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await apiRequest<WarehouseConnection>(warehousePath(id), { method: "PUT", body: { is_default: true } });
      } finally {
        void refresh(queryClient);
      }
    },
    [queryClient],
  );
}

/** Deletes a warehouse; the list is refreshed whether or not the API agreed (a 409 names why). */
export function useDeleteWarehouse() {
  const queryClient = useQueryClient();
  return useCallback(
    async (id: string) => {
      try {
        await apiRequest<unknown>(warehousePath(id), { method: "DELETE" });
      } finally {
        void refresh(queryClient);
      }
    },
    [queryClient],
  );
}
