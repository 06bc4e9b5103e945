import { useQuery } from "@tanstack/react-query";
import { type DataSourceRecord } from "#contracts/data-source.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

export async function getDataSources(signal?: AbortSignal): Promise<DataSourceRecord[]> {
  return (await apiRequest<{ items: DataSourceRecord[] }>("/api/data-sources", { signal })).items;
}

export function useDataSources() {
  return useQuery({ queryKey: dataSourceKeys.list(), queryFn: ({ signal }) => getDataSources(signal) });
}
