// A task's queue backlog for its page: SQS's approximate visible and in-flight counts, asked the
// way Test Connectivity asks (the customer's role assumed as the platform setup identity with the
// organization's External ID; same clients, same error sentences). A page refreshes every few
// seconds, so answers are cached per task for `cacheMs`, concurrent asks share one call, the setup
// session is reused until shortly before it expires, and the whole ask is bounded by `timeoutMs`.
// Whatever goes wrong becomes a sentence (`unavailable`), never an error of the route. The same
// ask reads the queue's redrive policy and, when it names a dead-letter queue, that queue's depth
// (dead-letter.ts), with the same session, bound and cache.
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { ConnectionFields } from "#contracts/data-source.ts";
import type { TaskBacklog } from "#contracts/task-activity.ts";
import { createSqsClient, stsRegionFor, type AwsClientOptions } from "../aws/clients.ts";
import { detailOf } from "../error-text.ts";
import { describeAwsError, type MappedError } from "./aws-errors.ts";
import { assumeSetupSession, SETUP_SESSION_SECONDS } from "../aws/setup-session.ts";
import { readDeadLetterQueue } from "./dead-letter.ts";
import { targetOf } from "./engine.ts";

export type BacklogSource = Pick<ConnectionFields, "queue_url" | "queue_region" | "role_arn">;

export interface BacklogReader {
  /** The backlog of `taskId`'s queue, asked with `orgId` as the External ID. Never throws. */
  read(orgId: string, taskId: string, source: BacklogSource): Promise<TaskBacklog>;
}

export interface BacklogOptions {
  /** The setup identity, endpoints and timeouts (production: the SDK's default chain). */
  aws?: AwsClientOptions;
  /** The whole ask (AssumeRole and GetQueueAttributes), ms. */
  timeoutMs?: number;
  /** How long one task's answer is served again, ms. */
  cacheMs?: number;
  /**
   * Which platform identity `aws` is, named in the role session (CloudTrail shows it): the API
   * asks as "setup"; the worker's alert evaluator asks with its own identity, "load".
   */
  identity?: "setup" | "load";
  now?: () => number;
}

export const BACKLOG_TIMEOUT_MS = 4_000;
export const BACKLOG_CACHE_MS = 10_000;
/** A setup session is reused until this long before it expires. */
const SESSION_MARGIN_MS = 60_000;

/** The check's sentence and hint; a timeout is asked again by the page's next refresh, not by the operator. */
function sentence(mapped: MappedError): string {
  return mapped.kind === "timeout"
    ? `The backlog cannot be read: ${mapped.message}; it is asked again at the next refresh`
    : `The backlog cannot be read: ${mapped.message}. ${mapped.hint}`;
}

class TimedOut extends Error {
  override name = "TimeoutError";
}

