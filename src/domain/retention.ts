/**
 * How long a visit's data is kept under its school's retention settings. Pure: the daily retention job
 * (app/retention.service.ts) asks these questions of every visit it reads.
 */
import type { Retention } from "../policy/retention";
import type { AlertKind } from "./alert";
import { addPeriod } from "./retention-period";
import type { Visit } from "./visit";

/** Alerts that make a visit a safeguarding matter (R19, R23): its record of truth is CPOMS, and it is kept longer. */
const SAFEGUARDING_KINDS: readonly AlertKind[] = ["concern", "child-alone"];

export const isSafeguardingVisit = (visit: Pick<Visit, "alerts">): boolean => visit.alerts.some((alert) => SAFEGUARDING_KINDS.includes(alert.kind));

/**
 * The last time anything was recorded on the visit, from its snapshot: a retention period runs from here, so a
 * record written, or an agreement followed up, months after the visit keeps it for the whole period after that.
 */
export function lastActivityOf(visit: Visit): Date {
  const instants = [
    visit.requestedAt,
    visit.endsAt,
    visit.decision?.at,
    visit.lastCheckIn?.at,
    visit.lastContactAt,
    visit.leftAt,
    visit.cancellation?.at,
    visit.calledOff?.at,
    visit.record?.recordedAt,
    ...(visit.record?.agreements.flatMap((agreement) => [agreement.dueAt, ...agreement.actions.map((action) => action.at)]) ?? []),
    ...visit.alerts.flatMap((alert) => [alert.raisedAt, alert.acknowledged?.at, alert.resolved?.at]),
    ...visit.incidents.map((incident) => incident.at),
  ];
  return new Date(Math.max(...instants.filter((at): at is string => at !== undefined).map((at) => Date.parse(at))));
}

/** When the visit's record and audit trail are past their school's retention: the safeguarding period for a concern. */
export function visitKeptUntil(visit: Visit, retention: Retention): Date {
  return addPeriod(lastActivityOf(visit), isSafeguardingVisit(visit) ? retention.safeguardingVisits : retention.visits);
}

/** When the notifications about the visit (the outbox's copies: who was sent what, where) are past retention. */
export function notificationsKeptUntil(visit: Visit, retention: Retention): Date {
  const until = addPeriod(lastActivityOf(visit), retention.alerts);
  const visitUntil = visitKeptUntil(visit, retention);
  // They never outlive the visit: they go with it whatever the periods say.
  return until < visitUntil ? until : visitUntil;
}
