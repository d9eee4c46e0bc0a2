import type { VisitCommand } from "../../src/domain/visit.decide";
import { decide, describeStatus, nextCheckInSteps, SAME_TAP_WINDOW_MS } from "../../src/domain/visit.decide";
import { evolve, replay } from "../../src/domain/visit.evolve";
import type { CheckInStep, Visit, VisitEvent, VisitEventType, VisitStatus } from "../../src/domain/visit";
import { CHECK_IN_STEPS, VISIT_STATUSES, visitorsOf, visitReference } from "../../src/domain/visit";
import { SYSTEM } from "../../src/domain/alert";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { apply, FULL_RECORD, loneDetails, NOW, pairDetails, requestedVisit, VISIT_ID, visitIn } from "./visit.builders";

const policy = testPolicy();
const LATER = new Date("2026-11-23T09:30:00.000Z");

/**
 * Every command that moves a visit along, each from the person who would ordinarily send it. The safety net's
 * commands (sweep, help, concerns, alerts) are tabled in escalation.test.ts; calling off at the door is tabled here
 * with "unsafe", the one reason that needs no timer.
 */
type CommandKey =
  | "amend"
  | "approve"
  | "decline"
  | "requestChanges"
  | `checkIn:${CheckInStep}`
  | "cancel"
  | "callOff:unsafe"
  | "recordOutcome"
  | "reportIncident";
const COMMANDS: Record<CommandKey, { command: Exclude<VisitCommand, { type: "request" }>; by: keyof typeof people }> = {
  amend: { command: { type: "amend", details: pairDetails({ end: "11:30" }) }, by: "visitor" },
  approve: { command: { type: "approve", note: "Go in pairs." }, by: "head" },
  decline: { command: { type: "decline", note: "Phone instead." }, by: "head" },
  requestChanges: { command: { type: "requestChanges", note: "Add the known risks." }, by: "head" },
  ...(Object.fromEntries(CHECK_IN_STEPS.map((step) => [`checkIn:${step}`, { command: { type: "checkIn", step }, by: "visitor" }])) as Record<
    `checkIn:${CheckInStep}`,
    { command: Exclude<VisitCommand, { type: "request" }>; by: keyof typeof people }
  >),
  cancel: { command: { type: "cancel", reason: "  Parent rang to rearrange.  " }, by: "visitor" },
  "callOff:unsafe": { command: { type: "callOff", reason: "unsafe", note: "Shouting inside; we left." }, by: "visitor" },
  recordOutcome: { command: { type: "recordOutcome", record: FULL_RECORD }, by: "visitor" },
  reportIncident: { command: { type: "reportIncident", kind: "incident", note: "A sibling threw a toy at the window." }, by: "visitor" },
};

/** The allowed transitions: command → status before → [event, status after]. Everything else is refused. */
const ALLOWED: Record<CommandKey, Partial<Record<VisitStatus, [VisitEventType, VisitStatus]>>> = {
  amend: {
    requested: ["visit.amended", "requested"],
    "changes-requested": ["visit.amended", "requested"],
    approved: ["visit.amended", "requested"],
  },
  approve: { requested: ["visit.approved", "approved"] },
  decline: { requested: ["visit.declined", "declined"] },
  requestChanges: { requested: ["visit.changesRequested", "changes-requested"] },
  "checkIn:left-school": { approved: ["visit.checkedIn", "on-the-way"] },
  "checkIn:arrived": { approved: ["visit.checkedIn", "arrived"], "on-the-way": ["visit.checkedIn", "arrived"] },
  "checkIn:parent-present": { arrived: ["visit.checkedIn", "in-visit"] },
  "checkIn:parent-absent": { arrived: ["visit.checkedIn", "waiting-for-parent"] },
  "checkIn:parent-late": { arrived: ["visit.checkedIn", "waiting-for-parent"] },
  "checkIn:parent-arrived": { "waiting-for-parent": ["visit.checkedIn", "in-visit"] },
  "checkIn:safe": {
    "on-the-way": ["visit.checkedIn", "on-the-way"],
    arrived: ["visit.checkedIn", "arrived"],
    "waiting-for-parent": ["visit.checkedIn", "waiting-for-parent"],
    "in-visit": ["visit.checkedIn", "in-visit"],
  },
  "checkIn:left": {
    "on-the-way": ["visit.checkedIn", "left"],
    arrived: ["visit.checkedIn", "left"],
    "waiting-for-parent": ["visit.checkedIn", "left"],
    "in-visit": ["visit.checkedIn", "left"],
  },
  cancel: {
    requested: ["visit.cancelled", "cancelled"],
    "changes-requested": ["visit.cancelled", "cancelled"],
    approved: ["visit.cancelled", "cancelled"],
  },
  "callOff:unsafe": {
    arrived: ["visit.calledOff", "arrived"],
    "waiting-for-parent": ["visit.calledOff", "waiting-for-parent"],
    "in-visit": ["visit.calledOff", "in-visit"],
  },
  recordOutcome: { left: ["visit.recorded", "recorded"] },
  reportIncident: Object.fromEntries(
    (["approved", "on-the-way", "arrived", "waiting-for-parent", "in-visit", "left", "recorded", "cancelled"] as const).map((status) => [
      status,
      ["incident.reported", status],
    ]),
  ),
};

