import type { Alert } from "./alert";
import type { Agreement } from "./record";
import { SYSTEM } from "./alert";
import type { CheckInStep, Visit, VisitEvent, VisitStatus } from "./visit";

const STATUS_AFTER: Record<Exclude<CheckInStep, "safe">, VisitStatus> = {
  "left-school": "on-the-way",
  arrived: "arrived",
  "parent-present": "in-visit",
  "parent-absent": "waiting-for-parent",
  "parent-late": "waiting-for-parent",
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
      incidents: [],
      ...version(event.policyVersion),
    };
  }
  if (!visit) throw new Error(`Cannot apply ${event.type} before visit.requested`);
  const next: Visit = { ...visit, version: visit.version + 1 };
  switch (event.type) {
    case "visit.amended": {
      // A change to an approved visit goes back to the approver (R25), so any earlier decision lapses.
      const { decision: _lapsed, ...rest } = next;
      return { ...rest, status: "requested", details: event.details, startsAt: event.startsAt, endsAt: event.endsAt, ...version(event.policyVersion) };
    }
    case "visit.approved":
      return {
        ...next,
        status: "approved",
        decision: { outcome: "approved", by: event.actor, at: event.at, ...note(event.note) },
        ...version(event.policyVersion),
      };
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
      return { ...checkedIn, ...checkInFacts(next, event.step, event.at) };
    }
    case "visit.cancelled":
      return { ...next, status: "cancelled", cancellation: { reason: event.reason, by: event.actor, at: event.at } };
    case "visit.waitLimitReached":
      return { ...next, waitLimitReachedAt: event.at };
    case "visit.calledOff":
      return { ...next, calledOff: { reason: event.reason, by: event.actor, at: event.at, ...note(event.note) } };
    case "visit.recorded":
      return { ...next, status: "recorded", record: event.record };
    case "agreement.due":
      return withAgreement(next, event.index, (a) => ({ ...a, dueAt: event.at }));
    case "agreement.actioned":
      return withAgreement(next, event.index, (a) => ({ ...a, actions: [...a.actions, { action: event.action, by: event.actor, at: event.at, ...note(event.note) }] }));
    case "incident.reported":
      return { ...next, incidents: [...next.incidents, { kind: event.kind, note: event.note, by: event.actor, at: event.at }] };
    case "alert.raised": {
      const raisedBy = event.actor.id === SYSTEM.id ? {} : { raisedBy: event.actor };
      return { ...next, alerts: [...next.alerts, { ...event.alert, raisedAt: event.at, ...raisedBy, stepsSent: [] }] };
    }
    case "alert.escalated":
      return withAlert(next, event.alertId, (alert) => ({ ...alert, stepsSent: [...alert.stepsSent, event.step] }));
    case "alert.falseAlarmReported":
      return withAlert(next, event.alertId, (alert) => ({ ...alert, falseAlarm: { by: event.actor, at: event.at } }));
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

/** What a check-in tells the record: when they arrived and left, when a parent was absent or late, and that an adult was there before anyone went in (R08). */
function checkInFacts(visit: Visit, step: CheckInStep, at: string): Partial<Visit> {
  switch (step) {
    case "arrived":
      return { arrivedAt: visit.arrivedAt ?? at };
    case "left":
      return { leftAt: at };
    case "parent-absent":
      return { parentAbsentSince: at };
    case "parent-late":
      return { parentLateSince: at };
    case "parent-present":
    case "parent-arrived":
      return visit.details.entry === "enter" ? { adultPresentAt: at } : {};
    default:
      return {};
  }
}

function withAgreement(visit: Visit, index: number, change: (agreement: Agreement) => Agreement): Visit {
  if (!visit.record) return visit;
  return { ...visit, record: { ...visit.record, agreements: visit.record.agreements.map((a, i) => (i === index ? change(a) : a)) } };
}

function withAlert(visit: Visit, alertId: string, change: (alert: Alert) => Alert): Visit {
  return { ...visit, alerts: visit.alerts.map((alert) => (alert.id === alertId ? change(alert) : alert)) };
}

const version = (policyVersion: number | undefined) => (policyVersion !== undefined ? { policyVersion } : {});
