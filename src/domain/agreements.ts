/**
 * R22: agreements made with parents are followed up. When an agreement's date passes without it being
 * marked met, the attendance lead is reminded once and can take the school's next step.
 */
import type { PolicyProfile } from "../policy/policy.schema";
import { londonToUtc } from "./london-time";
import { isAgreementOpen } from "./record";
import type { Visit } from "./visit";

/** Reminders go out at the start of the school day on the follow-up date. */
function agreementDueAt(followUpBy: string, policy: PolicyProfile): string {
  return londonToUtc(followUpBy, policy.outOfHours.schoolDay.start).toISOString();
}

/** Indexes of open agreements whose follow-up date has come and whose reminder has not gone out. */
export function dueAgreements(visit: Visit, policy: PolicyProfile, now: Date): number[] {
  if (!policy.agreements.tracked || !visit.record) return [];
  return visit.record.agreements
    .map((agreement, index) => ({ agreement, index }))
    .filter(({ agreement }) => agreement.followUpBy && !agreement.dueAt && isAgreementOpen(agreement))
    .filter(({ agreement }) => Date.parse(agreementDueAt(agreement.followUpBy!, policy)) <= now.getTime())
    .map(({ index }) => index);
}

/** The next agreement reminder this visit will need, if any. */
export function nextAgreementDue(visit: Visit, policy: PolicyProfile): string | undefined {
  if (!policy.agreements.tracked || !visit.record) return undefined;
  const times = visit.record.agreements
    .filter((a) => a.followUpBy && !a.dueAt && isAgreementOpen(a))
    .map((a) => agreementDueAt(a.followUpBy!, policy))
    .sort();
  return times[0];
}
