import type { OfficeDay } from "../app/office.service";
import { ALERT_CHANNEL_CHOOSERS } from "../app/school.service";
import { describeStatus } from "../domain/visit.decide";
import { visitorsOf, visitReference } from "../domain/visit";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { adaptiveCard, capitalise, dayOf, facts, heading, rolesInWords, staffName, text } from "./card-parts";
import { ALERT_KIND_WORDS } from "./alert-parts";

/**
 * The office's view of the day: every visit with its times, staff and status, open alerts first, and any
 * notification that keeps failing to reach Teams (the office should phone instead), and, plainly, a school with no
 * alert channel. For the office's 1:1 chat.
 */
export function officeDayCard(day: OfficeDay): AdaptiveCard {
  const policy = day.policy;
  const order = [...day.visits].sort((a, b) => Number(day.alerting.includes(b.id)) - Number(day.alerting.includes(a.id)));
  const visitLine = (v: OfficeDay["visits"][number]): readonly [string, string] => {
    const staff = visitorsOf(v).map((id) => staffName(policy, v, id, "colleague")).join(" and ");
    const open = v.alerts.filter((a) => !a.resolved).map((a) => ALERT_KIND_WORDS[a.kind]);
    const status = capitalise(describeStatus(v)) + (open.length > 0 ? ` — ALERT: ${open.join(", ")}` : "");
    return [`${visitReference(v.id)} ${v.details.start}–${v.details.end}`, `${staff}: ${status}`];
  };
  const body: (CardElement | undefined)[] = [
    heading(`Today's home visits at ${policy.school.name}: ${dayOf(day.date)}`),
    policy.alertChannel
      ? undefined
      : text(
          `No alert channel is set: safeguarding alerts go 1:1 to the DSL and deputies until ${rolesInWords(ALERT_CHANNEL_CHOOSERS)} chooses one (type "settings" in the staff team).`,
          { color: "attention", weight: "bolder" },
        ),
    day.visits.length > 0 ? facts(order.map(visitLine)) : text("No visits today."),
    day.undelivered.length > 0
      ? text(`${day.undelivered.length} notification(s) keep failing to reach Teams (still being retried). Phone the people concerned:`, { color: "attention", weight: "bolder" })
      : undefined,
    day.undelivered.length > 0
      ? facts(day.undelivered.map((item) => [visitReference(item.visitId), `${item.notification.kind.replace(/-/g, " ")}, ${item.attempts} attempts`] as const))
      : undefined,
  ];
  return adaptiveCard({ body });
}
