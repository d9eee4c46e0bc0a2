import { approvalCard } from "../../src/cards/approval.card";
import type { ApprovalView } from "../../src/cards/approval.card";
import { Verbs } from "../../src/cards/verbs";
import type { Visit } from "../../src/domain/visit";
import { VISIT_STATUSES } from "../../src/domain/visit";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { inputs, validateCard, visibleText } from "./support/validate-card";
import { VISIT_ID, loneDetails, pairDetails, visitIn } from "./support/visit-fixture";

const policy = testPolicy();
const head = people.head.aadObjectId;
const view = (visit: Visit, change: Partial<ApprovalView> = {}): ApprovalView => ({
  visit,
  policy,
  viewerId: head,
  canDecide: true,
  refreshUserIds: ["29:head"],
  ...change,
});
const card = (visit: Visit, change: Partial<ApprovalView> = {}) => {
  const built = approvalCard(view(visit, change));
  validateCard(built);
  return built;
};

describe("approvalCard for an approver who may decide a requested visit", () => {
  const requested = visitIn("requested");
  const built = card(requested);

  test("offers Approve, Decline and Ask for changes with only the visit id and version", () => {
    const data = { visitId: VISIT_ID, version: requested.version };
    expect(built.actions).toEqual([
      expect.objectContaining({ type: "Action.Execute", title: "Approve", verb: Verbs.approve, data }),
      expect.objectContaining({ type: "Action.Execute", title: "Decline", verb: Verbs.decline, data }),
      expect.objectContaining({ type: "Action.Execute", title: "Ask for changes", verb: Verbs.requestChanges, data }),
    ]);
  });

  test("offers an optional note to the visitor", () => {
    expect(inputs(built)).toEqual([expect.objectContaining({ type: "Input.Text", id: "decisionNote", label: "Note to the visitor (optional)" })]);
    expect(inputs(built)[0]).not.toHaveProperty("isRequired");
  });

  test("shows the request in full", () => {
    const words = visibleText(built);
    for (const expected of [
      "Home visit HV-3F6C2A",
      "Asked for by: Alex Rivers",
      "Pupil: J.S. Y4",
      "Purpose: Attendance support",
      "When: Mon 23 Nov 2026, 09:30 to 10:30",
      "Address: 12 Example Lane, Testbury TE1 2ST",
      "Going in?: Doorstep only",
      "Staff: With Sam Moss",
      "Announced: Yes",
      "Known risks: Large dog in the garden",
      "Status: Waiting for approval",
    ]) {
      expect(words).toContain(expected);
    }
  });

  test("shows a lone visit with its risk assessment, entering the home, and why it is unannounced", () => {
    const lone = visitIn("requested", loneDetails({ entry: "enter", announced: false, unannouncedReason: "Welfare concern" }));
    const words = visibleText(card(lone));
    expect(words).toContain("Lone home visit HV-3F6C2A");
    expect(words).toContain("Staff: Lone visit");
    expect(words).toContain("Risk assessment: Doorstep only; office has my route.");
    expect(words).toContain("Going in?: Entering the home");
    expect(words).toContain("Announced: No: Welfare concern");
  });

  test("refreshes for the approvers, at most 60, with only the visit id", () => {
    const many = Array.from({ length: 75 }, (_, i) => `29:approver-${i}`);
    const refreshed = card(requested, { refreshUserIds: [...many, "29:approver-0"] });
    expect(refreshed.refresh).toEqual({
      action: { type: "Action.Execute", verb: Verbs.refresh, data: { visitId: VISIT_ID } },
      userIds: many.slice(0, 60),
    });
  });
});

