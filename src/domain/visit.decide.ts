import type { EscalationTarget, PolicyProfile } from "../policy/policy.schema";
import { isOutOfHours, lateLimitAt, waitLimitAt } from "./door";
import { describeDuration } from "./duration";
import { type AgreementAction, isAgreementOpen, recordProblem, type VisitRecord } from "./record";
import { dueAgreements } from "./agreements";
import { decideFalseAlarm } from "./false-alarm";
import type { PrerequisiteGap } from "./staff-prerequisites";
import { isOpen, responderRoles, SYSTEM } from "./alert";
import { missedDeadline, openOverdueAlert, stepsDue } from "./escalation";
import { londonToUtc } from "./london-time";
import { AGREEMENT_ROLES, approverRolesFor, holdsAny, peopleWith } from "./roles";
import { rolesInWords } from "./role-words";
import type { Actor, CallOffReason, CheckInStep, Decision, IncidentKind, Visit, VisitDetails, VisitEvent } from "./visit";
import { OUT_STATUSES, PRE_VISIT_STATUSES, visitorsOf } from "./visit";

/** `policyVersion`: the version of the school's policy the server decided under, recorded on the visit. */
export type VisitCommand =
  | { type: "request"; visitId: string; details: VisitDetails; policyVersion?: number }
  | { type: "amend"; details: VisitDetails; policyVersion?: number }
  /** `staffGaps`: what the server found missing in the visitors' records (R06); blocking gaps refuse approval. */
  | { type: "approve"; note?: string; staffGaps?: PrerequisiteGap[]; policyVersion?: number }
  | { type: "decline"; note?: string }
  | { type: "requestChanges"; note?: string }
  | { type: "checkIn"; step: CheckInStep }
  | { type: "cancel"; reason: string }
  /** The sweeper's look at a visit: raise and escalate whatever has fallen due by now (R20). */
  | { type: "sweep" }
  /** "I need help", by button or text, or silently by the code word (R17, R18). */
  | { type: "requestHelp"; silent: boolean }
  | { type: "raiseConcern"; kind: "child-alone" | "concern"; note: string }
  /** "False alarm: I'm safe" after a visible call for help: on the card's alert, or (typed) the latest one. */
  | { type: "reportFalseAlarm"; alertId?: string }
  | { type: "acknowledgeAlert"; alertId: string }
  | { type: "resolveAlert"; alertId: string; note: string }
  /** At the door: parent not in past the wait limit, parent too late, animals not shut away, feeling unsafe. */
  | { type: "callOff"; reason: CallOffReason; note?: string }
  | { type: "recordOutcome"; record: Omit<VisitRecord, "recordedBy" | "recordedAt"> }
  | { type: "actionAgreement"; index: number; action: AgreementAction; note?: string }
  | { type: "reportIncident"; kind: IncidentKind; note: string };

export type RefusalCode =
  | "not-allowed"
  | "already-decided"
  | "invalid-request"
  | "wrong-step"
  | "finished";

/** A command the domain will not carry out, with a reason a person can read. */
export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type Decided = { ok: true; events: VisitEvent[] } | { ok: false; refusal: Refusal };

const refuse = (code: RefusalCode, message: string): Decided => ({ ok: false, refusal: { code, message } });
const accept = (...events: VisitEvent[]): Decided => ({ ok: true, events });

/** Which check-in steps are possible from each status. "left" is always open once at the address. */
const CHECK_IN_FROM: Record<CheckInStep, readonly Visit["status"][]> = {
  "left-school": ["approved"],
  arrived: ["approved", "on-the-way"],
  "parent-present": ["arrived"],
  "parent-absent": ["arrived"],
  "parent-late": ["arrived"],
  "parent-arrived": ["waiting-for-parent"],
  safe: OUT_STATUSES,
  left: ["on-the-way", "arrived", "waiting-for-parent", "in-visit"],
};

