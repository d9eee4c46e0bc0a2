/** Builders for visits in every status, made the only way production makes them: decide, then evolve. */
import type { PolicyProfile } from "../../src/policy/policy.schema";
import type { VisitCommand } from "../../src/domain/visit.decide";
import { decide } from "../../src/domain/visit.decide";
import { evolve } from "../../src/domain/visit.evolve";
import { responderRoles, SYSTEM } from "../../src/domain/alert";
import type { Actor, Visit, VisitDetails, VisitEvent, VisitStatus } from "../../src/domain/visit";
import type { VisitRecord } from "../../src/domain/record";
import { actor, people } from "../support/policy-fixture";

/** A Monday in November (GMT), before the visit's 10:00 start. */
export const NOW = new Date("2026-11-23T08:00:00.000Z");
export const VISIT_ID = "019ab3c4-0000-7000-8000-0000003f2a9c";

export function pairDetails(change: Partial<VisitDetails> = {}): VisitDetails {
  return {
    pupilReference: "PUPIL-0042",
    address: "1 Example Road, Testtown",
    purposeId: "attendance",
    date: "2026-11-23",
    start: "10:00",
    end: "11:00",
    entry: "doorstep",
    staffing: { mode: "pair", secondStaffId: people.secondVisitor.aadObjectId },
    announced: true,
    knownRisks: "None known",
    ...change,
  };
}

export function loneDetails(change: Partial<VisitDetails> = {}): VisitDetails {
  return pairDetails({ staffing: { mode: "lone", riskAssessment: "Reviewed with the head on Friday." }, ...change });
}

export type Step = [command: Exclude<VisitCommand, { type: "request" }>, by: Actor];

/** Applies commands in turn, failing loudly if the domain refuses one. Each step is a minute after the last. */
export function apply(visit: Visit | undefined, policy: PolicyProfile, steps: readonly (Step | [VisitCommand, Actor])[], start = NOW): { visit: Visit; events: VisitEvent[] } {
  const events: VisitEvent[] = [];
  let current = visit;
  steps.forEach(([command, by], i) => {
    const decided = decide(current, command, by, policy, new Date(start.getTime() + i * 60_000));
    if (!decided.ok) throw new Error(`${command.type} by ${by.name} was refused: ${decided.refusal.message}`);
    events.push(...decided.events);
    current = decided.events.reduce<Visit | undefined>(evolve, current);
  });
  if (!current) throw new Error("no visit");
  return { visit: current, events };
}

export function requestedVisit(policy: PolicyProfile, details: VisitDetails = pairDetails(), by: Actor = actor("visitor")): Visit {
  return apply(undefined, policy, [[{ type: "request", visitId: VISIT_ID, details }, by]]).visit;
}

/**
 * A record that every profile accepts (R21): the visit took place, something was agreed, and the parent and the
 * officer both confirmed it, so a school that requires agreements or signatures has them.
 */
export const FULL_RECORD: Omit<VisitRecord, "recordedBy" | "recordedAt"> = {
  outcome: "seen",
  summary: "Spoke with the parent about attendance; the pupil was well.",
  agreements: [{ text: "The pupil will be in school on time every day next week.", actions: [] }],
  parentConfirmed: true,
  officerConfirmed: true,
};

const approve: Step = [{ type: "approve" }, actor("head")];
const checkIn = (step: Extract<VisitCommand, { type: "checkIn" }>["step"]): Step => [{ type: "checkIn", step }, actor("visitor")];

/** The shortest ordinary path to each status. */
export const PATH_TO: Record<VisitStatus, Step[]> = {
  requested: [],
  "changes-requested": [[{ type: "requestChanges", note: "Please add the known risks." }, actor("head")]],
  approved: [approve],
  declined: [[{ type: "decline", note: "Not needed: the family is coming in." }, actor("head")]],
  "on-the-way": [approve, checkIn("left-school")],
  arrived: [approve, checkIn("left-school"), checkIn("arrived")],
  "waiting-for-parent": [approve, checkIn("left-school"), checkIn("arrived"), checkIn("parent-absent")],
  "in-visit": [approve, checkIn("left-school"), checkIn("arrived"), checkIn("parent-present")],
  left: [approve, checkIn("left-school"), checkIn("arrived"), checkIn("parent-present"), checkIn("left")],
  recorded: [approve, checkIn("left-school"), checkIn("arrived"), checkIn("parent-present"), checkIn("left"), [{ type: "recordOutcome", record: FULL_RECORD }, actor("visitor")]],
  cancelled: [[{ type: "cancel", reason: "Family moved away." }, actor("visitor")]],
};

export function visitIn(status: VisitStatus, policy: PolicyProfile, details: VisitDetails = pairDetails()): Visit {
  const visit = apply(requestedVisit(policy, details), policy, PATH_TO[status], new Date(NOW.getTime() + 60_000)).visit;
  if (visit.status !== status) throw new Error(`path to ${status} ended in ${visit.status}`);
  return visit;
}

