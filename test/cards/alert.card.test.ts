import type { StaffMember } from "../../src/app/ports";
import { alertCard } from "../../src/cards/alert.card";
import type { AlertView } from "../../src/cards/alert.card";
import { Verbs } from "../../src/cards/verbs";
import type { Alert } from "../../src/domain/alert";
import type { Visit } from "../../src/domain/visit";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";
import { VISIT_ID, acted, lastAlert, onVisitDay, pairDetails, visitIn, withOverdue } from "./support/visit-fixture";

/** Distinctive fictional values, so a leak into the minimum view cannot hide behind a common word. */
const SECRET = {
  pupil: "K.W. Y6 Kestrelwren",
  address: "77 Quillwort Crescent, Fenmarsh FM9 4QZ",
  risks: "Parent Brackenridge can be hostile",
  mobile: "07700 900417",
  make: "Zephyrine",
  model: "Marlin",
  colour: "Teal",
  registration: "ZX71 QWV",
  concernNote: "Unexplained bruise, Marigold",
  resolveNote: "Spoke to Alex at Tamarisk Road",
};
const policy = testPolicy();
const details = pairDetails({ pupilReference: SECRET.pupil, address: SECRET.address, knownRisks: SECRET.risks });
const inVisit = visitIn("in-visit", details);
const staff: StaffMember[] = [
  {
    aadObjectId: people.visitor.aadObjectId,
    name: "Alex Rivers",
    teamsUserId: "29:alex",
    lastSeenAt: onVisitDay("08:00"),
    mobile: SECRET.mobile,
    vehicle: { make: SECRET.make, model: SECRET.model, colour: SECRET.colour, registration: SECRET.registration },
  },
  // The second visitor has nothing on file.
  { aadObjectId: people.secondVisitor.aadObjectId, name: "Sam Moss", teamsUserId: "29:sam", lastSeenAt: onVisitDay("08:00") },
];
const visitor = actor("visitor");
const office = actor("office");
const dsl = actor("dsl");

/** The leaving check-in due at 10:30 is missed; the sweeper raises A1 at 10:41 and tells the visitor (step 0). */
const overdue = withOverdue(inVisit, policy, onVisitDay("10:41"));
const help = acted(inVisit, { type: "requestHelp", silent: false }, visitor, onVisitDay("10:05"), policy);
const silent = acted(inVisit, { type: "requestHelp", silent: true }, visitor, onVisitDay("10:05"), policy);
const childAlone = acted(inVisit, { type: "raiseConcern", kind: "child-alone", note: "" }, visitor, onVisitDay("10:06"), policy);
const concern = acted(inVisit, { type: "raiseConcern", kind: "concern", note: SECRET.concernNote }, visitor, onVisitDay("10:07"), policy);
const responderOf = (visit: Visit) => (lastAlert(visit).kind === "concern" || lastAlert(visit).kind === "child-alone" ? dsl : office);
const acknowledged = (visit: Visit) => acted(visit, { type: "acknowledgeAlert", alertId: "A1" }, responderOf(visit), onVisitDay("10:47"), policy);
const resolved = (visit: Visit) =>
  acted(visit, { type: "resolveAlert", alertId: "A1", note: SECRET.resolveNote }, responderOf(visit), onVisitDay("10:52"), policy);

const KINDS = { overdue, help, silent, "child-alone": childAlone, concern } as const;
const STATES = { open: (v: Visit) => v, acknowledged, resolved: (v: Visit) => resolved(acknowledged(v)) } as const;
const everyCase = Object.entries(KINDS).flatMap(([kind, visit]) => Object.entries(STATES).map(([state, to]) => [kind, state, to(visit)] as const));

const view = (visit: Visit, change: Partial<AlertView> = {}): AlertView => ({
  visit,
  alert: lastAlert(visit),
  policy,
  viewer: { id: people.office.aadObjectId },
  canAct: true,
  detail: "full",
  staff,
  refreshUserIds: ["29:office", "29:head"],
  ...change,
});
const card = (visit: Visit, change: Partial<AlertView> = {}) => {
  const built = alertCard(view(visit, change));
  validateCard(built);
  return built;
};
const minimum = (visit: Visit, change: Partial<AlertView> = {}) => card(visit, { viewer: {}, canAct: false, detail: "minimum", ...change });

