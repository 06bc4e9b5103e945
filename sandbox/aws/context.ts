/** What every service handler gets: persistent state, fauxqs, a logger and the options in force. */
import type { Logger } from "pino";
import type { Fauxqs } from "./fauxqs.ts";
import type { StateFile } from "./state.ts";

export interface SandboxContext {
  state: StateFile;
  fauxqs: Fauxqs;
  log: Logger;
  /** Lowest DurationSeconds AssumeRole accepts (900 as AWS unless overridden for tests). */
  minSessionSeconds: number;
  /** Whether S3 → SQS delivery requires the queue policy to allow s3.amazonaws.com. */
  enforceQueuePolicy: boolean;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export const xmlResponse = (status: number, body: string, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  headers: { "content-type": "text/xml", ...headers },
  body,
});

/** `<XResponse><XResult>…</XResult><ResponseMetadata/></XResponse>` as Query protocol services answer. */
export function queryResponse(xmlns: string, action: string, result: string | null, id: string): string {
  const inner = result === null ? "" : `<${action}Result>${result}</${action}Result>`;
  return `<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
}
