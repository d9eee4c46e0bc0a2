import type { Alert } from "../../../src/domain/alert";
import { SYSTEM } from "../../../src/domain/alert";
import type { VisitRecord } from "../../../src/domain/record";
import type { Actor, CheckInStep, Visit, VisitDetails, VisitEvent, VisitStatus } from "../../../src/domain/visit";
import type { VisitCommand } from "../../../src/domain/visit.decide";
import { decide } from "../../../src/domain/visit.decide";
import { evolve, replay } from "../../../src/domain/visit.evolve";
import type { PolicyProfile } from "../../../src/policy/policy.schema";
import { actor, people } from "../../support/policy-fixture";

/** Fictional visit data only. */
export const VISIT_ID = "019ab3c4-7b1e-7c2d-9a55-0e9d8c3f6c2a";

export function pairDetails(change: Partial<VisitDetails> = {}): VisitDetails {
  return {
    pupilReference: "J.S. Y4",
    address: "12 Example Lane, Testbury TE1 2ST",
    purposeId: "attendance",
    date: "2026-11-23",
    start: "09:30",
    end: "10:30",
    entry: "doorstep",
    staffing: { mode: "pair", secondStaffId: people.secondVisitor.aadObjectId },
    announced: true,
    knownRisks: "Large dog in the garden",
    ...change,
  };
}

export function loneDetails(change: Partial<VisitDetails> = {}): VisitDetails {
  return pairDetails({ staffing: { mode: "lone", riskAssessment: "Doorstep only; office has my route." }, ...change });
}

const at = (hhmm: string) => `2026-11-23T${hhmm}:00.000Z`; // November: London is on GMT, so UTC = London time.

const requested = (details: VisitDetails): VisitEvent => ({
  type: "visit.requested",
  at: "2026-11-20T15:00:00.000Z",
  actor: actor("visitor"),
  visitId: VISIT_ID,
  schoolId: "test-school",
  details,
  startsAt: at(details.start),
  endsAt: at(details.end),
});
const approved: VisitEvent = { type: "visit.approved", at: "2026-11-20T16:05:00.000Z", actor: actor("head"), note: "Take the office mobile." };
const checkIn = (step: CheckInStep, hhmm: string): VisitEvent => ({ type: "visit.checkedIn", at: at(hhmm), actor: actor("visitor"), step });

/** A fictional record of the fixture visit, as the visitor made it at 10:45. */
export const fixtureRecord: VisitRecord = {
  outcome: "seen",
  summary: "Spoke with the parent about attendance; fictional.",
  agreements: [
    { text: "J.S. to attend every day next week", followUpBy: "2026-11-30", actions: [] },
    { text: "Parent to call the office on any absence", actions: [] },
  ],
  concerns: "None",
  followUpActions: "Check the register on Friday",
  recordedBy: actor("visitor"),
  recordedAt: at("10:45"),
};
const recorded: VisitEvent = { type: "visit.recorded", at: at("10:45"), actor: actor("visitor"), record: fixtureRecord };

/** The events that bring a visit to each status, as the domain would have recorded them. */
const HISTORY: Record<VisitStatus, VisitEvent[]> = {
  requested: [],
  "changes-requested": [{ type: "visit.changesRequested", at: "2026-11-20T16:05:00.000Z", actor: actor("head"), note: "Please go as a pair." }],
  approved: [approved],
  declined: [{ type: "visit.declined", at: "2026-11-20T16:05:00.000Z", actor: actor("head"), note: "The family is moving school." }],
  "on-the-way": [approved, checkIn("left-school", "09:10")],
  arrived: [approved, checkIn("left-school", "09:10"), checkIn("arrived", "09:31")],
  "waiting-for-parent": [approved, checkIn("left-school", "09:10"), checkIn("arrived", "09:31"), checkIn("parent-absent", "09:32")],
  "in-visit": [approved, checkIn("left-school", "09:10"), checkIn("arrived", "09:31"), checkIn("parent-present", "09:33")],
  left: [approved, checkIn("left-school", "09:10"), checkIn("arrived", "09:31"), checkIn("parent-present", "09:33"), checkIn("left", "10:20")],
  recorded: [approved, checkIn("left-school", "09:10"), checkIn("arrived", "09:31"), checkIn("parent-present", "09:33"), checkIn("left", "10:20"), recorded],
  cancelled: [{ type: "visit.cancelled", at: "2026-11-21T08:10:00.000Z", actor: actor("visitor"), reason: "The meeting moved to school." }],
};

export function visitIn(status: VisitStatus, details: VisitDetails = pairDetails()): Visit {
  const visit = replay([requested(details), ...HISTORY[status]]);
  if (!visit || visit.status !== status) throw new Error(`fixture did not reach ${status}`);
  return visit;
}

/**
 * Safety alerts on a fixture visit, raised and handled through the domain's own decide(), so the cards are
 * tested against alerts exactly as the server records them.
 */
export function acted(visit: Visit, command: Exclude<VisitCommand, { type: "request" }>, who: Actor, at: string, policy: PolicyProfile): Visit {
  const decided = decide(visit, command, who, policy, new Date(at));
  if (!decided.ok) throw new Error(`fixture command ${command.type} refused: ${decided.refusal.message}`);
  return decided.events.reduce<Visit>((v, e) => evolve(v, e), visit);
}

/** The visit with an overdue alert raised by the sweeper at `at` (which must be past a deadline plus grace). */
export function withOverdue(visit: Visit, policy: PolicyProfile, at: string): Visit {
  return acted(visit, { type: "sweep" }, SYSTEM, at, policy);
}

/** The most recent alert on a visit. */
export function lastAlert(visit: Visit): Alert {
  const alert = visit.alerts[visit.alerts.length - 1];
  if (!alert) throw new Error("fixture visit has no alert");
  return alert;
}

/** "2026-11-23T10:05:00.000Z" for "10:05" on the fixture day (GMT, so London time). */
export const onVisitDay = at;

/** The fixture visit with these events applied after it reached its status (a parent late, a call-off…). */
export function withEvents(visit: Visit, ...events: VisitEvent[]): Visit {
  return events.reduce<Visit>((v, e) => evolve(v, e), visit);
}

/** Event builders for the door (R11–R14) and after the visit (R22, R24), by the fixture visitor unless told. */
export const events = {
  checkIn: (step: CheckInStep, hhmm: string, who: Actor = actor("visitor")): VisitEvent => ({ type: "visit.checkedIn", at: at(hhmm), actor: who, step }),
  waitLimitReached: (hhmm: string): VisitEvent => ({ type: "visit.waitLimitReached", at: at(hhmm), actor: SYSTEM }),
  calledOff: (reason: "parent-absent" | "parent-late" | "animals" | "unsafe", hhmm: string, note?: string): VisitEvent => ({
    type: "visit.calledOff",
    at: at(hhmm),
    actor: reason === "parent-late" ? SYSTEM : actor("visitor"),
    reason,
    ...(note ? { note } : {}),
  }),
  incident: (kind: "incident" | "physical-intervention", hhmm: string, note: string): VisitEvent => ({ type: "incident.reported", at: at(hhmm), actor: actor("visitor"), kind, note }),
};

/** The fixture visit, arrived at 09:31, then told the parent is running late at 09:32. */
export function parentLateVisit(details: VisitDetails = pairDetails()): Visit {
  return withEvents(visitIn("arrived", details), events.checkIn("parent-late", "09:32"));
}
