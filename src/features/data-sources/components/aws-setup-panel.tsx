import { useId } from "react";
import type { OrgInfo } from "#contracts/api.ts";
import { CodeBlock } from "../../../lib/copy-button.tsx";
import { setupSteps, setupVariables, type SetupValues } from "../aws-setup.ts";

/**
 * The AWS-side configuration for these values: documents to save and CLI commands to run, each
 * with a copy button. Regenerated as the values change; missing values show as <placeholders>.
 */
export function AwsSetupPanel({ values, org }: { values: SetupValues; org?: OrgInfo | null }) {
  const headingId = useId();
  const variables = setupVariables(values, org);
  const steps = setupSteps(variables);
  const missing = Object.values(variables).some((value) => /<[a-z-]+>/.test(value));
  return (
    <aside className="panel setup-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>AWS setup</h2>
      <p className="muted">
        Run these in your AWS account (AWS CLI, Region <code>{variables.region}</code>). Databend never receives AWS
        keys: it assumes the role below with your External ID.
      </p>
      {missing ? (
        <p className="field-note">
          Values shown as <code>&lt;placeholder&gt;</code> fill in as you complete the form.
        </p>
      ) : null}
      {steps.map((step) => (
        <details key={step.id} className="setup-step" open>
          <summary>
            <h3>{step.title}</h3>
          </summary>
          {step.note ? <p className="setup-note">{step.note}</p> : null}
          {step.items.map((item) =>
            item.kind === "file" ? (
              <CodeBlock key={item.filename} title={item.filename} code={item.code} />
            ) : (
              <CodeBlock key={item.title} title={item.title} code={item.code} what={`command: ${item.title}`} />
            ),
          )}
        </details>
      ))}
    </aside>
  );
}
