import { reviewCard } from "../../src/cards/review.card";
import type { ReviewFigures } from "../../src/domain/review";
import { reviewFigures } from "../../src/domain/review";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";
import { events, visitIn, withEvents } from "./support/visit-fixture";

/** R31: the governors' review figures. Counts only. */
const policy = testPolicy();
const figures: ReviewFigures = {
  from: "2025-09-01",
  to: "2026-08-31",
  visits: 42,
  byPurpose: [
    { label: "Attendance support", count: 30 },
    { label: "Welfare check", count: 12 },
  ],
  cancellations: [
    { reason: "called off at the door: parent absent", count: 5 },
    { reason: "not approved", count: 2 },
  ],
  escalations: [
    { kind: "overdue", raised: 3, resolved: 3, medianMinutesToResolve: 12, longestMinutesToResolve: 40.5 },
    { kind: "help", raised: 1, resolved: 0 },
    { kind: "child-alone", raised: 0, resolved: 0 },
    { kind: "concern", raised: 0, resolved: 0 },
  ],
  incidents: 1,
};
const card = (f: ReviewFigures = figures, p: PolicyProfile = policy) => {
  const built = reviewCard({ figures: f, policy: p });
  validateCard(built);
  return built;
};

describe("reviewCard", () => {
  test("gives the period and the totals", () => {
    const words = visibleText(card());
    expect(words).toContain("Home visit review: Test Primary School");
    expect(words).toContain("Mon 1 Sept 2025 to Mon 31 Aug 2026. The policy is reviewed every year.");
    expect(words).toContain("Visits: 42\nIncidents: 1");
  });

  test("gives visits by purpose and cancellations by reason in plain tables", () => {
    const built = card();
    const factSets = built.body.filter((e) => e.type === "FactSet").map((e) => e.facts);
    expect(factSets).toContainEqual([
      { title: "Attendance support", value: "30" },
      { title: "Welfare check", value: "12" },
    ]);
    expect(factSets).toContainEqual([
      { title: "Called off at the door: parent absent", value: "5" },
      { title: "Not approved", value: "2" },
    ]);
  });

  test("gives escalations raised, resolved and how fast, leaving out kinds never raised", () => {
    const words = visibleText(card());
    expect(words).toContain("Missed check-in: 3 raised, 3 resolved, median 12 min to resolve, longest 40.5 min");
    expect(words).toContain("Help requested: 1 raised, 0 resolved");
    expect(words).not.toContain("Child found alone");
  });

  test("says None where there is nothing, and that the CSV follows in the chat", () => {
    const empty = reviewFigures([], "2025-09-01", "2026-08-31", policy);
    const words = visibleText(card(empty));
    expect(words).toContain("No visits in this period.");
    expect(words).toContain("Cancellations by reason\nNone.");
    expect(words).toContain("Escalations\nNone.");
    expect(words).toContain("The figures follow in this chat as CSV");
  });

  test("shows staff feedback only where the policy reviews with it, and says how often the policy is reviewed", () => {
    expect(visibleText(card({ ...figures, staffFeedback: ["More time for the journey, please."] }))).toContain("Staff feedback\n- More time for the journey, please.");
    expect(visibleText(card({ ...figures, staffFeedback: [] }))).toContain("No staff feedback recorded in this period.");
    const termly = testPolicy((p) => void (p.review = { period: "termly", staffFeedback: false }));
    const words = visibleText(card(figures, termly));
    expect(words).not.toContain("staff feedback");
    expect(words).toContain("The policy is reviewed every term.");
  });

  test("shows figures worked out from real visits, with no names, pupils or notes", () => {
    const calledOff = withEvents(visitIn("waiting-for-parent"), events.waitLimitReached("09:47"), events.calledOff("parent-absent", "09:48"));
    const incident = withEvents(visitIn("left"), events.incident("incident", "10:40", "Fictional note."));
    const built = card(reviewFigures([calledOff, incident, visitIn("declined")], "2026-11-01", "2026-11-30", policy));
    const words = visibleText(built);
    expect(words).toContain("Attendance support: 3");
    expect(words).toContain("Called off at the door: parent absent: 1");
    expect(words).toContain("Incidents: 1");
    const json = JSON.stringify(built);
    for (const hidden of ["J.S.", "Example Lane", "Alex Rivers", "Fictional note"]) expect(json).not.toContain(hidden);
  });

  test("has no buttons or inputs", () => {
    expect(executeActions(card())).toEqual([]);
    expect(inputs(card())).toEqual([]);
  });
});
