import { useQuery } from "@tanstack/react-query";
import type { DataSourceRecord } from "#contracts/data-source.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

export async function getDataSource(id: string, signal?: AbortSignal): Promise<DataSourceRecord> {
  return apiRequest<DataSourceRecord>(`/api/data-sources/${encodeURIComponent(id)}`, { signal });
}

export function useDataSource(id: string) {
  return useQuery({ queryKey: dataSourceKeys.detail(id), queryFn: ({ signal }) => getDataSource(id, signal) });
}
