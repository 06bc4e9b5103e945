import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { DataSourceInput, DataSourceRecord } from "#contracts/data-source.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

export async function createDataSource(input: DataSourceInput): Promise<DataSourceRecord> {
  return apiRequest<DataSourceRecord>("/api/data-sources", { method: "POST", body: input });
}

export function useCreateDataSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createDataSource,
    onSuccess: async (record) => {
      queryClient.setQueryData(dataSourceKeys.detail(record.id), record);
      await queryClient.invalidateQueries({ queryKey: dataSourceKeys.list() });
    },
  });
}
