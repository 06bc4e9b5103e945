/**
 * The one place that reaches into fauxqs's internals.
 *
 * Why: fauxqs's public export (`startFauxqs`) listens on 0.0.0.0 and offers no hook for our own
 * routing, so we build its Fastify app with `buildApp()` and dispatch to it in-process with
 * `app.inject()`. Persistence (PersistenceManager) and the stores (SqsStore, SnsStore, S3Store)
 * are not in fauxqs's package "exports", so we load them by file path next to the resolved entry
 * point and wire them exactly as fauxqs's own `startFauxqs` does (see node_modules/fauxqs/dist/app.js).
 * The types below describe only the members we use; they are ours, not fauxqs's.
 */
import type { FastifyInstance } from "fastify";
import { buildApp } from "fauxqs";

export interface FauxqsS3Object {
  key: string;
  body: Buffer;
  contentLength: number;
  etag: string;
  lastModified: Date;
}

export interface FauxqsS3Store {
  persistence?: unknown;
  hasBucket(name: string): boolean;
  putObject(bucket: string, key: string, ...rest: unknown[]): FauxqsS3Object;
  completeMultipartUpload(uploadId: string, parts: unknown): FauxqsS3Object;
  multipartUploads: Map<string, { bucket: string; key: string }>;
  deleteObject(bucket: string, key: string): void;
  buckets: Map<string, Map<string, FauxqsS3Object>>;
}

export interface FauxqsMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, unknown>;
}

export interface FauxqsQueue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  persistence?: unknown;
  /** Visible messages, oldest first (standard queues). */
  messages: FauxqsMessage[];
  isFifo(): boolean;
  enqueue(msg: unknown): void;
  /** Returns expired in-flight and due delayed messages to `messages`. */
  processTimers(): void;
}

export interface FauxqsSqsStore {
  persistence?: unknown;
  host?: string;
  region?: string;
  buildQueueUrl(name: string, port: string, requestHost: string, region: string): string;
  getQueueByArn(arn: string): FauxqsQueue | undefined;
  getQueue(url: string): FauxqsQueue | undefined;
  allQueues(): Iterable<FauxqsQueue>;
}

interface PersistenceManagerLike {
  db: { prepare(sql: string): { run(...args: unknown[]): unknown } };
  deleteMessage(messageId: string): void;
  load(sqs: unknown, sns: unknown, s3: unknown): void;
  updateMessageReady(messageId: string): void;
  close(): void;
}

interface SqsStoreStatic {
  new (): FauxqsSqsStore;
  createMessage(body: string, attrs?: Record<string, unknown>, delaySeconds?: number): unknown;
}

const entry = import.meta.resolve("fauxqs");
const deep = async <T>(rel: string): Promise<T> => (await import(new URL(rel, entry).href)) as T;

const { SqsStore } = await deep<{ SqsStore: SqsStoreStatic }>("./sqs/sqsStore.js");
const { SnsStore } = await deep<{ SnsStore: new () => unknown }>("./sns/snsStore.js");
const { S3Store } = await deep<{ S3Store: new () => FauxqsS3Store }>("./s3/s3Store.js");
const { PersistenceManager } = await deep<{
  PersistenceManager: new (dir: string) => PersistenceManagerLike;
}>("./persistence.js");

export interface Fauxqs {
  app: FastifyInstance;
  sqs: FauxqsSqsStore;
  s3: FauxqsS3Store;
  /**
   * Calls `observer` with each request's headers right before fauxqs runs its (synchronous) route
   * handler, so store wrappers can tell which sandbox request a store call belongs to.
   */
  onHandler(observer: (headers: Record<string, unknown>) => void): void;
  /** Put a plain message on a standard queue (the path S3 notifications take). */
  enqueue(queue: FauxqsQueue, body: string): void;
  /**
   * Moves every visible message of standard queue `from` to `to` as a new message (new id, receive
   * count 0; body and message attributes kept), oldest first; returns how many. In-flight messages stay.
   */
  moveVisible(from: FauxqsQueue, to: FauxqsQueue): number;
  close(): Promise<void>;
}

/**
 * Builds fauxqs with SQLite persistence under `dataDir` and queue URLs in AWS's shape
 * (`https://sqs.<region>.amazonaws.com/<account>/<name>`).
 */
export async function createFauxqs(dataDir: string): Promise<Fauxqs> {
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  // Queue URLs as AWS prints them; fauxqs resolves incoming URLs by region + name, any host.
  sqsStore.buildQueueUrl = (name, _port, _host, region) =>
    `https://sqs.${region}.amazonaws.com/000000000000/${name}`;
  const persistence = new PersistenceManager(dataDir);
  // fauxqs 2.4.1 bug: updateMessageReady (ChangeMessageVisibility to 0) writes NULL into the NOT NULL
  // column approximate_receive_count and fails with a 500. Keep the count, clear the in-flight state.
  const ready = persistence.db.prepare(
    "UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?",
  );
  persistence.updateMessageReady = (messageId) => void ready.run(messageId);
  // As startFauxqs: load first, then attach persistence so loading does not rewrite rows.
  persistence.load(sqsStore, snsStore, s3Store);
  sqsStore.persistence = persistence;
  (snsStore as { persistence?: unknown }).persistence = persistence;
  for (const queue of sqsStore.allQueues()) queue.persistence = persistence;
  s3Store.persistence = persistence;

  const app = buildApp({
    logger: false,
    stores: { sqsStore, snsStore, s3Store } as unknown as NonNullable<
      Parameters<typeof buildApp>[0]
    >["stores"],
  }) as unknown as FastifyInstance;
  // fauxqs 2.4.1 bug: PutObject and UploadPart read the body with `Buffer.from(request.body)`, but
  // Fastify parses no body (leaves `request.body` undefined) for a request with neither a
  // Content-Type nor a body. So a zero-byte PUT without Content-Type (`aws s3 cp` of an empty file
  // whose extension has no MIME type, `aws s3api put-object` without --body, a bare presigned PUT)
  // failed with a 500 TypeError. S3 stores an empty object: give those handlers an empty Buffer.
  app.addHook("preValidation", (request, _reply, done) => {
    const params = request.params as Record<string, string | undefined> | undefined;
    if (request.method === "PUT" && request.body === undefined && params?.["*"]) request.body = Buffer.alloc(0);
    done();
  });
  let observer: ((headers: Record<string, unknown>) => void) | undefined;
  app.addHook("preHandler", (request, _reply, done) => {
    observer?.(request.headers);
    done();
  });
  await app.ready();
  return {
    app,
    sqs: sqsStore,
    s3: s3Store,
    onHandler(fn) {
      observer = fn;
    },
    enqueue(queue, body) {
      const delay = Number(queue.attributes.DelaySeconds ?? "0");
      queue.enqueue(SqsStore.createMessage(body, {}, delay > 0 ? delay : undefined));
    },
    moveVisible(from, to) {
      from.processTimers();
      const moving = from.messages.splice(0);
      for (const msg of moving) {
        persistence.deleteMessage(msg.messageId);
        to.enqueue(SqsStore.createMessage(msg.body, msg.messageAttributes));
      }
      return moving.length;
    },
    async close() {
      await app.close();
      persistence.close();
    },
  };
}