describe("approvalCard for anyone else", () => {
  test.each(VISIT_STATUSES)("has no decision buttons or note when the viewer may not decide (%s)", (status) => {
    const built = card(visitIn(status), { canDecide: false });
    expect(built.actions ?? []).toEqual([]);
    expect(inputs(built)).toEqual([]);
  });

  test.each(VISIT_STATUSES.filter((s) => s !== "requested"))("has no decision buttons once the visit is %s, even for an approver", (status) => {
    const built = card(visitIn(status), { canDecide: true });
    expect(built.actions ?? []).toEqual([]);
    expect(inputs(built)).toEqual([]);
  });

  test("a waiting request says whose decision it waits for", () => {
    expect(visibleText(card(visitIn("requested"), { canDecide: false }))).toContain("Waiting for a decision from the headteacher.");
    const lone = testPolicy((p) => void (p.loneWorking.loneVisitDecidedBy = ["dsl"]));
    expect(visibleText(card(visitIn("requested", loneDetails()), { canDecide: false, policy: lone }))).toContain("Waiting for a decision from the DSL.");
  });

  test("the base card (no viewer) and a viewer with no part in the visit see the status only, no safeguarding detail", () => {
    for (const viewerId of [undefined, people.office.aadObjectId]) {
      const built = card(visitIn("approved"), { canDecide: false, viewerId });
      const json = JSON.stringify(built);
      for (const hidden of ["J.S. Y4", "Example Lane", "Large dog", "Attendance support", "Take the office mobile"]) expect(json).not.toContain(hidden);
      const words = visibleText(built);
      expect(words).toContain("Home visit HV-3F6C2A");
      expect(words).toContain("Status: Approved");
      expect(words).toContain("Approved by Jo Fenwick at 16:05.");
    }
  });

  test("the staff on the visit and the roles the policy informs see the details", () => {
    const informsOffice = testPolicy((p) => void (p.authorisation.informRoles = ["office"]));
    for (const [viewerId, p] of [
      [people.secondVisitor.aadObjectId, policy],
      [people.dsl.aadObjectId, policy], // slt is informed in the test school
      [people.office.aadObjectId, informsOffice],
    ] as const) {
      expect(visibleText(card(visitIn("approved"), { canDecide: false, viewerId, policy: p }))).toContain("Address: 12 Example Lane");
    }
  });
});

describe("approvalCard after a decision", () => {
  test("shows who approved, when (London time) and the note", () => {
    const words = visibleText(card(visitIn("approved"), { canDecide: false }));
    expect(words).toContain("Approved by Jo Fenwick at 16:05.");
    expect(words).toContain("Note: “Take the office mobile.”");
  });

  test("uses British Summer Time in summer", () => {
    const summer: Visit = { ...visitIn("approved"), decision: { outcome: "approved", by: actor("dsl"), at: "2026-06-10T13:05:00.000Z" } };
    const words = visibleText(card(summer, { canDecide: false }));
    expect(words).toContain("Approved by Priya Lane at 14:05.");
    expect(words).not.toContain("Note:");
  });

  test("shows who declined, and who sent it back for changes, with their notes", () => {
    expect(visibleText(card(visitIn("declined")))).toContain("Declined by Jo Fenwick at 16:05.\nNote: “The family is moving school.”");
    expect(visibleText(card(visitIn("changes-requested")))).toContain("Sent back for changes by Jo Fenwick at 16:05.\nNote: “Please go as a pair.”");
  });

  test("shows the visit's progress and a cancellation", () => {
    expect(visibleText(card(visitIn("arrived"), { canDecide: false }))).toContain("Last check-in: Arrived at 09:31 (Alex Rivers)");
    expect(visibleText(card(visitIn("cancelled"), { canDecide: false }))).toContain("Cancelled by Alex Rivers at 08:10: The meeting moved to school.");
  });
});

describe("approvalCard banner", () => {
  test("shows a message at the top in the colour of its tone", () => {
    const built = card(visitIn("approved"), { message: { text: "Already approved by Jo Fenwick.", tone: "attention" } });
    expect(built.body[0]).toEqual({
      type: "Container",
      style: "attention",
      items: [expect.objectContaining({ type: "TextBlock", text: "Already approved by Jo Fenwick.", color: "attention" })],
    });
    expect(card(visitIn("approved"), { message: { text: "Approved.", tone: "good" } }).body[0]).toMatchObject({ style: "good" });
  });

  test("shows a plain string neutrally, and nothing when there is no message", () => {
    expect(card(visitIn("approved"), { message: "Approved. The visitor has been told." }).body[0]).toMatchObject({ type: "Container", style: "emphasis" });
    expect(card(visitIn("approved")).body[0]).toMatchObject({ type: "TextBlock", text: "Home visit HV-3F6C2A" });
  });
});

test("pairDetails fixture is what the card shows", () => {
  expect(visitIn("requested").details).toEqual(pairDetails());
});

test("the base card keeps decision notes and cancellation reasons out too", () => {
  const words = JSON.stringify(approvalCard(view(visitIn("cancelled"), { canDecide: false, viewerId: undefined })));
  expect(words).toContain("Cancelled by Alex Rivers.");
  expect(words).not.toContain("The meeting moved to school.");
});