describe("alertCard, minimum view (the base card of a channel post, and anyone not entitled)", () => {
  test.each(everyCase)("%s, %s: no address, phone, vehicle, risks, note or pupil reference, not even initials", (_kind, _state, visit) => {
    // Even when the staff records are passed in by mistake.
    const json = JSON.stringify(minimum(visit, { staff }));
    for (const hidden of [
      "Quillwort",
      "Fenmarsh",
      "Kestrelwren",
      "K.W.",
      "Pupil",
      "Y6",
      "Brackenridge",
      "900417",
      SECRET.make,
      SECRET.model,
      SECRET.registration,
      "Marigold",
      "Tamarisk",
      "Attendance support",
      "999",
      "police",
      policy.codeWord!.word,
    ]) {
      expect(json).not.toContain(hidden);
    }
  });

  test("names the visit, the kind in plain words, who raised it and when", () => {
    const words = visibleText(minimum(help));
    for (const line of ["Help requested", "Visit: HV-3F6C2A", "Raised by: Alex Rivers", "Raised at: 10:05", "Status: Open"]) {
      expect(words).toContain(line);
    }
    expect(words).toContain("Details are shown to the people who respond to this alert.");
  });

  test.each([
    ["overdue", "Missed check-in", overdue, "Raised by: Automatic: missed check-in", "Raised at: 10:41"],
    ["child-alone", "Child found alone", childAlone, "Raised by: Alex Rivers", "Raised at: 10:06"],
    ["concern", "Safeguarding concern", concern, "Raised by: Alex Rivers", "Raised at: 10:07"],
  ] as const)("%s reads as %s", (_kind, title, visit, raisedBy, raisedAt) => {
    const built = minimum(visit);
    expect(built.body[0]).toMatchObject({ type: "TextBlock", text: title, color: "attention" });
    expect(visibleText(built)).toContain(raisedBy);
    expect(visibleText(built)).toContain(raisedAt);
  });

  test("shows where the alert stands: open, being handled, resolved (London time)", () => {
    expect(visibleText(minimum(acknowledged(help)))).toContain("Status: Being handled by Chris Dale");
    const done = minimum(resolved(acknowledged(help)));
    expect(visibleText(done)).toContain("Status: Resolved by Chris Dale at 10:52");
    expect(done.body[0]).toMatchObject({ color: "good" });
    const summer: Alert = { ...lastAlert(help), raisedAt: "2026-06-10T09:05:00.000Z" };
    expect(visibleText(minimum(help, { alert: summer }))).toContain("Raised at: 10:05");
  });

  test("has no buttons and no inputs, whatever the state", () => {
    for (const [, , visit] of everyCase) {
      const built = minimum(visit);
      expect(built.actions).toBeUndefined();
      expect(inputs(built)).toEqual([]);
    }
  });
});

