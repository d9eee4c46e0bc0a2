import type { OfficeDay } from "../../app/office.service";
import type { StaffMember } from "../../app/ports";
import { type Alert, type AlertKind, isOpen, respondersOf } from "../../domain/alert";
import { type DeadlineKind, deadlinesFor } from "../../domain/deadlines";
import { londonTime } from "../../domain/london-time";
import { type Visit, visitorsOf, visitReference } from "../../domain/visit";
import { describeStatus } from "../../domain/visit.decide";
import type { PolicyProfile } from "../../policy/policy.schema";
import type { Board, BoardAlert, BoardVisit, Whereabouts } from "./contract";

const ALERT_TITLES: Record<AlertKind, string> = {
  overdue: "Missed check-in",
  help: "Help requested",
  "child-alone": "Child found alone",
  concern: "Safeguarding concern",
};

const CHECK_IN_LABELS: Record<DeadlineKind, string> = {
  arrival: "Arrival check-in",
  periodic: "“I'm safe” check-in",
  leaving: "Check-in on leaving",
};

/** A person's name as the school's profile has it (the requester's as they signed the request otherwise). */
export function nameOf(policy: PolicyProfile, visit: Pick<Visit, "requestedBy">, id: string): string {
  return policy.people.find((p) => p.aadObjectId === id)?.displayName ?? (id === visit.requestedBy.id ? visit.requestedBy.name : "a colleague");
}

export const staffNames = (policy: PolicyProfile, visit: Visit): string[] => visitorsOf(visit).map((id) => nameOf(policy, visit, id));

/**
 * May this viewer acknowledge and resolve the alert? The same answer the cards give (responder roles, or the
 * out-of-hours responsible contact), and never the staff on the visit; the domain decides again on each action.
 */
export function mayAct(policy: PolicyProfile, visit: Visit, alert: Alert, viewerId: string): boolean {
  if (visitorsOf(visit).includes(viewerId)) return false;
  const contact = (alert.kind === "overdue" || alert.kind === "help") && viewerId === visit.details.responsibleContactId;
  return contact || respondersOf(alert.kind, policy).includes(viewerId);
}

/**
 * The open alerts this viewer may see. A silent alarm (the code word) never shows to the staff on the visit,
 * whose screen may be seen at the door; a concern's note only to those who deal with it.
 */
function visibleAlerts(policy: PolicyProfile, visit: Visit, viewerId: string): BoardAlert[] {
  const onVisit = visitorsOf(visit).includes(viewerId);
  return visit.alerts
    .filter((alert) => isOpen(alert) && !(alert.silent && onVisit))
    .map((alert) => {
      const canAct = mayAct(policy, visit, alert, viewerId);
      return {
        id: alert.id,
        kind: alert.kind,
        title: ALERT_TITLES[alert.kind],
        raisedAt: alert.raisedAt,
        raisedBy: alert.raisedBy?.name ?? "Automatic: missed check-in",
        ...(alert.deadline ? { missed: `${CHECK_IN_LABELS[alert.deadline.kind]}, due ${londonTime(new Date(alert.deadline.due))}` } : {}),
        silent: alert.silent === true,
        ...(alert.acknowledged ? { handledBy: { name: alert.acknowledged.by.name, since: alert.acknowledged.at } } : {}),
        ...(alert.falseAlarm ? { falseAlarm: { by: alert.falseAlarm.by.name, at: alert.falseAlarm.at } } : {}),
        ...(canAct && alert.note ? { note: alert.note } : {}),
        canAct,
        resolveLabel: alert.kind === "overdue" || alert.kind === "help" ? "Contacted – safe" : "Dealt with",
      };
    });
}

/** One visit as a row of the board. `staff`: the directory's records of the visitors of the visits in `needingWhereabouts`. */
export function boardVisit(policy: PolicyProfile, visit: Visit, viewerId: string, staff: readonly StaffMember[]): BoardVisit {
  const next = deadlinesFor(visit, policy)[0];
  const alerts = visibleAlerts(policy, visit, viewerId);
  return {
    id: visit.id,
    reference: visitReference(visit.id),
    start: visit.details.start,
    end: visit.details.end,
    staff: staffNames(policy, visit),
    status: visit.status,
    statusText: describeStatus(visit),
    ...(next ? { nextCheckIn: { label: CHECK_IN_LABELS[next.kind], due: next.due } } : {}),
    alerts,
    ...(alerts.some((a) => a.canAct) ? { whereabouts: whereaboutsOf(policy, visit, staff) } : {}),
  };
}

function whereaboutsOf(policy: PolicyProfile, visit: Visit, staff: readonly StaffMember[]): Whereabouts {
  return {
    pupil: visit.details.pupilReference,
    address: visit.details.address,
    staff: visitorsOf(visit).map((id) => {
      const mobile = staff.find((m) => m.aadObjectId === id)?.mobile;
      return { name: nameOf(policy, visit, id), ...(mobile ? { mobile } : {}) };
    }),
  };
}

/** Visits whose whereabouts this viewer needs: an open alert they may act on. */
export function needingWhereabouts(policy: PolicyProfile, visits: readonly Visit[], viewerId: string): Visit[] {
  return visits.filter((visit) => visit.alerts.some((alert) => isOpen(alert) && mayAct(policy, visit, alert, viewerId)));
}

/** The board: visits with an open alert first, each group in the order of their start. */
export function boardOf(
  policy: PolicyProfile,
  date: string,
  scope: Board["scope"],
  visits: readonly Visit[],
  viewerId: string,
  staff: readonly StaffMember[],
  undelivered: OfficeDay["undelivered"] = [],
): Board {
  const rows = visits.map((visit) => boardVisit(policy, visit, viewerId, staff));
  const alerting = rows.filter((row) => row.alerts.length > 0);
  return {
    date,
    scope,
    visits: [...alerting, ...rows.filter((row) => row.alerts.length === 0)],
    undelivered: undelivered.map((item) => ({ reference: visitReference(item.visitId), what: item.notification.kind.replace(/-/g, " "), attempts: item.attempts })),
  };
}
