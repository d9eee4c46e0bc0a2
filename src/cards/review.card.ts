import type { ReviewFigures } from "../domain/review";
import type { PolicyProfile } from "../policy/policy.schema";
import { ALERT_KIND_WORDS } from "./alert-parts";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { adaptiveCard, bullets, capitalise, dayOf, facts, heading, section, text } from "./card-parts";

export interface ReviewView {
  figures: ReviewFigures;
  policy: PolicyProfile;
}

const PERIOD_WORDS: Record<PolicyProfile["review"]["period"], string> = {
  annual: "The policy is reviewed every year.",
  termly: "The policy is reviewed every term.",
  "on-incident": "The policy is reviewed after incidents.",
};

/**
 * R31: the figures for the governors' review over a period, in plain tables: visits by purpose, cancellations by
 * reason, escalations and how fast they were resolved, incidents. Counts only, no names or pupils; the same
 * figures follow in the chat as CSV (reviewCsv).
 */
export function reviewCard(view: ReviewView): AdaptiveCard {
  const { figures, policy } = view;
  const escalations = figures.escalations.filter((e) => e.raised > 0);
  const body: (CardElement | undefined)[] = [
    heading(`Home visit review: ${policy.school.name}`),
    text(`${dayOf(figures.from)} to ${dayOf(figures.to)}. ${PERIOD_WORDS[policy.review.period]}`, { spacing: "none", isSubtle: true }),
    facts([
      ["Visits", String(figures.visits)],
      ["Incidents", String(figures.incidents)],
    ]),
    section("Visits by purpose"),
    figures.byPurpose.length > 0 ? facts(figures.byPurpose.map((p) => [p.label, String(p.count)] as const)) : text("No visits in this period.", { spacing: "none" }),
    section("Cancellations by reason"),
    figures.cancellations.length > 0
      ? facts(figures.cancellations.map((c) => [capitalise(c.reason.replace(/\.$/, "")), String(c.count)] as const))
      : text("None.", { spacing: "none" }),
    section("Escalations"),
    escalations.length > 0 ? facts(escalations.map((e) => [ALERT_KIND_WORDS[e.kind], escalationText(e)] as const)) : text("None.", { spacing: "none" }),
    ...(figures.staffFeedback
      ? [
          section("Staff feedback"),
          figures.staffFeedback.length > 0
            ? bullets(figures.staffFeedback, { spacing: "none" })
            : text("No staff feedback recorded in this period.", { spacing: "none" }),
        ]
      : []),
    text("The figures follow in this chat as CSV, for the governors' pack.", { isSubtle: true, spacing: "medium" }),
  ];
  return adaptiveCard({ body });
}

function escalationText(e: ReviewFigures["escalations"][number]): string {
  const parts = [`${e.raised} raised`, `${e.resolved} resolved`];
  if (e.medianMinutesToResolve !== undefined) parts.push(`median ${minutes(e.medianMinutesToResolve)} to resolve`);
  if (e.longestMinutesToResolve !== undefined) parts.push(`longest ${minutes(e.longestMinutesToResolve)}`);
  return parts.join(", ");
}

const minutes = (n: number) => `${n} min`;