describe("alertCard, full view (the people who may act)", () => {
  test("a missed check-in: itinerary, each visitor's mobile and vehicle, the last check-in, the missed deadline, police guidance", () => {
    const words = visibleText(card(overdue));
    for (const line of [
      "Missed check-in",
      `Pupil: ${SECRET.pupil}`,
      "Raised by: Automatic: missed check-in",
      "Missed: Check-in on leaving, due 10:30",
      `Address: ${SECRET.address}`,
      "When: Mon 23 Nov 2026, 09:30 to 10:30",
      "Purpose: Attendance support",
      "Going in?: Doorstep only",
      `Known risks: ${SECRET.risks}`,
      "Visit status: In progress",
      "Last check-in: Parent present at 09:33 (Alex Rivers)",
      "Alex Rivers",
      `Mobile: ${SECRET.mobile}`,
      `Vehicle: ${SECRET.make} ${SECRET.model}, ${SECRET.colour}, ${SECRET.registration}`,
      "Sam Moss",
      "Mobile: not on file",
      "Vehicle: not on file",
    ]) {
      expect(words).toContain(line);
    }
    expect(words).toContain(policy.escalation.policeGuidance);
    expect(words).not.toContain(policy.help.policeGuidance);
  });

  test("a missed check-in says who the ladder has told so far, the visitor left out", () => {
    expect(visibleText(card(overdue))).not.toContain("Told so far");
    const later = withOverdue(inVisit, policy, onVisitDay("10:56"));
    expect(visibleText(card(later))).toContain("Told so far: the office, the headteacher and the safeguarding team");
  });

  test("how long the alert has been open, when given the time", () => {
    expect(visibleText(card(overdue, { now: new Date(onVisitDay("10:53")) }))).toContain("Open for: 12 minutes");
    expect(visibleText(card(overdue, { now: new Date(onVisitDay("11:46")) }))).toContain("Open for: 1 hour 5 minutes");
    expect(visibleText(card(overdue))).not.toContain("Open for");
    expect(visibleText(card(resolved(overdue), { now: new Date(onVisitDay("11:46")) }))).not.toContain("Open for");
  });

  test("a help request shows the help police guidance and who asked", () => {
    const words = visibleText(card(help));
    expect(words).toContain("Raised by: Alex Rivers");
    expect(words).toContain(policy.help.policeGuidance);
    expect(words).toContain(`Mobile: ${SECRET.mobile}`);
    expect(words).not.toContain("Missed:");
  });

  test("a concern shows the visitor's note, and the police guidance only if the school asks for it", () => {
    const words = visibleText(card(concern, { viewer: { id: people.dsl.aadObjectId } }));
    expect(words).toContain(`Note: “${SECRET.concernNote}”`);
    expect(words).toContain(policy.help.policeGuidance);
    expect(words).toContain(`Mobile: ${SECRET.mobile}`);
    const quiet: PolicyProfile = testPolicy((p) => void (p.concerns.showPoliceGuidance = false));
    expect(visibleText(card(concern, { policy: quiet }))).not.toContain(policy.help.policeGuidance);
  });

  test("a concern or a child found alone leaves out the vehicle and known risks: nobody needs finding", () => {
    for (const visit of [concern, childAlone]) {
      const json = JSON.stringify(card(visit));
      expect(json).not.toContain(SECRET.registration);
      expect(json).not.toContain("Brackenridge");
    }
  });

  test("who is dealing with it, and 'you' for the person who is", () => {
    expect(visibleText(card(acknowledged(help), { viewer: { id: people.head.aadObjectId } }))).toContain("Chris Dale is dealing with this (since 10:47).");
    expect(visibleText(card(acknowledged(help), { viewer: { id: people.office.aadObjectId } }))).toContain("You are dealing with this (since 10:47).");
  });

  test("a resolved alert shows who resolved it, when, and their note", () => {
    const words = visibleText(card(resolved(acknowledged(overdue))));
    expect(words).toContain("Status: Resolved by Chris Dale at 10:52");
    expect(words).toContain(`Note: “${SECRET.resolveNote}”`);
    expect(words).not.toContain("dealing with this");
  });
});

describe("alertCard buttons", () => {
  type Action = { type: string; title: string; verb?: string; data?: unknown; card?: { body: unknown[]; actions: Action[] } };
  const actionsOf = (visit: Visit, change: Partial<AlertView> = {}) => (card(visit, change).actions ?? []) as Action[];

  test.each([
    ["overdue", "Contacted – safe", overdue],
    ["help", "Contacted – safe", help],
    ["silent", "Contacted – safe", silent],
    ["child-alone", "Dealt with", childAlone],
    ["concern", "Dealt with", concern],
  ] as const)("%s, open: I'm on it, and %s with a required note", (_kind, resolveTitle, visit) => {
    const data = { visitId: VISIT_ID, alertId: "A1" };
    const [onIt, close] = actionsOf(visit);
    expect(onIt).toEqual({ type: "Action.Execute", title: "I'm on it", verb: Verbs.acknowledgeAlert, data, style: "positive", associatedInputs: "none" });
    expect(close).toMatchObject({ type: "Action.ShowCard", title: resolveTitle });
    expect(inputs(close!.card)).toEqual([
      expect.objectContaining({ type: "Input.Text", id: "resolveNote", label: "Who you spoke to and what was done", isRequired: true, maxLength: 1000 }),
    ]);
    expect(inputs(close!.card)[0]!.errorMessage).toEqual(expect.any(String));
    expect(close!.card!.actions).toEqual([expect.objectContaining({ type: "Action.Execute", verb: Verbs.resolveAlert, data })]);
  });

  test("once acknowledged, only the way to close it", () => {
    expect(actionsOf(acknowledged(help)).map((a) => a.title)).toEqual(["Contacted – safe"]);
  });

  test("none once resolved, or for someone who may not act", () => {
    expect(actionsOf(resolved(help))).toEqual([]);
    for (const [, , visit] of everyCase) expect(actionsOf(visit, { canAct: false })).toEqual([]);
  });

  test("the data carries only the visit and alert ids", () => {
    const second = acted(help, { type: "raiseConcern", kind: "concern", note: "Second, fictional." }, visitor, onVisitDay("10:09"), policy);
    for (const action of executeActions(card(second, { viewer: { id: people.dsl.aadObjectId } }))) {
      expect(action.data).toEqual({ visitId: VISIT_ID, alertId: "A2" });
    }
  });
});