/** How a refusal names each status. */
const SAID: Record<VisitStatus, string> = {
  requested: "waiting for approval",
  "changes-requested": "waiting for changes",
  approved: "approved",
  declined: "declined",
  "on-the-way": "on the way",
  arrived: "at the address",
  "waiting-for-parent": "waiting for the parent",
  "in-visit": "in progress",
  left: "finished (left safely)",
  recorded: "finished and recorded",
  cancelled: "cancelled",
};

/** The refusal expected for a command the table does not allow. */
function expectedRefusal(key: CommandKey, status: VisitStatus): { code: string; message: string } {
  if (key === "amend") return { code: "wrong-step", message: `This visit can no longer be changed: it is ${SAID[status]}.` };
  if (key === "approve" || key === "decline" || key === "requestChanges") {
    if (status === "cancelled") return { code: "wrong-step", message: "This visit is cancelled; there is nothing to decide." };
    const how = status === "changes-requested" ? "sent back for changes" : status === "declined" ? "declined" : "approved";
    return { code: "already-decided", message: `Already ${how} by Jo Fenwick.` };
  }
  if (key === "cancel") return { code: "wrong-step", message: `This visit is ${SAID[status]} and cannot be cancelled now.` };
  if (key === "callOff:unsafe") return { code: "wrong-step", message: `That does not fit now: the visit is ${SAID[status]}.` };
  if (key === "recordOutcome") {
    if (status === "recorded") return { code: "finished", message: "Already recorded by Alex Rivers." };
    return { code: "wrong-step", message: "Record the visit once you have left the address." };
  }
  if (key === "reportIncident") return { code: "wrong-step", message: "This visit has not taken place." };
  if (status === "requested" || status === "changes-requested") {
    return { code: "wrong-step", message: "This visit has not been approved yet. Do not set off until it is." };
  }
  if (status === "left" || status === "recorded" || status === "cancelled" || status === "declined") {
    return { code: "finished", message: `This visit is ${SAID[status]}; no more check-ins are needed.` };
  }
  return { code: "wrong-step", message: `That check-in does not fit now: the visit is ${SAID[status]}.` };
}

const only = <T>(items: readonly T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};

describe("every command in every status (table)", () => {
  const cases = (Object.keys(COMMANDS) as CommandKey[]).flatMap((key) => VISIT_STATUSES.map((status) => [key, status] as const));

  it.each(cases)("%s on a visit that is %s", (key, status) => {
    const visit = visitIn(status, policy);
    const { command, by } = COMMANDS[key];
    const decided = decide(visit, command, actor(by), policy, LATER);
    const allowed = ALLOWED[key][status];
    if (!allowed) {
      expect(decided).toEqual({ ok: false, refusal: expectedRefusal(key, status) });
      return;
    }
    if (!decided.ok) throw new Error(`refused: ${decided.refusal.message}`);
    const event = only(decided.events);
    expect(event.type).toBe(allowed[0]);
    expect(event.at).toBe(LATER.toISOString());
    expect(event.actor).toEqual(actor(by));
    const after = evolve(visit, event);
    expect(after.status).toBe(allowed[1]);
    expect(after.version).toBe(visit.version + 1);
  });

  it("the table covers every status and every check-in step", () => {
    expect(cases).toHaveLength((9 + CHECK_IN_STEPS.length - 1) * VISIT_STATUSES.length);
    for (const status of VISIT_STATUSES) expect(visitIn(status, policy).status).toBe(status);
  });
});

