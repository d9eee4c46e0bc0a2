import type { VisitView } from "../../src/cards/visit.card";
import { Verbs } from "../../src/cards/verbs";
import type { Visit } from "../../src/domain/visit";
import { actor, testPolicy } from "../support/policy-fixture";
import { visitorCard } from "./support/visitor-card";
import { executeActions, inputs, visibleText } from "./support/validate-card";
import { VISIT_ID, acted, events, onVisitDay, pairDetails, parentLateVisit, visitIn, withEvents } from "./support/visit-fixture";

/** The visitor's card at the door (R08, R11–R14) and after the visit (R21, R24). Fictional visits only. */
const policy = testPolicy();
const card = visitorCard;
interface Action {
  type: string;
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
  style?: string;
  associatedInputs?: string;
  card?: { body: Record<string, unknown>[]; actions: Action[] };
}
const topActions = (visit: Visit, change: Partial<VisitView> = {}) => (card(visit, change).actions ?? []) as Action[];
const titles = (visit: Visit, change: Partial<VisitView> = {}) => (executeActions(card(visit, change)) as unknown as Action[]).map((a) => a.title);
const callOffFoldOut = (visit: Visit, change: Partial<VisitView> = {}) => topActions(visit, change).find((a) => a.title.startsWith("Call off:"));
const incidentFoldOut = (visit: Visit) => topActions(visit).find((a) => a.title === "Report an incident");

const entering = pairDetails({ entry: "enter" });
const waiting = visitIn("waiting-for-parent");
const waited = withEvents(waiting, events.waitLimitReached("09:47"));

describe("visitCard: going in or staying on the doorstep (R08)", () => {
  test("an entering visit labels the parent-present step as going in, and reminds to go in only with an adult present", () => {
    const arrived = visitIn("arrived", entering);
    const built = card(arrived);
    expect(titles(arrived)).toContain("Parent or carer present: going in");
    expect(titles(arrived)).not.toContain("Parent at the door");
    const words = visibleText(built);
    expect(words).toContain("Only go in when a parent or carer is present.");
    expect(words).toContain("Tap **Parent or carer present: going in** or **Parent not here**.");
    const step = executeActions(built).find((a) => a.title === "Parent or carer present: going in");
    expect(step?.data).toEqual({ visitId: VISIT_ID, step: "parent-present" });
  });

  test("a doorstep visit says only that the parent is at the door, and gives no reminder about going in", () => {
    const arrived = visitIn("arrived");
    expect(titles(arrived)).toContain("Parent at the door");
    expect(visibleText(card(arrived))).not.toContain("Only go in");
  });

  test("inside, an entering visit reminds to stay only while an adult is present, when the policy says so", () => {
    expect(visibleText(card(visitIn("in-visit", entering)))).toContain("Stay inside only while a parent or carer is present.");
    const noRule = testPolicy((p) => void (p.entry.enteringNeedsAdultPresent = false));
    expect(visibleText(card(visitIn("in-visit", entering), { policy: noRule }))).not.toContain("Stay inside");
    expect(visibleText(card(visitIn("arrived", entering), { policy: noRule }))).not.toContain("Only go in");
  });
});

describe("visitCard: a parent running late (R12)", () => {
  test("on arrival offers Parent running late, with the reminder not to go in until they arrive", () => {
    const arrived = visitIn("arrived");
    expect(titles(arrived)).toContain("Parent running late");
    expect(visibleText(card(arrived))).toContain("Parent said they are running late? Tap **Parent running late**. Do not go in until they arrive.");
  });

  test("is not offered when the policy has no rule for late parents", () => {
    const noLate = testPolicy((p) => void (p.parentLate = null));
    expect(titles(visitIn("arrived"), { policy: noLate })).not.toContain("Parent running late");
    expect(visibleText(card(visitIn("arrived"), { policy: noLate }))).not.toContain("running late");
  });

  test("while late: do not go in, and when the visit is called off if they have not come", () => {
    const late = parentLateVisit();
    const words = visibleText(card(late));
    expect(words).toContain("Parent running late");
    expect(words).toContain("Do not go in until they arrive.");
    expect(words).toContain("The visit is called off at 10:02 if they have not arrived."); // 09:32 + 30 minutes
    expect(words).not.toContain("Wait no longer");
    expect(titles(late)).toEqual(expect.arrayContaining(["Parent arrived", "I'm safe", "Left safely"]));
    expect(titles(late)).not.toContain("Call off: parent not in");
  });

  test("once the late limit passes, the visit is called off and only getting away is left", () => {
    const calledOff = withEvents(parentLateVisit(), events.calledOff("parent-late", "10:02"));
    const words = visibleText(card(calledOff));
    expect(words).toContain("Visit called off (parent did not arrive in time). Leave now and tap **Left safely**.");
    expect(words).not.toContain("The visit is called off at");
    expect(words).not.toContain("Your note has gone");
  });
});

