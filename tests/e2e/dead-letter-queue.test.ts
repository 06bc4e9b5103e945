// Issue 20, section 1, in real Chromium at 1440x900 and 390x844, against the real API and the AWS
// sandbox: the demo queue gets a dead-letter queue (a redrive policy with maxReceiveCount 1, set
// with the customer's keys as an operator would), its messages are received until SQS moves them
// there (the sandbox's SQS, fauxqs, obeys the policy), and the role may read the dead-letter queue.
// The task page's Activity then shows the dead-letter queue's depth as SQS counts it, and what to
// do: inspect, fix, Start DLQ redrive, or the CLI command. Checked with axe, no sideways scroll,
// and a screenshot per size (task-dead-letter-queue-<size>.png).
import { PutRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskRecordSchema } from "#contracts/task.ts";
import { checkPage, screenshotPath } from "./page-check.ts";
import { startTaskHarness, type TaskHarness } from "./task-harness.ts";
import { VIEWPORTS } from "./viewports.ts";

const CUSTOMER = { accessKeyId: "test", secretAccessKey: "test" };

describe("console in Chromium: the task page shows the queue's dead-letter queue", () => {
  let h: TaskHarness;
  let sqs: SQSClient;
  let depth = 0;
  const dlqName = "databend-demo-events-dlq";

  beforeAll(async () => {
    h = await startTaskHarness("e2e-dlq-");
    const demo = h.sandbox.seedValues;
    sqs = new SQSClient({ endpoint: h.sandbox.url, region: demo.queueRegion, credentials: CUSTOMER, useQueueUrlAsEndpoint: false });
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: dlqName }))).QueueUrl!;
    const dlqArn = `arn:aws:sqs:${demo.queueRegion}:${demo.accountId}:${dlqName}`;
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: demo.queueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }),
    );
    // The seed's permissions, and reading the dead-letter queue's counts.
    const policy = { ...demo.permissionsPolicy, Statement: [...demo.permissionsPolicy.Statement, { Sid: "DeadLetterQueueDepth", Effect: "Allow", Action: ["sqs:GetQueueAttributes"], Resource: dlqArn }] };
    const iam = new IAMClient({ endpoint: h.sandbox.url, region: "us-east-1", credentials: CUSTOMER });
    await iam.send(new PutRolePolicyCommand({ RoleName: demo.roleName, PolicyName: demo.policyName, PolicyDocument: JSON.stringify(policy) }));
    iam.destroy();

    // Two messages nobody can process: received once (maxReceiveCount), then once more, which moves them.
    for (const body of ["poison 1", "poison 2"]) await sqs.send(new SendMessageCommand({ QueueUrl: demo.queueUrl, MessageBody: body }));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 5; i++) {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: demo.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
        if (!got.Messages?.length) break;
        for (const m of got.Messages) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: demo.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
      }
    }
    depth = Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }))).Attributes?.ApproximateNumberOfMessages);
    // The demo's test event and the two: each moved on the receive past maxReceiveCount.
    expect(depth).toBeGreaterThanOrEqual(2);
  });

  afterAll(async () => {
    sqs?.destroy();
    await h?.closeAll();
  });

  for (const viewport of VIEWPORTS) {
    it(`${viewport.name} ${viewport.width}x${viewport.height}`, async () => {
      await h.clearTasks();
      const table = `e2e_dlq_${viewport.name}`;
      await h.warehouse.exec(`CREATE TABLE \`${table}\` (id INT NOT NULL, name VARCHAR)`);
      const created = await h.apiFetch("/api/tasks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `dlq-${viewport.name}`, data_source_id: h.source.id, file_format: { type: "csv" }, target: { table } }),
      });
      expect(created.status).toBe(201);
      const task = taskRecordSchema.parse(await created.json());

      const page = await h.openPage(viewport, `/data/integration/${task.id}`);
      await page.getByRole("heading", { level: 1, name: task.name }).waitFor();
      const activity = page.getByRole("region", { name: "Activity", exact: true });
      const heading = activity.getByRole("heading", { name: "Dead-letter queue", level: 3 });
      await heading.waitFor({ timeout: 20_000 });
      await activity.getByText(`${depth} messages in the dead-letter queue`).waitFor({ timeout: 20_000 });
      const text = await activity.innerText();
      expect(text).toContain(`${depth} messages in the dead-letter queue`);
      expect(text).toMatch(new RegExp(`SQS moved these S3 events to\\s+${dlqName}\\s+after 1 receive each`));
      expect(text).toContain("Start DLQ redrive");
      expect(text).toContain(`aws sqs start-message-move-task --source-arn arn:aws:sqs:us-east-1:000000000000:${dlqName}`);
      // maxReceiveCount 1 is below the worker's attempts per file: the page says to raise it.
      expect(text).toContain("raise maxReceiveCount above 3 (for example to 5)");
      await checkPage(page, "task-dead-letter-queue", viewport);
      // The section alone, for a person to read at the phone's width.
      await activity.screenshot({ path: screenshotPath("task-dead-letter-queue-activity", viewport) });
      await page.context().close();
    });
  }
});