describe("approvalCard: what the policy asks the approver to weigh", () => {
  const gaps = [
    { staffId: people.visitor.aadObjectId, item: "dbs" as const, problem: "no enhanced DBS check on file", blocking: true },
    { staffId: people.visitor.aadObjectId, item: "training" as const, problem: "no home-visit or lone-working training on file", blocking: false },
    { staffId: people.secondVisitor.aadObjectId, item: "mobile" as const, problem: "no mobile number on file", blocking: false },
  ];
  const textBlocks = (built: { body: unknown[] }) => JSON.parse(JSON.stringify(built.body)) as { type: string; text?: string; color?: string }[];

  test("staff-record gaps per person, the blocking ones in the attention colour, with why Approve will be refused (R06)", () => {
    const built = card(visitIn("requested"), { staffGaps: gaps });
    const words = visibleText(built);
    expect(words).toContain("Staff records\nAlex Rivers\n- No enhanced DBS check on file: blocks approval\n- No home-visit or lone-working training on file\nSam Moss\n- No mobile number on file");
    const blocking = textBlocks(built).find((e) => e.text?.includes("blocks approval"));
    expect(blocking?.color).toBe("attention");
    expect(textBlocks(built).find((e) => e.text === "- No mobile number on file")?.color).toBeUndefined();
    expect(words).toContain("Approval is refused until these are on file: ask the school admin to add them.");
    // The buttons stay: the server checks the records again when Approve is tapped.
    expect(built.actions?.map((a) => a.title)).toEqual(["Approve", "Decline", "Ask for changes"]);
  });

  test("gaps that do not block are shown without the refusal line, and none at all shows nothing", () => {
    const words = visibleText(card(visitIn("requested"), { staffGaps: gaps.filter((g) => !g.blocking) }));
    expect(words).toContain("Staff records");
    expect(words).not.toContain("blocks approval");
    expect(words).not.toContain("Approval is refused");
    expect(visibleText(card(visitIn("requested"), { staffGaps: [] }))).not.toContain("Staff records");
  });

  test("gaps are never on the base card", () => {
    const json = JSON.stringify(card(visitIn("requested"), { staffGaps: gaps, canDecide: false, viewerId: undefined }));
    expect(json).not.toContain("DBS");
    expect(json).not.toContain("Alex Rivers");
  });

  test("two staff recommended when a lone visitor will enter the home (R03)", () => {
    const recommended = testPolicy((p) => void (p.loneWorking.twoStaffWhenEntering = "recommended"));
    const line = "Two staff are recommended when entering the home.";
    expect(visibleText(card(visitIn("requested", loneDetails({ entry: "enter" })), { policy: recommended }))).toContain(line);
    expect(visibleText(card(visitIn("requested", loneDetails()), { policy: recommended }))).not.toContain(line);
    expect(visibleText(card(visitIn("requested", pairDetails({ entry: "enter" })), { policy: recommended }))).not.toContain(line);
    expect(visibleText(card(visitIn("requested", loneDetails({ entry: "enter" })), { policy: testPolicy((p) => void (p.loneWorking.twoStaffWhenEntering = "no")) }))).not.toContain(line);
  });

  test("a visit outside the school day names its responsible contact, or says there is none (R05)", () => {
    const evening = pairDetails({ start: "16:30", end: "17:30", responsibleContactId: people.office.aadObjectId });
    expect(visibleText(card(visitIn("requested", evening)))).toContain("Outside the school day: responsible contact Chris Dale.");
    const saturday = pairDetails({ date: "2026-11-21" });
    const relaxed = testPolicy((p) => void (p.outOfHours.responsibleContactRequired = false));
    expect(visibleText(card(visitIn("requested", saturday), { policy: relaxed }))).toContain("Outside the school day: no responsible contact named.");
    expect(visibleText(card(visitIn("requested")))).not.toContain("Outside the school day");
  });

  test("animals, medical needs and the social worker, when the visitor gave them (R07)", () => {
    const words = visibleText(card(visitIn("requested", pairDetails({ pets: "Two cats", medicalNeeds: "Asthma (pupil)", socialWorker: "A. Social" }))));
    expect(words).toContain("Animals: Two cats\nMedical needs: Asthma (pupil)\nSocial worker: A. Social");
    const plain = visibleText(card(visitIn("requested")));
    for (const title of ["Animals:", "Medical needs:", "Social worker:"]) expect(plain).not.toContain(title);
  });
});
