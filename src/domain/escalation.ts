/**
 * The escalation ladder (R20): a check-in not received by its deadline plus the policy's grace raises an
 * overdue alert, and each step of the school's ladder then fires at its own delay after that moment, until
 * someone resolves the alert. Everything here is derived from the visit and the policy at a given instant,
 * so the sweeper can be stopped, restarted or run twice and still do each step once.
 */
import type { PolicyProfile } from "../policy/policy.schema";
import type { Alert } from "./alert";
import { isOpen } from "./alert";
import { type Deadline, deadlinesFor } from "./deadlines";
import { nextAgreementDue } from "./agreements";
import { lateLimitAt, waitLimitAt } from "./door";
import { durationMs } from "./duration";
import type { Visit } from "./visit";

/** When the ladder of a missed deadline starts: its due time plus the policy's grace. */
export function ladderStart(deadline: Pick<Deadline, "due">, policy: PolicyProfile): number {
  return Date.parse(deadline.due) + durationMs(policy.escalation.grace);
}

/** When each step of the ladder fires for an overdue alert. */
export function stepTimes(alert: Alert, policy: PolicyProfile): number[] {
  if (!alert.deadline) return [];
  const start = ladderStart(alert.deadline, policy);
  return policy.escalation.steps.map((step) => start + durationMs(step.after));
}

export const openOverdueAlert = (visit: Visit): Alert | undefined => visit.alerts.find((a) => a.kind === "overdue" && isOpen(a));

/** Check-in deadlines that have had no alert yet. */
function watchedDeadlines(visit: Visit, policy: PolicyProfile): Deadline[] {
  const alerted = new Set(visit.alerts.filter((a) => a.deadline).map((a) => `${a.deadline!.kind}@${a.deadline!.due}`));
  return deadlinesFor(visit, policy).filter((d) => !alerted.has(`${d.kind}@${d.due}`));
}

/** The earliest check-in deadline whose ladder has started by `now` and that has had no alert yet. */
export function missedDeadline(visit: Visit, policy: PolicyProfile, now: Date): Deadline | undefined {
  return watchedDeadlines(visit, policy).find((d) => ladderStart(d, policy) <= now.getTime());
}

/** Steps of an open overdue alert that are due by `now` and not yet sent, in order. */
export function stepsDue(alert: Alert, policy: PolicyProfile, now: Date): number[] {
  return stepTimes(alert, policy)
    .map((at, step) => ({ at, step }))
    .filter(({ at, step }) => at <= now.getTime() && !alert.stepsSent.includes(step))
    .map(({ step }) => step);
}

/**
 * The next instant the sweeper must look at this visit, or undefined when nothing more can fall due on its
 * own: the next unsent step of an open overdue alert (else the start of the next deadline's ladder), a
 * parent's wait or late limit at the door, or an agreement's follow-up date.
 */
export function nextWakeUp(visit: Visit, policy: PolicyProfile): string | undefined {
  const open = openOverdueAlert(visit);
  const ladder = open
    ? stepTimes(open, policy).filter((_, step) => !open.stepsSent.includes(step))
    : watchedDeadlines(visit, policy).map((d) => ladderStart(d, policy));
  const others = [waitLimitAt(visit, policy), lateLimitAt(visit, policy), nextAgreementDue(visit, policy)]
    .filter((at): at is string => at !== undefined)
    .map((at) => Date.parse(at));
  const times = [...ladder, ...others];
  if (times.length === 0) return undefined;
  return new Date(Math.min(...times)).toISOString();
}
