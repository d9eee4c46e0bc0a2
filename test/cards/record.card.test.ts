import type { CardElement } from "../../src/cards/card-parts";
import { RECORD_FORM_INPUT_IDS } from "../../src/cards/record-form.data";
import { recordCard } from "../../src/cards/record.card";
import type { RecordView } from "../../src/cards/record.card";
import { Verbs } from "../../src/cards/verbs";
import { recordSummary } from "../../src/domain/record";
import type { Visit } from "../../src/domain/visit";
import { people, testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";
import { VISIT_ID, events, visitIn, withEvents } from "./support/visit-fixture";

/** R21, R22: the record form after the visit, and the summary for the school's record system. Fictional data only. */
const policy = testPolicy();
const strict = testPolicy((p) => void (p.record.requiredFields = ["time", "location", "pupil", "outcome", "agreements", "parent-confirmation", "officer-confirmation"]));
const visitor = people.visitor.aadObjectId;
const view = (visit: Visit, change: Partial<RecordView> = {}): RecordView => ({ visit, policy, viewerId: visitor, ...change });
const card = (visit: Visit, change: Partial<RecordView> = {}) => {
  const built = recordCard(view(visit, change));
  validateCard(built);
  return built;
};
const input = (built: { body: CardElement[] }, id: string) => built.body.find((e) => e.id === id) as Record<string, unknown> | undefined;

describe("recordCard once the staff have left", () => {
  const left = visitIn("left");
  const built = card(left);

  test("asks for the outcome, a summary, up to three agreements with dates, concerns and follow-up actions", () => {
    expect(inputs(built).map((i) => i.id)).toEqual(RECORD_FORM_INPUT_IDS.filter((id) => !id.endsWith("Confirmed")));
    expect(input(built, "outcome")).toMatchObject({ type: "Input.ChoiceSet", style: "expanded", isRequired: true });
    expect((input(built, "outcome")!.choices as { value: string }[]).map((c) => c.value)).toEqual(["seen", "not-seen", "called-off"]);
    expect(input(built, "summary")).toMatchObject({ type: "Input.Text", isMultiline: true, isRequired: true, errorMessage: expect.any(String) });
    expect(input(built, "agreement1")).toMatchObject({ type: "Input.Text", label: "Agreement 1" });
    expect(input(built, "agreement3By")).toMatchObject({ type: "Input.Date", label: "Agreement 3: follow up by (optional)", min: "2026-11-23" });
    for (const id of ["agreement1", "agreement1By", "concerns", "followUpActions"]) expect(input(built, id)).not.toHaveProperty("isRequired");
  });

  test("shows the visit's facts: pupil, address, date and the times it was at the address", () => {
    const words = visibleText(built);
    expect(words).toContain("Record visit HV-3F6C2A");
    expect(words).toContain("Pupil: J.S. Y4");
    expect(words).toContain("Times: Arrived 09:31, left 10:20");
  });

  test("submits visit.record with only the visit id", () => {
    expect(built.actions).toEqual([expect.objectContaining({ type: "Action.Execute", title: "Save the record", verb: Verbs.record, data: { visitId: VISIT_ID } })]);
  });

  test("has no outcome chosen for a visit that went ahead, and called-off for one called off at the door", () => {
    expect(input(built, "outcome")).not.toHaveProperty("value");
    const calledOff = withEvents(visitIn("arrived"), events.calledOff("animals", "09:35", "Fictional."), events.checkIn("left", "09:40"));
    const offCard = card(calledOff);
    expect(input(offCard, "outcome")!.value).toBe("called-off");
    expect(visibleText(offCard)).toContain("Called off: animals not shut away");
  });

  test("asks for the parent's and the officer's confirmation only where the policy does", () => {
    expect(input(built, "parentConfirmed")).toBeUndefined();
    const confirmed = card(left, { policy: strict });
    expect(input(confirmed, "parentConfirmed")).toMatchObject({ type: "Input.Toggle", title: "The parent has confirmed this record" });
    expect(input(confirmed, "officerConfirmed")).toMatchObject({ type: "Input.Toggle", title: "I confirm this record is accurate" });
    expect(visibleText(confirmed)).toContain("Agreements with the parents (needed when the visit took place)");
  });

  test("asks for the visitor's feedback on the policy, optional, after the follow-up actions, only where the policy reviews with it (R31)", () => {
    expect(policy.review.staffFeedback).toBe(true);
    expect(input(built, "staffFeedback")).toEqual({
      type: "Input.Text",
      id: "staffFeedback",
      label: "Your feedback on the home-visit policy (optional)",
      isMultiline: true,
      maxLength: 1000,
    });
    const ids = inputs(built).map((i) => i.id);
    expect(ids.indexOf("staffFeedback")).toBe(ids.indexOf("followUpActions") + 1);

    const noFeedback = testPolicy((p) => void (p.review = { period: "termly", staffFeedback: false }));
    const without = card(left, { policy: noFeedback });
    expect(input(without, "staffFeedback")).toBeUndefined();
    expect(inputs(without).map((i) => i.id)).toEqual(RECORD_FORM_INPUT_IDS.filter((id) => !id.endsWith("Confirmed") && id !== "staffFeedback"));
    expect(visibleText(without)).not.toContain("feedback");
  });

  test("shows the feedback typed so far again with the form", () => {
    const again = card(left, { values: { outcome: "seen", summary: "Spoke with the parent.", staffFeedback: "More time to write up, please." } });
    expect(input(again, "staffFeedback")!.value).toBe("More time to write up, please.");
  });

  test("points a safeguarding concern to Report a concern, not the record", () => {
    expect(visibleText(built)).toContain("use Report a concern on the visit card");
  });

  test("shows what was typed and each error under its input, with a summary at the top", () => {
    const errors = { summary: "Write what happened on the visit.", agreement1By: "Enter a real date, e.g. 2026-11-30.", form: "Refused by the server." };
    const again = card(left, { values: { outcome: "seen", summary: "", agreement1: "Attend daily", agreement1By: "30/11" }, errors });
    expect(input(again, "outcome")!.value).toBe("seen");
    expect(input(again, "agreement1")!.value).toBe("Attend daily");
    const at = again.body.findIndex((e) => e.id === "agreement1By");
    expect(again.body[at + 1]).toMatchObject({ type: "TextBlock", text: "Enter a real date, e.g. 2026-11-30.", color: "attention" });
    const words = visibleText(again);
    expect(words).toContain("Refused by the server.");
    expect(words).toContain("Please fix the 2 answers marked below.");
  });
});

describe("recordCard once recorded", () => {
  const recorded = visitIn("recorded");
  const built = card(recorded);
  const summaryLines = (card: { body: CardElement[] }) =>
    (card.body.find((e) => e.type === "Container" && e.style === "emphasis") as unknown as { items: { inlines: { text: string; fontType: string }[] }[] }).items.map((i) => i.inlines[0]!);

  test("shows the record system's plain-text summary, line by line in monospace, exactly as recordSummary writes it", () => {
    const lines = summaryLines(built);
    expect(lines.map((l) => l.text).join("\n")).toBe(recordSummary(recorded, policy));
    for (const line of lines) expect(line.fontType).toBe("monospace");
    expect(lines.map((l) => l.text)).toContain("- J.S. to attend every day next week (by 2026-11-30)");
  });

  test("tells the user where to copy it, in the policy's system", () => {
    expect(visibleText(built)).toContain("Copy this into CPOMS.");
    const attendance = testPolicy((p) => void (p.record.system = "attendance-record"));
    expect(visibleText(card(recorded, { policy: attendance }))).toContain("Copy this into the pupil's attendance record.");
    const none = testPolicy((p) => void (p.record.system = "none"));
    expect(visibleText(card(recorded, { policy: none }))).toContain("Keep this with the school's records of the visit.");
  });

  test("has no form and no buttons", () => {
    expect(inputs(built)).toEqual([]);
    expect(executeActions(built)).toEqual([]);
    expect(visibleText(built)).toContain("Recorded by Alex Rivers at 10:45.");
  });

  test("a visit with a safeguarding concern says CPOMS holds its record of truth, and how long this copy is kept", () => {
    const concerned = withEvents(visitIn("recorded"), {
      type: "alert.raised",
      at: "2026-11-23T10:50:00.000Z",
      actor: { id: people.visitor.aadObjectId, name: people.visitor.displayName },
      alert: { id: "A1", kind: "concern", note: "Fictional concern." },
    });
    const words = visibleText(card(concerned));
    expect(words).toContain("A concern was raised on this visit: CPOMS is its record of truth, whatever else the school keeps, so record it there in full. Home Visits keeps this copy for 25 years after the visit's last entry.");
    expect(summaryLines(card(concerned)).map((l) => l.text)[1]).toBe("Safeguarding: a concern was raised on this visit. CPOMS holds the record of truth for it; this summary is a copy.");
    expect(visibleText(built)).not.toContain("record of truth");
  });

  test("the second member of staff sees it too", () => {
    expect(summaryLines(card(recorded, { viewerId: people.secondVisitor.aadObjectId })).length).toBeGreaterThan(5);
  });
});

describe("recordCard otherwise", () => {
  test("someone not on the visit sees neither the form nor the record", () => {
    for (const status of ["left", "recorded"] as const) {
      const built = card(visitIn(status), { viewerId: people.head.aadObjectId });
      expect(inputs(built)).toEqual([]);
      expect(executeActions(built)).toEqual([]);
      const json = JSON.stringify(built);
      expect(json).not.toContain("J.S.");
      expect(json).not.toContain("Example Lane");
      expect(visibleText(built)).toContain("Only the staff who went on the visit can record it");
    }
  });

  test.each(["approved", "on-the-way", "arrived", "waiting-for-parent", "in-visit"] as const)("before leaving (%s), says to record it after leaving", (status) => {
    const built = card(visitIn(status));
    expect(inputs(built)).toEqual([]);
    expect(visibleText(built)).toContain("Record the visit once you have left the address.");
  });

  test.each(["cancelled", "declined"] as const)("a visit that did not happen (%s) has nothing to record", (status) => {
    expect(visibleText(card(visitIn(status)))).toContain("This visit did not take place: there is nothing to record.");
  });

  test("shows a banner at the top", () => {
    expect(card(visitIn("recorded"), { message: { text: "Recorded.", tone: "good" } }).body[0]).toMatchObject({ type: "Container", style: "good" });
  });
});
