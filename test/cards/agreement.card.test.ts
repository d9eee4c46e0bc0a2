import { agreementCard } from "../../src/cards/agreement.card";
import type { AgreementView } from "../../src/cards/agreement.card";
import { Verbs } from "../../src/cards/verbs";
import { SYSTEM } from "../../src/domain/alert";
import type { Visit } from "../../src/domain/visit";
import { actor, testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";
import { VISIT_ID, acted, visitIn, withEvents } from "./support/visit-fixture";

/** R22: an agreement with parents, for the people who follow it up. Fictional data only. */
const policy = testPolicy(); // ladder: reminder letter, then a follow-up visit
const recorded = visitIn("recorded");
const due = withEvents(recorded, { type: "agreement.due", at: "2026-11-30T08:30:00.000Z", actor: SYSTEM, index: 0 });
const view = (visit: Visit, change: Partial<AgreementView> = {}): AgreementView => ({
  visit,
  index: 0,
  policy,
  canAct: true,
  refreshUserIds: ["29:jo"],
  ...change,
});
const card = (visit: Visit, change: Partial<AgreementView> = {}) => {
  const built = agreementCard(view(visit, change));
  validateCard(built);
  return built;
};

describe("agreementCard", () => {
  test("shows the agreement, its follow-up date, the pupil and the visit", () => {
    const words = visibleText(card(due));
    for (const line of [
      "Agreement follow-up due",
      "Agreed: J.S. to attend every day next week",
      "Follow up by: Mon 30 Nov 2026",
      "Pupil: J.S. Y4",
      "Visit: HV-3F6C2A, Mon 23 Nov 2026",
      "Recorded by: Alex Rivers",
      "Status: Open",
    ]) {
      expect(words).toContain(line);
    }
  });

  test("an agreement with no date says so", () => {
    expect(visibleText(card(recorded, { index: 1 }))).toContain("Follow up by: No date set");
  });

  test("offers Agreement met and one button per step of the school's ladder, with only the visit id, index and action", () => {
    const built = card(due, { index: 1 });
    expect(built.actions?.map((a) => [a.title, (a as { verb: string }).verb, (a as { data: unknown }).data])).toEqual([
      ["Agreement met", Verbs.agreementAction, { visitId: VISIT_ID, index: 1, action: "met" }],
      ["Reminder letter sent", Verbs.agreementAction, { visitId: VISIT_ID, index: 1, action: "reminder-letter" }],
      ["Follow-up visit arranged", Verbs.agreementAction, { visitId: VISIT_ID, index: 1, action: "follow-up-visit" }],
    ]);
    expect(visibleText(built)).toContain("If it was not kept, the school's next steps are a reminder letter, then a follow-up visit.");
  });

  test("uses the school's own ladder, penalty-notice threshold and welfare referral included", () => {
    const strict = testPolicy((p) => void (p.agreements.ladder = ["reminder-letter", "penalty-notice-threshold", "welfare-referral"]));
    const built = card(due, { policy: strict });
    expect(built.actions?.map((a) => a.title)).toEqual(["Agreement met", "Reminder letter sent", "Penalty-notice threshold", "Welfare referral made"]);
    expect(built.actions!.length).toBeLessThanOrEqual(5);
    const none = card(due, { policy: testPolicy((p) => void (p.agreements.ladder = [])) });
    expect(none.actions?.map((a) => a.title)).toEqual(["Agreement met"]);
  });

  test("every button is a command the domain accepts from the attendance lead, head or SLT", () => {
    const buttons = executeActions(card(due)).filter((a) => a.verb === Verbs.agreementAction);
    expect(buttons).toHaveLength(3);
    for (const action of buttons) {
      const data = action.data as { index: number; action: "met" | "reminder-letter" | "follow-up-visit" };
      expect(() => acted(due, { type: "actionAgreement", index: data.index, action: data.action }, actor("head"), "2026-11-30T09:00:00.000Z", policy)).not.toThrow();
    }
  });

  test("offers an optional note", () => {
    expect(inputs(card(due))).toEqual([expect.objectContaining({ type: "Input.Text", id: "agreementNote", label: "Note (optional)", maxLength: 500 })]);
    expect(inputs(card(due))[0]).not.toHaveProperty("isRequired");
  });

  test("shows what has been done so far, with notes", () => {
    const letter = acted(due, { type: "actionAgreement", index: 0, action: "reminder-letter", note: "Sent by post; fictional." }, actor("head"), "2026-11-30T09:05:00.000Z", policy);
    const words = visibleText(card(letter));
    expect(words).toContain("Done so far\n- Reminder letter sent by Jo Fenwick at 09:05 on Mon 30 Nov 2026: “Sent by post; fictional.”");
    expect(words).toContain("Status: Open");
  });

  test("once met: no buttons or note, and says so", () => {
    const met = acted(due, { type: "actionAgreement", index: 0, action: "met" }, actor("head"), "2026-12-01T09:00:00.000Z", policy);
    const built = card(met);
    expect(built.actions).toBeUndefined();
    expect(inputs(built)).toEqual([]);
    const words = visibleText(built);
    expect(words).toContain("Agreement met");
    expect(words).toContain("Status: Met");
    expect(words).toContain("Marked as met by Jo Fenwick at 09:00 on Tue 1 Dec 2026");
  });

  test("someone who may not act sees the agreement but no buttons", () => {
    const built = card(due, { canAct: false });
    expect(built.actions).toBeUndefined();
    expect(inputs(built)).toEqual([]);
    expect(visibleText(built)).toContain("The attendance lead, the headteacher or the senior leadership team follow agreements up.");
  });

  test("an agreement that does not exist says so", () => {
    expect(visibleText(card(due, { index: 9 }))).toContain("That agreement is not on this visit.");
    expect(visibleText(card(visitIn("left")))).toContain("That agreement is not on this visit.");
    expect(card(visitIn("left")).actions).toBeUndefined();
  });

  test("refreshes with agreement.refresh, the visit id and the index, for at most 60 people", () => {
    const many = Array.from({ length: 70 }, (_, i) => `29:lead-${i}`);
    expect(card(due, { index: 1, refreshUserIds: many }).refresh).toEqual({
      action: { type: "Action.Execute", verb: Verbs.refreshAgreement, data: { visitId: VISIT_ID, index: 1 } },
      userIds: many.slice(0, 60),
    });
  });

  test("shows a banner at the top", () => {
    expect(card(due, { message: { text: "Reminder letter recorded.", tone: "good" } }).body[0]).toMatchObject({ type: "Container", style: "good" });
  });
});