describe("request", () => {
  it("a home visitor's request records who asked, when, and the UTC instants of the London times", () => {
    const decided = decide(undefined, { type: "request", visitId: VISIT_ID, details: pairDetails() }, actor("visitor"), policy, NOW);
    expect(decided).toEqual({
      ok: true,
      events: [
        {
          type: "visit.requested",
          at: NOW.toISOString(),
          actor: actor("visitor"),
          visitId: VISIT_ID,
          schoolId: "test-school",
          details: pairDetails(),
          startsAt: "2026-11-23T10:00:00.000Z",
          endsAt: "2026-11-23T11:00:00.000Z",
        },
      ],
    });
    const visit = evolve(undefined, (decided as { events: VisitEvent[] }).events[0]!);
    expect(visit).toEqual({
      id: VISIT_ID,
      schoolId: "test-school",
      version: 1,
      alerts: [],
      incidents: [],
      status: "requested",
      requestedBy: actor("visitor"),
      requestedAt: NOW.toISOString(),
      details: pairDetails(),
      startsAt: "2026-11-23T10:00:00.000Z",
      endsAt: "2026-11-23T11:00:00.000Z",
    });
  });

  it("a summer visit's instants are an hour behind the London times", () => {
    const visit = requestedVisit(policy, pairDetails({ date: "2026-07-01", start: "09:00", end: "10:30" }));
    expect([visit.startsAt, visit.endsAt]).toEqual(["2026-07-01T08:00:00.000Z", "2026-07-01T09:30:00.000Z"]);
  });

  const refusedRequest = (details = pairDetails(), who: keyof typeof people = "visitor", profile = policy) =>
    decide(undefined, { type: "request", visitId: VISIT_ID, details }, actor(who), profile, NOW);

  it.each(["office", "head", "outsider"] as const)("is refused for someone who is not one of the school's home visitors (%s)", (who) => {
    expect(refusedRequest(pairDetails(), who)).toEqual({
      ok: false,
      refusal: { code: "not-allowed", message: "You are not listed as a home visitor for Test Primary School. Ask your school's admin to add you." },
    });
  });

  it("is refused for a purpose not on the school's list (R02)", () => {
    expect(refusedRequest(pairDetails({ purposeId: "shopping" }))).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "Choose one of the school's purposes for a home visit." },
    });
  });

  it.each([
    ["before", "09:00"],
    ["at", "10:00"],
  ])("is refused when the end is %s the start", (_when, end) => {
    expect(refusedRequest(pairDetails({ end }))).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "The expected end must be after the start." },
    });
  });

  it("is refused when the second member of staff is the requester", () => {
    const details = pairDetails({ staffing: { mode: "pair", secondStaffId: people.visitor.aadObjectId } });
    expect(refusedRequest(details)).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "The second member of staff must be someone else." },
    });
  });

  it.each([
    ["not in the profile at all", people.outsider.aadObjectId],
    ["in the profile but not a home visitor", people.office.aadObjectId],
  ])("is refused when the second member of staff is %s", (_why, secondStaffId) => {
    expect(refusedRequest(pairDetails({ staffing: { mode: "pair", secondStaffId } }))).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "The second member of staff is not one of the school's home visitors." },
    });
  });

  describe("Entra object ids are lower case (the profile loader lowercases them)", () => {
    const alex = { id: "abcdef01-0000-4000-8000-00000000000a", name: "Alex Rivers" };
    const sam = "abcdef02-0000-4000-8000-00000000000b";
    const capitals = testPolicy((p) => {
      p.people = [
        { aadObjectId: alex.id.toUpperCase(), displayName: "Alex Rivers", roles: ["visitor"] },
        { aadObjectId: sam.toUpperCase(), displayName: "Sam Moss", roles: ["visitor"] },
        { ...people.head, roles: ["headteacher", "slt"] },
        { ...people.office, roles: ["office"] },
      ];
    });
    const request = (secondStaffId: string) =>
      decide(undefined, { type: "request", visitId: VISIT_ID, details: pairDetails({ staffing: { mode: "pair", secondStaffId } }) }, alex, capitals, NOW);

    it("a profile written in capitals still knows its people by their lower-case ids", () => {
      expect(request(sam)).toMatchObject({ ok: true });
    });

    it("the requester named again in capitals as the second member of staff matches nobody, so the request is refused rather than passing as a pair", () => {
      expect(request(alex.id.toUpperCase())).toMatchObject({ ok: false, refusal: { code: "invalid-request" } });
    });
  });

  it.each(["", "   "])("is refused for a lone visit without a risk assessment (%j) when the profile requires one (R03)", (riskAssessment) => {
    expect(refusedRequest(loneDetails({ staffing: { mode: "lone", riskAssessment } }))).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "A lone visit needs a lone-working risk assessment." },
    });
  });

  it("accepts a lone visit without a risk assessment when the profile does not require one", () => {
    const relaxed = testPolicy((p) => {
      p.loneWorking.riskAssessmentRequired = false;
    });
    expect(refusedRequest(loneDetails({ staffing: { mode: "lone", riskAssessment: "" } }), "visitor", relaxed)).toMatchObject({ ok: true });
  });

  it.each([undefined, "", "  "])("is refused for an unannounced visit without a reason (%j) (R04)", (unannouncedReason) => {
    const details = pairDetails({ announced: false, ...(unannouncedReason === undefined ? {} : { unannouncedReason }) });
    expect(refusedRequest(details)).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "An unannounced visit needs a reason (for example an emergency or a welfare concern)." },
    });
  });

  it("accepts an unannounced visit with a reason, or without one when the profile does not ask for it", () => {
    expect(refusedRequest(pairDetails({ announced: false, unannouncedReason: "Welfare concern" }))).toMatchObject({ ok: true });
    const relaxed = testPolicy((p) => {
      p.announcement.unannouncedNeedsReason = false;
    });
    expect(refusedRequest(pairDetails({ announced: false }), "visitor", relaxed)).toMatchObject({ ok: true });
  });

  it("is refused when the visit already exists", () => {
    const visit = requestedVisit(policy);
    expect(decide(visit, { type: "request", visitId: VISIT_ID, details: pairDetails() }, actor("visitor"), policy, NOW)).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "This visit has already been requested." },
    });
  });

  it("any other command on a visit that does not exist is refused", () => {
    expect(decide(undefined, { type: "approve" }, actor("head"), policy, NOW)).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "That visit does not exist." },
    });
  });
});

