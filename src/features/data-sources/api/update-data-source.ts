import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  type DataSourceInput,
  type DataSourceRecord,
} from "#contracts/data-source.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

export async function updateDataSource(id: string, input: DataSourceInput): Promise<DataSourceRecord> {
  return apiRequest<DataSourceRecord>(`/api/data-sources/${encodeURIComponent(id)}`, { method: "PUT", body: input });
}

export function useUpdateDataSource(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DataSourceInput) => updateDataSource(id, input),
    onSuccess: async (record) => {
      queryClient.setQueryData(dataSourceKeys.detail(record.id), record);
      await queryClient.invalidateQueries({ queryKey: dataSourceKeys.list() });
    },
  });
}
