import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { PreviewRequest, PreviewResponse } from "#contracts/preview.ts";
import { apiRequest } from "../../../lib/api-client.ts";
import { taskKeys } from "./keys.ts";


/** POST /api/tasks/preview: the objects in the task's scope and a sample as Databend reads it. A read, though a POST. */
export async function previewTask(input: PreviewRequest, signal?: AbortSignal): Promise<PreviewResponse> {
  return apiRequest<PreviewResponse>("/api/tasks/preview", { method: "POST", body: input, signal });
}

/**
 * The preview of a task's settings, shared by the wizard's Preview and Target steps through the
 * query cache (one request per settings and sample). Not retried on its own: reading a sample takes
 * seconds and a failure is shown with a Retry button instead.
 */
export function usePreview(input: PreviewRequest | null) {
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