describe("approve, decline, send back for changes (R01, R03)", () => {
  const decisionCommands = [
    ["approve", "visit.approved", "approved"],
    ["decline", "visit.declined", "declined"],
    ["requestChanges", "visit.changesRequested", "changes-requested"],
  ] as const;

  it.each(decisionCommands)("%s by the approver records the decision, who made it, when, and the note", (type, eventType, outcome) => {
    const visit = requestedVisit(policy);
    const decided = decide(visit, { type, note: "Checked." }, actor("head"), policy, LATER);
    expect(decided).toEqual({ ok: true, events: [{ type: eventType, at: LATER.toISOString(), actor: actor("head"), note: "Checked." }] });
    const after = evolve(visit, only((decided as { events: VisitEvent[] }).events));
    expect(after.decision).toEqual({ outcome, by: actor("head"), at: LATER.toISOString(), note: "Checked." });
  });

  it("a decision without a note records no note", () => {
    const decided = decide(requestedVisit(policy), { type: "approve", note: "" }, actor("head"), policy, LATER);
    expect(decided).toEqual({ ok: true, events: [{ type: "visit.approved", at: LATER.toISOString(), actor: actor("head") }] });
  });

  it.each(decisionCommands)("%s is refused for someone without the approver role", (type) => {
    for (const who of ["dsl", "office", "visitor", "secondVisitor", "outsider"] as const) {
      expect(decide(requestedVisit(policy), { type }, actor(who), policy, LATER)).toEqual({
        ok: false,
        refusal: { code: "not-allowed", message: "Only the headteacher can decide this visit." },
      });
    }
  });

  it("names every approver role in the refusal", () => {
    const two = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "dsl"];
    });
    expect(decide(requestedVisit(two), { type: "approve" }, actor("office"), two, LATER)).toEqual({
      ok: false,
      refusal: { code: "not-allowed", message: "Only the headteacher or the DSL can decide this visit." },
    });
  });

  describe("a lone visit is decided by the role the profile names for lone working", () => {
    const dslDecides = testPolicy((p) => {
      p.loneWorking.loneVisitDecidedBy = ["dsl"];
    });

    it("an ordinary approver without that role is refused", () => {
      expect(decide(requestedVisit(dslDecides, loneDetails()), { type: "approve" }, actor("head"), dslDecides, LATER)).toEqual({
        ok: false,
        refusal: { code: "not-allowed", message: "Only the DSL can decide this lone visit." },
      });
    });

    it("the named role may approve it", () => {
      expect(decide(requestedVisit(dslDecides, loneDetails()), { type: "approve" }, actor("dsl"), dslDecides, LATER)).toMatchObject({ ok: true });
    });

    it("the lone-working role does not decide paired visits", () => {
      expect(decide(requestedVisit(dslDecides), { type: "approve" }, actor("dsl"), dslDecides, LATER)).toMatchObject({
        ok: false,
        refusal: { code: "not-allowed" },
      });
    });
  });

  it.each(decisionCommands)("%s of a visit you are going on yourself is refused", (type) => {
    const headVisits = testPolicy((p) => {
      p.people = p.people.map((person) => (person.aadObjectId === people.head.aadObjectId ? { ...person, roles: ["headteacher", "visitor"] } : person));
    });
    const visit = requestedVisit(headVisits, pairDetails(), actor("head"));
    expect(decide(visit, { type }, actor("head"), headVisits, LATER)).toEqual({
      ok: false,
      refusal: { code: "not-allowed", message: "You cannot decide a visit you are going on yourself." },
    });
  });

  describe("deciding twice names who decided first", () => {
    const twoApprovers = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "dsl"];
    });
    it.each([
      ["approve", "approved"],
      ["decline", "declined"],
      ["requestChanges", "sent back for changes"],
    ] as const)("after %s, every further decision is already-decided: %s by Jo Fenwick", (first, said) => {
      const visit = apply(requestedVisit(twoApprovers), twoApprovers, [[{ type: first }, actor("head")]]).visit;
      for (const second of ["approve", "decline", "requestChanges"] as const) {
        expect(decide(visit, { type: second }, actor("dsl"), twoApprovers, LATER)).toEqual({
          ok: false,
          refusal: { code: "already-decided", message: `Already ${said} by Jo Fenwick.` },
        });
      }
    });
  });
});

