// What other features may use of the data-sources feature: the list query and its keys.
export { dataSourceKeys } from "./api/keys.ts";
export { useDataSources } from "./api/get-data-sources.ts";
