import type { EscalationTarget } from "../policy/policy.schema";
import type { Alert, AlertResolution } from "./alert";

/** The visit aggregate: its state, the events that build it, and the commands people send it. */

export interface Actor {
  /** Entra object id: the identity roles are checked against. */
  id: string;
  name: string;
}

export const VISIT_STATUSES = [
  "requested",
  "changes-requested",
  "approved",
  "declined",
  "on-the-way",
  "arrived",
  "waiting-for-parent",
  "in-visit",
  "left",
  "cancelled",
] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** The statuses in which a member of staff is out of school on the visit. */
export const OUT_STATUSES: readonly VisitStatus[] = ["on-the-way", "arrived", "waiting-for-parent", "in-visit"];

export type Staffing = { mode: "pair"; secondStaffId: string } | { mode: "lone"; riskAssessment: string };

/** What the visitor asked for (R02, R03, R04, R07, R08). Times are London wall-clock. */
export interface VisitDetails {
  pupilReference: string;
  address: string;
  purposeId: string;
  date: string;
  start: string;
  end: string;
  entry: "doorstep" | "enter";
  staffing: Staffing;
  announced: boolean;
  unannouncedReason?: string;
  knownRisks: string;
}

/** "safe" is the periodic "I'm safe" check-in (R15): it changes no status, only the time last heard from. */
export const CHECK_IN_STEPS = ["left-school", "arrived", "parent-present", "parent-absent", "parent-arrived", "safe", "left"] as const;
export type CheckInStep = (typeof CHECK_IN_STEPS)[number];

interface EventBase {
  at: string;
  actor: Actor;
}
export type VisitEvent =
  | (EventBase & { type: "visit.requested"; visitId: string; schoolId: string; details: VisitDetails; startsAt: string; endsAt: string })
  | (EventBase & { type: "visit.amended"; details: VisitDetails; startsAt: string; endsAt: string })
  | (EventBase & { type: "visit.approved"; note?: string })
  | (EventBase & { type: "visit.declined"; note?: string })
  | (EventBase & { type: "visit.changesRequested"; note?: string })
  | (EventBase & { type: "visit.checkedIn"; step: CheckInStep })
  | (EventBase & { type: "visit.cancelled"; reason: string })
  | (EventBase & { type: "alert.raised"; alert: Pick<Alert, "id" | "kind" | "deadline" | "silent" | "note"> })
  | (EventBase & { type: "alert.escalated"; alertId: string; step: number; targets: EscalationTarget[] })
  | (EventBase & { type: "alert.acknowledged"; alertId: string })
  | (EventBase & { type: "alert.resolved"; alertId: string; how: AlertResolution; note?: string });
export type VisitEventType = VisitEvent["type"];

export interface Decision {
  outcome: "approved" | "declined" | "changes-requested";
  by: Actor;
  at: string;
  note?: string;
}

export interface Visit {
  id: string;
  schoolId: string;
  /** Number of events applied: the optimistic-concurrency version the card carries. */
  version: number;
  status: VisitStatus;
  requestedBy: Actor;
  requestedAt: string;
  details: VisitDetails;
  startsAt: string;
  endsAt: string;
  decision?: Decision;
  lastCheckIn?: { step: CheckInStep; at: string; by: Actor };
  /** When someone last heard from the staff on the visit: a check-in, or the office's "contacted, safe". */
  lastContactAt?: string;
  /** Safety alerts raised on this visit, open and resolved, oldest first. */
  alerts: Alert[];
  /**
   * The earliest time the due index will wake the sweeper for this visit. Bookkeeping for the scheduler,
   * not part of the visit's story: it lets a check-in skip rewriting the index when nothing falls due sooner.
   */
  wakeAt?: string;
  parentAbsentSince?: string;
  cancellation?: { reason: string; by: Actor; at: string };
}

/** Who is out on this visit: the requester and, on a paired visit, the second member of staff. */
export function visitorsOf(visit: Pick<Visit, "requestedBy" | "details">): string[] {
  const ids = [visit.requestedBy.id];
  if (visit.details.staffing.mode === "pair") ids.push(visit.details.staffing.secondStaffId);
  return ids;
}

/** A short reference people can read aloud and a channel can show without personal data. */
export function visitReference(visitId: string): string {
  return `HV-${visitId.replace(/-/g, "").slice(0, 6).toUpperCase()}`;
}