/**
 * A check-in of the same step by the same person within this time of the last one is that tap again, not a new
 * check-in: typically the retry of a tap that was answered "NOT recorded" because storage did not answer in time,
 * whose write landed afterwards. It is recorded once, and the retry is told that it is. A person cannot mean the same
 * step twice this soon (the visit has moved past it); a second "I'm safe" changes the next deadline by minutes at
 * most, earlier, and one that answers an open alarm is always a new check-in.
 */
export const SAME_TAP_WINDOW_MS = 5 * 60_000;

function repeatsLastCheckIn(visit: Visit, step: CheckInStep, actor: Actor, now: Date): boolean {
  const last = visit.lastCheckIn;
  if (!last || last.step !== step || last.by.id !== actor.id) return false;
  if (step === "safe" && openOverdueAlert(visit) !== undefined) return false;
  // Either way round: instances' clocks differ a little.
  return Math.abs(now.getTime() - Date.parse(last.at)) <= SAME_TAP_WINDOW_MS;
}

/** The check-in steps the visitor can take next, in the order a card shows them (R10, R11, R16). */
export function nextCheckInSteps(visit: Visit, policy: PolicyProfile): CheckInStep[] {
  // "Are you safe?" after a missed check-in must always be answerable, even before leaving school.
  const answeringAlarm = (step: CheckInStep) => step === "safe" && openOverdueAlert(visit) !== undefined;
  const steps = (Object.keys(CHECK_IN_FROM) as CheckInStep[]).filter((step) => CHECK_IN_FROM[step].includes(visit.status) || answeringAlarm(step));
  return steps.filter((step) => {
    // Once a visit is called off at the door, all that is left is to get away safely.
    if (visit.calledOff) return step === "safe" || step === "left";
    if (step === "left-school") return policy.checkIns.leavingSchool;
    if (step === "parent-absent") return policy.parentAbsent.mode !== "off";
    if (step === "parent-late") return policy.parentLate !== null;
    return true;
  });
}

const DECIDED_AS: Record<Decision["outcome"], string> = {
  approved: "approved",
  declined: "declined",
  "changes-requested": "sent back for changes",
};

/**
 * Decides what a command does to a visit under a school's policy: the events to append, or a refusal.
 * `visit` is undefined only for a new request. The actor's role is checked here, on the server's copy of
 * the visit, never on what a card said.
 */
