import type { Alert } from "../domain/alert";
import { stepTimes } from "../domain/escalation";
import type { Visit } from "../domain/visit";
import { visitReference } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import { MISSED_CHECK_IN_WORDS, visitorAlertLines } from "./alert-parts";
import type { AdaptiveCard, CardAction, CardElement } from "./card-parts";
import { adaptiveCard, alertRefreshFor, clockOf, execute, heading, sameId, targetsInWords, targetsThatExist, text } from "./card-parts";
import { Verbs } from "./verbs";
import { CHECK_IN_LABELS } from "./visit-parts";

export interface AreYouSafeView {
  visit: Visit;
  /** The overdue alert the prompt is about (R20, the ladder's "prompt the visitor" step). */
  alert: Alert;
  policy: PolicyProfile;
  /** Entra object id of the visitor the card is for (either member of staff on a paired visit). */
  viewerId: string;
  /** Who gets the refreshed view (Teams user MRIs of the staff on the visit); cut to 60. */
  refreshUserIds: readonly string[];
}

/**
 * "Are you safe?" to the visitor after a missed check-in: which check-in was due when, and two buttons, "I'm
 * safe" (the periodic check-in, which resolves the alert) and "I need help". Once the alert is resolved the
 * card says so instead. It refreshes through `alert.refresh`, so it follows the alert.
 *
 * Built for overdue alerts. Any other alert shown to a visitor (say, on a refresh of a channel post they can
 * see) gets the line their own visit card shows, and a silent one (R17) gets nothing about it at all.
 */
export function areYouSafeCard(view: AreYouSafeView): AdaptiveCard {
  const { visit, alert, policy } = view;
  const refresh = alertRefreshFor(visit.id, alert.id, view.refreshUserIds);
  const reference = text(`Home visit ${visitReference(visit.id)}`, { isSubtle: true, spacing: "none" });

  if (alert.kind !== "overdue") {
    const line = alert.silent || alert.resolved ? undefined : visitorAlertLines({ ...visit, alerts: [alert] }, policy)[0];
    return adaptiveCard({ body: [heading(`Home visit ${visitReference(visit.id)}`), line ?? text("Nothing for you to do on this card.")], refresh });
  }

  if (alert.resolved) {
    return adaptiveCard({ body: [heading("Thank you"), reference, text(resolvedLine(alert, view.viewerId))], refresh });
  }

  const due = alert.deadline
    ? `Your ${MISSED_CHECK_IN_WORDS[alert.deadline.kind]} was due at ${clockOf(alert.deadline.due)} and we have not heard from you.`
    : "A check-in was due and we have not heard from you.";
  const body: (CardElement | undefined)[] = [
    text("Are you safe?", { weight: "bolder", size: "large", color: "attention" }),
    reference,
    text(due),
    text(`Tap **${CHECK_IN_LABELS.safe}** if you are, or **I need help** if you are not.`),
    alert.acknowledged
      ? text(`${alert.acknowledged.by.name} at school knows and is trying to reach you.`, { weight: "bolder" })
      : nextStepLine(alert, visit, policy),
  ];
  const actions: CardAction[] = [
    execute(CHECK_IN_LABELS.safe, Verbs.checkIn, { visitId: visit.id, step: "safe" }, { style: "positive", associatedInputs: "none" }),
    execute("I need help", Verbs.help, { visitId: visit.id }, { style: "destructive", associatedInputs: "none" }),
  ];
  return adaptiveCard({ body, actions, refresh });
}

function resolvedLine(alert: Alert, viewerId: string): string {
  const resolved = alert.resolved!;
  const at = clockOf(resolved.at);
  if (resolved.how === "checked-in") {
    const who = sameId(resolved.by.id, viewerId) ? "You" : resolved.by.name;
    return `${who} checked in at ${at}. Nobody needs to look for you now.`;
  }
  return `${resolved.by.name} confirmed you are safe at ${at}.`;
}

/** "If we do not hear from you by 09:45, the office will be told." from the school's ladder. */
function nextStepLine(alert: Alert, visit: Visit, policy: PolicyProfile): CardElement | undefined {
  const times = stepTimes(alert, policy);
  const next = policy.escalation.steps
    .map((step, index) => ({ who: targetsInWords(targetsThatExist(step.targets, visit)), at: times[index], index }))
    .find((step) => step.who && step.at !== undefined && !alert.stepsSent.includes(step.index));
  if (!next || next.at === undefined) return undefined;
  return text(`If we do not hear from you by ${clockOf(new Date(next.at).toISOString())}, ${next.who} will be told.`, { isSubtle: true });
}
