import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection, signedQuery, startTestSandbox, type TestSandbox } from "./test-helpers.ts";

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.dispose());

const xml = new XMLParser({ htmlEntities: true, isArray: (name) => ["Message", "MessageAttribute", "Attribute", "QueueUrl", "DeleteMessageBatchResultEntry"].includes(name) });

describe("SQS over the JSON protocol (AWS SDK v3)", () => {
  it("returns queue URLs and ARNs in AWS's shape and accepts any host in QueueUrl", async () => {
    const sqs = sb.sqs(undefined, "eu-west-1");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "shape-q" }));
    expect(QueueUrl).toBe("https://sqs.eu-west-1.amazonaws.com/000000000000/shape-q");
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "shape-q" }))).QueueUrl).toBe(QueueUrl);
    const local = `${sb.url}/000000000000/shape-q`;
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: local, AttributeNames: ["QueueArn"] }));
    expect(attrs.Attributes?.QueueArn).toBe("arn:aws:sqs:eu-west-1:000000000000:shape-q");
    const listed = await sb.sqs().send(new ListQueuesCommand({}));
    expect(listed.QueueUrls).toContain(sb.seedValues.queueUrl);
    expect(listed.QueueUrls).toContain(sb.seedValues.fifoQueueUrl);
  });

  it("keeps the seeded FIFO queue a FIFO queue (to show the console's rejection)", async () => {
    const attrs = await sb.sqs().send(new GetQueueAttributesCommand({ QueueUrl: sb.seedValues.fifoQueueUrl, AttributeNames: ["All"] }));
    expect(attrs.Attributes?.FifoQueue).toBe("true");
    const err = await rejection(sb.sqs().send(new SendMessageCommand({ QueueUrl: sb.seedValues.fifoQueueUrl, MessageBody: "x" })));
    expect(err.name).toMatch(/MissingParameter|InvalidParameterValue/);
  });
});

describe("SQS message lifecycle", () => {
  it("returns a message to the queue with ChangeMessageVisibility 0 (fauxqs persistence workaround)", async () => {
    const sqs = sb.sqs();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "cmv-q" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "retry me" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60 }));
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    expect(again.Messages?.[0]?.Body).toBe("retry me");
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("2");
  });

  it("moves a message to its dead-letter queue, where ChangeMessageVisibility 0 works and both queues survive a restart", async () => {
    // The same fauxqs persistence bug (a NULL receive count) once showed up on a dead-lettered message.
    const dataDir = mkdtempSync(join(tmpdir(), "sandbox-dlq-"));
    let own = await startTestSandbox({ dataDir });
    try {
      let sqs = own.sqs();
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "redrive-q" }));
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "redrive-q-dlq" }));
      const redrive = { deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:redrive-q-dlq", maxReceiveCount: 2 };
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: JSON.stringify(redrive) } }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison" }));
      for (let i = 1; i <= 2; i++) {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60 }));
        expect(got.Messages?.[0]?.Body).toBe("poison");
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 }));
      }
      // The third receive exceeds maxReceiveCount: the message moves to the dead-letter queue.
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
      const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl!, VisibilityTimeout: 60 }));
      expect(dead.Messages?.[0]?.Body).toBe("poison");
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: dlq.QueueUrl!, ReceiptHandle: dead.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 }),
      );
      sqs.destroy();
      await own.stop();
      own = await startTestSandbox({ dataDir });
      sqs = own.sqs();
      const depth = async (url: string) =>
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes
          ?.ApproximateNumberOfMessages;
      expect(await depth(QueueUrl!)).toBe("0");
      expect(await depth(dlq.QueueUrl!)).toBe("1");
      sqs.destroy();
    } finally {
      await own.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("SQS dead-letter queue redrive (StartMessageMoveTask, added by the sandbox)", () => {
  it("moves a dead-letter queue's messages back to its source queue as new messages; ListMessageMoveTasks reports it", async () => {
    const sqs = sb.sqs();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "move-src" }));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "move-src-dlq" }));
    const dlqArn = "arn:aws:sqs:us-east-1:000000000000:move-src-dlq";
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }));
    for (const body of ["one", "two"]) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    for (let round = 0; round < 2; round++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
      for (const m of got.Messages ?? []) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    }
    const depth = async (url: string) =>
      Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes?.ApproximateNumberOfMessages);
    expect([await depth(QueueUrl!), await depth(dlq.QueueUrl!)]).toEqual([0, 2]);

    // Not a dead-letter queue of anything: refused.
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:move-src" }))).rejects.toMatchObject({ name: "InvalidParameterValue" });
    const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(started.TaskHandle).toBeTruthy();
    expect([await depth(QueueUrl!), await depth(dlq.QueueUrl!)]).toEqual([2, 0]);
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    expect(back.Messages?.map((m) => m.Body).sort()).toEqual(["one", "two"]);
    for (const m of back.Messages ?? []) expect(m.Attributes?.ApproximateReceiveCount).toBe("1");
    // A role needs sqs:StartMessageMoveTask on the dead-letter queue (the seeded role has none).
    const role = sb.sqs(await sb.assume(sb.seedValues.roleArn, sb.seedValues.externalId));
    await expect(role.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }))).rejects.toMatchObject({
      name: "AccessDenied",
      message: expect.stringContaining(`is not authorized to perform: sqs:StartMessageMoveTask on resource: ${dlqArn}`),
    });
    role.destroy();
    const listed = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(listed.Results).toEqual([
      expect.objectContaining({ Status: "COMPLETED", SourceArn: dlqArn, DestinationArn: "arn:aws:sqs:us-east-1:000000000000:move-src", ApproximateNumberOfMessagesMoved: 2 }),
    ]);
  });
});

