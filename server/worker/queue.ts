// The queue the worker consumes, as an interface (so the acknowledgement logic is testable without
// a network) and its SQS implementation over the AWS SDK.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string | undefined;
  /** ApproximateReceiveCount: 1 on first delivery. */
  receiveCount: number;
  /** When the message was sent (SentTimestamp), in ms since the epoch, if known. */
  sentAt: number | undefined;
}

export interface ReceiveOptions {
  maxMessages: number;
  waitSeconds: number;
  visibilitySeconds: number;
  signal?: AbortSignal | undefined;
}

export interface BatchEntryFailure {
  id: string;
  code: string;
  message: string;
}

export interface MessageQueue {
  receive(options: ReceiveOptions): Promise<QueueMessage[]>;
  /** At most 10 entries. */
  deleteBatch(entries: { id: string; receiptHandle: string }[]): Promise<BatchEntryFailure[]>;
  /** At most 10 entries. */
  changeVisibilityBatch(
    entries: { id: string; receiptHandle: string; visibilitySeconds: number }[],
  ): Promise<BatchEntryFailure[]>;
}

/** SQS batch entry ids allow only letters, digits, '-' and '_' (up to 80 characters). */
function entryId(index: number): string {
  return `m${index}`;
}

export class SqsQueue implements MessageQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.client = client;
    this.queueUrl = queueUrl;
  }

  async receive(options: ReceiveOptions): Promise<QueueMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: options.maxMessages,
        WaitTimeSeconds: options.waitSeconds,
        VisibilityTimeout: options.visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
      }),
      { abortSignal: options.signal },
    );
    return (out.Messages ?? []).flatMap((m) => {
      if (!m.MessageId || !m.ReceiptHandle) return [];
      const count = Number(m.Attributes?.ApproximateReceiveCount ?? "1");
      const sent = Number(m.Attributes?.SentTimestamp ?? NaN);
      return [
        {
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle,
          body: m.Body,
          receiveCount: Number.isFinite(count) && count > 0 ? count : 1,
          sentAt: Number.isFinite(sent) ? sent : undefined,
        },
      ];
    });
  }

  async deleteBatch(entries: { id: string; receiptHandle: string }[]): Promise<BatchEntryFailure[]> {
    if (entries.length === 0) return [];
    const out = await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map((e, i) => ({ Id: entryId(i), ReceiptHandle: e.receiptHandle })),
      }),
    );
    return (out.Failed ?? []).map((f) => ({
      id: entries[Number((f.Id ?? "m-1").slice(1))]?.id ?? String(f.Id),
      code: f.Code ?? "Unknown",
      message: f.Message ?? "",
    }));
  }

  async changeVisibilityBatch(
    entries: { id: string; receiptHandle: string; visibilitySeconds: number }[],
  ): Promise<BatchEntryFailure[]> {
    if (entries.length === 0) return [];
    const out = await this.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map((e, i) => ({
          Id: entryId(i),
          ReceiptHandle: e.receiptHandle,
          VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(e.visibilitySeconds))),
        })),
      }),
    );
    return (out.Failed ?? []).map((f) => ({
      id: entries[Number((f.Id ?? "m-1").slice(1))]?.id ?? String(f.Id),
      code: f.Code ?? "Unknown",
      message: f.Message ?? "",
    }));
  }
}