export function decide(visit: Visit | undefined, command: VisitCommand, actor: Actor, policy: PolicyProfile, now: Date): Decided {
  const at = now.toISOString();
  if (command.type === "request") {
    if (visit) return refuse("invalid-request", "This visit has already been requested.");
    if (!holdsAny(policy, actor.id, ["visitor"])) {
      return refuse("not-allowed", `You are not listed as a home visitor for ${policy.school.name}. Ask your school's admin to add you.`);
    }
    const problem = detailsProblem(command.details, actor, policy);
    if (problem) return refuse("invalid-request", problem);
    return accept({
      type: "visit.requested",
      at,
      actor,
      visitId: command.visitId,
      schoolId: policy.school.id,
      details: command.details,
      ...instants(command.details),
      ...versionOf(command),
    });
  }
  if (!visit) return refuse("invalid-request", "That visit does not exist.");

  switch (command.type) {
    case "amend": {
      if (actor.id !== visit.requestedBy.id) return refuse("not-allowed", "Only the member of staff who asked for this visit can change it.");
      if (!PRE_VISIT_STATUSES.includes(visit.status)) {
        return refuse("wrong-step", `This visit can no longer be changed: it is ${describeStatus(visit)}.`);
      }
      const problem = detailsProblem(command.details, actor, policy);
      if (problem) return refuse("invalid-request", problem);
      const wasApproved = visit.status === "approved" ? { wasApproved: true } : {};
      return accept({ type: "visit.amended", at, actor, details: command.details, ...instants(command.details), ...wasApproved, ...versionOf(command) });
    }
    case "approve":
    case "decline":
    case "requestChanges": {
      const lone = visit.details.staffing.mode === "lone";
      const roles = approverRolesFor(policy, visit);
      if (!holdsAny(policy, actor.id, roles)) {
        return refuse("not-allowed", `Only ${rolesInWords(roles)} can decide this ${lone ? "lone " : ""}visit.`);
      }
      if (visit.decision && visit.status !== "requested") {
        const d = visit.decision;
        return refuse("already-decided", `Already ${DECIDED_AS[d.outcome]} by ${d.by.name}.`);
      }
      if (visit.status !== "requested") return refuse("wrong-step", `This visit is ${describeStatus(visit)}; there is nothing to decide.`);
      if (visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "You cannot decide a visit you are going on yourself.");
      if (command.type === "approve") {
        const gaps = command.staffGaps ?? [];
        const blocking = gaps.filter((g) => g.blocking);
        if (blocking.length > 0) {
          return refuse("invalid-request", `This visit cannot be approved until the staff records are complete: ${blocking.map((g) => g.problem).join("; ")}.`);
        }
        return accept({
          type: "visit.approved",
          at,
          actor,
          ...(command.note ? { note: command.note } : {}),
          ...(gaps.length > 0 ? { staffGaps: gaps } : {}),
          ...versionOf(command),
        });
      }
      const type = command.type === "decline" ? "visit.declined" : "visit.changesRequested";
      return accept({ type, at, actor, ...(command.note ? { note: command.note } : {}) });
    }
    case "checkIn": {
      if (!visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "Only the staff on this visit can check in for it.");
      if (repeatsLastCheckIn(visit, command.step, actor, now)) return accept();
      // An open alarm can outlive the status it was raised in (the visit is amended back to "requested", or
      // cancelled): "I'm safe" must still answer it, as nextCheckInSteps offers.
      const answeringAlarm = command.step === "safe" && openOverdueAlert(visit) !== undefined;
      if (!answeringAlarm && (visit.status === "left" || visit.status === "recorded" || visit.status === "cancelled" || visit.status === "declined")) {
        return refuse("finished", `This visit is ${describeStatus(visit)}; no more check-ins are needed.`);
      }
      if (!answeringAlarm && (visit.status === "requested" || visit.status === "changes-requested")) {
        return refuse("wrong-step", "This visit has not been approved yet. Do not set off until it is.");
      }
      if (!nextCheckInSteps(visit, policy).includes(command.step)) {
        return refuse("wrong-step", `That check-in does not fit now: the visit is ${describeStatus(visit)}.`);
      }
      // A late check-in wins: it resolves the missed-check-in alarm without anyone else's help.
      const overdue = visit.alerts.filter((a) => a.kind === "overdue" && isOpen(a));
      return accept(
        { type: "visit.checkedIn", at, actor, step: command.step },
        ...overdue.map((a): VisitEvent => ({ type: "alert.resolved", at, actor, alertId: a.id, how: "checked-in" })),
      );
    }
    case "cancel": {
      const deciders = approverRolesFor(policy, visit);
      const mayCancel = visitorsOf(visit).includes(actor.id) || holdsAny(policy, actor.id, deciders);
      if (!mayCancel) return refuse("not-allowed", "Only the staff on this visit or an approver can cancel it.");
      if (!PRE_VISIT_STATUSES.includes(visit.status)) return refuse("wrong-step", `This visit is ${describeStatus(visit)} and cannot be cancelled now.`);
      if (command.reason.trim().length === 0) return refuse("invalid-request", "Say why the visit is cancelled.");
      return accept({ type: "visit.cancelled", at, actor, reason: command.reason.trim() });
    }
    case "sweep":
      if (actor.id !== SYSTEM.id) return refuse("not-allowed", "Only the escalation sweeper can do that.");
      return accept(...sweep(visit, policy, now));
    case "requestHelp": {
      if (!visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "Only the staff on this visit can call for help on it.");
      const alert = { id: nextAlertId(visit), kind: "help" as const, ...(command.silent ? { silent: true } : {}) };
      return accept(
        { type: "alert.raised", at, actor, alert },
        { type: "alert.escalated", at, actor, alertId: alert.id, step: 0, targets: policy.help.alert },
      );
    }
    case "raiseConcern": {
      if (!visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "Only the staff on this visit can raise a concern from it.");
      // R19 is a duty the school chooses: where it is off the card has no such action, and neither has the domain.
      if (command.kind === "child-alone" && !policy.childAlone.enabled) {
        return refuse("invalid-request", "This school's policy has no 'child found alone' alert: raise a safeguarding concern instead, which goes to the DSL.");
      }
      const note = command.note.trim();
      if (command.kind === "concern" && note.length === 0) return refuse("invalid-request", "Say briefly what the concern is.");
      const targets = command.kind === "child-alone" ? CHILD_ALONE_TARGETS : policy.concerns.alert;
      const alert = { id: nextAlertId(visit), kind: command.kind, ...(note ? { note } : {}) };
      return accept(
        { type: "alert.raised", at, actor, alert },
        { type: "alert.escalated", at, actor, alertId: alert.id, step: 0, targets },
      );
    }
    case "reportFalseAlarm":
      return decideFalseAlarm(visit, command.alertId, actor, at);
    case "acknowledgeAlert":
    case "resolveAlert": {
      const alert = visit.alerts.find((a) => a.id === command.alertId);
      if (!alert) return refuse("invalid-request", "That alert does not exist on this visit.");
      const roles = responderRoles(alert.kind);
      // R05: out of hours, the named responsible contact answers for the staff's safety too.
      const contact = (alert.kind === "overdue" || alert.kind === "help") && actor.id === visit.details.responsibleContactId;
      if (!contact && !holdsAny(policy, actor.id, roles)) return refuse("not-allowed", `Only ${rolesInWords(roles)} can act on this alert.`);
      // A responder who is out on the visit (a deputy DSL who also visits) must not clear an alarm about
      // themselves, least of all a silent one raised under duress: someone at school answers it.
      if (visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "You are on this visit, so someone else must answer its alerts.");
      if (alert.resolved) return refuse("finished", `Already resolved by ${alert.resolved.by.name}.`);
      if (command.type === "acknowledgeAlert") {
        if (alert.acknowledged) return refuse("already-decided", `${alert.acknowledged.by.name} is already dealing with this.`);
        return accept({ type: "alert.acknowledged", at, actor, alertId: alert.id });
      }
      const note = command.note.trim();
      if (note.length === 0) return refuse("invalid-request", "Add a short note: who you spoke to and what was done.");
      const how = alert.kind === "overdue" || alert.kind === "help" ? "contacted-safe" : "dealt-with";
      const acknowledged: VisitEvent[] = alert.acknowledged ? [] : [{ type: "alert.acknowledged", at, actor, alertId: alert.id }];
      return accept(...acknowledged, { type: "alert.resolved", at, actor, alertId: alert.id, how, note });
    }
    case "callOff": {
      if (!visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "Only the staff on this visit can call it off.");
      if (visit.calledOff) return refuse("finished", "This visit is already called off. Tap Left safely when you are away from the address.");
      const allowed = CALL_OFF_FROM[command.reason];
      if (!allowed.includes(visit.status)) return refuse("wrong-step", `That does not fit now: the visit is ${describeStatus(visit)}.`);
      // R13 is off where the school does not write it: the card has no such button, and the domain no such reason.
      if (command.reason === "animals" && !policy.animals.enabled) {
        return refuse("wrong-step", "This school's policy has no call-off for animals. If you feel unsafe, call the visit off as unsafe.");
      }
      if (command.reason === "parent-absent" && policy.parentAbsent.mode === "wait" && !visit.waitLimitReachedAt) {
        // The limit has passed once the clock says so, even if the sweeper is late to record it (R11: wait at most N).
        const limit = waitLimitAt(visit, policy);
        if (limit === undefined || Date.parse(limit) > now.getTime()) {
          return refuse("wrong-step", `Wait ${describeDuration(policy.parentAbsent.waitLimit)} for the parent before calling the visit off.`);
        }
      }
      const note = command.note?.trim();
      if ((command.reason === "animals" || command.reason === "unsafe") && !note) {
        return refuse("invalid-request", "Write a line on what happened: it is kept with the visit as your written report.");
      }
      return accept({ type: "visit.calledOff", at, actor, reason: command.reason, ...(note ? { note } : {}) });
    }
    case "recordOutcome": {
      if (!visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "Only the staff on this visit can record it.");
      if (visit.status === "recorded") return refuse("finished", `Already recorded by ${visit.record!.recordedBy.name}.`);
      if (visit.status !== "left") return refuse("wrong-step", "Record the visit once you have left the address.");
      const problem = recordProblem(command.record, policy);
      if (problem) return refuse("invalid-request", problem);
      return accept({ type: "visit.recorded", at, actor, record: { ...command.record, recordedBy: actor, recordedAt: at } });
    }
    case "actionAgreement": {
      if (!holdsAny(policy, actor.id, AGREEMENT_ROLES)) return refuse("not-allowed", "Only the attendance lead, head or SLT can act on agreements.");
      const agreement = visit.record?.agreements[command.index];
      if (!agreement) return refuse("invalid-request", "That agreement does not exist on this visit.");
      if (!isAgreementOpen(agreement)) return refuse("finished", "That agreement is already marked as met.");
      if (command.action !== "met" && !policy.agreements.ladder.includes(command.action)) {
        return refuse("invalid-request", "The school's policy does not use that step for broken agreements.");
      }
      const note = command.note?.trim();
      return accept({ type: "agreement.actioned", at, actor, index: command.index, action: command.action, ...(note ? { note } : {}) });
    }
    case "reportIncident": {
      if (!visitorsOf(visit).includes(actor.id)) return refuse("not-allowed", "Only the staff on this visit can report an incident on it.");
      if (["requested", "changes-requested", "declined"].includes(visit.status)) return refuse("wrong-step", "This visit has not taken place.");
      const note = command.note.trim();
      if (!note) return refuse("invalid-request", "Describe what happened, as soon as you can (R24).");
      return accept({ type: "incident.reported", at, actor, kind: command.kind, note });
    }
  }
}

