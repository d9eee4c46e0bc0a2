/** R31: visiting staff's feedback in the review figures and their CSV, where the school reviews with it. Fictional data only. */
import type { VisitRecord } from "../../src/domain/record";
import { reviewCsv, reviewFigures } from "../../src/domain/review";
import type { Visit } from "../../src/domain/visit";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { testPolicy } from "../support/policy-fixture";
import { apply, FULL_RECORD, pairDetails, PATH_TO, requestedVisit, type Step, VISIT_ID } from "./visit.builders";

const withFeedback = testPolicy(); // review: annual, with staff feedback
const withoutFeedback = testPolicy((p) => void (p.review.staffFeedback = false));

/** A visit on `date` that took place and was recorded, with the visitor's feedback if any. */
function recordedOn(date: string, staffFeedback?: string, policy: PolicyProfile = withFeedback): Visit {
  const record: Omit<VisitRecord, "recordedBy" | "recordedAt"> = { ...FULL_RECORD, ...(staffFeedback !== undefined ? { staffFeedback } : {}) };
  const path = PATH_TO.recorded.map(([command, by]): Step => (command.type === "recordOutcome" ? [{ type: "recordOutcome", record }, by] : [command, by]));
  return apply(requestedVisit(policy, pairDetails({ date })), policy, path, new Date(`${date}T08:01:00.000Z`)).visit;
}

/** The same visits as the review sees them, each with its own id. */
const week = (policy: PolicyProfile = withFeedback): Visit[] =>
  [
    recordedOn("2026-11-23", "Parking near the estate was hard; a named bay would help.", policy),
    recordedOn("2026-11-24", undefined, policy),
    recordedOn("2026-11-25", 'The "are you safe?" card came late, but it came.', policy),
    recordedOn("2026-12-01", "Outside the period.", policy),
  ].map((v, i) => ({ ...v, id: VISIT_ID.replace(/.$/, String(i)) }));

describe("reviewFigures: staff feedback (R31)", () => {
  it("lists each comment made on a visit in the period, in visit order, leaving out records without one", () => {
    expect(reviewFigures(week(), "2026-11-23", "2026-11-30", withFeedback).staffFeedback).toEqual([
      "Parking near the estate was hard; a named bay would help.",
      'The "are you safe?" card came late, but it came.',
    ]);
  });

  it("is an empty list when nobody wrote any, so the review shows that none was given", () => {
    const figures = reviewFigures([recordedOn("2026-11-24")], "2026-11-23", "2026-11-30", withFeedback);
    expect(figures.staffFeedback).toEqual([]);
    expect(reviewCsv(figures).split("\r\n").slice(-2)).toEqual(["staff feedback,comments,0", ""]);
  });

  it("is left out where the policy does not review with staff feedback, even if a record carries some", () => {
    const figures = reviewFigures(week(withoutFeedback), "2026-11-23", "2026-11-30", withoutFeedback);
    expect(figures).not.toHaveProperty("staffFeedback");
    expect(figures.visits).toBe(3);
    expect(reviewCsv(figures)).not.toMatch(/staff feedback|Parking/);
  });
});

describe("reviewCsv: staff feedback rows (R31)", () => {
  it("ends with the number of comments and one row per comment, quoted as CSV needs", () => {
    const rows = reviewCsv(reviewFigures(week(), "2026-11-23", "2026-11-30", withFeedback)).split("\r\n");
    expect(rows.slice(-5)).toEqual([
      "incidents,total,0",
      "staff feedback,comments,2",
      "staff feedback,comment,Parking near the estate was hard; a named bay would help.",
      'staff feedback,comment,"The ""are you safe?"" card came late, but it came."',
      "",
    ]);
  });

  it("keeps a comment that looks like a spreadsheet formula from running as one", () => {
    const rows = reviewCsv(reviewFigures([recordedOn("2026-11-23", "=HYPERLINK(\"http://example.invalid\")")], "2026-11-23", "2026-11-23", withFeedback)).split("\r\n");
    expect(rows).toContain(`staff feedback,comment,"'=HYPERLINK(""http://example.invalid"")"`);
  });

  it("the figures' exact shape when staff feedback is on, for a visit with a comment", () => {
    const figures = reviewFigures([recordedOn("2026-11-23", "Fine.")], "2026-11-23", "2026-11-23", withFeedback);
    expect(figures).toEqual({
      from: "2026-11-23",
      to: "2026-11-23",
      visits: 1,
      byPurpose: [{ label: "Attendance support", count: 1 }],
      cancellations: [],
      escalations: [
        { kind: "overdue", raised: 0, resolved: 0 },
        { kind: "help", raised: 0, resolved: 0 },
        { kind: "child-alone", raised: 0, resolved: 0 },
        { kind: "concern", raised: 0, resolved: 0 },
      ],
      incidents: 0,
      staffFeedback: ["Fine."],
    });
  });
});
