/**
 * SQS in both wire protocols. The JSON protocol (AWS SDK v3, recent CLIs) goes to fauxqs as is;
 * the Query protocol (form-encoded `Action=…`, XML answers; Debian's awscli 2.9) is translated to
 * the same JSON handlers and back. Every call is authorized against the caller's identity first.
 *
 * Message sizes are fauxqs's checks, which match AWS's SQS API reference (API_SendMessage,
 * API_SendMessageBatch, API_SetQueueAttributes at docs.aws.amazon.com/AWSSimpleQueueService/latest/
 * APIReference/; 1 MiB since August 2025, 256 KiB before): a message (body and attributes, in UTF-8
 * bytes) may be as long as the queue's MaximumMessageSize (1,024 to 1,048,576, default 1,048,576),
 * else 400 InvalidParameterValue "One or more parameters are invalid. Reason: Message must be shorter
 * than <MaximumMessageSize> bytes." (in a batch, reported per entry: Failed, SenderFault, same code);
 * a batch may total 1,048,576 bytes, else 400 BatchRequestTooLong (Query code
 * AWS.SimpleQueueService.BatchRequestTooLong). Only the error codes needed fixing, below.
 */
import type { Caller, CredentialScope, SandboxRequest } from "./auth.ts";
import { CUSTOMER_ACCOUNT } from "./auth.ts";
import { queryResponse, type SandboxContext, type SandboxResponse } from "./context.ts";
import { AuthError, AwsError, authErrorForQuery, escapeXml, queryErrorXml, requestId } from "./errors.ts";
import { handleMessageMove, MESSAGE_MOVE_ACTIONS } from "./message-move.ts";
import { decide, deniedMessage } from "./permissions.ts";

export const SQS_XMLNS = "http://queue.amazonaws.com/doc/2012-11-05/";
export type SqsProtocol = "json" | "query";

/** JSON protocol error types for errors raised by the sandbox itself (fauxqs raises its own). */
const JSON_TYPES: Record<string, string> = {
  AccessDenied: "com.amazon.coral.service#AccessDeniedException",
  InvalidClientTokenId: "com.amazon.coral.service#UnrecognizedClientException",
  ExpiredToken: "com.amazon.coral.service#ExpiredTokenException",
  MissingAuthenticationToken: "com.amazon.coral.service#MissingAuthenticationTokenException",
  SignatureDoesNotMatch: "com.amazon.coral.service#InvalidSignatureException",
  RequestExpired: "com.amazon.coral.service#RequestExpired",
  "AWS.SimpleQueueService.NonExistentQueue": "com.amazonaws.sqs#QueueDoesNotExist",
  InvalidAction: "com.amazonaws.sqs#InvalidAction",
  MissingParameter: "com.amazonaws.sqs#MissingParameter",
};

/**
 * fauxqs 2.4.1 bug: `SqsError.queryErrorHeader` (dist/common/errors.js) puts "AWS.SimpleQueueService."
 * before every error code in `x-amzn-query-error`. AWS prefixes only the errors below (their
 * `awsQueryError` codes in the SQS API model, as shipped in @aws-sdk/client-sqs); the common errors
 * (InvalidParameterValue, MissingParameter, InvalidAttributeName/Value, InvalidMessageContents, …)
 * keep their bare code, and QueueNameExists is `QueueAlreadyExists`. The SDK names an error by this
 * code, so a too-long message (AWS: "InvalidParameterValue", "One or more parameters are invalid.
 * Reason: Message must be shorter than 262144 bytes.") surfaced as
 * "AWS.SimpleQueueService.InvalidParameterValue". Both protocols take their code from here.
 */
const PREFIXED_QUERY_CODES = new Set([
  "BatchEntryIdsNotDistinct",
  "BatchRequestTooLong",
  "EmptyBatchRequest",
  "InvalidBatchEntryId",
  "MessageNotInflight",
  "NonExistentQueue",
  "PurgeQueueInProgress",
  "QueueDeletedRecently",
  "TooManyEntriesInBatchRequest",
  "UnsupportedOperation",
]);
const RENAMED_QUERY_CODES: Record<string, string> = { QueueNameExists: "QueueAlreadyExists" };

/** The Query protocol error code AWS uses for a code fauxqs reports. */
export function awsQueryErrorCode(code: string): string {
  const bare = code.replace(/^AWS\.SimpleQueueService\./, "");
  if (PREFIXED_QUERY_CODES.has(bare)) return `AWS.SimpleQueueService.${bare}`;
  return RENAMED_QUERY_CODES[bare] ?? bare;
}

const nonExistentQueue = () =>
  new AwsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", 400);

export function sqsError(protocol: SqsProtocol, err: AwsError): SandboxResponse {
  const id = requestId();
  const fault = err.status >= 500 ? "Receiver" : "Sender";
  if (protocol === "query") {
    return { status: err.status, headers: { "content-type": "text/xml", "x-amzn-requestid": id }, body: queryErrorXml(SQS_XMLNS, err, id) };
  }
  return {
    status: err.status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": id,
      "x-amzn-query-error": `${err.code};${fault}`,
    },
    body: JSON.stringify({ __type: JSON_TYPES[err.code] ?? `com.amazonaws.sqs#${err.code}`, message: err.message }),
  };
}

