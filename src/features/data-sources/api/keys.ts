// Query keys of the data-source feature; every list and detail query lives under `all`.
export const dataSourceKeys = {
  all: ["data-sources"] as const,
  list: () => [...dataSourceKeys.all, "list"] as const,
  detail: (id: string) => [...dataSourceKeys.all, "detail", id] as const,
};
