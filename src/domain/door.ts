/**
 * At the door (R05, R11, R12): when a parent is absent or late, how long the visitor waits before the
 * visit is called off; and which visits fall outside the school day.
 */
import type { PolicyProfile } from "../policy/policy.schema";
import { durationMs } from "./duration";
import { londonToUtc } from "./london-time";
import type { Visit, VisitDetails } from "./visit";

/** When the parent-absent wait limit runs out (R11), if it applies and has not been reached yet. */
export function waitLimitAt(visit: Visit, policy: PolicyProfile): string | undefined {
  if (visit.status !== "waiting-for-parent" || !visit.parentAbsentSince || visit.waitLimitReachedAt || visit.calledOff) return undefined;
  if (policy.parentAbsent.mode !== "wait") return undefined;
  return new Date(Date.parse(visit.parentAbsentSince) + durationMs(policy.parentAbsent.waitLimit)).toISOString();
}

/** When a late parent's allowance runs out and the visit is called off (R12). */
export function lateLimitAt(visit: Visit, policy: PolicyProfile): string | undefined {
  if (visit.status !== "waiting-for-parent" || !visit.parentLateSince || visit.calledOff || !policy.parentLate) return undefined;
  return new Date(Date.parse(visit.parentLateSince) + durationMs(policy.parentLate.lateLimit)).toISOString();
}

/** R05: a visit starting before or ending after the school day, or at a weekend, is out of hours. */
export function isOutOfHours(details: Pick<VisitDetails, "date" | "start" | "end">, policy: PolicyProfile): boolean {
  const weekday = londonToUtc(details.date, "12:00").getUTCDay();
  if (weekday === 0 || weekday === 6) return true;
  const { start, end } = policy.outOfHours.schoolDay;
  return details.start < start || details.end > end;
}