describe("amend (R25)", () => {
  const amended = pairDetails({ start: "13:00", end: "14:00", address: "2 Example Road, Testtown" });

  it("only the member of staff who asked may change the visit", () => {
    for (const who of ["secondVisitor", "head", "office"] as const) {
      expect(decide(requestedVisit(policy), { type: "amend", details: amended }, actor(who), policy, LATER)).toEqual({
        ok: false,
        refusal: { code: "not-allowed", message: "Only the member of staff who asked for this visit can change it." },
      });
    }
  });

  it("records the new details and their instants", () => {
    const decided = decide(requestedVisit(policy), { type: "amend", details: amended }, actor("visitor"), policy, LATER);
    expect(decided).toEqual({
      ok: true,
      events: [
        {
          type: "visit.amended",
          at: LATER.toISOString(),
          actor: actor("visitor"),
          details: amended,
          startsAt: "2026-11-23T13:00:00.000Z",
          endsAt: "2026-11-23T14:00:00.000Z",
        },
      ],
    });
  });

  it("after approval returns the visit to requested and drops the decision, so it is approved again", () => {
    const approved = visitIn("approved", policy);
    const { visit } = apply(approved, policy, [[{ type: "amend", details: amended }, actor("visitor")]]);
    expect(visit.status).toBe("requested");
    expect(visit.decision).toBeUndefined();
    expect(visit.details).toEqual(amended);
    expect([visit.startsAt, visit.endsAt]).toEqual(["2026-11-23T13:00:00.000Z", "2026-11-23T14:00:00.000Z"]);
    expect(decide(visit, { type: "approve" }, actor("head"), policy, LATER)).toMatchObject({ ok: true });
  });

  it("is refused once the visitor has set off", () => {
    for (const status of ["on-the-way", "arrived", "in-visit"] as const) {
      expect(decide(visitIn(status, policy), { type: "amend", details: amended }, actor("visitor"), policy, LATER)).toMatchObject({
        ok: false,
        refusal: { code: "wrong-step" },
      });
    }
  });

  it("checks the new details as a request would", () => {
    expect(decide(requestedVisit(policy), { type: "amend", details: pairDetails({ purposeId: "nope" }) }, actor("visitor"), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "Choose one of the school's purposes for a home visit." },
    });
  });
});