describe("alertCard for a silent alarm (the code word)", () => {
  test("reads as a help request, with the caution, in both views, and never shows the code word", () => {
    for (const built of [card(silent), minimum(silent)]) {
      const words = visibleText(built);
      expect(built.body[0]).toMatchObject({ text: "Help requested" });
      expect(words).toContain("Raised silently with the code word: do not call the visitor's phone openly.");
      expect(JSON.stringify(built).toLowerCase()).not.toContain(policy.codeWord!.word);
    }
    expect(visibleText(card(help))).not.toContain("silently");
  });
});

describe("alertCard refresh", () => {
  test("is alert.refresh with the visit and alert ids, for at most 60 people, once each", () => {
    const many = Array.from({ length: 80 }, (_, i) => `29:responder-${i}`);
    expect(minimum(help, { refreshUserIds: ["29:responder-0", ...many] }).refresh).toEqual({
      action: { type: "Action.Execute", verb: Verbs.refreshAlert, data: { visitId: VISIT_ID, alertId: "A1" } },
      userIds: many.slice(0, 60),
    });
  });
});

describe("alertCard for a channel post that @mentions the people it is for", () => {
  const mentions = [
    { teamsUserId: "29:jo", name: "Jo Fenwick" },
    { teamsUserId: "29:priya", name: "Priya Lane" },
  ];

  test("names each of them in a line under the heading, with a Teams mention entity for each", () => {
    const built = minimum(help, { mentions });
    expect(visibleText(built).split("\n").slice(0, 2)).toEqual(["Help requested", "For <at>Jo Fenwick</at> and <at>Priya Lane</at>"]);
    expect(built.msteams).toEqual({
      entities: [
        { type: "mention", text: "<at>Jo Fenwick</at>", mentioned: { id: "29:jo", name: "Jo Fenwick" } },
        { type: "mention", text: "<at>Priya Lane</at>", mentioned: { id: "29:priya", name: "Priya Lane" } },
      ],
    });
  });

  test("mentions nobody, and carries no msteams, when there is nobody to mention (or on an update in place)", () => {
    for (const built of [minimum(help), minimum(help, { mentions: [] })]) {
      expect(built.msteams).toBeUndefined();
      expect(visibleText(built)).not.toContain("<at>");
    }
  });
});

describe("alertCard once the visitor says a call for help was a false alarm", () => {
  const said = acted(help, { type: "reportFalseAlarm" }, visitor, onVisitDay("10:07"), policy);

  test("says so to responders and the channel alike, and keeps the buttons: the alert stays open for its owner", () => {
    const line = "Alex Rivers said at 10:07 that it was a false alarm. It stays open until whoever deals with it has spoken to them.";
    expect(visibleText(card(said))).toContain(line);
    expect(visibleText(minimum(said))).toContain(line);
    expect(executeActions(card(said)).map((a) => a.verb)).toEqual([Verbs.acknowledgeAlert, Verbs.resolveAlert, Verbs.refreshAlert]);
  });

  test("says nothing of it once the alert is closed", () => {
    expect(visibleText(card(resolved(said)))).not.toContain("false alarm");
  });
});