/** A child found alone goes to the DSL at once, whatever else the school's concern routing says (R19). */
const CHILD_ALONE_TARGETS: EscalationTarget[] = ["dsl-channel"];

const nextAlertId = (visit: Visit): string => `A${visit.alerts.length + 1}`;

/** What the sweeper records at `now`: the next ladder steps of an open overdue alert, or a new one. */
function sweep(visit: Visit, policy: PolicyProfile, now: Date): VisitEvent[] {
  const at = now.toISOString();
  const escalate = (alertId: string, steps: number[]): VisitEvent[] =>
    steps.map((step) => ({ type: "alert.escalated", at, actor: SYSTEM, alertId, step, targets: policy.escalation.steps[step]!.targets }));
  const reached = (instant: string | undefined) => instant !== undefined && Date.parse(instant) <= now.getTime();
  const door: VisitEvent[] = [];
  if (reached(waitLimitAt(visit, policy))) door.push({ type: "visit.waitLimitReached", at, actor: SYSTEM });
  if (reached(lateLimitAt(visit, policy))) door.push({ type: "visit.calledOff", at, actor: SYSTEM, reason: "parent-late" });
  const agreements: VisitEvent[] = dueAgreements(visit, policy, now).map((index) => ({ type: "agreement.due", at, actor: SYSTEM, index }));
  return [...door, ...overdue(visit, policy, now, escalate), ...agreements];
}