describe("visitCard: a parent not in (R11)", () => {
  test("shows the wait limit until it passes, with no call-off button yet", () => {
    const words = visibleText(card(waiting));
    expect(words).toContain("Wait no longer than 15 minutes (until 09:47).");
    expect(titles(waiting)).not.toContain("Call off: parent not in");
  });

  test("once the wait limit has passed: a prominent prompt and a Call off button carrying only the visit id and reason", () => {
    const built = card(waited);
    const words = visibleText(built);
    expect(words).toContain("You have waited 15 minutes: the policy says call the visit off.");
    expect(words).not.toContain("Wait no longer");
    const prompt = built.body.find((e) => e.type === "Container" && JSON.stringify(e).includes("You have waited"));
    expect(prompt).toMatchObject({ type: "Container", style: "attention" });
    const callOff = executeActions(built).find((a) => a.title === "Call off: parent not in");
    expect(callOff).toEqual({
      type: "Action.Execute",
      title: "Call off: parent not in",
      verb: Verbs.callOff,
      data: { visitId: VISIT_ID, reason: "parent-absent" },
      style: "destructive",
      associatedInputs: "none",
    });
  });

  test("the button the card shows is one the domain accepts", () => {
    expect(() => acted(waited, { type: "callOff", reason: "parent-absent" }, actor("visitor"), onVisitDay("09:48"), policy)).not.toThrow();
  });

  test("where the policy says to enquire and leave a visit card, gives its guidance and lets the visit be called off", () => {
    const enquire = testPolicy((p) => void (p.parentAbsent = { mode: "enquire-and-leave-card", guidance: "Make enquiries and leave a visit card." }));
    const words = visibleText(card(waiting, { policy: enquire }));
    expect(words).toContain("Make enquiries and leave a visit card.");
    expect(words).not.toContain("You have waited");
    expect(titles(waiting, { policy: enquire })).toContain("Call off: parent not in");
    expect(() => acted(waiting, { type: "callOff", reason: "parent-absent" }, actor("visitor"), onVisitDay("09:33"), enquire)).not.toThrow();
  });
});

describe("visitCard: animals and feeling unsafe (R13, R14)", () => {
  test.each(["arrived", "waiting-for-parent", "in-visit"] as const)("one fold-out at the address (%s), with a required note and a button per reason", (status) => {
    const foldOut = callOffFoldOut(visitIn(status))!;
    expect(foldOut).toMatchObject({ type: "Action.ShowCard", title: "Call off: animals or unsafe" });
    expect(inputs(foldOut.card)).toEqual([
      expect.objectContaining({ type: "Input.Text", id: "callOffNote", label: "What happened?", isRequired: true, errorMessage: expect.any(String) }),
    ]);
    expect(foldOut.card!.actions.map((a) => [a.title, a.verb, a.data])).toEqual([
      ["Animals not shut away", Verbs.callOff, { visitId: VISIT_ID, reason: "animals" }],
      ["I feel unsafe", Verbs.callOff, { visitId: VISIT_ID, reason: "unsafe" }],
    ]);
  });

  test.each(["approved", "on-the-way", "left", "recorded", "cancelled"] as const)("is not offered away from the address (%s)", (status) => {
    expect(callOffFoldOut(visitIn(status))).toBeUndefined();
    expect(executeActions(card(visitIn(status))).map((a) => a.verb)).not.toContain(Verbs.callOff);
  });

  test("explains what to do and that the head receives the note as a written report, as the policy says", () => {
    const words = visibleText(callOffFoldOut(visitIn("arrived"))!.card);
    expect(words).toContain("ask for any animals to be shut away or put outside. If they are not, do not go in: call the visit off. Your note goes to the headteacher as a written report.");
    expect(words).toContain("**I feel unsafe**: do not go in, or leave at once. Call the visit off when you are away. Your note goes to the headteacher as a written report.");
    expect(words).toContain("The policy asks for it to be recorded on CPOMS too.");
  });

  test("says nothing of a report where the policy asks for none, and names the policy's own readers", () => {
    const quiet = testPolicy((p) => {
      p.animals.reportToHeadInWriting = false;
      p.feelingUnsafe = { reportTo: ["slt"], inWriting: false, recordOnCpoms: false };
    });
    const words = visibleText(callOffFoldOut(visitIn("arrived"), { policy: quiet })!.card);
    expect(words).toContain("If they are not, do not go in: call the visit off.\n");
    expect(words).toContain("Call the visit off when you are away. Your note goes to the senior leadership team.");
    expect(words).not.toContain("written report");
    expect(words).not.toContain("CPOMS");
  });

  test("offers only I feel unsafe where the policy has no rule on animals", () => {
    const noAnimals = testPolicy((p) => void (p.animals = { enabled: false, reportToHeadInWriting: false }));
    const foldOut = callOffFoldOut(visitIn("arrived"), { policy: noAnimals })!;
    expect(foldOut.title).toBe("Call off: I feel unsafe");
    expect(foldOut.card!.actions.map((a) => a.data)).toEqual([{ visitId: VISIT_ID, reason: "unsafe" }]);
    expect(visibleText(foldOut.card)).not.toContain("Animals");
  });

  test("keeps every input id unique next to Report a concern, and within five top-level buttons", () => {
    for (const status of ["arrived", "waiting-for-parent", "in-visit"] as const) {
      const built = card(visitIn(status));
      const ids = inputs(built).map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(["concernNote", "callOffNote"]);
      expect(built.actions!.length).toBeLessThanOrEqual(5);
    }
  });
});