/** IAM action names: the batch calls are authorized as their single-message counterparts. */
function iamAction(action: string): string {
  const map: Record<string, string> = {
    DeleteMessageBatch: "DeleteMessage",
    ChangeMessageVisibilityBatch: "ChangeMessageVisibility",
    SendMessageBatch: "SendMessage",
  };
  return `sqs:${map[action] ?? action}`;
}

/** Region, account and name a QueueUrl names; any host is accepted (fauxqs resolves by region+name). */
export function parseQueueUrl(url: string, fallbackRegion: string): { region: string; account?: string; name: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AwsError("InvalidAddress", `The address ${url} is not valid for this endpoint.`, 404);
  }
  const segments = u.pathname.split("/").filter(Boolean);
  const name = segments[segments.length - 1] ?? "";
  const account = segments.length >= 2 ? segments[segments.length - 2] : undefined;
  const region = /^sqs\.([a-z0-9-]+)\./.exec(u.hostname)?.[1] ?? /^([a-z]{2}-[a-z]+-\d)\.queue\./.exec(u.hostname)?.[1];
  return { region: region ?? fallbackRegion, account, name };
}

// ---- Query ⇄ JSON -----------------------------------------------------------------------------

type Tree = { [k: string]: Tree | string };
const NUMERIC = new Set(["MaxNumberOfMessages", "WaitTimeSeconds", "VisibilityTimeout", "DelaySeconds", "MaxResults"]);

function buildTree(params: URLSearchParams): Tree {
  const root: Tree = {};
  for (const [k, v] of params) {
    if (k === "Action" || k === "Version") continue;
    const parts = k.split(".");
    let node = root;
    parts.forEach((seg, i) => {
      if (i === parts.length - 1) node[seg] = v;
      else {
        const next = node[seg];
        node = typeof next === "object" ? next : (node[seg] = {});
      }
    });
  }
  return root;
}

const listOf = (t: Tree | string): Array<Tree | string> =>
  typeof t === "string"
    ? [t]
    : Object.keys(t)
        .filter((k) => /^\d+$/.test(k))
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => t[k]!);

function mapFrom(items: Array<Tree | string>, keyName: string, valueName: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (typeof item === "string") continue;
    const k = item[keyName];
    if (typeof k === "string") out[k] = item[valueName];
  }
  return out;
}

function convertQuery(tree: Tree, action: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) {
    switch (k) {
      case "Attribute":
        out.Attributes = mapFrom(listOf(v), "Name", "Value");
        break;
      case "AttributeName":
        out.AttributeNames = listOf(v);
        break;
      case "MessageAttributeName":
        out.MessageAttributeNames = listOf(v);
        break;
      case "MessageSystemAttributeName":
        out.MessageSystemAttributeNames = listOf(v);
        break;
      case "MessageAttribute":
        out.MessageAttributes = mapFrom(listOf(v), "Name", "Value");
        break;
      case "MessageSystemAttribute":
        out.MessageSystemAttributes = mapFrom(listOf(v), "Name", "Value");
        break;
      case "Tag":
        out[action === "CreateQueue" ? "tags" : "Tags"] = mapFrom(listOf(v), "Key", "Value");
        break;
      case "TagKey":
        out.TagKeys = listOf(v);
        break;
      default:
        if (k.endsWith("RequestEntry")) {
          out.Entries = listOf(v).map((e) => (typeof e === "string" ? e : convertQuery(e, action)));
        } else if (NUMERIC.has(k) && typeof v === "string") {
          out[k] = Number(v);
        } else {
          out[k] = v;
        }
    }
  }
  return out;
}

/** XML text; carriage returns are escaped so message bodies survive XML parsing byte for byte. */
const x = (v: unknown) => escapeXml(String(v)).replace(/\r/g, "&#xD;");

function resultXml(action: string, obj: Record<string, unknown>): string {
  let xml = "";
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null) continue;
    const entries = () => Object.entries(v as Record<string, unknown>);
    switch (k) {
      case "QueueUrls":
        xml += (v as string[]).map((u) => `<QueueUrl>${x(u)}</QueueUrl>`).join("");
        break;
      case "Attributes":
        xml += entries()
          .map(([n, val]) => `<Attribute><Name>${x(n)}</Name><Value>${x(val)}</Value></Attribute>`)
          .join("");
        break;
      case "MessageAttributes":
        xml += entries()
          .map(
            ([n, val]) =>
              `<MessageAttribute><Name>${x(n)}</Name><Value>${resultXml(action, val as Record<string, unknown>)}</Value></MessageAttribute>`,
          )
          .join("");
        break;
      case "Messages":
        xml += (v as Array<Record<string, unknown>>).map((m) => `<Message>${resultXml(action, m)}</Message>`).join("");
        break;
      case "Successful":
        xml += (v as Array<Record<string, unknown>>)
          .map((e) => `<${action}ResultEntry>${resultXml(action, e)}</${action}ResultEntry>`)
          .join("");
        break;
      case "Failed":
        xml += (v as Array<Record<string, unknown>>)
          .map((e) => `<BatchResultErrorEntry>${resultXml(action, e)}</BatchResultErrorEntry>`)
          .join("");
        break;
      case "Tags":
        xml += entries()
          .map(([n, val]) => `<Tag><Key>${x(n)}</Key><Value>${x(val)}</Value></Tag>`)
          .join("");
        break;
      default:
        if (Array.isArray(v)) xml += v.map((item) => `<${k}>${typeof item === "object" ? resultXml(action, item) : x(item)}</${k}>`).join("");
        else if (typeof v === "object") xml += `<${k}>${resultXml(action, v as Record<string, unknown>)}</${k}>`;
        else xml += `<${k}>${x(v)}</${k}>`;
    }
  }
  return xml;
}

