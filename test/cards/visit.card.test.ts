import type { VisitView } from "../../src/cards/visit.card";
import { Verbs } from "../../src/cards/verbs";
import type { CheckInStep, Visit, VisitStatus } from "../../src/domain/visit";
import { VISIT_STATUSES } from "../../src/domain/visit";
import { decide, nextCheckInSteps } from "../../src/domain/visit.decide";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { visitorCard } from "./support/visitor-card";
import { executeActions, inputs, visibleText } from "./support/validate-card";
import { acted, onVisitDay, pairDetails, VISIT_ID, visitIn, withOverdue } from "./support/visit-fixture";

const policy = testPolicy();
const card = visitorCard;
type Action = { type: string; title: string; verb?: string; data?: unknown; card?: { body: unknown[]; actions: { verb: string; data: unknown }[] } };
const actionsOf = (visit: Visit, change: Partial<VisitView> = {}) => (card(visit, change).actions ?? []) as Action[];
/** Check-ins sit in an ActionSet in the body, so the card's own five actions stay free for help. */
const checkIns = (visit: Visit, change: Partial<VisitView> = {}) =>
  (executeActions(card(visit, change)) as unknown as Action[]).filter((a) => a.verb === Verbs.checkIn);

describe("visitCard always shows the status and the next step", () => {
  const expected: Record<VisitStatus, string[]> = {
    requested: ["Waiting for approval", "Sent to the headteacher. Do not set off until it is approved."],
    "changes-requested": ["Changes needed", "Sent back for changes by Jo Fenwick at 16:05.", "Note: “Please go as a pair.”", "Change the request"],
    approved: ["Approved: you can go", "Approved by Jo Fenwick at 16:05.", "Next: tap **Leaving school now** when you set off.", "- Park so you can leave easily."],
    declined: ["Declined", "Declined by Jo Fenwick at 16:05.", "Note: “The family is moving school.”", "Do not go on this visit."],
    "on-the-way": ["On the way", "Last check-in: Left school at 09:10.", "Next: tap **Arrived outside** when you get there."],
    arrived: ["Arrived", "Is a parent or carer here? Tap **Parent at the door** or **Parent not here**."],
    "waiting-for-parent": ["Waiting for the parent", "Wait no longer than 15 minutes (until 09:47).", "Tap **Parent arrived** when they come."],
    "in-visit": ["Visit in progress", "Tap **Left safely** as soon as you have left."],
    left: ["Left safely at 10:20. Thank you.", "[Record the visit]"],
    recorded: ["Recorded. Thank you."],
    cancelled: ["Cancelled", "Cancelled by Alex Rivers at 08:10: The meeting moved to school."],
  };
  test.each(VISIT_STATUSES)("%s", (status) => {
    const words = visibleText(card(visitIn(status)));
    expect(words).toContain("Home visit HV-3F6C2A");
    for (const line of expected[status]) expect(words).toContain(line);
  });
});

describe("visitCard check-in buttons", () => {
  // The test visit is a doorstep visit: "Parent present" says only that a parent came to the door (R08).
  const labels: Record<CheckInStep, string> = {
    "left-school": "Leaving school now",
    arrived: "Arrived outside",
    "parent-present": "Parent at the door",
    "parent-absent": "Parent not here",
    "parent-late": "Parent running late",
    "parent-arrived": "Parent arrived",
    safe: "I'm safe",
    left: "Left safely",
  };

  test.each(["approved", "on-the-way", "arrived", "waiting-for-parent", "in-visit"] as const)("are exactly the next steps, in order, when %s", (status) => {
    const visit = visitIn(status);
    const steps = nextCheckInSteps(visit, policy);
    expect(steps.length).toBeGreaterThan(0);
    expect(checkIns(visit).map((a) => [a.title, a.data])).toEqual(steps.map((step) => [labels[step], { visitId: VISIT_ID, step }]));
  });

  test("carry only the visit id and the step: no version, which a silent alarm would change", () => {
    for (const action of checkIns(visitIn("arrived"))) expect(Object.keys(action.data as object).sort()).toEqual(["step", "visitId"]);
  });

  test("sit in an ActionSet in the body, after the status", () => {
    const built = card(visitIn("arrived"));
    const set = built.body.find((element) => element.type === "ActionSet") as { actions: Action[] } | undefined;
    expect(set?.actions.map((a) => a.verb)).toEqual(nextCheckInSteps(visitIn("arrived"), policy).map(() => Verbs.checkIn));
    expect(built.body[built.body.length - 1]).toBe(set);
    expect((built.actions ?? []).filter((a) => (a as Action).verb === Verbs.checkIn)).toEqual([]);
  });

  test("show exactly what they are given, nothing the card works out for itself", () => {
    const visit = visitIn("arrived");
    expect(checkIns(visit, { nextSteps: ["left"] }).map((a) => a.title)).toEqual(["Left safely"]);
    expect(checkIns(visit, { nextSteps: [] })).toEqual([]);
    // Any order and any steps (at most five buttons: adaptivecards' host config, and a phone's width, allow five).
    const given = ["left", "parent-arrived", "safe", "left-school", "arrived"] as const;
    expect(checkIns(visit, { nextSteps: given }).map((a) => a.title)).toEqual(given.map((s) => labels[s]));
  });

  test.each(["requested", "changes-requested", "declined", "left", "recorded", "cancelled"] as const)("are not shown when the visit is %s", (status) => {
    expect(checkIns(visitIn(status))).toEqual([]);
  });

  test("\"I'm safe\" answers an open alarm on a visit amended back to waiting for approval, and the domain accepts it", () => {
    const alarmed = withOverdue(visitIn("approved"), policy, onVisitDay("09:45"));
    const amended = acted(alarmed, { type: "amend", details: pairDetails({ knownRisks: "Dog in the garden" }) }, actor("visitor"), onVisitDay("09:46"), policy);
    expect(amended.status).toBe("requested");
    const safe = checkIns(amended).find((a) => (a.data as { step?: string }).step === "safe");
    expect(safe).toBeDefined();
    expect(() => acted(amended, { type: "checkIn", step: "safe" }, actor("visitor"), onVisitDay("09:47"), policy)).not.toThrow();
  });

  test("do not submit any input", () => {
    for (const action of checkIns(visitIn("approved"))) expect(action).toMatchObject({ associatedInputs: "none" });
  });
});

