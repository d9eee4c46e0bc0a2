import { parseRecordForm, recordFormValues } from "../../src/cards/record-form.data";
import type { RecordFormInputId } from "../../src/cards/record-form.data";
import { recordProblem } from "../../src/domain/record";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, testPolicy } from "../support/policy-fixture";
import { acted, visitIn } from "./support/visit-fixture";

/** R21, R22: the record form's inputs. Fictional data only. */
const policy = testPolicy(); // requires time, location, pupil, outcome
const strict = testPolicy((p) => void (p.record.requiredFields = ["time", "location", "pupil", "outcome", "agreements", "parent-confirmation", "officer-confirmation"]));
const TODAY = "2026-11-23";
const VISIT_DATE = "2026-11-23";

/** A good submission as Teams sends it: strings, toggles as "true"/"false", the action's data merged in. */
const good = (): Record<string, unknown> => ({
  visitId: "3f6c2a10-7b1e-4c2d-9a55-0e9d8c7b6a51",
  outcome: "seen",
  summary: "Spoke with the parent about attendance; fictional.",
  agreement1: "J.S. to attend every day next week",
  agreement1By: "2026-11-30",
  agreement2: "Parent to call the office on any absence",
  agreement2By: "",
  agreement3: "",
  agreement3By: "",
  concerns: "",
  followUpActions: "Check the register on Friday",
  parentConfirmed: "true",
  officerConfirmed: "true",
});
const parse = (change: Record<string, unknown>, p: PolicyProfile = policy) => parseRecordForm({ ...good(), ...change }, p, TODAY, VISIT_DATE);
const errorsOf = (change: Record<string, unknown>, p: PolicyProfile = policy) => {
  const result = parse(change, p);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
};

describe("parseRecordForm accepts", () => {
  test("a good record, with its agreements in order and no actions yet", () => {
    expect(parse({})).toEqual({
      ok: true,
      record: {
        outcome: "seen",
        summary: "Spoke with the parent about attendance; fictional.",
        agreements: [
          { text: "J.S. to attend every day next week", followUpBy: "2026-11-30", actions: [] },
          { text: "Parent to call the office on any absence", actions: [] },
        ],
        followUpActions: "Check the register on Friday",
      },
    });
  });

  test("the confirmations only when the policy asks for them, as booleans", () => {
    expect(parse({}, strict)).toMatchObject({ ok: true, record: { parentConfirmed: true, officerConfirmed: true } });
    const result = parse({});
    if (result.ok) {
      expect(result.record).not.toHaveProperty("parentConfirmed");
      expect(result.record).not.toHaveProperty("officerConfirmed");
    }
  });

  test("a gap between agreements, closed up", () => {
    const result = parse({ agreement1: "", agreement1By: "", agreement3: "Pupil to bring PE kit", agreement3By: "2026-12-04" });
    expect(result).toMatchObject({ ok: true, record: { agreements: [{ text: "Parent to call the office on any absence" }, { text: "Pupil to bring PE kit", followUpBy: "2026-12-04" }] } });
  });

  test("a follow-up date on the visit's own day", () => {
    expect(parse({ agreement1By: VISIT_DATE }).ok).toBe(true);
  });

  test("no agreements when nobody was seen, even where the policy wants agreements, and no parent confirmation then", () => {
    expect(parse({ outcome: "not-seen", agreement1: "", agreement1By: "", agreement2: "", parentConfirmed: "false" }, strict)).toMatchObject({
      ok: true,
      record: { outcome: "not-seen", agreements: [], parentConfirmed: false, officerConfirmed: true },
    });
  });

  test("values trimmed, and concerns kept when given", () => {
    expect(parse({ summary: "  Spoke with the parent.  ", concerns: " None seen " })).toMatchObject({ ok: true, record: { summary: "Spoke with the parent.", concerns: "None seen" } });
  });

  test("what it accepts, the domain accepts", () => {
    for (const p of [policy, strict]) {
      const result = parse({}, p);
      if (!result.ok) throw new Error("expected a record");
      expect(recordProblem(result.record, p)).toBeUndefined();
      expect(() => acted(visitIn("left"), { type: "recordOutcome", record: result.record }, actor("visitor"), "2026-11-23T10:45:00.000Z", p)).not.toThrow();
    }
  });

  test("the values of a record round-trip", () => {
    const result = parse({}, strict);
    if (!result.ok) throw new Error("expected a record");
    expect(parseRecordForm(recordFormValues(result.record), strict, TODAY, VISIT_DATE)).toEqual(result);
  });

  test("without the visit date, today is the earliest follow-up date", () => {
    expect(parseRecordForm({ ...good(), agreement1By: "2026-11-24" }, policy, "2026-11-24").ok).toBe(true);
    expect(parseRecordForm({ ...good(), agreement1By: "2026-11-23" }, policy, "2026-11-24").ok).toBe(false);
  });
});