function overdue(visit: Visit, policy: PolicyProfile, now: Date, escalate: (alertId: string, steps: number[]) => VisitEvent[]): VisitEvent[] {
  const open = openOverdueAlert(visit);
  if (open) return escalate(open.id, stepsDue(open, policy, now));
  const missed = missedDeadline(visit, policy, now);
  if (!missed) return [];
  const at = now.toISOString();
  const alert = { id: nextAlertId(visit), kind: "overdue" as const, deadline: { kind: missed.kind, due: missed.due } };
  const raised: VisitEvent = { type: "alert.raised", at, actor: SYSTEM, alert };
  return [raised, ...escalate(alert.id, stepsDue({ ...alert, raisedAt: at, stepsSent: [] }, policy, now))];
}

/** Which statuses each call-off reason fits: absent or late parents while waiting, danger at any point there. */
const CALL_OFF_FROM: Record<CallOffReason, readonly Visit["status"][]> = {
  "parent-absent": ["waiting-for-parent"],
  "parent-late": ["waiting-for-parent"],
  animals: ["arrived", "waiting-for-parent", "in-visit"],
  unsafe: ["arrived", "waiting-for-parent", "in-visit"],
};

/** What is wrong with a request under this policy, or undefined. Field-level checks live at the card edge. */
function detailsProblem(details: VisitDetails, actor: Actor, policy: PolicyProfile): string | undefined {
  if (!policy.purposes.some((p) => p.id === details.purposeId)) return "Choose one of the school's purposes for a home visit.";
  if (details.end <= details.start) return "The expected end must be after the start.";
  if (details.staffing.mode === "pair") {
    const second = details.staffing.secondStaffId;
    if (second === actor.id) return "The second member of staff must be someone else.";
    if (!peopleWith(policy, ["visitor"]).some((p) => p.aadObjectId === second)) return "The second member of staff is not one of the school's home visitors.";
  } else if (policy.loneWorking.riskAssessmentRequired && details.staffing.riskAssessment.trim().length === 0) {
    return "A lone visit needs a lone-working risk assessment.";
  }
  if (!details.announced && policy.announcement.unannouncedNeedsReason && !details.unannouncedReason?.trim()) {
    return "An unannounced visit needs a reason (for example an emergency or a welfare concern).";
  }
  if (details.staffing.mode === "lone" && details.entry === "enter" && policy.loneWorking.twoStaffWhenEntering === "required") {
    return "This school's policy needs two members of staff to enter a home: choose a doorstep visit or add a second member of staff.";
  }
  if (isOutOfHours(details, policy)) {
    const contact = details.responsibleContactId;
    if (policy.outOfHours.responsibleContactRequired && !contact) {
      return `This visit is outside the school day (${policy.outOfHours.schoolDay.start}–${policy.outOfHours.schoolDay.end}): name a responsible contact who will check on you.`;
    }
    if (contact && !policy.people.some((p) => p.aadObjectId === contact)) return "The responsible contact must be one of the school's staff.";
    if (contact && (contact === actor.id || (details.staffing.mode === "pair" && contact === details.staffing.secondStaffId))) {
      return "The responsible contact must be someone not on the visit.";
    }
  }
  return undefined;
}

function instants(details: VisitDetails) {
  return {
    startsAt: londonToUtc(details.date, details.start).toISOString(),
    endsAt: londonToUtc(details.date, details.end).toISOString(),
  };
}

export function describeStatus(visit: Visit): string {
  switch (visit.status) {
    case "requested":
      return "waiting for approval";
    case "changes-requested":
      return "waiting for changes";
    case "on-the-way":
      return "on the way";
    case "arrived":
      return "at the address";
    case "waiting-for-parent":
      return "waiting for the parent";
    case "in-visit":
      return "in progress";
    case "left":
      return "finished (left safely)";
    case "recorded":
      return "finished and recorded";
    default:
      return visit.status;
  }
}

const versionOf = (command: { policyVersion?: number }) => (command.policyVersion !== undefined ? { policyVersion: command.policyVersion } : {});
