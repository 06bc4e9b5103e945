// Test Connectivity: assume the customer's role with the platform setup identity, then run the
// SQS group and the S3 group concurrently with the temporary credentials. Every call is bounded,
// the whole test is bounded, and an aborted request aborts the calls in flight.
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { parseQueueUrl, parseRoleArn, partitionOfRegion } from "#contracts/aws-names.ts";
import { CHECK_IDS, CHECK_TITLES, isOk, type CheckId, type CheckResult, type TestEvent } from "#contracts/connectivity.ts";
import type { ConnectionFields } from "#contracts/data-source.ts";
import { canonicalQueueUrl, createS3Client, createSqsClient, stsRegionFor, type AwsClientOptions } from "../aws/clients.ts";
import { assumeRole } from "./checks/assume-role.ts";
import { s3Bucket, s3List, s3Read } from "./checks/s3.ts";
import { sqsPolicy, sqsQueue, sqsReceive, sqsStandard } from "./checks/sqs.ts";
import type { Check, CheckContext, Facts, Target } from "./context.ts";

export const SQS_GROUP: readonly Check[] = [sqsQueue, sqsStandard, sqsPolicy, sqsReceive];
export const S3_GROUP: readonly Check[] = [s3Bucket, s3List, s3Read];

export interface ConnectivityOptions {
  platformSetupRoleArn: string;
  platformLoadRoleArn: string;
  /** Setup identity, endpoints and timeouts; production leaves credentials to the default chain. */
  aws?: AwsClientOptions;
  /** Limit of the whole test, ms. */
  totalTimeoutMs?: number;
  /** Limit of one AWS call including its retry, ms. */
  callTimeoutMs?: number;
  logger?: Logger;
}

export interface RunOptions {
  /** Aborted when the client goes away; in-flight calls stop. */
  signal?: AbortSignal;
  /** `running` when a check starts, `result` when it ends (the caller sends `done`). */
  onEvent?: (event: TestEvent) => void;
}

export interface TestOutcome {
  ok: boolean;
  checks: CheckResult[];
  tested_at: string;
}

export type ConnectivityTester = (input: ConnectionFields, run?: RunOptions) => Promise<TestOutcome>;

export const DEFAULT_TOTAL_TIMEOUT_MS = 20_000;
export const DEFAULT_CALL_TIMEOUT_MS = 8_000;

class DeadlineExceeded extends Error {
  override name = "DeadlineExceeded";
}
class ClientGone extends Error {
  override name = "ClientGone";
}

export function targetOf(input: ConnectionFields): Target {
  const parsed = parseQueueUrl(input.queue_url);
  if (!parsed) throw new Error("queue_url was not validated");
  const region = input.queue_region;
  const partition = partitionOfRegion(region);
  const bucketArn = `arn:${partition}:s3:::${input.bucket}`;
  return {
    input,
    region,
    partition,
    queue: {
      accountId: parsed.accountId,
      name: parsed.queueName,
      // Only the Region, account and name survive from the typed URL; the host is AWS's.
      url: canonicalQueueUrl(region, parsed.accountId, parsed.queueName),
      arn: `arn:${partition}:sqs:${region}:${parsed.accountId}:${parsed.queueName}`,
    },
    roleAccountId: parseRoleArn(input.role_arn)?.accountId,
    bucket: input.bucket,
    bucketArn,
    objectArn: `${bucketArn}/*`,
  };
}

