import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";

/**
 * The serious and critical accessibility problems axe-core finds in the page and its frames (the tab), against
 * WCAG 2.2 A and AA, as "rule: element (what is wrong)" lines a failure can be read from.
 */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    // Fluent UI's focus manager (tabster) keeps invisible focus guards, aria-hidden on purpose: focusing one moves
    // focus on to the next real control. axe cannot know that and reports each guard.
    .exclude(["iframe", "[data-tabster-dummy]"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.html} (${node.failureSummary?.split("\n")[1]?.trim() ?? v.help})`));
}
