import type { VisitView } from "../../src/cards/visit.card";
import { Verbs } from "../../src/cards/verbs";
import type { Visit, VisitStatus } from "../../src/domain/visit";
import { VISIT_STATUSES } from "../../src/domain/visit";
import { actor, testPolicy } from "../support/policy-fixture";
import { visitorCard } from "./support/visitor-card";
import { executeActions, inputs, visibleText } from "./support/validate-card";
import { VISIT_ID, acted, lastAlert, onVisitDay, visitIn, withOverdue } from "./support/visit-fixture";

/** The safety net on the visitor's own card: "I need help", "Report a concern", and their open alerts (R17–R19, R23). */
const policy = testPolicy();
const card = visitorCard;
interface Action {
  type: string;
  title: string;
  verb?: string;
  data?: unknown;
  style?: string;
  associatedInputs?: string;
  card?: { body: Record<string, unknown>[]; actions: Action[] };
}
const topActions = (visit: Visit, change: Partial<VisitView> = {}) => (card(visit, change).actions ?? []) as Action[];
const reportConcern = (visit: Visit, change: Partial<VisitView> = {}) => topActions(visit, change).find((a) => a.title === "Report a concern");

const HELP_STATUSES: VisitStatus[] = ["approved", "on-the-way", "arrived", "waiting-for-parent", "in-visit", "left"];
const visitor = actor("visitor");

describe("visitCard: I need help and Report a concern", () => {
  test.each(HELP_STATUSES)("are the first two buttons when the visit is %s", (status) => {
    const [help, report] = topActions(visitIn(status));
    expect(help).toEqual({
      type: "Action.Execute",
      title: "I need help",
      verb: Verbs.help,
      data: { visitId: VISIT_ID },
      style: "destructive",
      associatedInputs: "none",
    });
    expect(report).toMatchObject({ type: "Action.ShowCard", title: "Report a concern" });
  });

  test.each(VISIT_STATUSES.filter((s) => !HELP_STATUSES.includes(s)))("are not offered when the visit is %s", (status) => {
    const verbs = executeActions(card(visitIn(status))).map((a) => a.verb);
    expect(verbs).not.toContain(Verbs.help);
    expect(verbs).not.toContain(Verbs.concern);
  });

  test.each(VISIT_STATUSES)("keep the card within five top-level buttons (%s)", (status) => {
    expect(topActions(visitIn(status)).length).toBeLessThanOrEqual(5);
  });

  test("a safeguarding concern needs a note, with a label and an error message, and sends only the visit id and kind", () => {
    const report = reportConcern(visitIn("in-visit"))!;
    expect(inputs(report.card)).toEqual([
      {
        type: "Input.Text",
        id: "concernNote",
        label: "What is the concern?",
        isMultiline: true,
        maxLength: 1000,
        isRequired: true,
        errorMessage: "Say briefly what the concern is.",
      },
    ]);
    expect(report.card!.actions).toEqual([
      expect.objectContaining({ type: "Action.Execute", title: "Send concern", verb: Verbs.concern, data: { visitId: VISIT_ID, kind: "concern" } }),
    ]);
    expect(visibleText(report.card)).toContain("Goes to the safeguarding team straight away.");
  });

  test("a child found alone is one tap, needs no note, and shows the school's guidance first", () => {
    const guided = testPolicy((p) => void (p.childAlone = { enabled: true, guidance: "Do not enter unless it is an emergency. Ring the DSL." }));
    const report = reportConcern(visitIn("arrived"), { policy: guided })!;
    const words = visibleText(report.card);
    expect(words).toContain("Do not enter unless it is an emergency. Ring the DSL.");
    expect(words.indexOf("Ring the DSL.")).toBeLessThan(words.indexOf("[Child found alone]"));
    const childAlone = executeActions(report.card).find((a) => a.title === "Child found alone");
    expect(childAlone).toEqual({
      type: "Action.Execute",
      title: "Child found alone",
      verb: Verbs.concern,
      data: { visitId: VISIT_ID, kind: "child-alone" },
      style: "destructive",
      associatedInputs: "none",
    });
  });

  test("a child found alone has default guidance when the school gives none, and is left out when the school turns it off", () => {
    expect(visibleText(reportConcern(visitIn("arrived"))!.card)).toContain("Do not go in unless it is an emergency.");
    const off = testPolicy((p) => void (p.childAlone = { enabled: false }));
    const report = reportConcern(visitIn("arrived"), { policy: off })!;
    expect(executeActions(report.card).map((a) => a.data)).toEqual([{ visitId: VISIT_ID, kind: "concern" }]);
    expect(visibleText(report.card)).not.toContain("alone");
  });
});

