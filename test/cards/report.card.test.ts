import { reportCard } from "../../src/cards/report.card";
import type { ReportView } from "../../src/cards/report.card";
import type { Visit } from "../../src/domain/visit";
import { people, testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";
import { events, loneDetails, pairDetails, parentLateVisit, visitIn, withEvents } from "./support/visit-fixture";

/** Written reports to the head (R13, R14, R24, R25), sent only in 1:1 chats: full detail. Fictional data only. */
const policy = testPolicy();
const card = (visit: Visit, subject: ReportView["subject"], change: Partial<ReportView> = {}) => {
  const built = reportCard({ visit, policy, subject, ...change });
  validateCard(built);
  return built;
};

describe("reportCard: a visit called off at the door", () => {
  const unsafe = withEvents(visitIn("arrived"), events.calledOff("unsafe", "09:35", "Raised voices inside; fictional."));

  test("gives the reason in words, the note, who, when, where and the pupil", () => {
    const words = visibleText(card(unsafe, "called-off"));
    for (const line of [
      "Written report: visit HV-3F6C2A called off",
      "Reason: Staff felt unsafe",
      "What happened: Raised voices inside; fictional.",
      "Called off by: Alex Rivers",
      "When: 09:35 on Mon 23 Nov 2026",
      "Pupil: J.S. Y4",
      "Address: 12 Example Lane, Testbury TE1 2ST",
      "Planned: Mon 23 Nov 2026, 09:30 to 10:30",
      "Staff: Alex Rivers and Sam Moss",
    ]) {
      expect(words).toContain(line);
    }
  });

  test("says whether the staff have checked out yet", () => {
    expect(visibleText(card(unsafe, "called-off"))).toContain("The staff have not yet checked out with “Left safely”.");
    expect(visibleText(card(withEvents(unsafe, events.checkIn("left", "09:40")), "called-off"))).toContain("The staff have since checked out: left safely.");
  });

  test("reminds about CPOMS for a safety cancellation when the policy asks", () => {
    expect(visibleText(card(unsafe, "called-off"))).toContain("recorded on CPOMS");
    const animals = withEvents(visitIn("arrived"), events.calledOff("animals", "09:35", "Dog loose; fictional."));
    expect(visibleText(card(animals, "called-off"))).not.toContain("CPOMS");
    const noCpoms = testPolicy((p) => void (p.feelingUnsafe.recordOnCpoms = false));
    expect(visibleText(reportCard({ visit: unsafe, policy: noCpoms, subject: "called-off" }))).not.toContain("CPOMS");
  });

  test("a late parent's automatic call-off says it was automatic", () => {
    const late = withEvents(parentLateVisit(), events.calledOff("parent-late", "10:02"));
    const words = visibleText(card(late, "called-off"));
    expect(words).toContain("Reason: Parent did not arrive in time");
    expect(words).toContain("Called off by: Automatically: the parent had not arrived by the time limit");
    expect(words).not.toContain("What happened:");
  });

  test("a visit that was not called off says so", () => {
    expect(visibleText(card(visitIn("arrived"), "called-off"))).toContain("This visit has not been called off.");
  });
});

describe("reportCard: an incident (R24)", () => {
  const two = withEvents(
    visitIn("left"),
    events.incident("incident", "10:40", "Fictional: a neighbour shouted at staff."),
    events.incident("physical-intervention", "10:45", "Fictional: guided the pupil away from the road."),
  );

  test("the one named by index: kind, note, who, when and the visit", () => {
    const words = visibleText(card(two, "incident", { index: 0 }));
    expect(words).toContain("Incident report: home visit HV-3F6C2A");
    expect(words).toContain("Kind: Incident");
    expect(words).toContain("What happened: Fictional: a neighbour shouted at staff.");
    expect(words).toContain("Reported by: Alex Rivers");
    expect(words).toContain("Reported at: 10:40 on Mon 23 Nov 2026");
    expect(words).toContain("Pupil: J.S. Y4");
    expect(words).not.toContain("guided the pupil");
  });

  test("the latest when no index is given", () => {
    const words = visibleText(card(two, "incident"));
    expect(words).toContain("Kind: Physical intervention");
    expect(words).toContain("guided the pupil away from the road");
  });

  test("an index with no incident says so", () => {
    expect(visibleText(card(two, "incident", { index: 7 }))).toContain("That incident is not on this visit.");
    expect(visibleText(card(visitIn("left"), "incident"))).toContain("That incident is not on this visit.");
  });
});

describe("reportCard: a change to an agreed visit (R25)", () => {
  const changed = visitIn("requested", loneDetails({ start: "16:30", end: "17:30", responsibleContactId: people.office.aadObjectId, pets: "Two cats" }));

  test("gives the visit's current details and that it needs approving again, by whom", () => {
    const words = visibleText(card(changed, "changed"));
    for (const line of [
      "Agreed visit changed: HV-3F6C2A",
      "Alex Rivers changed a visit that was already approved.",
      "Planned: Mon 23 Nov 2026, 16:30 to 17:30",
      "Staff: Alex Rivers (lone visit)",
      "Risk assessment: Doorstep only; office has my route.",
      "Animals: Two cats",
      "Responsible contact: Chris Dale",
      "It needs approving again, by the headteacher. Until then the visitors must not set off.",
    ]) {
      expect(words).toContain(line);
    }
  });

  test("says where it stands if it has been decided since", () => {
    expect(visibleText(card(visitIn("approved", pairDetails()), "changed"))).toContain("Since then it is approved.");
  });
});

test("reports are to read: no buttons, no inputs, no refresh", () => {
  const visit = withEvents(visitIn("arrived"), events.calledOff("animals", "09:35", "Fictional."), events.incident("incident", "09:36", "Fictional."));
  for (const subject of ["called-off", "incident", "changed"] as const) {
    const built = card(visit, subject);
    expect(executeActions(built)).toEqual([]);
    expect(inputs(built)).toEqual([]);
    expect(built.refresh).toBeUndefined();
  }
});