describe("check-ins (R10, R11, R15, R16)", () => {
  it("is refused for someone not on the visit, even an approver", () => {
    for (const who of ["head", "office", "outsider"] as const) {
      expect(decide(visitIn("approved", policy), { type: "checkIn", step: "arrived" }, actor(who), policy, LATER)).toEqual({
        ok: false,
        refusal: { code: "not-allowed", message: "Only the staff on this visit can check in for it." },
      });
    }
  });

  it("the second member of staff on a paired visit may check in", () => {
    const decided = decide(visitIn("approved", policy), { type: "checkIn", step: "arrived" }, actor("secondVisitor"), policy, LATER);
    expect(decided).toEqual({ ok: true, events: [{ type: "visit.checkedIn", at: LATER.toISOString(), actor: actor("secondVisitor"), step: "arrived" }] });
  });

  it("before approval is refused with a warning not to set off", () => {
    expect(decide(requestedVisit(policy), { type: "checkIn", step: "left-school" }, actor("visitor"), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "wrong-step", message: "This visit has not been approved yet. Do not set off until it is." },
    });
  });

  it("after the visitor has left is refused as finished", () => {
    expect(decide(visitIn("left", policy), { type: "checkIn", step: "safe" }, actor("visitor"), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "finished", message: "This visit is finished (left safely); no more check-ins are needed." },
    });
  });

  it.each([
    ["approved", "parent-present"],
    ["approved", "left"],
    ["on-the-way", "left-school"],
    ["arrived", "arrived"],
    ["arrived", "parent-arrived"],
    ["in-visit", "parent-absent"],
    ["waiting-for-parent", "parent-present"],
  ] as const)("out of order: %s then %s is refused", (status, step) => {
    expect(decide(visitIn(status, policy), { type: "checkIn", step }, actor("visitor"), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "wrong-step", message: `That check-in does not fit now: the visit is ${SAID[status]}.` },
    });
  });

  it("'left-school' is not offered, and is refused, when the profile switches it off", () => {
    const noLeavingSchool = testPolicy((p) => {
      p.checkIns.leavingSchool = false;
    });
    const visit = visitIn("approved", noLeavingSchool);
    expect(nextCheckInSteps(visit, noLeavingSchool)).toEqual(["arrived"]);
    expect(decide(visit, { type: "checkIn", step: "left-school" }, actor("visitor"), noLeavingSchool, LATER)).toMatchObject({
      ok: false,
      refusal: { code: "wrong-step" },
    });
  });

  it("'parent-absent' is not offered, and is refused, when parentAbsent.mode is off", () => {
    const off = testPolicy((p) => {
      p.parentAbsent = { mode: "off" };
    });
    const visit = visitIn("arrived", off);
    expect(nextCheckInSteps(visit, off)).toEqual(["parent-present", "parent-late", "safe", "left"]);
    expect(decide(visit, { type: "checkIn", step: "parent-absent" }, actor("visitor"), off, LATER)).toMatchObject({
      ok: false,
      refusal: { code: "wrong-step" },
    });
  });

  it("'parent-late' is not offered, and is refused, when the profile has no late-parent limit (R12)", () => {
    const noLimit = testPolicy((p) => {
      p.parentLate = null;
    });
    const visit = visitIn("arrived", noLimit);
    expect(nextCheckInSteps(visit, noLimit)).toEqual(["parent-present", "parent-absent", "safe", "left"]);
    expect(decide(visit, { type: "checkIn", step: "parent-late" }, actor("visitor"), noLimit, LATER)).toMatchObject({
      ok: false,
      refusal: { code: "wrong-step" },
    });
  });

  it("'parent-late' starts the late clock and waits outside; 'parent-arrived' moves into the visit with an adult present", () => {
    const entering = pairDetails({ entry: "enter" });
    const late = apply(visitIn("arrived", policy, entering), policy, [[{ type: "checkIn", step: "parent-late" }, actor("visitor")]], LATER).visit;
    expect(late.status).toBe("waiting-for-parent");
    expect(late.parentLateSince).toBe(LATER.toISOString());
    expect(late.parentAbsentSince).toBeUndefined();
    const inVisit = apply(late, policy, [[{ type: "checkIn", step: "parent-arrived" }, actor("visitor")]], LATER).visit;
    expect(inVisit.status).toBe("in-visit");
    expect(inVisit.adultPresentAt).toBe(LATER.toISOString());
  });

  it("'parent-absent' is offered when the profile says enquire and leave a card", () => {
    const enquire = testPolicy((p) => {
      p.parentAbsent = { mode: "enquire-and-leave-card", guidance: "Ask a neighbour; leave a card." };
    });
    expect(nextCheckInSteps(visitIn("arrived", enquire), enquire)).toContain("parent-absent");
  });

  it("'safe' keeps the status but records when and from whom the school last heard", () => {
    const visit = visitIn("in-visit", policy);
    const { visit: after } = apply(visit, policy, [[{ type: "checkIn", step: "safe" }, actor("secondVisitor")]], LATER);
    expect(after.status).toBe("in-visit");
    expect(after.lastCheckIn).toEqual({ step: "safe", at: LATER.toISOString(), by: actor("secondVisitor") });
    expect(after.version).toBe(visit.version + 1);
  });

  it("'parent-absent' starts the wait clock; 'parent-arrived' moves into the visit", () => {
    const arrived = visitIn("arrived", policy);
    const waiting = apply(arrived, policy, [[{ type: "checkIn", step: "parent-absent" }, actor("visitor")]], LATER).visit;
    expect(waiting.parentAbsentSince).toBe(LATER.toISOString());
    const inVisit = apply(waiting, policy, [[{ type: "checkIn", step: "parent-arrived" }, actor("visitor")]], LATER).visit;
    expect(inVisit.status).toBe("in-visit");
  });

  it("a visitor may go straight to 'arrived' from approved, skipping 'left-school'", () => {
    expect(apply(visitIn("approved", policy), policy, [[{ type: "checkIn", step: "arrived" }, actor("visitor")]]).visit.status).toBe("arrived");
  });
});