describe("visitCard once called off at the door", () => {
  const animals = withEvents(visitIn("arrived"), events.calledOff("animals", "09:35", "Dog not shut away; fictional."));

  test("says why, and to leave now and tap Left safely; offers only Left safely and I'm safe", () => {
    const built = card(animals);
    const words = visibleText(built);
    expect(words).toContain("Visit called off");
    expect(words).toContain("Visit called off (animals not shut away). Leave now and tap **Left safely**.");
    expect(words).toContain("Your note has gone to the headteacher.");
    const checkIns = (executeActions(built) as unknown as Action[]).filter((a) => a.verb === Verbs.checkIn).map((a) => a.title);
    expect(checkIns).toEqual(["I'm safe", "Left safely"]);
    expect(callOffFoldOut(animals)).toBeUndefined();
  });

  test("keeps I need help and Report a concern", () => {
    expect(topActions(animals).map((a) => a.title)).toEqual(["I need help", "Report a concern"]);
  });

  test("does not repeat the note on the card", () => {
    expect(JSON.stringify(card(animals))).not.toContain("Dog not shut away");
  });

  test("after a parent not in, says so, with no report", () => {
    const absent = withEvents(waited, events.calledOff("parent-absent", "09:48"));
    const words = visibleText(card(absent));
    expect(words).toContain("Visit called off (parent not in). Leave now and tap **Left safely**.");
    expect(words).not.toContain("You have waited");
    expect(words).not.toContain("Your note");
  });

  test("after leaving, says it was called off and asks for the record", () => {
    const left = withEvents(animals, events.checkIn("left", "09:40"));
    const words = visibleText(card(left));
    expect(words).toContain("Left safely at 09:40. Thank you.");
    expect(words).toContain("Called off at the door (animals not shut away).");
  });
});

describe("visitCard after the visit (R21, R24)", () => {
  test("after leaving: Record the visit opens the record form with only the visit id", () => {
    const built = card(visitIn("left"));
    const record = executeActions(built).find((a) => a.title === "Record the visit");
    expect(record).toEqual({
      type: "Action.Execute",
      title: "Record the visit",
      verb: Verbs.openRecord,
      data: { visitId: VISIT_ID },
      style: "positive",
      associatedInputs: "none",
    });
    expect(built.body.some((e) => e.type === "ActionSet")).toBe(true);
  });

  test.each(["left", "recorded"] as const)("Report an incident (%s): a required note and a button per kind", (status) => {
    const foldOut = incidentFoldOut(visitIn(status))!;
    expect(foldOut.type).toBe("Action.ShowCard");
    expect(inputs(foldOut.card)).toEqual([expect.objectContaining({ id: "incidentNote", label: "What happened?", isRequired: true })]);
    expect(foldOut.card!.actions.map((a) => [a.title, a.verb, a.data])).toEqual([
      ["Report incident", Verbs.incident, { visitId: VISIT_ID, kind: "incident" }],
      ["Report physical intervention", Verbs.incident, { visitId: VISIT_ID, kind: "physical-intervention" }],
    ]);
    expect(visibleText(foldOut.card)).toContain("Record it as soon as you can: it goes to the headteacher.");
  });

  test.each(["approved", "on-the-way", "arrived", "in-visit", "cancelled", "declined"] as const)("no incident fold-out before the visit is over (%s)", (status) => {
    expect(incidentFoldOut(visitIn(status))).toBeUndefined();
  });

  test("once recorded: thanks, no Record button, and the incidents reported without their notes", () => {
    const recorded = withEvents(visitIn("recorded"), events.incident("physical-intervention", "11:00", "Fictional: guided a child from the road."));
    const built = card(recorded);
    const words = visibleText(built);
    expect(words).toContain("Recorded. Thank you.");
    expect(words).toContain("Physical intervention reported at 11:00 (Alex Rivers).");
    expect(words).not.toContain("guided a child");
    expect(titles(recorded)).not.toContain("Record the visit");
  });

  test("the card carries no version, and a silent alarm at the door or after changes nothing on it (R17)", () => {
    const states = {
      "parent late": parentLateVisit(),
      "wait limit passed": waited,
      "called off": withEvents(visitIn("arrived"), events.calledOff("unsafe", "09:35", "Fictional.")),
      left: visitIn("left"),
      recorded: visitIn("recorded"),
    };
    for (const [name, visit] of Object.entries(states)) {
      const silent = acted(visit, { type: "requestHelp", silent: true }, actor("visitor"), onVisitDay("10:50"), policy);
      expect({ name, card: JSON.stringify(card(silent)) }).toEqual({ name, card: JSON.stringify(card(visit)) });
      expect(JSON.stringify(card(visit))).not.toMatch(/"version":\s*\d/);
    }
  });
});