describe("parseRecordForm: the visitor's feedback on the policy (R31)", () => {
  const noFeedback = testPolicy((p) => void (p.review = { period: "termly", staffFeedback: false }));
  const FEEDBACK = "The wait limit felt long on a cold doorstep.";

  test("is kept on the record, trimmed, where the policy reviews with staff feedback", () => {
    expect(policy.review.staffFeedback).toBe(true);
    expect(parse({ staffFeedback: `  ${FEEDBACK}  ` })).toMatchObject({ ok: true, record: { staffFeedback: FEEDBACK } });
  });

  test("is left off the record when empty", () => {
    for (const staffFeedback of ["", "   ", undefined]) {
      const result = parse({ staffFeedback });
      if (!result.ok) throw new Error("expected a record");
      expect(result.record).not.toHaveProperty("staffFeedback");
    }
  });

  test("is ignored where the policy does not ask for it, even if sent", () => {
    const result = parse({ staffFeedback: FEEDBACK }, noFeedback);
    if (!result.ok) throw new Error("expected a record");
    expect(result.record).not.toHaveProperty("staffFeedback");
  });

  test("over 1000 characters is refused on its own input", () => {
    const errors = errorsOf({ staffFeedback: "f".repeat(1001) });
    expect(errors).toEqual({ staffFeedback: "Shorten your feedback to 1000 characters or fewer." });
    expect(parse({ staffFeedback: "f".repeat(1000) }).ok).toBe(true);
  });

  test("round-trips through the form's values, and the domain accepts the record", () => {
    const result = parse({ staffFeedback: FEEDBACK });
    if (!result.ok) throw new Error("expected a record");
    expect(recordFormValues(result.record)).toMatchObject({ staffFeedback: FEEDBACK });
    expect(parseRecordForm(recordFormValues(result.record), policy, TODAY, VISIT_DATE)).toEqual(result);
    const recorded = acted(visitIn("left"), { type: "recordOutcome", record: result.record }, actor("visitor"), "2026-11-23T10:45:00.000Z", policy);
    expect(recorded.record).toMatchObject({ staffFeedback: FEEDBACK });
  });
});

describe("parseRecordForm reports, for the input to fix", () => {
  const cases: [string, Record<string, unknown>, RecordFormInputId, RegExp, PolicyProfile][] = [
    ["no outcome", { outcome: "" }, "outcome", /Choose what happened/, policy],
    ["an outcome that is not one", { outcome: "partly" }, "outcome", /Choose what happened/, policy],
    ["no summary", { summary: "  " }, "summary", /Write what happened on the visit/, policy],
    ["a summary over 2000 characters", { summary: "s".repeat(2001) }, "summary", /2000 characters/, policy],
    ["an agreement over 300 characters", { agreement2: "a".repeat(301) }, "agreement2", /300 characters/, policy],
    ["a follow-up date that is not a date", { agreement1By: "30/11/2026" }, "agreement1By", /real date/, policy],
    ["a follow-up date that does not exist", { agreement1By: "2026-11-31" }, "agreement1By", /real date/, policy],
    ["a follow-up date before the visit", { agreement1By: "2026-11-22" }, "agreement1By", /cannot be before the visit \(2026-11-23\)/, policy],
    ["a follow-up date more than a year ahead", { agreement1By: "2028-01-01" }, "agreement1By", /within a year/, policy],
    ["a follow-up date without an agreement", { agreement3By: "2026-12-01" }, "agreement3", /Write the agreement, or clear its follow-up date/, policy],
    ["concerns over 1000 characters", { concerns: "c".repeat(1001) }, "concerns", /1000 characters/, policy],
    ["follow-up actions over 1000 characters", { followUpActions: "f".repeat(1001) }, "followUpActions", /1000 characters/, policy],
    ["no agreements on a visit that took place, where the policy wants them", { agreement1: "", agreement1By: "", agreement2: "" }, "agreement1", /Record what was agreed/, strict],
    ["no parent confirmation on a visit that took place, where the policy asks", { parentConfirmed: "false" }, "parentConfirmed", /parent must confirm/, strict],
    ["no officer confirmation, where the policy asks", { officerConfirmed: "" }, "officerConfirmed", /Confirm the record yourself/, strict],
  ];

  test.each(cases)("%s", (_name, change, id, message, p) => {
    const errors = errorsOf(change, p);
    expect(errors[id]).toMatch(message);
    expect(Object.keys(errors)).toEqual([id]);
  });

  test("every message matches the domain's words for its rule", () => {
    const record = { outcome: "seen" as const, summary: "x", agreements: [], parentConfirmed: false, officerConfirmed: true };
    expect(errorsOf({ agreement1: "", agreement1By: "", agreement2: "" }, strict).agreement1).toBe(recordProblem(record, strict));
  });

  test("every problem at once, and the values as typed", () => {
    const result = parseRecordForm({ outcome: "seen", summary: "", agreement2By: "2020-01-01", parentConfirmed: "false" }, strict, TODAY, VISIT_DATE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["agreement1", "agreement2", "agreement2By", "officerConfirmed", "parentConfirmed", "summary"]);
    for (const message of Object.values(result.errors)) expect(message).toMatch(/^[A-Z].*\.$/);
    expect(result.values).toMatchObject({ outcome: "seen", agreement2By: "2020-01-01", parentConfirmed: "false", concerns: "" });
  });

  test("something that is not a form at all", () => {
    const result = parseRecordForm(null, policy, TODAY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(["outcome", "summary"]);
  });
});
