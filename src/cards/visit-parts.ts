import { londonDate } from "../domain/london-time";
import type { CallOffReason, CheckInStep, Decision, IncidentKind, Visit } from "../domain/visit";
import { purposeLabel } from "../domain/visit";
import type { PolicyProfile, Role } from "../policy/policy.schema";
import { clockOf, dayOf, personName, sameId } from "./card-parts";

/** Button labels for check-ins: what the visitor is telling the school, in plain words. */
export const CHECK_IN_LABELS: Record<CheckInStep, string> = {
  "left-school": "Leaving school now",
  arrived: "Arrived outside",
  "parent-present": "Parent present",
  "parent-absent": "Parent not here",
  "parent-late": "Parent running late",
  "parent-arrived": "Parent arrived",
  safe: "I'm safe",
  left: "Left safely",
};

/**
 * The label of a check-in button on this visit. R08: "Parent present" means going in on a visit that enters the
 * home, and only that a parent came to the door on a doorstep visit, so the button says which.
 */
export function checkInLabel(step: CheckInStep, visit: Pick<Visit, "details">): string {
  if (step === "parent-present") return visit.details.entry === "enter" ? "Parent or carer present: going in" : "Parent at the door";
  return CHECK_IN_LABELS[step];
}

/** Why a visit was called off at the door, in words ("Visit called off (animals not shut away)"). */
export const CALL_OFF_WORDS: Record<CallOffReason, string> = {
  "parent-absent": "parent not in",
  "parent-late": "parent did not arrive in time",
  animals: "animals not shut away",
  unsafe: "staff felt unsafe",
};

export const INCIDENT_WORDS: Record<IncidentKind, string> = {
  incident: "Incident",
  "physical-intervention": "Physical intervention",
};

/**
 * R13, R14: who receives a written report when a visit is called off for this reason, as the notifications
 * send it: the headteacher for animals when the policy asks for it in writing, the policy's roles for feeling
 * unsafe, nobody for an absent or late parent.
 */
export function callOffReaders(reason: CallOffReason, policy: PolicyProfile): Role[] {
  if (reason === "unsafe") return policy.feelingUnsafe.reportTo;
  if (reason === "animals" && policy.animals.reportToHeadInWriting) return ["headteacher"];
  return [];
}

/** "09:31 on Mon 23 Nov 2026": when something happened, London time, as a report reads it. */
export function momentText(instant: string): string {
  return `${clockOf(instant)} on ${dayOf(londonDate(new Date(instant)))}`;
}

/** How a check-in reads once it has happened ("Last check-in: Arrived at 09:31"). */
export const CHECKED_IN_AS: Record<CheckInStep, string> = {
  "left-school": "Left school",
  arrived: "Arrived",
  "parent-present": "Parent present",
  "parent-absent": "Parent not here",
  "parent-late": "Parent running late",
  "parent-arrived": "Parent arrived",
  safe: "Safe",
  left: "Left safely",
};

const DECIDED: Record<Decision["outcome"], string> = {
  approved: "Approved",
  declined: "Declined",
  "changes-requested": "Sent back for changes",
};

/** "Approved by Jo Fenwick at 14:05." */
export function decisionLine(decision: Decision): string {
  return `${DECIDED[decision.outcome]} by ${decision.by.name} at ${clockOf(decision.at)}.`;
}

export function noteLine(note: string | undefined): string | undefined {
  return note ? `Note: “${note}”` : undefined;
}

/** "Cancelled by Alex Rivers at 08:10: the family moved the meeting to school." */
export function cancellationLine(visit: Visit): string | undefined {
  const c = visit.cancellation;
  return c ? `Cancelled by ${c.by.name} at ${clockOf(c.at)}: ${c.reason}` : undefined;
}

/** "Mon 23 Nov 2026, 09:30 to 10:30" (London wall-clock, as the visitor asked for it). */
export function whenText(visit: Visit): string {
  return `${dayOf(visit.details.date)}, ${visit.details.start} to ${visit.details.end}`;
}

export function entryText(visit: Visit): string {
  return visit.details.entry === "enter" ? "Entering the home" : "Doorstep only";
}

/** Who else is going, as the viewer sees it: on a paired visit the second person sees the requester's name. */
export function staffingText(visit: Visit, policy: PolicyProfile, viewerId: string | undefined): string {
  const staffing = visit.details.staffing;
  if (staffing.mode === "lone") return "Lone visit";
  const other = sameId(staffing.secondStaffId, viewerId) ? visit.requestedBy.name : personName(policy, staffing.secondStaffId);
  return `With ${other ?? "a second member of staff"}`;
}

/** Everyone on the visit by name: "Alex Rivers and Sam Moss", or "Alex Rivers (lone visit)". */
export function staffNamesText(visit: Visit, policy: PolicyProfile): string {
  const staffing = visit.details.staffing;
  if (staffing.mode === "lone") return `${visit.requestedBy.name} (lone visit)`;
  return `${visit.requestedBy.name} and ${personName(policy, staffing.secondStaffId) ?? "a second member of staff"}`;
}

/** What is known about the household (R07), with the risk assessment of a lone visit first. */
export function householdFacts({ details }: Visit): [string, string | undefined][] {
  return [
    ["Risk assessment", details.staffing.mode === "lone" ? details.staffing.riskAssessment.trim() || "None given" : undefined],
    ["Known risks", details.knownRisks],
    ["Animals", details.pets],
    ["Medical needs", details.medicalNeeds],
    ["Social worker", details.socialWorker],
  ];
}

export function announcedText(visit: Visit): string {
  if (visit.details.announced) return "Yes";
  return visit.details.unannouncedReason ? `No: ${visit.details.unannouncedReason}` : "No";
}

export function purposeText(visit: Visit, policy: PolicyProfile): string {
  return purposeLabel(policy, visit);
}

/** "Arrived at 09:31 (Sam Moss)". */
export function lastCheckInText(visit: Visit): string | undefined {
  const last = visit.lastCheckIn;
  return last ? `${CHECKED_IN_AS[last.step]} at ${clockOf(last.at)} (${last.by.name})` : undefined;
}