/** Who plays each part on a visit: the fixture's people, or a seed school's. */
export interface Cast {
  visitor: Actor;
  second: Actor;
  approver: Actor;
}

/**
 * A school's cast: its first two home visitors who answer for no alerts (so a test of "who may respond" is not
 * muddled by a deputy DSL who also visits) and an approver who does not visit.
 */
export function castOf(policy: PolicyProfile): Cast {
  const asActor = (p: PolicyProfile["people"][number]): Actor => ({ id: p.aadObjectId, name: p.displayName });
  const visitors = policy.people.filter((p) => p.roles.includes("visitor") && !p.roles.some((role) => responderRoles("overdue").includes(role)));
  const approver = policy.people.find(
    (p) => !p.roles.includes("visitor") && p.roles.some((role) => policy.authorisation.approverRoles.includes(role)),
  );
  const [visitor, second] = visitors;
  if (!visitor || !second || !approver) throw new Error(`${policy.school.name} has no cast of two visitors and an approver`);
  return { visitor: asActor(visitor), second: asActor(second), approver: asActor(approver) };
}

/** The shortest ordinary path to each status under this profile (no "left-school" when it is switched off). */
export function pathFor(status: VisitStatus, policy: PolicyProfile, cast: Cast = castOf(policy)): Step[] {
  const approve: Step = [{ type: "approve" }, cast.approver];
  const checkIn = (step: Extract<VisitCommand, { type: "checkIn" }>["step"]): Step => [{ type: "checkIn", step }, cast.visitor];
  const setOff = policy.checkIns.leavingSchool ? [checkIn("left-school")] : [];
  const atTheDoor = [approve, ...setOff, checkIn("arrived")];
  const paths: Record<VisitStatus, Step[]> = {
    requested: [],
    "changes-requested": [[{ type: "requestChanges", note: "Please add the known risks." }, cast.approver]],
    approved: [approve],
    declined: [[{ type: "decline", note: "Not needed: the family is coming in." }, cast.approver]],
    "on-the-way": [approve, checkIn("left-school")],
    arrived: atTheDoor,
    "waiting-for-parent": [...atTheDoor, checkIn("parent-absent")],
    "in-visit": [...atTheDoor, checkIn("parent-present")],
    left: [...atTheDoor, checkIn("parent-present"), checkIn("left")],
    recorded: [...atTheDoor, checkIn("parent-present"), checkIn("left"), [{ type: "recordOutcome", record: FULL_RECORD }, cast.visitor]],
    cancelled: [[{ type: "cancel", reason: "Family moved away." }, cast.visitor]],
  };
  return paths[status];
}

/**
 * A paired visit in `status` under any profile, seed or fixture: requested at `at` (default NOW) by the cast's
 * visitor, then each step on the path a minute after the last.
 */
export function visitFor(
  status: VisitStatus,
  policy: PolicyProfile,
  options: { cast?: Cast; details?: Partial<VisitDetails>; at?: Date } = {},
): Visit {
  const cast = options.cast ?? castOf(policy);
  const at = options.at ?? NOW;
  const details = pairDetails({ staffing: { mode: "pair", secondStaffId: cast.second.id }, ...options.details });
  const requested = apply(undefined, policy, [[{ type: "request", visitId: VISIT_ID, details }, cast.visitor]], at).visit;
  const visit = apply(requested, policy, pathFor(status, policy, cast), new Date(at.getTime() + 60_000)).visit;
  if (visit.status !== status) throw new Error(`path to ${status} ended in ${visit.status}`);
  return visit;
}

/** A wall-clock time ("10:10" or "10:00:05") on 23 November 2026 (GMT, so also UTC), moved by some milliseconds. */
export const T = (time: string, ms = 0, date = "2026-11-23") => new Date(Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}.000Z`) + ms);
export const iso = (time: string, ms = 0, date?: string) => T(time, ms, date).toISOString();

/** The person in this school's profile with this display name, as an actor. */
export function person(policy: PolicyProfile, name: string): Actor {
  const found = policy.people.find((p) => p.displayName === name);
  if (!found) throw new Error(`${policy.school.name} has nobody called ${name}`);
  return { id: found.aadObjectId, name: found.displayName };
}

/** Any command but a new request: what is done to a visit that exists. */
export type Command = Exclude<VisitCommand, { type: "request" }>;

/** One command at one instant: what decide said, the events, and the visit after them (unchanged if refused). */
export function run(visit: Visit, policy: PolicyProfile, command: Command, by: Actor, when: Date) {
  const decided = decide(visit, command, by, policy, when);
  const events: VisitEvent[] = decided.ok ? decided.events : [];
  return { decided, events, visit: events.reduce<Visit>((v, e) => evolve(v, e), visit) };
}

/** The sweeper's visit at one instant. */
export const sweep = (visit: Visit, policy: PolicyProfile, when: Date) => run(visit, policy, { type: "sweep" }, SYSTEM, when);
