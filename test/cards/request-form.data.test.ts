import { formValuesFromDetails, parseRequestForm } from "../../src/cards/request-form.data";
import type { RequestFormInputId } from "../../src/cards/request-form.data";
import { people, testPolicy } from "../support/policy-fixture";
import { loneDetails, pairDetails } from "./support/visit-fixture";

const policy = testPolicy();
const viewerId = people.visitor.aadObjectId;
const TODAY = "2026-11-20";

/** A good submission as Teams sends it: strings, with the action's data merged in. */
const good = (): Record<string, unknown> => ({
  visitId: "3f6c2a10-7b1e-4c2d-9a55-0e9d8c7b6a51",
  version: 2,
  pupilReference: "J.S. Y4",
  address: "12 Example Lane, Testbury TE1 2ST",
  purposeId: "attendance",
  date: "2026-11-23",
  start: "09:30",
  end: "10:30",
  entry: "doorstep",
  staffing: "pair",
  secondStaffId: people.secondVisitor.aadObjectId,
  riskAssessment: "",
  announced: "yes",
  unannouncedReason: "",
  knownRisks: "Large dog in the garden",
});
const parse = (change: Record<string, unknown>, p = policy) => parseRequestForm({ ...good(), ...change }, p, TODAY, viewerId);
const errorsOf = (change: Record<string, unknown>, p = policy) => {
  const result = parse(change, p);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
};

describe("parseRequestForm accepts", () => {
  test("a good submission, as VisitDetails", () => {
    expect(parse({})).toEqual({ ok: true, details: pairDetails() });
  });

  test("times with seconds, normalised to HH:MM", () => {
    const result = parse({ start: "09:30:00", end: "10:30:00" });
    expect(result).toMatchObject({ ok: true, details: { start: "09:30", end: "10:30" } });
  });

  test.each(["J.S. Y4", "JS Y4", "JST Y10", "J.S.T. Y13", "K.T. R", "AB N"])("the pupil reference %j: initials and year group", (pupilReference) => {
    expect(parse({ pupilReference })).toMatchObject({ ok: true, details: { pupilReference } });
  });

  test("a pupil reference in the form the school's policy sets instead of the default", () => {
    const p = testPolicy((input) => void (input.pupilReference = { pattern: "P-\\d{4}", description: "the pupil's number on the MIS, e.g. P-1042" }));
    expect(parse({ pupilReference: "P-1042" }, p)).toMatchObject({ ok: true, details: { pupilReference: "P-1042" } });
    expect(errorsOf({ pupilReference: "J.S. Y4" }, p).pupilReference).toBe("Write the pupil reference as the school's policy sets it: the pupil's number on the MIS, e.g. P-1042.");
  });

  test("values with spaces around them, trimmed", () => {
    const result = parse({ pupilReference: "  J.S. Y4 ", address: "\n12 Example Lane, Testbury TE1 2ST  ", knownRisks: "  Large dog in the garden " });
    expect(result).toEqual({ ok: true, details: pairDetails() });
  });

  test('no known risks, as "None known"', () => {
    expect(parse({ knownRisks: "   " })).toMatchObject({ ok: true, details: { knownRisks: "None known" } });
  });

  test("a lone visit with its risk assessment", () => {
    const result = parse({ staffing: "lone", secondStaffId: "", riskAssessment: "Doorstep only; office has my route." });
    expect(result).toEqual({ ok: true, details: loneDetails() });
  });

  test("an unannounced visit with its reason", () => {
    expect(parse({ announced: "no", unannouncedReason: "Welfare concern" })).toMatchObject({
      ok: true,
      details: { announced: false, unannouncedReason: "Welfare concern" },
    });
  });

  test("a reason typed for an announced visit is dropped", () => {
    const result = parse({ unannouncedReason: "changed my mind" });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.details).not.toHaveProperty("unannouncedReason");
  });

  test("today's date", () => {
    expect(parse({ date: TODAY }).ok).toBe(true);
  });

  test("a second member of staff whose id differs only in case, as the policy writes it", () => {
    expect(parse({ secondStaffId: people.secondVisitor.aadObjectId.toUpperCase() })).toMatchObject({
      ok: true,
      details: { staffing: { mode: "pair", secondStaffId: people.secondVisitor.aadObjectId } },
    });
  });

  test("a lone visit without a risk assessment, and an unannounced one without a reason, when the school does not ask", () => {
    const relaxed = testPolicy((p) => {
      p.loneWorking.riskAssessmentRequired = false;
      p.announcement.unannouncedNeedsReason = false;
    });
    expect(parse({ staffing: "lone", announced: "no" }, relaxed)).toMatchObject({
      ok: true,
      details: { staffing: { mode: "lone", riskAssessment: "" }, announced: false },
    });
  });

  test("the values of an existing visit (amending round-trips)", () => {
    for (const details of [
      pairDetails(),
      loneDetails({ announced: false, unannouncedReason: "Emergency", knownRisks: "None known" }),
      pairDetails({ start: "17:00", end: "18:00", responsibleContactId: people.head.aadObjectId, pets: "Two cats", medicalNeeds: "Asthma", socialWorker: "A. Social, Testbury CSC" }),
    ]) {
      expect(parseRequestForm(formValuesFromDetails(details), policy, TODAY, viewerId)).toEqual({ ok: true, details });
    }
  });

  test("animals, medical needs and the social worker, trimmed, and left out when empty (R07)", () => {
    expect(parse({ pets: "  Large dog ", medicalNeeds: "Epilepsy (parent)", socialWorker: "A. Social" })).toEqual({
      ok: true,
      details: pairDetails({ pets: "Large dog", medicalNeeds: "Epilepsy (parent)", socialWorker: "A. Social" }),
    });
    const result = parse({ pets: " ", medicalNeeds: "", socialWorker: undefined });
    expect(result).toEqual({ ok: true, details: pairDetails() });
    if (result.ok) for (const key of ["pets", "medicalNeeds", "socialWorker", "responsibleContactId"]) expect(result.details).not.toHaveProperty(key);
  });

  test("a visit outside the school day with a responsible contact, as the policy writes their id (R05)", () => {
    for (const [start, end] of [["07:30", "08:15"], ["15:30", "16:30"]]) {
      expect(parse({ start, end, responsibleContactId: people.office.aadObjectId.toUpperCase() })).toMatchObject({
        ok: true,
        details: { responsibleContactId: people.office.aadObjectId },
      });
    }
  });

  test("a visit in the school day needs no responsible contact, and may still name one", () => {
    expect(parse({ responsibleContactId: "" }).ok).toBe(true);
    expect(parse({ responsibleContactId: people.head.aadObjectId })).toMatchObject({ ok: true, details: { responsibleContactId: people.head.aadObjectId } });
  });

  test("a weekend visit without a contact when the policy does not require one", () => {
    const optional = testPolicy((p) => void (p.outOfHours.responsibleContactRequired = false));
    expect(parse({ date: "2026-11-21" }, optional).ok).toBe(true);
  });

  test("a lone visit entering the home when the policy only recommends two, or does not ask", () => {
    for (const rule of ["recommended", "no"] as const) {
      const p = testPolicy((input) => void (input.loneWorking.twoStaffWhenEntering = rule));
      expect(parse({ staffing: "lone", riskAssessment: "Known family.", entry: "enter" }, p)).toMatchObject({ ok: true, details: { entry: "enter", staffing: { mode: "lone" } } });
    }
  });
});

