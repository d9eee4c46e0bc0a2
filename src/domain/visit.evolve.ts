import type { Alert } from "./alert";
import { SYSTEM } from "./alert";
import type { CheckInStep, Visit, VisitEvent, VisitStatus } from "./visit";

const STATUS_AFTER: Record<Exclude<CheckInStep, "safe">, VisitStatus> = {
  "left-school": "on-the-way",
  arrived: "arrived",
  "parent-present": "in-visit",
  "parent-absent": "waiting-for-parent",
  "parent-arrived": "in-visit",
  left: "left",
};

/** Applies one event to a visit. The first event must be `visit.requested`. */
export function evolve(visit: Visit | undefined, event: VisitEvent): Visit {
  if (event.type === "visit.requested") {
    return {
      id: event.visitId,
      schoolId: event.schoolId,
      version: 1,
      status: "requested",
      requestedBy: event.actor,
      requestedAt: event.at,
      details: event.details,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      alerts: [],
    };
  }
  if (!visit) throw new Error(`Cannot apply ${event.type} before visit.requested`);
  const next: Visit = { ...visit, version: visit.version + 1 };
  switch (event.type) {
    case "visit.amended": {
      // A change to an approved visit goes back to the approver (R25), so any earlier decision lapses.
      const { decision: _lapsed, ...rest } = next;
      return { ...rest, status: "requested", details: event.details, startsAt: event.startsAt, endsAt: event.endsAt };
    }
    case "visit.approved":
      return { ...next, status: "approved", decision: { outcome: "approved", by: event.actor, at: event.at, ...note(event.note) } };
    case "visit.declined":
      return { ...next, status: "declined", decision: { outcome: "declined", by: event.actor, at: event.at, ...note(event.note) } };
    case "visit.changesRequested":
      return {
        ...next,
        status: "changes-requested",
        decision: { outcome: "changes-requested", by: event.actor, at: event.at, ...note(event.note) },
      };
    case "visit.checkedIn": {
      const status = event.step === "safe" ? next.status : STATUS_AFTER[event.step];
      const checkedIn: Visit = { ...next, status, lastCheckIn: { step: event.step, at: event.at, by: event.actor }, lastContactAt: event.at };
      if (event.step === "parent-absent") return { ...checkedIn, parentAbsentSince: event.at };
      return checkedIn;
    }
    case "visit.cancelled":
      return { ...next, status: "cancelled", cancellation: { reason: event.reason, by: event.actor, at: event.at } };
    case "alert.raised": {
      const raisedBy = event.actor.id === SYSTEM.id ? {} : { raisedBy: event.actor };
      return { ...next, alerts: [...next.alerts, { ...event.alert, raisedAt: event.at, ...raisedBy, stepsSent: [] }] };
    }
    case "alert.escalated":
      return withAlert(next, event.alertId, (alert) => ({ ...alert, stepsSent: [...alert.stepsSent, event.step] }));
    case "alert.acknowledged":
      return withAlert(next, event.alertId, (alert) => ({ ...alert, acknowledged: { by: event.actor, at: event.at } }));
    case "alert.resolved": {
      const resolved = withAlert(next, event.alertId, (alert) => ({
        ...alert,
        resolved: { by: event.actor, at: event.at, how: event.how, ...note(event.note) },
      }));
      // Speaking to the visitor counts as hearing from them: the periodic check-in clock restarts.
      return event.how === "contacted-safe" ? { ...resolved, lastContactAt: event.at } : resolved;
    }
  }
}

export function replay(events: readonly VisitEvent[]): Visit | undefined {
  return events.reduce<Visit | undefined>((visit, event) => evolve(visit, event), undefined);
}

const note = (text: string | undefined) => (text ? { note: text } : {});

function withAlert(visit: Visit, alertId: string, change: (alert: Alert) => Alert): Visit {
  return { ...visit, alerts: visit.alerts.map((alert) => (alert.id === alertId ? change(alert) : alert)) };
}
