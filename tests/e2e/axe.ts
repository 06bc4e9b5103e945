// axe-core in the page under test: the console must have no serious or critical violation
// (labels, duplicate ids, contrast, one h1, landmarks).
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

type Violation = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

const BLOCKING = new Set(["serious", "critical"]);

/** The serious and critical violations, one line per rule and element, so a failure names what to fix. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Only violations are collected: passes and incomplete results are not needed and cost time.
  const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
  return violations
    .filter((v: Violation) => BLOCKING.has(v.impact ?? ""))
    .flatMap((v: Violation) =>
      v.nodes.map(
        (n) =>
          `[${v.impact}] ${v.id} (${v.help}) at ${n.target.join(" ")} ${n.html.slice(0, 160)}: ${n.failureSummary?.replaceAll("\n", " ")}`,
      ),
    );
}

/**
 * Every violated rule, whatever its impact, as "<rule> <element>": for checks that a page or dialog
 * is free of a moderate rule too (landmarks), which `seriousAxeViolations` lets pass.
 */
export async function axeViolationIds(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).options({ resultTypes: ["violations"] }).analyze();
  return violations.flatMap((v: Violation) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")}`));
}
