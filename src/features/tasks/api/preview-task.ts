import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { PreviewRequest, PreviewResponse } from "#contracts/preview.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";

/**
 * The preview's body with the warehouse whose Databend reads the sample (the API contract: "body
 * gains optional `warehouse_id`", as on a task; left out, the organization's default).
 * TODO(integrator): drop the intersection once contracts/preview.ts's previewRequestSchema has it.
 */
export type WarehousePreviewRequest = PreviewRequest & { warehouse_id?: string };

/** POST /api/tasks/preview: the objects in the task's scope and a sample as Databend reads it. A read, though a POST. */
export async function previewTask(input: WarehousePreviewRequest, signal?: AbortSignal): Promise<PreviewResponse> {
  return apiRequest<PreviewResponse>("/api/tasks/preview", { method: "POST", body: input, signal });
}

/**
 * The preview of a task's settings, shared by the wizard's Preview and Target steps through the
 * query cache (one request per settings and sample). Not retried on its own: reading a sample takes
 * seconds and a failure is shown with a Retry button instead.
 */
export function usePreview(input: WarehousePreviewRequest | null) {
  return useQuery({
    queryKey: taskKeys.preview(input),
    queryFn: ({ signal }) => previewTask(input!, signal),
    enabled: input !== null,
    retry: false,
    staleTime: 60_000,
    // Choosing another sample keeps the object list on screen while the new sample is read.
    placeholderData: keepPreviousData,
  });
}
