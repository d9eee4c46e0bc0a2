import type { EscalationTarget, PolicyProfile } from "../policy/policy.schema";
import type { Alert, AlertResolution } from "./alert";
import type { PrerequisiteGap } from "./staff-prerequisites";
import type { AgreementAction, VisitRecord } from "./record";

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
  "recorded",
  "cancelled",
] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** The statuses in which a member of staff is out of school on the visit. */
export const OUT_STATUSES: readonly VisitStatus[] = ["on-the-way", "arrived", "waiting-for-parent", "in-visit"];
/**
 * Before anyone has left school: the request can still be changed or cancelled. Once someone is on the way, the
 * visit ends with "Left safely", never a cancellation that would stop tracking them.
 */
export const PRE_VISIT_STATUSES: readonly VisitStatus[] = ["requested", "changes-requested", "approved"];

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
  /** R05: who checks on the staff during an out-of-hours visit, and is alerted first if they go quiet. */
  responsibleContactId?: string;
  /** R07: what the visitor should know before going: animals, medical needs, the allocated social worker. */
  pets?: string;
  medicalNeeds?: string;
  socialWorker?: string;
}

/** Why a visit was called off at the door (R11–R14). */
export const CALL_OFF_REASONS = ["parent-absent", "parent-late", "animals", "unsafe"] as const;
export type CallOffReason = (typeof CALL_OFF_REASONS)[number];

/** Incidents the policy wants recorded and shared with the head (R24). */
export type IncidentKind = "incident" | "physical-intervention";

/**
 * "safe" is the periodic "I'm safe" check-in (R15): it changes no status, only the time last heard from.
 * "parent-late" is a parent's notice that they are running late (R12).
 */
export const CHECK_IN_STEPS = ["left-school", "arrived", "parent-present", "parent-absent", "parent-late", "parent-arrived", "safe", "left"] as const;
export type CheckInStep = (typeof CHECK_IN_STEPS)[number];

interface EventBase {
  at: string;
  actor: Actor;
}
export type VisitEvent =
  | (EventBase & { type: "visit.requested"; visitId: string; schoolId: string; details: VisitDetails; startsAt: string; endsAt: string; policyVersion?: number })
  | (EventBase & { type: "visit.amended"; details: VisitDetails; startsAt: string; endsAt: string; wasApproved?: boolean; policyVersion?: number })
  | (EventBase & { type: "visit.approved"; note?: string; staffGaps?: PrerequisiteGap[]; policyVersion?: number })
  | (EventBase & { type: "visit.declined"; note?: string })
  | (EventBase & { type: "visit.changesRequested"; note?: string })
  | (EventBase & { type: "visit.checkedIn"; step: CheckInStep })
  | (EventBase & { type: "visit.cancelled"; reason: string })
  | (EventBase & { type: "alert.raised"; alert: Pick<Alert, "id" | "kind" | "deadline" | "silent" | "note"> })
  | (EventBase & { type: "alert.escalated"; alertId: string; step: number; targets: EscalationTarget[] })
  | (EventBase & { type: "alert.falseAlarmReported"; alertId: string })
  | (EventBase & { type: "alert.acknowledged"; alertId: string })
  | (EventBase & { type: "alert.resolved"; alertId: string; how: AlertResolution; note?: string })
  | (EventBase & { type: "visit.waitLimitReached" })
  | (EventBase & { type: "visit.calledOff"; reason: CallOffReason; note?: string })
  | (EventBase & { type: "visit.recorded"; record: VisitRecord })
  | (EventBase & { type: "agreement.due"; index: number })
  | (EventBase & { type: "agreement.actioned"; index: number; action: AgreementAction; note?: string })
  | (EventBase & { type: "incident.reported"; kind: IncidentKind; note: string });
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
  /**
   * The school's policy version the visit was requested under, then the one it was approved under: once approved,
   * it runs on that version's rules and timers (visit-policy.ts).
   */
  policyVersion?: number;
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
  /** When the staff checked in outside the address, and when they left it: the record's times (R21). */
  arrivedAt?: string;
  leftAt?: string;
  /** When the parent said they were running late (R12). */
  parentLateSince?: string;
  /** When the visitor was told the parent-absent wait limit had passed (R11). */
  waitLimitReachedAt?: string;
  /** R08: a parent or appropriate adult was confirmed present before staff entered the home. */
  adultPresentAt?: string;
  cancellation?: { reason: string; by: Actor; at: string };
  /** Called off at the door: the staff are still there until they check out with "Left safely". */
  calledOff?: { reason: CallOffReason; note?: string; by: Actor; at: string };
  /** R21: the record made after the visit, with its agreements (R22). */
  record?: VisitRecord;
  incidents: { kind: IncidentKind; note: string; by: Actor; at: string }[];
}

/** Who is out on this visit: the requester and, on a paired visit, the second member of staff. */
export function visitorsOf(visit: Pick<Visit, "requestedBy" | "details">): string[] {
  const ids = [visit.requestedBy.id];
  if (visit.details.staffing.mode === "pair") ids.push(visit.details.staffing.secondStaffId);
  return ids;
}

/** The school's words for a visit's purpose (its id if the profile no longer has it). */
export function purposeLabel(policy: PolicyProfile, visit: Pick<Visit, "details">): string {
  return policy.purposes.find((p) => p.id === visit.details.purposeId)?.label ?? visit.details.purposeId;
}

/**
 * A short reference people can read aloud and a channel can show without personal data: the id's last six
 * hex digits, which are random (its first ones are the time it was requested, shared by visits made together).
 */
export function visitReference(visitId: string): string {
  return `HV-${visitId.replace(/-/g, "").slice(-6).toUpperCase()}`;
}

