// The task page's advice for a dead-letter queue, followed against the real parts: a queue with a
// redrive policy (maxReceiveCount 1), a role that may not read the objects (a failure that is not
// the file's, so the worker never sets the file aside: SQS gives up on its event instead), the
// dead-letter queue's depth as the task page reads it, then the cause fixed (s3:GetObject given
// back) and the messages moved back with StartMessageMoveTask (the sandbox's, as the SQS console's
// "Start DLQ redrive" calls it): the worker loads every object, each once.
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateQueueCommand, SetQueueAttributesCommand, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { permissionsPolicy } from "#contracts/aws-setup-documents.ts";
import { createBacklogReader } from "../server/connectivity/backlog.ts";
import { SETUP_KEYS } from "./connectivity-env.ts";
import { ACCOUNT, drained, expectExactRows, ORG_ID, REGION, runningTask, useWorkerEnv, waitFor, type WorkerEnv } from "./worker-env.ts";

let env: WorkerEnv;
useWorkerEnv((e) => (env = e));

describe("dead-letter queue redrive", () => {
  it("events SQS gave up on are counted on the task page, and after the fix and a redrive each object loads once", { timeout: 120_000 }, async () => {
    const { s, task } = await runningTask(env, "dlq-redrive", "dlq_redrive_rows");
    const dlqName = `${s.queueName}-dlq`;
    const dlqArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${dlqName}`;
    await env.sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
    await env.sqs.send(new SetQueueAttributesCommand({ QueueUrl: s.sdkQueueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }));
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${s.queueName}`;
    const full = permissionsPolicy(`arn:aws:s3:::${s.bucket}`, queueArn);
    const withDlq = (policy: typeof full) => ({ ...policy, Statement: [...policy.Statement, { Sid: "DeadLetterQueue", Effect: "Allow", Action: ["sqs:GetQueueAttributes"], Resource: dlqArn }] });
    const noRead = { ...full, Statement: full.Statement.map((st) => ({ ...st, Action: st.Action.filter((a) => a !== "s3:GetObject") })) };
    const role = `wt-role-${s.name}`;
    await env.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "access", PolicyDocument: JSON.stringify(withDlq(noRead)) }));

    const files = 3;
    env.supervisor();
    for (let i = 0; i < files; i++) await env.put(s.bucket, `a/r-${i}.csv`, `id,name\n${i},"r${i}"\n`);
    const reader = createBacklogReader({ aws: { credentials: SETUP_KEYS, endpoints: { sts: env.sandbox.url, sqs: env.sandbox.url, s3: env.sandbox.url } }, cacheMs: 0 });
    const source = { queue_url: s.queueUrl, queue_region: REGION, role_arn: s.roleArn };
    // Every event was received, failed (the role may not read the object), and moved by SQS on its next receive.
    const seen = await waitFor("the events in the dead-letter queue", async () => {
      const b = await reader.read(ORG_ID, task.id, source);
      return "dead_letter" in b && b.dead_letter.status === "counted" && b.dead_letter.visible >= files ? b : undefined;
    }, 90_000, 500);
    expect(seen).toMatchObject({ dead_letter: { status: "counted", queue_name: dlqName, max_receive_count: 1 } });
    expect(await env.count("dlq_redrive_rows")).toBe(0);
    const movedBySqs = "dead_letter" in seen && seen.dead_letter.status === "counted" ? seen.dead_letter.visible : 0;

    // The cause fixed, then the page's redrive: back to the task's queue, and loaded.
    await env.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "access", PolicyDocument: JSON.stringify(withDlq(full)) }));
    await env.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    await waitFor("the redriven objects loaded", async () => (await env.count("dlq_redrive_rows")) === files || undefined, 60_000, 250);
    await drained(env, s);
    await expectExactRows(env, "dlq_redrive_rows", files);
    expect(await reader.read(ORG_ID, task.id, source)).toMatchObject({ dead_letter: { status: "counted", visible: 0 } });
    console.log(`dead-letter redrive: ${movedBySqs} messages moved by SQS, ${files} objects loaded once after the redrive`);
  });
});
