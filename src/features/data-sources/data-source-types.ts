// The service types the Create Data Source picker offers; add a descriptor (and its form) to offer more.
import { DATA_SOURCE_TYPE, DATA_SOURCE_TYPE_LABEL } from "#contracts/data-source.ts";

export interface DataSourceTypeDescriptor {
  type: string;
  label: string;
  description: string;
  /** Short provider tag shown on the card. */
  provider: string;
}

export const DATA_SOURCE_TYPES: readonly DataSourceTypeDescriptor[] = [
  {
    type: DATA_SOURCE_TYPE,
    label: DATA_SOURCE_TYPE_LABEL,
    provider: "AWS",
    description:
      "Load new S3 objects as S3 sends ObjectCreated events to an SQS standard queue. Databend assumes an IAM role in your account; no access keys are stored.",
  },
];

export function dataSourceType(type: string | null): DataSourceTypeDescriptor | undefined {
  return DATA_SOURCE_TYPES.find((descriptor) => descriptor.type === type);
}