export function createBacklogReader(options: BacklogOptions = {}): BacklogReader {
  const aws = { maxAttempts: 1, ...options.aws };
  const timeoutMs = options.timeoutMs ?? BACKLOG_TIMEOUT_MS;
  const cacheMs = options.cacheMs ?? BACKLOG_CACHE_MS;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { at: number; answer: Promise<TaskBacklog> }>();
  const sessions = new Map<string, { until: number; credentials: AwsCredentialIdentity }>();
  const seconds = Number((timeoutMs / 1000).toFixed(1));

  async function ask(orgId: string, source: BacklogSource): Promise<TaskBacklog> {
    const target = targetOf({ ...source, external_id: orgId, bucket: "", prefix: "", suffix: "" });
    const signal = AbortSignal.timeout(timeoutMs);
    const checkedAt = () => new Date(now()).toISOString();
    const context = (service: "sts" | "sqs") => ({
      service,
      region: service === "sts" ? stsRegionFor(target.partition) : target.region,
      timeoutSeconds: seconds,
      abortReason: `Stopped: the backlog is asked for at most ${seconds} s`,
    });
    const bounded = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        if (signal.aborted) throw new TimedOut(`No answer within ${timeoutMs} ms`);
        throw error;
      }
    };

    const sessionKey = `${orgId}\u0000${source.role_arn}`;
    let credentials = sessions.get(sessionKey);
    if (!credentials || credentials.until <= now()) {
      sessions.delete(sessionKey);
      try {
        const got = await bounded(() =>
          assumeSetupSession({ roleArn: source.role_arn, externalId: orgId, partition: target.partition, aws, signal, purpose: options.identity }),
        );
        if (!got) return { unavailable: "AWS STS answered AssumeRole without credentials; the backlog is asked again on the next refresh", checked_at: checkedAt() };
        const expires = got.expiration?.getTime() ?? now() + SETUP_SESSION_SECONDS * 1000;
        credentials = { until: expires - SESSION_MARGIN_MS, credentials: got };
        sessions.set(sessionKey, credentials);
      } catch (error) {
        const mapped = describeAwsError(error, {
          ...context("sts"),
          action: "sts:AssumeRole",
          resource: source.role_arn,
          subject: `role ${source.role_arn}`,
        });
        const unavailable =
          mapped.kind === "access_denied"
            ? `The backlog cannot be read: Databend's setup role may not assume ${source.role_arn} with external ID "${orgId}" ` +
              "(the role's trust policy must allow both platform roles; Test Connectivity on the data source says more)"
            : sentence(mapped);
        return { unavailable, ...detailOf(mapped.detail), checked_at: checkedAt() };
      }
    }

    const sqs = createSqsClient(target.region, credentials.credentials, aws);
    try {
      const out = await bounded(() =>
        sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: target.queue.url,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "RedrivePolicy"],
          }),
          { abortSignal: signal },
        ),
      );
      const count = (name: "ApproximateNumberOfMessages" | "ApproximateNumberOfMessagesNotVisible") => Number(out.Attributes?.[name] ?? 0);
      const deadLetter = await readDeadLetterQueue({
        redrivePolicy: out.Attributes?.RedrivePolicy,
        roleArn: source.role_arn,
        credentials: credentials.credentials,
        aws,
        signal,
        bounded,
        timeoutSeconds: seconds,
      });
      return {
        visible: count("ApproximateNumberOfMessages"),
        in_flight: count("ApproximateNumberOfMessagesNotVisible"),
        checked_at: checkedAt(),
        dead_letter: deadLetter,
      };
    } catch (error) {
      const queue = target.queue;
      const mapped = describeAwsError(error, {
        ...context("sqs"),
        action: "sqs:GetQueueAttributes",
        resource: queue.arn,
        subject: `queue "${queue.name}" in account ${queue.accountId}`,
      });
      const unavailable =
        mapped.kind === "access_denied"
          ? `The backlog cannot be read: the role ${source.role_arn} lacks sqs:GetQueueAttributes on ${queue.arn}. ` +
            "Add it to the role's permissions policy to see the backlog here (loading does not need it)"
          : sentence(mapped);
      return { unavailable, ...detailOf(mapped.detail), checked_at: checkedAt() };
    } finally {
      sqs.destroy();
    }
  }

  return {
    read(orgId, taskId, source) {
      const at = now();
      for (const [key, entry] of answers) if (at - entry.at >= cacheMs) answers.delete(key);
      // Keyed by what the answer depends on too, so an edited data source is asked at once.
      const key = [orgId, taskId, source.queue_url, source.queue_region, source.role_arn].join("\u0000");
      const cached = answers.get(key);
      if (cached) return cached.answer;
      const answer = ask(orgId, source).catch(
        (error: unknown): TaskBacklog => ({ unavailable: `The backlog cannot be read: ${String((error as Error)?.message ?? error)}`, checked_at: new Date(now()).toISOString() }),
      );
      answers.set(key, { at, answer });
      return answer;
    },
  };
}
