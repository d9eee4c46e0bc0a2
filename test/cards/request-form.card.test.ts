import type { CardElement } from "../../src/cards/card-parts";
import { requestFormCard } from "../../src/cards/request-form.card";
import { REQUEST_FORM_INPUT_IDS, formValuesFromDetails } from "../../src/cards/request-form.data";
import { Verbs } from "../../src/cards/verbs";
import { people, testPolicy } from "../support/policy-fixture";
import { inputs, validateCard, visibleText } from "./support/validate-card";
import { VISIT_ID, loneDetails } from "./support/visit-fixture";

const policy = testPolicy();
const viewerId = people.visitor.aadObjectId;
const input = (card: { body: CardElement[] }, id: string) => card.body.find((e) => e.id === id) as Record<string, unknown>;
const choiceValues = (element: Record<string, unknown>) => (element.choices as { value: string }[]).map((c) => c.value);
const choiceTitles = (element: Record<string, unknown>) => (element.choices as { title: string }[]).map((c) => c.title);

describe("requestFormCard", () => {
  const card = requestFormCard({ policy, viewerId });

  test("is a valid 1.5 card", () => validateCard(card));

  test("has exactly the form's inputs, in order, each with a label", () => {
    expect(inputs(card).map((i) => i.id)).toEqual([...REQUEST_FORM_INPUT_IDS]);
    for (const i of inputs(card)) expect(String(i.label).length).toBeGreaterThan(0);
  });

  test("asks for a pupil reference, not a name", () => {
    expect(input(card, "pupilReference")).toMatchObject({
      type: "Input.Text",
      label: "Pupil reference, no names: initials and year group, e.g. J.S. Y4 or JS Y4",
      isRequired: true,
      maxLength: 40,
    });
  });

  test("every required input says what is missing (errorMessage)", () => {
    const required = inputs(card).filter((i) => i.isRequired);
    expect(required.map((i) => i.id)).toEqual(["pupilReference", "address", "purposeId", "date", "start", "end", "entry", "staffing", "announced"]);
    for (const i of required) expect(i.errorMessage).toEqual(expect.any(String));
  });

  test("uses the right input types", () => {
    expect(input(card, "address")).toMatchObject({ type: "Input.Text", isMultiline: true });
    expect(input(card, "date")).toMatchObject({ type: "Input.Date" });
    expect(input(card, "start")).toMatchObject({ type: "Input.Time" });
    expect(input(card, "end")).toMatchObject({ type: "Input.Time" });
    expect(input(card, "riskAssessment")).toMatchObject({ type: "Input.Text", isMultiline: true });
    expect(input(card, "knownRisks")).toMatchObject({ type: "Input.Text", isMultiline: true });
    expect(input(card, "unannouncedReason")).toMatchObject({ type: "Input.Text" });
  });

  test("offers the school's purposes, in its words", () => {
    expect(choiceValues(input(card, "purposeId"))).toEqual(["attendance", "welfare"]);
    expect(choiceTitles(input(card, "purposeId"))).toEqual(["Attendance support", "Welfare check"]);
  });

  test("offers doorstep or entering, pair or lone, announced or not", () => {
    expect(choiceValues(input(card, "entry"))).toEqual(["doorstep", "enter"]);
    expect(choiceTitles(input(card, "entry"))).toEqual(["Doorstep only", "Entering the home"]);
    expect(choiceValues(input(card, "staffing"))).toEqual(["pair", "lone"]);
    expect(choiceValues(input(card, "announced"))).toEqual(["yes", "no"]);
  });

  test("offers the school's other home visitors as second member of staff, never the viewer", () => {
    const choices = input(card, "secondStaffId").choices as { title: string; value: string }[];
    expect(choices).toEqual([{ title: "Sam Moss", value: people.secondVisitor.aadObjectId }]);
    const asSam = requestFormCard({ policy, viewerId: people.secondVisitor.aadObjectId.toUpperCase() });
    expect(choiceTitles(input(asSam, "secondStaffId"))).toEqual(["Alex Rivers"]);
  });

  test("says when a risk assessment and a reason are needed, as the policy says", () => {
    expect(input(card, "riskAssessment").label).toBe("Lone-working risk assessment (needed for a lone visit)");
    expect(input(card, "unannouncedReason").label).toContain("needed if unannounced");
    const relaxed = requestFormCard({
      policy: testPolicy((p) => {
        p.loneWorking.riskAssessmentRequired = false;
        p.announcement.unannouncedNeedsReason = false;
      }),
      viewerId,
    });
    expect(input(relaxed, "riskAssessment").label).toBe("Lone-working risk assessment (for a lone visit)");
    expect(input(relaxed, "unannouncedReason").label).not.toContain("needed");
  });

  test("names the known risks to think about, and asks for animals, medical needs and the social worker on their own (R07)", () => {
    expect(input(card, "knownRisks").label).toBe("Known risks (aggression, anything from the risk assessment)");
    expect(input(card, "pets")).toMatchObject({ type: "Input.Text", label: "Animals at the address (optional)", maxLength: 300 });
    expect(input(card, "medicalNeeds")).toMatchObject({ type: "Input.Text", label: "Medical needs to know about (optional)", maxLength: 500 });
    expect(input(card, "socialWorker")).toMatchObject({ type: "Input.Text", label: "Allocated social worker or other professional (optional)", maxLength: 200 });
    for (const id of ["pets", "medicalNeeds", "socialWorker"]) expect(input(card, id)).not.toHaveProperty("isRequired");
  });

  test("offers the school's other staff as the responsible contact, saying when one is needed (R05)", () => {
    const contact = input(card, "responsibleContactId");
    expect(contact).toMatchObject({ type: "Input.ChoiceSet", label: "Responsible contact (needed outside the school day, 08:30–16:00)" });
    expect(contact).not.toHaveProperty("isRequired");
    expect(choiceTitles(contact)).toEqual(["Sam Moss", "Jo Fenwick", "Priya Lane", "Chris Dale"]);
    const optional = requestFormCard({ policy: testPolicy((p) => void (p.outOfHours = { schoolDay: { start: "08:00", end: "17:00" }, responsibleContactRequired: false })), viewerId });
    expect(input(optional, "responsibleContactId").label).toBe("Responsible contact (for a visit outside the school day, 08:00–17:00)");
  });

  test("says next to the staffing question that a lone visit is doorstep only, when the policy requires two to enter (R03)", () => {
    const staffingAt = card.body.findIndex((e) => e.id === "staffing");
    expect(card.body[staffingAt + 1]).toMatchObject({ type: "TextBlock", text: "A lone visit is doorstep only: entering the home needs two members of staff." });
    const recommended = requestFormCard({ policy: testPolicy((p) => void (p.loneWorking.twoStaffWhenEntering = "recommended")), viewerId });
    expect(visibleText(recommended)).not.toContain("A lone visit is doorstep only");
  });

  test("gives the school's entry guidance and its two-staff rule under the entry question", () => {
    const entryIndex = card.body.findIndex((e) => e.id === "entry");
    expect(String(card.body[entryIndex + 1]?.text)).toContain("Entering the home needs two members of staff.");
    const recommended = requestFormCard({
      policy: testPolicy((p) => {
        p.loneWorking.twoStaffWhenEntering = "recommended";
        p.entry.guidance = ["Identify exit routes."];
      }),
      viewerId,
    });
    expect(visibleText(recommended)).toContain("Two members of staff are recommended when entering the home.");
    expect(visibleText(recommended)).toContain("Identify exit routes.");
    const no = requestFormCard({ policy: testPolicy((p) => void (p.loneWorking.twoStaffWhenEntering = "no")), viewerId });
    expect(visibleText(no)).not.toMatch(/two members of staff/i);
  });

  test("starts with the school's usual staffing and an announced visit", () => {
    expect(input(card, "staffing").value).toBe("pair");
    expect(input(card, "announced").value).toBe("yes");
    const loneSchool = requestFormCard({ policy: testPolicy((p) => void (p.loneWorking.defaultStaff = 1)), viewerId });
    expect(input(loneSchool, "staffing").value).toBe("lone");
  });

  test("a new request submits with the school's id alone (staff of two schools chose it); shows no errors", () => {
    expect(card.actions).toEqual([expect.objectContaining({ type: "Action.Execute", verb: Verbs.submitRequest, data: { schoolId: "test-school" } })]);
    expect(card.body.some((e) => e.color === "attention")).toBe(false);
  });

  test("amending keeps every value and submits the visit id and version", () => {
    const values = formValuesFromDetails(loneDetails({ announced: false, unannouncedReason: "Welfare concern" }));
    const amend = requestFormCard({ policy, viewerId, values, visitId: VISIT_ID, version: 4 });
    validateCard(amend);
    for (const [id, value] of Object.entries(values)) {
      if (value) expect(input(amend, id).value).toBe(value);
    }
    expect(visibleText(amend)).toContain("Change visit HV-3F6C2A");
    expect(amend.actions).toEqual([expect.objectContaining({ verb: Verbs.submitRequest, data: { visitId: VISIT_ID, version: 4 } })]);
  });

  test("re-shows times as HH:MM even when the client sent seconds", () => {
    const again = requestFormCard({ policy, viewerId, values: { start: "09:30:00", end: "10:15" } });
    expect(input(again, "start").value).toBe("09:30");
    expect(input(again, "end").value).toBe("10:15");
  });

  test("offers no date before today when told today", () => {
    expect(input(requestFormCard({ policy, viewerId, today: "2026-11-20" }), "date").min).toBe("2026-11-20");
  });

  test("shows each error in the attention colour right under its input, with a summary at the top", () => {
    const errors = Object.fromEntries(REQUEST_FORM_INPUT_IDS.map((id) => [id, `Fix ${id}.`]));
    const withErrors = requestFormCard({ policy, viewerId, errors, values: { pupilReference: "J.S. Y4" } });
    validateCard(withErrors);
    for (const id of REQUEST_FORM_INPUT_IDS) {
      const at = withErrors.body.findIndex((e) => e.id === id);
      expect(withErrors.body[at + 1]).toMatchObject({ type: "TextBlock", text: `Fix ${id}.`, color: "attention" });
    }
    const firstInput = withErrors.body.findIndex((e) => String(e.type).startsWith("Input."));
    const summary = withErrors.body.slice(0, firstInput).find((e) => e.color === "attention");
    expect(summary?.text).toBe(`Please fix the ${REQUEST_FORM_INPUT_IDS.length} answers marked below.`);
    expect(input(withErrors, "pupilReference").value).toBe("J.S. Y4");
  });

  test("a single error and a general problem are both shown at the top", () => {
    const one = requestFormCard({ policy, viewerId, errors: { address: "Enter the address you are visiting.", form: "You are not listed as a home visitor." } });
    const top = one.body.slice(0, one.body.findIndex((e) => e.id === "pupilReference")).map((e) => e.text);
    expect(top).toEqual(expect.arrayContaining(["You are not listed as a home visitor.", "Please fix the answer marked below."]));
    const addressAt = one.body.findIndex((e) => e.id === "address");
    expect(one.body[addressAt + 1]).toMatchObject({ text: "Enter the address you are visiting.", color: "attention" });
  });
});