describe("the same check-in tapped again (a retry whose first write landed after its answer)", () => {
  /** When the visit's last check-in was made, and a time that many milliseconds after it. */
  const lastAt = (visit: Visit) => Date.parse(visit.lastCheckIn!.at);
  const after = (visit: Visit, ms: number) => new Date(lastAt(visit) + ms);

  it.each([
    ["arrived", "arrived"],
    ["waiting-for-parent", "parent-absent"],
    ["in-visit", "parent-present"],
    ["left", "left"],
  ] as const)("on a visit that is %s, '%s' again from the same person minutes later is accepted and records nothing new", (status, step) => {
    const visit = visitIn(status, policy);
    expect(visit.lastCheckIn).toMatchObject({ step, by: actor("visitor") });
    expect(decide(visit, { type: "checkIn", step }, actor("visitor"), policy, after(visit, 4 * 60_000))).toEqual({ ok: true, events: [] });
  });

  it("is a new check-in, refused as out of order, once the window has passed", () => {
    const visit = visitIn("arrived", policy);
    expect(decide(visit, { type: "checkIn", step: "arrived" }, actor("visitor"), policy, after(visit, SAME_TAP_WINDOW_MS + 1))).toEqual({
      ok: false,
      refusal: { code: "wrong-step", message: "That check-in does not fit now: the visit is at the address." },
    });
  });

  it("is not someone else's tap: the colleague on a paired visit is told the step does not fit", () => {
    const visit = visitIn("arrived", policy);
    expect(decide(visit, { type: "checkIn", step: "arrived" }, actor("secondVisitor"), policy, after(visit, 60_000))).toMatchObject({ ok: false, refusal: { code: "wrong-step" } });
  });

  it("a second \"I'm safe\" within minutes is the first one again, unless it answers an alarm raised since", () => {
    const safe = apply(visitIn("in-visit", policy), policy, [[{ type: "checkIn", step: "safe" }, actor("visitor")]], LATER).visit;
    expect(decide(safe, { type: "checkIn", step: "safe" }, actor("visitor"), policy, after(safe, 60_000))).toEqual({ ok: true, events: [] });

    const alarmed = evolve(safe, { type: "alert.raised", at: after(safe, 30_000).toISOString(), actor: SYSTEM, alert: { id: "A1", kind: "overdue", deadline: { kind: "periodic", due: safe.lastCheckIn!.at } } });
    const answered = decide(alarmed, { type: "checkIn", step: "safe" }, actor("visitor"), policy, after(safe, 60_000));
    expect(answered.ok && answered.events.map((e) => e.type)).toEqual(["visit.checkedIn", "alert.resolved"]);
  });
});

describe("nextCheckInSteps: what the check-in card offers in each status", () => {
  it.each<[VisitStatus, CheckInStep[]]>([
    ["requested", []],
    ["changes-requested", []],
    ["approved", ["left-school", "arrived"]],
    ["declined", []],
    ["on-the-way", ["arrived", "safe", "left"]],
    ["arrived", ["parent-present", "parent-absent", "parent-late", "safe", "left"]],
    ["waiting-for-parent", ["parent-arrived", "safe", "left"]],
    ["in-visit", ["safe", "left"]],
    ["left", []],
    ["recorded", []],
    ["cancelled", []],
  ])("%s → %j", (status, steps) => {
    expect(nextCheckInSteps(visitIn(status, policy), policy)).toEqual(steps);
  });
});