describe("SQS over the Query protocol (Debian's awscli 2.9)", () => {
  it("translates actions, attributes and batches to XML", async () => {
    const q = sb.seedValues.queueUrl;
    const sent = await signedQuery(sb.url, "sqs", {
      Action: "SendMessage",
      QueueUrl: q,
      MessageBody: "line1\r\nline2 <&>",
      "MessageAttribute.1.Name": "kind",
      "MessageAttribute.1.Value.DataType": "String",
      "MessageAttribute.1.Value.StringValue": "demo",
    });
    expect(sent.status).toBe(200);
    expect(xml.parse(sent.text).SendMessageResponse.SendMessageResult.MessageId).toBeTruthy();

    const got = await signedQuery(sb.url, "sqs", {
      Action: "ReceiveMessage",
      QueueUrl: q,
      MaxNumberOfMessages: "10",
      "AttributeName.1": "All",
      "MessageAttributeName.1": "All",
    });
    interface QueryMessage {
      Body: string;
      ReceiptHandle: string;
      MessageAttribute?: Array<{ Name: string; Value: unknown }>;
      Attribute: Array<{ Name: string; Value: string }>;
    }
    const messages = xml.parse(got.text).ReceiveMessageResponse.ReceiveMessageResult.Message as QueryMessage[];
    const mine = messages.find((m) => m.MessageAttribute?.[0]?.Name === "kind")!;
    expect(mine.Body).toBe("line1\r\nline2 <&>");
    expect(mine.MessageAttribute![0]!.Value).toEqual({ StringValue: "demo", DataType: "String" });
    expect(mine.Attribute.map((a) => a.Name)).toContain("SentTimestamp");

    const params: Record<string, string> = { Action: "DeleteMessageBatch", QueueUrl: q };
    messages.forEach((m, i) => {
      params[`DeleteMessageBatchRequestEntry.${i + 1}.Id`] = `m${i}`;
      params[`DeleteMessageBatchRequestEntry.${i + 1}.ReceiptHandle`] = m.ReceiptHandle;
    });
    const deleted = await signedQuery(sb.url, "sqs", params);
    const entries = xml.parse(deleted.text).DeleteMessageBatchResponse.DeleteMessageBatchResult.DeleteMessageBatchResultEntry;
    expect(entries).toHaveLength(messages.length);
  });

  it("answers errors as XML ErrorResponse", async () => {
    const res = await signedQuery(sb.url, "sqs", { Action: "GetQueueUrl", QueueName: "does-not-exist" });
    expect(res.status).toBe(400);
    expect(xml.parse(res.text).ErrorResponse.Error.Code).toBe("AWS.SimpleQueueService.NonExistentQueue");
    const other = await signedQuery(sb.url, "sqs", {
      Action: "ReceiveMessage",
      QueueUrl: "https://sqs.us-east-1.amazonaws.com/999999999999/databend-demo-events",
    });
    expect(xml.parse(other.text).ErrorResponse.Error.Code).toBe("AWS.SimpleQueueService.NonExistentQueue");
    const platform = await signedQuery(
      sb.url,
      "sqs",
      { Action: "ReceiveMessage", QueueUrl: sb.seedValues.queueUrl },
      { accessKeyId: "platform-load", secretAccessKey: "platform-load" },
    );
    expect(platform.status).toBe(403);
    expect(xml.parse(platform.text).ErrorResponse.Error.Code).toBe("AccessDenied");
  });

  it("refuses unsigned requests", async () => {
    const res = await fetch(`${sb.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=ListQueues",
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });
});

/**
 * Message size limits as AWS's SQS API reference gives them today (API_SendMessage,
 * API_SendMessageBatch, API_SetQueueAttributes; AWS raised them from 256 KiB to 1 MiB in August 2025):
 * a message (body plus attributes) may be as long as the queue's MaximumMessageSize, 1,024 to
 * 1,048,576 bytes, default 1,048,576; a batch may total 1,048,576 bytes. Longer messages are refused
 * with InvalidParameterValue (per entry in a batch), longer batches with BatchRequestTooLong.
 */
describe("SQS message size limits", () => {
  const MIB = 1_048_576;
  const KIB256 = 262_144;
  let small: string; // a queue whose MaximumMessageSize is 256 KiB, AWS's limit until August 2025
  beforeAll(async () => {
    const created = await sb.sqs().send(new CreateQueueCommand({ QueueName: "size-256k", Attributes: { MaximumMessageSize: String(KIB256) } }));
    small = created.QueueUrl!;
  });
  const plain = new XMLParser(); // no forced arrays: <Message> here is an error message, not a list
  const tooLong = (limit: number) => `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`;
  const query = (params: Record<string, string>) => signedQuery(sb.url, "sqs", params);
  const queryBatch = (QueueUrl: string, bodies: string[]) => {
    const params: Record<string, string> = { Action: "SendMessageBatch", QueueUrl };
    bodies.forEach((body, i) => {
      params[`SendMessageBatchRequestEntry.${i + 1}.Id`] = `m${i}`;
      params[`SendMessageBatchRequestEntry.${i + 1}.MessageBody`] = body;
    });
    return query(params);
  };

  it("accepts exactly MaximumMessageSize bytes and refuses one more with InvalidParameterValue (JSON)", async () => {
    const sqs = sb.sqs();
    await sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: "x".repeat(KIB256) }));
    // Bytes, not characters: 131,072 two-byte characters are exactly 262,144 bytes.
    await sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: "é".repeat(KIB256 / 2) }));
    for (const body of ["x".repeat(KIB256 + 1), `${"é".repeat(KIB256 / 2)}x`]) {
      const err = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: small, MessageBody: body })));
      expect(err.$metadata?.httpStatusCode).toBe(400);
      expect(err.name).toBe("InvalidParameterValue");
      expect(err.Code).toBe("InvalidParameterValue");
      expect(err.message).toBe(tooLong(KIB256));
    }
  });

  it("accepts exactly MaximumMessageSize bytes and refuses one more with InvalidParameterValue (Query)", async () => {
    expect((await query({ Action: "SendMessage", QueueUrl: small, MessageBody: "x".repeat(KIB256) })).status).toBe(200);
    const res = await query({ Action: "SendMessage", QueueUrl: small, MessageBody: "x".repeat(KIB256 + 1) });
    expect(res.status).toBe(400);
    expect(plain.parse(res.text).ErrorResponse.Error).toEqual({ Type: "Sender", Code: "InvalidParameterValue", Message: tooLong(KIB256) });
  });

  it("takes up to 1 MiB on a queue with the default MaximumMessageSize, as AWS does", async () => {
    const sqs = sb.sqs();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "size-default" }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["MaximumMessageSize"] }));
    expect(attrs.Attributes?.MaximumMessageSize).toBe(String(MIB));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x".repeat(MIB) }));
    const err = await rejection(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x".repeat(MIB + 1) })));
    expect(err.name).toBe("InvalidParameterValue");
    expect(err.message).toBe(tooLong(MIB));
    const res = await query({ Action: "SendMessage", QueueUrl: QueueUrl!, MessageBody: "x".repeat(MIB + 1) });
    expect(xml.parse(res.text).ErrorResponse.Error.Code).toBe("InvalidParameterValue");
  });

  it("fails only the too-long entry of a batch (JSON and Query)", async () => {
    const out = await sb.sqs().send(
      new SendMessageBatchCommand({
        QueueUrl: small,
        Entries: [
          { Id: "long", MessageBody: "x".repeat(KIB256 + 1) },
          { Id: "exact", MessageBody: "x".repeat(KIB256) },
        ],
      }),
    );
    expect(out.Successful?.map((e) => e.Id)).toEqual(["exact"]);
    expect(out.Failed).toEqual([{ Id: "long", SenderFault: true, Code: "InvalidParameterValue", Message: tooLong(KIB256) }]);

    const res = await queryBatch(small, ["x".repeat(KIB256 + 1), "ok"]);
    expect(res.status).toBe(200);
    const result = plain.parse(res.text).SendMessageBatchResponse.SendMessageBatchResult;
    expect(result.SendMessageBatchResultEntry.Id).toBe("m1");
    expect(result.BatchResultErrorEntry).toEqual({ Id: "m0", SenderFault: true, Code: "InvalidParameterValue", Message: tooLong(KIB256) });
  });

  it("refuses a batch over 1 MiB in total with BatchRequestTooLong and takes exactly 1 MiB (JSON and Query)", async () => {
    const sqs = sb.sqs();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "size-batch" }));
    const quarter = "x".repeat(MIB / 4);
    const exact = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: [0, 1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: quarter })) }),
    );
    expect(exact.Successful).toHaveLength(4);
    const entries = [0, 1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: i === 3 ? `${quarter}x` : quarter }));
    const err = await rejection(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries })));
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.name).toBe("BatchRequestTooLong");
    expect(err.Code).toBe("AWS.SimpleQueueService.BatchRequestTooLong");

    const res = await queryBatch(QueueUrl!, entries.map((e) => e.MessageBody));
    expect(res.status).toBe(400);
    expect(xml.parse(res.text).ErrorResponse.Error.Code).toBe("AWS.SimpleQueueService.BatchRequestTooLong");
    const depth = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    expect(depth.Attributes?.ApproximateNumberOfMessages).toBe("4");
  });

  it("names the other common errors as AWS does (no AWS.SimpleQueueService. prefix)", async () => {
    const sqs = sb.sqs();
    const missing = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: sb.seedValues.fifoQueueUrl, MessageBody: "x" })));
    expect(missing.name).toBe("MissingParameter");
    const attr = await rejection(sqs.send(new SetQueueAttributesCommand({ QueueUrl: small, Attributes: { MaximumMessageSize: String(MIB + 1) } })));
    expect(attr.name).toBe("InvalidAttributeValue");
    const exists = await rejection(sqs.send(new CreateQueueCommand({ QueueName: "size-256k", Attributes: { MaximumMessageSize: "2048" } })));
    expect(exists.name).toBe("QueueNameExists");
    expect(exists.Code).toBe("QueueAlreadyExists");
    const res = await query({ Action: "SetQueueAttributes", QueueUrl: small, "Attribute.1.Name": "MaximumMessageSize", "Attribute.1.Value": "1" });
    expect(xml.parse(res.text).ErrorResponse.Error.Code).toBe("InvalidAttributeValue");
  });
});