describe("visitCard shows the visitor's own open alerts plainly", () => {
  const inVisit = visitIn("in-visit");
  const helped = acted(inVisit, { type: "requestHelp", silent: false }, visitor, onVisitDay("10:05"), policy);

  test("a help request: when, and who is being alerted (delivery is not promised on the card)", () => {
    const built = card(helped);
    expect(visibleText(built)).toContain("Help requested at 10:05: alerting the office, the headteacher and the safeguarding team.");
    expect(built.body[1]).toMatchObject({ type: "Container", style: "attention" });
  });

  test('a help request offers "False alarm: I\'m safe" on its own line, naming the alert', () => {
    const button = executeActions(card(helped)).find((a) => a.verb === Verbs.falseAlarm);
    expect(button).toEqual({ type: "Action.Execute", title: "False alarm: I'm safe", verb: Verbs.falseAlarm, data: { visitId: VISIT_ID, alertId: "A1" }, associatedInputs: "none" });
  });

  test("once the visitor has said it was a false alarm: that the school still checks, and no button again", () => {
    const said = acted(helped, { type: "reportFalseAlarm" }, visitor, onVisitDay("10:07"), policy);
    const built = card(said);
    expect(visibleText(built)).toContain("Help requested at 10:05. Alex Rivers told the school at 10:07 that it was a false alarm: it is closed once someone there has spoken to you.");
    expect(executeActions(built).map((a) => a.verb)).not.toContain(Verbs.falseAlarm);
  });

  test("who is dealing with it, once someone is", () => {
    const acknowledged = acted(helped, { type: "acknowledgeAlert", alertId: "A1" }, actor("office"), onVisitDay("10:07"), policy);
    expect(visibleText(card(acknowledged))).toContain("safeguarding team. Chris Dale is dealing with it.");
  });

  test("nothing once it is resolved", () => {
    const resolved = acted(helped, { type: "resolveAlert", alertId: "A1", note: "Rang Alex, all fine." }, actor("office"), onVisitDay("10:20"), policy);
    expect(visibleText(card(resolved))).not.toContain("Help requested");
    expect(JSON.stringify(card(resolved))).not.toContain("Rang Alex");
  });

  test("a missed check-in: when it was due, and the I'm safe button to answer it", () => {
    const overdue = withOverdue(inVisit, policy, onVisitDay("10:41"));
    expect(lastAlert(overdue)).toMatchObject({ kind: "overdue", deadline: { kind: "leaving", due: onVisitDay("10:30") } });
    const built = card(overdue);
    expect(visibleText(built)).toContain("Your check-in was due at 10:30. Tap **I'm safe**.");
    expect(executeActions(built).find((a) => a.verb === Verbs.checkIn && (a.data as { step: string }).step === "safe")).toBeDefined();
  });

  test("a missed arrival before leaving school can still be answered with I'm safe", () => {
    const overdue = withOverdue(visitIn("approved"), policy, onVisitDay("09:41"));
    const built = card(overdue);
    expect(visibleText(built)).toContain("Your check-in was due at 09:30. Tap **I'm safe**.");
    expect(executeActions(built).map((a) => a.title)).toContain("I'm safe");
  });

  test("a concern and a child found alone the visitor reported, without repeating the note", () => {
    const concern = acted(inVisit, { type: "raiseConcern", kind: "concern", note: "Bruise on the left arm, fictional." }, visitor, onVisitDay("10:10"), policy);
    const both = acted(concern, { type: "raiseConcern", kind: "child-alone", note: "" }, visitor, onVisitDay("10:12"), policy);
    const words = visibleText(card(both));
    expect(words).toContain("Safeguarding concern raised at 10:10 for the safeguarding team.");
    expect(words).toContain("Child found alone, reported at 10:12 for the safeguarding team.");
    expect(words).not.toContain("Bruise");
  });

  test("uses British Summer Time in summer", () => {
    const summer: Visit = { ...inVisit, alerts: [{ id: "A1", kind: "help", raisedAt: "2026-06-10T09:05:00.000Z", raisedBy: visitor, stepsSent: [0] }] };
    expect(visibleText(card(summer))).toContain("Help requested at 10:05");
  });
});

describe("visitCard after a silent alarm (R17): byte for byte the card the visitor would see without it", () => {
  const silently = (visit: Visit) => acted(visit, { type: "requestHelp", silent: true }, visitor, onVisitDay("10:05"), policy);
  const same = (without: Visit, withSilent: Visit, change: Partial<VisitView> = {}) => {
    expect(withSilent.version).toBeGreaterThan(without.version);
    expect(withSilent.alerts.some((a) => a.silent)).toBe(true);
    expect(JSON.stringify(card(withSilent, change))).toBe(JSON.stringify(card(without, change)));
  };

  test.each(HELP_STATUSES)("when raised while %s", (status) => {
    const visit = visitIn(status);
    same(visit, silently(visit));
  });

  test("while a responder is on it, and after it is resolved", () => {
    const visit = visitIn("in-visit");
    const acknowledged = acted(silently(visit), { type: "acknowledgeAlert", alertId: "A1" }, actor("head"), onVisitDay("10:06"), policy);
    same(visit, acknowledged);
    const resolved = acted(acknowledged, { type: "resolveAlert", alertId: "A1", note: "Police attended." }, actor("head"), onVisitDay("10:30"), policy);
    // Resolving as "contacted, safe" moves the time last heard from, which the card does not show.
    same(visit, resolved);
  });

  test('with no "False alarm" button, which could only give the alarm away', () => {
    expect(executeActions(card(silently(visitIn("in-visit")))).map((a) => a.verb)).not.toContain(Verbs.falseAlarm);
  });

  test("with the same banner the visitor's ordinary reply carries", () => {
    const visit = visitIn("in-visit");
    same(visit, silently(visit), { message: { text: "Safe at 10:05: recorded.", tone: "good" } });
  });

  test("next to an alert the visitor can see, which still shows", () => {
    const visit = withOverdue(visitIn("in-visit"), policy, onVisitDay("10:41"));
    const withSilent = silently(visit);
    same(visit, withSilent);
    expect(visibleText(card(withSilent))).toContain("Your check-in was due at 10:30.");
  });
});