// ---- the handler ------------------------------------------------------------------------------

export async function handleSqs(
  ctx: SandboxContext,
  req: SandboxRequest,
  protocol: SqsProtocol,
  cred: CredentialScope | undefined,
  authenticate: () => Caller,
): Promise<SandboxResponse> {
  let action: string;
  let input: Record<string, unknown>;
  if (protocol === "json") {
    action = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
    try {
      input = req.body.length ? (JSON.parse(req.body.toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      return sqsError(protocol, new AwsError("SerializationException", "Invalid JSON body", 400));
    }
  } else {
    const params = new URLSearchParams(req.body.length ? req.body.toString("utf8") : req.rawQuery);
    action = params.get("Action") ?? "";
    input = convertQuery(buildTree(params), action);
  }
  let caller: Caller;
  try {
    caller = authenticate();
  } catch (err) {
    if (err instanceof AuthError) return sqsError(protocol, authErrorForQuery(err));
    throw err;
  }
  const region = cred?.region ?? "us-east-1";
  try {
    // The resource this call acts on, as IAM names it.
    let resource: string;
    if (typeof input.QueueUrl === "string") {
      const q = parseQueueUrl(input.QueueUrl, region);
      if (q.account !== undefined && q.account !== CUSTOMER_ACCOUNT) throw nonExistentQueue();
      resource = `arn:aws:sqs:${q.region}:${CUSTOMER_ACCOUNT}:${q.name}`;
    } else if (typeof input.QueueName === "string") {
      const owner = input.QueueOwnerAWSAccountId;
      if (owner !== undefined && owner !== CUSTOMER_ACCOUNT) throw nonExistentQueue();
      resource = `arn:aws:sqs:${region}:${CUSTOMER_ACCOUNT}:${input.QueueName}`;
    } else if (typeof input.SourceArn === "string") {
      // A message move task acts on its source queue (the dead-letter queue).
      resource = input.SourceArn;
    } else {
      resource = `arn:aws:sqs:${region}:${CUSTOMER_ACCOUNT}:*`;
    }
    const iam = iamAction(action);
    const decision = decide(ctx, caller, iam, resource);
    if (decision !== "allow") throw new AwsError("AccessDenied", deniedMessage(caller, iam, resource, decision), 403);
  } catch (err) {
    if (err instanceof AwsError) return sqsError(protocol, err);
    throw err;
  }

  if (MESSAGE_MOVE_ACTIONS.has(action)) {
    let output: Record<string, unknown>;
    try {
      output = handleMessageMove(ctx, action, input);
    } catch (err) {
      if (err instanceof AwsError) return sqsError(protocol, err);
      throw err;
    }
    const id = requestId();
    if (protocol === "json") return { status: 200, headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": id }, body: JSON.stringify(output) };
    return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": id }, body: queryResponse(SQS_XMLNS, action, resultXml(action, output), id) };
  }

  const res = await ctx.fauxqs.app.inject({
    method: "POST",
    url: "/",
    headers: {
      host: "127.0.0.1",
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `AmazonSQS.${action}`,
      // fauxqs takes the region of CreateQueue/GetQueueUrl from the credential scope.
      authorization: `AWS4-HMAC-SHA256 Credential=${caller.accessKeyId}/20000101/${region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    payload: JSON.stringify(input),
  });
  const id = requestId();
  const fauxqsQueryError = res.headers["x-amzn-query-error"];
  let queryError: string | undefined;
  if (typeof fauxqsQueryError === "string") {
    const [code = "", fault = "Sender"] = fauxqsQueryError.split(";");
    queryError = `${awsQueryErrorCode(code)};${fault}`;
  }
  if (protocol === "json") {
    const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": id };
    if (queryError) headers["x-amzn-query-error"] = queryError;
    return { status: res.statusCode, headers, body: res.body };
  }
  let output: Record<string, unknown> = {};
  try {
    output = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  } catch {
    // fall through with an empty output
  }
  if (res.statusCode >= 400) {
    const code = queryError?.split(";")[0] || String(output.__type ?? "InternalError").split("#").pop()!;
    return sqsError("query", new AwsError(code, String(output.message ?? output.Message ?? ""), res.statusCode));
  }
  const inner = Object.keys(output).length ? resultXml(action, output) : null;
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": id },
    body: queryResponse(SQS_XMLNS, action, inner, id),
  };
}