export function createConnectivityTester(options: ConnectivityOptions): ConnectivityTester {
  const totalMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const callMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const aws = options.aws ?? {};

  return async function testConnectivity(input, run = {}) {
    const started = Date.now();
    const target = targetOf(input);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DeadlineExceeded()), totalMs);
    const onClientAbort = () => deadline.abort(new ClientGone());
    if (run.signal?.aborted) onClientAbort();
    run.signal?.addEventListener("abort", onClientAbort, { once: true });
    const overall = deadline.signal;

    const results = new Map<CheckId, CheckResult>();
    const emit = (event: TestEvent) => {
      try {
        run.onEvent?.(event);
      } catch (error) {
        options.logger?.warn({ err: error }, "test event listener failed");
      }
    };
    const finish = (result: CheckResult) => {
      results.set(result.id, result);
      emit({ event: "result", check: result });
    };
    const abortReason = () =>
      overall.reason instanceof ClientGone
        ? "Cancelled: the request was closed before this call finished"
        : `Stopped: Test Connectivity is limited to ${Number((totalMs / 1000).toFixed(1))} s and this call had not finished`;

    const facts: Facts = {};
    let sqs: SQSClient | undefined;
    let s3: S3Client | undefined;
    const ctx: CheckContext = {
      target,
      // The External ID: the API tests only values whose external_id is the caller's organization's ID.
      orgId: input.external_id,
      platform: { setupRoleArn: options.platformSetupRoleArn, loadRoleArn: options.platformLoadRoleArn },
      aws,
      facts,
      async call(fn) {
        const perCall = AbortSignal.timeout(callMs);
        try {
          return await fn(AbortSignal.any([overall, perCall]));
        } catch (error) {
          if (!overall.aborted && perCall.aborted) {
            throw Object.assign(new Error(`No answer within ${callMs} ms`), { name: "TimeoutError" });
          }
          throw error;
        }
      },
      callContext: (c) => ({
        ...c,
        region: c.service === "sts" ? stsRegionFor(target.partition) : target.region,
        timeoutSeconds: Number((callMs / 1000).toFixed(1)),
        abortReason: abortReason(),
      }),
      sqs: () => (sqs ??= createSqsClient(target.region, facts.credentials!, aws)),
      s3: () => (s3 ??= createS3Client(target.region, facts.credentials!, aws)),
    };
    const byId = new Map<CheckId, Check>([assumeRole, ...SQS_GROUP, ...S3_GROUP].map((c) => [c.id, c]));
    /** The check whose result stopped `id`: itself when it failed, else the first unmet check it needs. */
    const rootCause = (id: CheckId): CheckId => {
      const result = results.get(id);
      if (result?.status !== "skip") return id;
      const unmet = byId.get(id)?.needs.find((need) => !met(need));
      return unmet ? rootCause(unmet) : id;
    };
    const met = (id: CheckId) => {
      const status = results.get(id)?.status;
      return status === "pass" || status === "warn";
    };
    const runCheck = async (check: Check) => {
      const unmet = check.needs.find((id) => !met(id));
      if (unmet) {
        // The cause is explained once, by the check where it happened; here only a short sentence.
        const cause = rootCause(unmet);
        const failed = results.get(cause)?.status === "fail";
        return finish({
          id: check.id,
          status: "skip",
          message: `Skipped because "${CHECK_TITLES[cause]}" ${failed ? "failed" : "did not run"}`,
        });
      }
      if (overall.aborted) {
        return finish({ id: check.id, status: "skip", message: abortReason().replace("this call had not finished", "this check did not start") });
      }
      emit({ event: "running", id: check.id });
      try {
        finish(await check.run(ctx));
      } catch (error) {
        // A check that throws is a bug in the check; still answer with a sentence.
        options.logger?.error({ err: error, check: check.id }, "connectivity check threw");
        finish({
          id: check.id,
          status: "fail",
          message: "This check could not run because of an internal error",
          hint: "This is on Databend's side; the details are in the server log. Run Test Connectivity again or contact support",
        });
      }
    };
    const runGroup = async (checks: readonly Check[]) => {
      for (const check of checks) await runCheck(check);
    };

    try {
      await runCheck(assumeRole);
      // Without the role every other check is skipped through its needs, each with one short sentence.
      await Promise.all([runGroup(SQS_GROUP), runGroup(S3_GROUP)]);
    } finally {
      clearTimeout(timer);
      run.signal?.removeEventListener("abort", onClientAbort);
      sqs?.destroy();
      s3?.destroy();
    }

    const checks = CHECK_IDS.map((id) => results.get(id)!).filter(Boolean);
    const outcome = { ok: isOk(checks), checks, tested_at: new Date().toISOString() };
    options.logger?.info(
      {
        role_arn: input.role_arn,
        queue: target.queue.arn,
        bucket: target.bucket,
        ok: outcome.ok,
        statuses: Object.fromEntries(checks.map((c) => [c.id, c.status])),
        ms: Date.now() - started,
      },
      "connectivity test finished",
    );
    return outcome;
  };
}