describe("cancel", () => {
  const cancel = { type: "cancel", reason: "Parent asked to rearrange." } as const;

  it.each(["visitor", "secondVisitor", "head"] as const)("the staff on the visit or an approver may cancel (%s)", (who) => {
    expect(decide(visitIn("approved", policy), cancel, actor(who), policy, LATER)).toEqual({
      ok: true,
      events: [{ type: "visit.cancelled", at: LATER.toISOString(), actor: actor(who), reason: "Parent asked to rearrange." }],
    });
  });

  it.each(["office", "dsl", "outsider"] as const)("anyone else is refused (%s)", (who) => {
    expect(decide(visitIn("approved", policy), cancel, actor(who), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "not-allowed", message: "Only the staff on this visit or an approver can cancel it." },
    });
  });

  it.each(["", "   "])("an empty reason (%j) is refused", (reason) => {
    expect(decide(visitIn("approved", policy), { type: "cancel", reason }, actor("visitor"), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "Say why the visit is cancelled." },
    });
  });

  it("records the trimmed reason, who cancelled and when", () => {
    const { visit } = apply(visitIn("approved", policy), policy, [[{ type: "cancel", reason: "  Family moved.  " }, actor("head")]], LATER);
    expect(visit.status).toBe("cancelled");
    expect(visit.cancellation).toEqual({ reason: "Family moved.", by: actor("head"), at: LATER.toISOString() });
  });

  it.each(["on-the-way", "arrived"] as const)("is refused once the visitor is %s: they end the visit with Left safely", (status) => {
    expect(decide(visitIn(status, policy), cancel, actor("visitor"), policy, LATER)).toEqual({
      ok: false,
      refusal: { code: "wrong-step", message: `This visit is ${SAID[status]} and cannot be cancelled now.` },
    });
  });
});

describe("the audit trail (R30)", () => {
  it("every event records who acted and when, and each one adds one to the version", () => {
    const { events } = apply(undefined, policy, [
      [{ type: "request", visitId: VISIT_ID, details: pairDetails() }, actor("visitor")],
      [{ type: "approve" }, actor("head")],
      [{ type: "checkIn", step: "left-school" }, actor("visitor")],
      [{ type: "checkIn", step: "arrived" }, actor("secondVisitor")],
      [{ type: "checkIn", step: "parent-present" }, actor("visitor")],
      [{ type: "checkIn", step: "safe" }, actor("visitor")],
      [{ type: "checkIn", step: "left" }, actor("secondVisitor")],
    ]);
    expect(events.map((e) => [e.type, e.actor.name, e.at])).toEqual([
      ["visit.requested", "Alex Rivers", "2026-11-23T08:00:00.000Z"],
      ["visit.approved", "Jo Fenwick", "2026-11-23T08:01:00.000Z"],
      ["visit.checkedIn", "Alex Rivers", "2026-11-23T08:02:00.000Z"],
      ["visit.checkedIn", "Sam Moss", "2026-11-23T08:03:00.000Z"],
      ["visit.checkedIn", "Alex Rivers", "2026-11-23T08:04:00.000Z"],
      ["visit.checkedIn", "Alex Rivers", "2026-11-23T08:05:00.000Z"],
      ["visit.checkedIn", "Sam Moss", "2026-11-23T08:06:00.000Z"],
    ]);
    const versions: number[] = [];
    events.reduce<Visit | undefined>((visit, event) => {
      const next = evolve(visit, event);
      versions.push(next.version);
      return next;
    }, undefined);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("replay of the events rebuilds the same visit the steps built", () => {
    const { visit, events } = apply(undefined, policy, [
      [{ type: "request", visitId: VISIT_ID, details: pairDetails() }, actor("visitor")],
      [{ type: "requestChanges" }, actor("head")],
      [{ type: "amend", details: pairDetails({ knownRisks: "Dog, shut away on request" }) }, actor("visitor")],
      [{ type: "approve" }, actor("head")],
      [{ type: "cancel", reason: "Pupil back in school." }, actor("visitor")],
    ]);
    expect(replay(events)).toEqual(visit);
    expect(visit.version).toBe(5);
  });

  it("replay of nothing is no visit, and an event before the request is an error", () => {
    expect(replay([])).toBeUndefined();
    expect(() => evolve(undefined, { type: "visit.approved", at: NOW.toISOString(), actor: actor("head") })).toThrow("before visit.requested");
  });
});

describe("helpers", () => {
  it("visitorsOf names the requester and, on a paired visit, the second member of staff", () => {
    expect(visitorsOf(requestedVisit(policy))).toEqual([people.visitor.aadObjectId, people.secondVisitor.aadObjectId]);
    expect(visitorsOf(requestedVisit(policy, loneDetails()))).toEqual([people.visitor.aadObjectId]);
  });

  it("visitReference is short, upper case and free of personal data", () => {
    expect(visitReference(VISIT_ID)).toBe("HV-3F2A9C");
  });

  it("describeStatus says each status in words", () => {
    for (const status of VISIT_STATUSES) expect(describeStatus(visitIn(status, policy))).toBe(SAID[status]);
  });
});
