import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { dataSourceRecordSchema, type DataSourceRecord } from "#contracts/data-source.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { dataSourceKeys } from "./keys.ts";

const listSchema = z.object({ items: z.array(dataSourceRecordSchema) });

export async function getDataSources(signal?: AbortSignal): Promise<DataSourceRecord[]> {
  return listSchema.parse(await apiRequest("/api/data-sources", { signal })).items;
}

export function useDataSources() {
  return useQuery({ queryKey: dataSourceKeys.list(), queryFn: ({ signal }) => getDataSources(signal) });
}