describe("parseRequestForm reports, for the input to fix", () => {
  const cases: [string, Record<string, unknown>, RequestFormInputId, RegExp][] = [
    ["a missing pupil reference", { pupilReference: " " }, "pupilReference", /initials and year group, e\.g\. J\.S\. Y4/],
    ["a one-letter pupil reference", { pupilReference: "J" }, "pupilReference", /too short.*initials and year group, e\.g\. J\.S\. Y4/],
    ["a pupil reference over 40 characters", { pupilReference: "J".repeat(41) }, "pupilReference", /initials and year group, e\.g\. J\.S\. Y4/],
    ["what looks like a full name", { pupilReference: "Jamie Lee Smith Year4" }, "pupilReference", /Do not write the pupil's name.*J\.S\. Y4/],
    ["a first name and surname with the year", { pupilReference: "Kai Thomas Y5" }, "pupilReference", /Do not write the pupil's name: a pupil reference must not carry one\. Use initials and year group, e\.g\. J\.S\. Y4/],
    ["a name in capitals", { pupilReference: "EMMA STONE Y5" }, "pupilReference", /Do not write the pupil's name/],
    ["a first name and the year", { pupilReference: "Kai Y5" }, "pupilReference", /Do not write the pupil's name/],
    ["initials without the year group", { pupilReference: "J.S." }, "pupilReference", /Write the pupil reference as the school's policy sets it: initials and year group/],
    ["initials run into the year group", { pupilReference: "J.S.Y4" }, "pupilReference", /Write the pupil reference as/],
    ["a missing address", { address: "" }, "address", /Enter the address/],
    ["a too short address", { address: "12 A" }, "address", /too short/],
    ["an address over 300 characters", { address: "x".repeat(301) }, "address", /300 characters/],
    ["a purpose the school does not have", { purposeId: "shopping" }, "purposeId", /Choose the purpose/],
    ["a missing date", { date: undefined }, "date", /Enter the date/],
    ["a date that is not a date", { date: "23/11/2026" }, "date", /real date/],
    ["a date that does not exist", { date: "2026-02-30" }, "date", /real date/],
    ["a date in the past", { date: "2026-11-19" }, "date", /passed/],
    ["a missing start", { start: "" }, "start", /time you will arrive/],
    ["a start that is not a time", { start: "9.30am" }, "start", /hours and minutes/],
    ["a missing end", { end: undefined }, "end", /time you expect to leave/],
    ["an end before the start", { start: "10:30", end: "09:30" }, "end", /after the start/],
    ["an end equal to the start", { start: "10:30:00", end: "10:30" }, "end", /after the start/],
    ["no doorstep/enter answer", { entry: "" }, "entry", /doorstep only or entering/],
    ["no staffing answer", { staffing: "three" }, "staffing", /two of you.*lone/],
    ["a pair without a second member of staff", { secondStaffId: "" }, "secondStaffId", /Choose who is going with you/],
    ["the viewer as their own second", { secondStaffId: viewerId.toUpperCase() }, "secondStaffId", /cannot be you/],
    ["a second who is not a home visitor", { secondStaffId: people.head.aadObjectId }, "secondStaffId", /from the list of home visitors/],
    ["a lone visit without a risk assessment", { staffing: "lone", riskAssessment: "  " }, "riskAssessment", /lone-working risk assessment/],
    ["a risk assessment over 1000 characters", { staffing: "lone", riskAssessment: "r".repeat(1001) }, "riskAssessment", /1000 characters/],
    ["no announced answer", { announced: "maybe" }, "announced", /knows you are coming/],
    ["an unannounced visit without a reason", { announced: "no", unannouncedReason: "" }, "unannouncedReason", /why the visit is unannounced/],
    ["an unannounced reason over 500 characters", { announced: "no", unannouncedReason: "u".repeat(501) }, "unannouncedReason", /500 characters/],
    ["known risks over 1000 characters", { knownRisks: "k".repeat(1001) }, "knownRisks", /1000 characters/],
    ["animals over 300 characters", { pets: "p".repeat(301) }, "pets", /300 characters/],
    ["medical needs over 500 characters", { medicalNeeds: "m".repeat(501) }, "medicalNeeds", /500 characters/],
    ["a social worker over 200 characters", { socialWorker: "s".repeat(201) }, "socialWorker", /200 characters/],
    ["a lone visit entering the home when the policy needs two to enter", { staffing: "lone", riskAssessment: "Known family.", entry: "enter" }, "staffing", /needs two members of staff to enter a home/],
    ["a visit after the school day without a responsible contact", { start: "16:30", end: "17:30" }, "responsibleContactId", /outside the school day \(08:30–16:00\): choose a responsible contact/],
    ["a visit before the school day without a responsible contact", { start: "07:45", end: "08:45" }, "responsibleContactId", /outside the school day/],
    ["a weekend visit without a responsible contact", { date: "2026-11-22" }, "responsibleContactId", /outside the school day/],
    ["a responsible contact who is not in the profile", { responsibleContactId: people.outsider.aadObjectId }, "responsibleContactId", /list of the school's staff/],
    ["the viewer as their own responsible contact", { responsibleContactId: viewerId }, "responsibleContactId", /not going on the visit/],
    ["the second member of staff as the responsible contact", { responsibleContactId: people.secondVisitor.aadObjectId }, "responsibleContactId", /not going on the visit/],
  ];

  test.each(cases)("%s", (_name, change, id, message) => {
    const errors = errorsOf(change);
    expect(errors[id]).toMatch(message);
    expect(Object.keys(errors)).toEqual([id]);
  });

  test("every problem at once, one plain message per input, and the values as typed", () => {
    const raw = { pupilReference: " Jamie Lee Smith Year4 ", address: "", purposeId: "", date: "2026-01-01", start: "11:00", end: "10:00", entry: "", staffing: "pair", announced: "no" };
    const result = parseRequestForm(raw, policy, TODAY, viewerId);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["address", "date", "end", "entry", "pupilReference", "purposeId", "secondStaffId", "unannouncedReason"]);
    for (const message of Object.values(result.errors)) expect(message).toMatch(/^[A-Z].*\.$/);
    expect(result.values).toMatchObject({ pupilReference: "Jamie Lee Smith Year4", date: "2026-01-01", start: "11:00", end: "10:00", announced: "no", knownRisks: "" });
  });

  test("something that is not a form at all", () => {
    const result = parseRequestForm(undefined, policy, TODAY, viewerId);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual(expect.arrayContaining(["pupilReference", "address", "purposeId", "date", "start", "end", "entry", "staffing", "announced"]));
  });
});
