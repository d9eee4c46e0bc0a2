import { areYouSafeCard } from "../../src/cards/are-you-safe.card";
import type { AreYouSafeView } from "../../src/cards/are-you-safe.card";
import { Verbs } from "../../src/cards/verbs";
import type { Alert } from "../../src/domain/alert";
import type { Visit } from "../../src/domain/visit";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { executeActions, validateCard, visibleText } from "./support/validate-card";
import { VISIT_ID, acted, lastAlert, onVisitDay, visitIn, withOverdue } from "./support/visit-fixture";

const policy = testPolicy();
const card = (visit: Visit, alert: Alert = lastAlert(visit), change: Partial<AreYouSafeView> = {}) => {
  const built = areYouSafeCard({ visit, alert, policy, viewerId: people.visitor.aadObjectId, refreshUserIds: ["29:alex"], ...change });
  validateCard(built);
  return built;
};
/** In a visit, the "Left safely" check-in due at 10:30 is missed; the ladder starts at 10:40 (grace 10 minutes). */
const overdue = withOverdue(visitIn("in-visit"), policy, onVisitDay("10:41"));

describe("areYouSafeCard while the alert is open", () => {
  const built = card(overdue);

  test("asks, and says which check-in was due at what time", () => {
    const words = visibleText(built);
    expect(words).toContain("Are you safe?");
    expect(words).toContain("Home visit HV-3F6C2A");
    expect(words).toContain("Your check-in on leaving was due at 10:30 and we have not heard from you.");
    expect(words).toContain("Tap **I'm safe** if you are, or **I need help** if you are not.");
  });

  test("offers I'm safe (the periodic check-in) and I need help, with only ids", () => {
    expect(built.actions).toEqual([
      { type: "Action.Execute", title: "I'm safe", verb: Verbs.checkIn, data: { visitId: VISIT_ID, step: "safe" }, style: "positive", associatedInputs: "none" },
      { type: "Action.Execute", title: "I need help", verb: Verbs.help, data: { visitId: VISIT_ID }, style: "destructive", associatedInputs: "none" },
    ]);
  });

  test("says who will be told next, from the school's ladder", () => {
    expect(visibleText(built)).toContain("If we do not hear from you by 10:45, the office will be told.");
    const later = withOverdue(visitIn("in-visit"), policy, onVisitDay("10:46"));
    expect(visibleText(card(later))).toContain("If we do not hear from you by 10:55, the headteacher and the safeguarding team will be told.");
  });

  test("names the missed arrival, and uses London time in summer", () => {
    expect(visibleText(card(withOverdue(visitIn("approved"), policy, onVisitDay("09:41"))))).toContain("Your arrival check-in was due at 09:30");
    const summer: Alert = { ...lastAlert(overdue), deadline: { kind: "periodic", due: "2026-06-10T10:33:00.000Z" } };
    expect(visibleText(card(overdue, summer))).toContain("Your regular “I'm safe” check-in was due at 11:33");
  });

  test("says who is trying to reach the visitor once someone is on it, and keeps the buttons", () => {
    const acknowledged = acted(overdue, { type: "acknowledgeAlert", alertId: "A1" }, actor("office"), onVisitDay("10:47"), policy);
    const built = card(acknowledged);
    expect(visibleText(built)).toContain("Chris Dale at school knows and is trying to reach you.");
    expect(visibleText(built)).not.toContain("If we do not hear");
    expect(built.actions).toHaveLength(2);
  });

  test("refreshes through alert.refresh with the visit and alert ids, for at most 60 people", () => {
    const many = Array.from({ length: 70 }, (_, i) => `29:v-${i}`);
    expect(card(overdue, undefined, { refreshUserIds: many }).refresh).toEqual({
      action: { type: "Action.Execute", verb: Verbs.refreshAlert, data: { visitId: VISIT_ID, alertId: "A1" } },
      userIds: many.slice(0, 60),
    });
  });
});

describe("areYouSafeCard once the alert is resolved", () => {
  test("by the visitor's own check-in: thanks them, no buttons", () => {
    const safe = acted(overdue, { type: "checkIn", step: "safe" }, actor("visitor"), onVisitDay("10:50"), policy);
    const built = card(safe, safe.alerts[0]);
    expect(visibleText(built)).toContain("You checked in at 10:50. Nobody needs to look for you now.");
    expect(visibleText(built)).not.toContain("Are you safe?");
    expect(executeActions(built).filter((a) => a !== built.refresh?.action)).toEqual([]);
    expect(built.actions).toBeUndefined();
  });

  test("by a colleague on the visit: says who", () => {
    const safe = acted(overdue, { type: "checkIn", step: "safe" }, actor("secondVisitor"), onVisitDay("10:50"), policy);
    expect(visibleText(card(safe, safe.alerts[0]))).toContain("Sam Moss checked in at 10:50.");
  });

  test("by the office after reaching them: says who, not their note", () => {
    const resolved = acted(overdue, { type: "resolveAlert", alertId: "A1", note: "Rang Alex, phone had died." }, actor("office"), onVisitDay("10:52"), policy);
    const built = card(resolved, resolved.alerts[0]);
    expect(visibleText(built)).toContain("Chris Dale confirmed you are safe at 10:52.");
    expect(JSON.stringify(built)).not.toContain("phone had died");
    expect(built.actions).toBeUndefined();
  });
});

describe("areYouSafeCard for an alert that is not a missed check-in (a refresh the visitor can reach)", () => {
  const visitor = actor("visitor");

  test("a silent alarm shows nothing about it", () => {
    const silent = acted(visitIn("in-visit"), { type: "requestHelp", silent: true }, visitor, onVisitDay("10:05"), policy);
    const built = card(silent);
    expect(visibleText(built)).toBe("Home visit HV-3F6C2A\nNothing for you to do on this card.");
    expect(JSON.stringify(built)).not.toMatch(/help|silent|code word/i);
    expect(built.actions).toBeUndefined();
  });

  test("an ordinary help request shows the line the visitor's own card shows", () => {
    const helped = acted(visitIn("in-visit"), { type: "requestHelp", silent: false }, visitor, onVisitDay("10:05"), policy);
    expect(visibleText(card(helped))).toContain("Help requested at 10:05: alerting the office, the headteacher and the safeguarding team.");
  });
});