describe("visitCard while out", () => {
  test("tells the visitor how often to say they are safe, and the school's words for danger", () => {
    const words = visibleText(card(visitIn("in-visit")));
    expect(words).toContain("Tap **I'm safe** at least every 2 hours.");
    expect(words).toContain("If anyone is in immediate danger, call 999.");
    const noPeriodic = testPolicy((p) => void (p.checkIns.periodicEvery = null));
    expect(visibleText(card(visitIn("in-visit"), { policy: noPeriodic }))).not.toContain("at least every");
  });

  test("gives the school's guidance instead of a wait limit when it asks to enquire and leave a card", () => {
    const enquire = testPolicy((p) => void (p.parentAbsent = { mode: "enquire-and-leave-card", guidance: "Make enquiries and leave a visit card." }));
    const words = visibleText(card(visitIn("waiting-for-parent"), { policy: enquire }));
    expect(words).toContain("Make enquiries and leave a visit card.");
    expect(words).not.toContain("Wait no longer");
  });

  test("reminds the visitor to go in only with a parent present, when entering", () => {
    const entering = visitIn("arrived", { ...visitIn("arrived").details, entry: "enter" });
    expect(visibleText(card(entering))).toContain("Only go in when a parent or carer is present.");
    expect(visibleText(card(visitIn("arrived")))).not.toContain("Only go in");
  });

  test("uses British Summer Time in summer", () => {
    const left = visitIn("left");
    const summer: Visit = { ...left, lastCheckIn: { step: "left", at: "2026-06-10T13:20:00.000Z", by: actor("visitor") } };
    expect(visibleText(card(summer))).toContain("Left safely at 14:20. Thank you.");
  });
});

describe("visitCard other actions", () => {
  test("asks for changes with a Change the request button that opens the form for this visit", () => {
    const change = actionsOf(visitIn("changes-requested")).find((a) => a.title === "Change the request");
    expect(change).toMatchObject({ type: "Action.Execute", verb: Verbs.openForm, data: { visitId: VISIT_ID } });
  });

  test.each(VISIT_STATUSES)("offers Cancel visit, with a reason, only before the visit starts (%s)", (status) => {
    const visit = visitIn(status);
    const cancel = actionsOf(visit).find((a) => a.title === "Cancel visit");
    // Exactly where the domain accepts a cancellation: never once someone is on the way.
    const expected = decide(visit, { type: "cancel", reason: "Family came into school." }, actor("visitor"), policy, new Date(onVisitDay("08:00"))).ok;
    expect(expected).toBe(["requested", "changes-requested", "approved"].includes(status));
    expect(cancel !== undefined).toBe(expected);
    if (!cancel) return;
    expect(cancel.type).toBe("Action.ShowCard");
    expect(inputs(cancel.card)).toEqual([expect.objectContaining({ id: "cancelReason", label: "Why are you cancelling?", isRequired: true })]);
    expect(cancel.card?.actions).toEqual([expect.objectContaining({ verb: Verbs.cancel, data: { visitId: VISIT_ID } })]);
  });

  test("a declined or cancelled visit has no buttons, and a finished one help, Report a concern and Report an incident", () => {
    for (const status of ["declined", "cancelled"] as const) expect(executeActions(card(visitIn(status)).body)).toEqual([]);
    for (const status of ["declined", "cancelled"] as const) expect(actionsOf(visitIn(status))).toEqual([]);
    expect(actionsOf(visitIn("left")).map((a) => a.title)).toEqual(["I need help", "Report a concern", "Report an incident"]);
    expect(actionsOf(visitIn("recorded")).map((a) => a.title)).toEqual(["Report an incident"]);
  });

  test("the card carries no version anywhere: nothing on it may change when only the version does", () => {
    for (const status of VISIT_STATUSES) expect(JSON.stringify(card(visitIn(status)))).not.toMatch(/"version":\s*\d/);
  });

  test("refreshes for the staff on the visit with only the visit id", () => {
    expect(card(visitIn("arrived")).refresh).toEqual({
      action: { type: "Action.Execute", verb: Verbs.refresh, data: { visitId: VISIT_ID } },
      userIds: ["29:alex", "29:sam"],
    });
  });
});

describe("visitCard as each visitor sees it", () => {
  test("the requester sees who goes with them, and the second member of staff sees the requester", () => {
    expect(visibleText(card(visitIn("approved")))).toContain("Staff: With Sam Moss");
    expect(visibleText(card(visitIn("approved"), { viewerId: people.secondVisitor.aadObjectId }))).toContain("Staff: With Alex Rivers");
  });

  test("shows a banner at the top", () => {
    const built = card(visitIn("on-the-way"), { message: { text: "Left school at 09:10: recorded.", tone: "good" } });
    expect(built.body[0]).toMatchObject({ type: "Container", style: "good" });
  });
});
