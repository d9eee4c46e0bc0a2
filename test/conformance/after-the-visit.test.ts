/**
 * Conformance, after the visit (R21–R25): the record and its export, agreements and their follow-up, safeguarding
 * concerns, incidents, and changes to an agreed visit, under each seed school's own profile.
 */
import { SYSTEM } from "../../src/domain/alert";
import { nextWakeUp } from "../../src/domain/escalation";
import { type Agreement, type AgreementAction, csvCell, RECORD_CSV_HEADER, recordProblem, recordsCsv, recordSummary, type VisitRecord } from "../../src/domain/record";
import type { Visit } from "../../src/domain/visit";
import { visitFor } from "../domain/visit.builders";
import { iso, must, person, refusalOf, requested, run, SCHOOLS, type School, type SchoolKey, sweep, T, told } from "./schools";

type RecordInput = Omit<VisitRecord, "recordedBy" | "recordedAt">;

/** The visit in progress from 09:57 (requested 09:54), left at 10:50. */
function leftAt1050(school: School): Visit {
  const inVisit = visitFor("in-visit", school.policy, { at: T("09:54") });
  return must(inVisit, school.policy, { type: "checkIn", step: "left" }, school.cast.visitor, T("10:50")).visit;
}

/** The school's (first) office member's name. */
const namesOffice = (school: School) => school.policy.people.find((p) => p.roles.includes("office"))!.displayName;

const AGREED: Agreement = { text: "Pupil in school by 08:45 every day next week", followUpBy: "2026-11-30", actions: [] };

/** A record every seed accepts (agreements, and both confirmations for Oakfield). */
const complete = (agreements: Agreement[] = [AGREED]): RecordInput => ({
  outcome: "seen",
  summary: "Met mum and the pupil; talked through mornings.",
  agreements,
  parentConfirmed: true,
  officerConfirmed: true,
});

describe("R21 the visit record: required fields, and a summary and CSV for the school's record system", () => {
  const BARE: RecordInput = { outcome: "seen", summary: "Met mum and the pupil.", agreements: [] };
  const RECORD: Record<SchoolKey, { system: string; fields: string; problems: (string | undefined)[] }> = {
    oakfield: {
      system: "CPOMS",
      fields: "time, location, pupil, outcome and the parent's and officer's confirmation",
      problems: ["The parent must confirm the record (the policy asks for their signature).", "Confirm the record yourself (the policy asks for the officer's signature)."],
    },
    priory: { system: "attendance-record", fields: "time, location, pupil, outcome and agreements", problems: ["Record what was agreed with the parents (or write that nothing was agreed)."] },
    thorns: { system: "attendance-record", fields: "time, location, pupil, outcome and agreements", problems: ["Record what was agreed with the parents (or write that nothing was agreed)."] },
    hunsbury: { system: "none", fields: "time, location, pupil and outcome", problems: [] },
    stMarys: { system: "CPOMS", fields: "time, location, pupil and outcome", problems: [] },
  };

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const { system, fields, problems } = RECORD[school.key];

    it(`R21 ${school.label}: a record needs ${fields}`, () => {
      expect(policy.record.system).toBe(system);
      // Fill the record in one required field at a time; each step clears the next problem.
      const steps: RecordInput[] = [BARE];
      if (school.key === "oakfield") steps.push({ ...BARE, parentConfirmed: true }, { ...BARE, parentConfirmed: true, officerConfirmed: true });
      else if (problems.length > 0) steps.push({ ...BARE, agreements: [{ text: "Nothing agreed: mum will ring on Monday.", actions: [] }] });
      expect(steps.map((record) => recordProblem(record, policy))).toEqual([...problems, undefined]);
      expect(recordProblem({ ...BARE, summary: "  " }, policy)).toBe("Write what happened on the visit.");

      const left = leftAt1050(school);
      if (problems.length > 0) expect(refusalOf(left, { type: "recordOutcome", record: BARE }, cast.visitor, policy, T("11:05"))).toEqual({ code: "invalid-request", message: problems[0] });
      const recorded = must(left, policy, { type: "recordOutcome", record: steps.at(-1)! }, cast.visitor, T("11:05"));
      expect(recorded.visit).toMatchObject({ status: "recorded", record: { ...steps.at(-1)!, recordedBy: cast.visitor, recordedAt: iso("11:05") } });
    });

    it(`R21 ${school.label}: the summary and the CSV carry the time, location, pupil, outcome and agreements`, () => {
      const left = leftAt1050(school);
      const visit = must(left, policy, { type: "recordOutcome", record: complete() }, cast.visitor, T("11:05")).visit;
      const arrived = visit.arrivedAt!.slice(11, 16);
      const summary = recordSummary(visit, policy).split("\n");
      expect(summary).toEqual(
        expect.arrayContaining([
          `Home visit HV-3F2A9C (${policy.school.name})`,
          "Pupil: PUPIL-0042",
          `Date: 2026-11-23, arrived ${arrived}, left 10:50`,
          "Location: 1 Example Road, Testtown",
          `Purpose: ${policy.purposes.find((p) => p.id === "attendance")!.label}`,
          `Staff: ${cast.visitor.name} and ${cast.second.name}`,
          "Outcome: Visit took place",
          "Agreements:",
          "- Pupil in school by 08:45 every day next week (by 2026-11-30)",
          "Parent confirmed: yes",
          "Officer confirmed: yes",
          `Recorded by ${cast.visitor.name} at 11:05`,
        ]),
      );
      const [header, row, end] = recordsCsv([visit, left], policy).split("\r\n");
      expect(header).toBe(RECORD_CSV_HEADER.join(","));
      expect(end).toBe(""); // one row: the visit not yet recorded is left out
      expect(row).toBe(
        [
          "HV-3F2A9C",
          "2026-11-23",
          "10:00",
          "11:00",
          "PUPIL-0042",
          "1 Example Road, Testtown",
          policy.purposes.find((p) => p.id === "attendance")!.label,
          "seen",
          "", // called_off_reason: the visit went ahead
          "Met mum and the pupil; talked through mornings.",
          "Pupil in school by 08:45 every day next week (by 2026-11-30)",
          "",
          "",
          "true",
          "true",
          cast.visitor.name,
        ]
          .map(csvCell)
          .join(","),
      );
    });

    const onCpoms = school.key === "thorns" || school.key === "stMarys";
    it(`R14 ${school.label}: a visit called off as unsafe carries its reason in the CSV, and the written report in the summary ${onCpoms ? "(recordOnCpoms)" : "only where the policy puts it on CPOMS: not here"}`, () => {
      expect(policy.feelingUnsafe.recordOnCpoms).toBe(onCpoms);
      const note = "Shouting inside; we did not knock.";
      const arrived = visitFor("arrived", policy, { at: T("09:54") });
      const calledOff = must(arrived, policy, { type: "callOff", reason: "unsafe", note }, cast.visitor, T("10:00")).visit;
      const left = must(calledOff, policy, { type: "checkIn", step: "left" }, cast.visitor, T("10:02")).visit;
      const officer = policy.record.requiredFields.includes("officer-confirmation") ? { officerConfirmed: true } : {};
      const record: RecordInput = { outcome: "called-off", summary: "Called off at the door; reported to the head.", agreements: [], ...officer };
      const visit = must(left, policy, { type: "recordOutcome", record }, cast.visitor, T("10:10")).visit;

      const summary = recordSummary(visit, policy).split("\n");
      const outcomeAt = summary.indexOf("Outcome: Called off at the door (unsafe)");
      expect(outcomeAt).toBeGreaterThan(0);
      if (onCpoms) expect(summary[outcomeAt + 1]).toBe(`Report: ${note}`);
      else expect(summary.some((line) => line.startsWith("Report:"))).toBe(false);

      const [, row] = recordsCsv([visit], policy).split("\r\n");
      expect(row).toBe(
        [
          "HV-3F2A9C",
          "2026-11-23",
          "10:00",
          "11:00",
          "PUPIL-0042",
          "1 Example Road, Testtown",
          policy.purposes.find((p) => p.id === "attendance")!.label,
          "called-off",
          "unsafe", // called_off_reason
          "Called off at the door; reported to the head.",
          "",
          "",
          "",
          "",
          "officerConfirmed" in officer ? "true" : "",
          cast.visitor.name,
        ]
          .map(csvCell)
          .join(","),
      );
    });
  }
});

describe("R22 agreements with parents are tracked; a broken one goes up the school's ladder", () => {
  const AGREEMENTS: Record<SchoolKey, { ladder: AgreementAction[]; reminded: string[] } | null> = {
    oakfield: null,
    priory: { ladder: ["reminder-letter", "penalty-notice-threshold", "welfare-referral"], reminded: ["Jo Fenwick", "Ravi Okonkwo"] },
    // Thorns's attendance lead, Sam Moss, went on this visit, so the reminder goes to the head.
    thorns: { ladder: ["reminder-letter", "follow-up-visit"], reminded: ["Jo Fenwick"] },
    hunsbury: null,
    stMarys: null,
  };
  const EVERY_STEP: AgreementAction[] = ["reminder-letter", "follow-up-visit", "penalty-notice-threshold", "welfare-referral"];
  /** Reminders go out at the start of the school day (08:30, GMT) on the follow-up date. */
  const DUE = "2026-11-30T08:30:00.000Z";

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const rule = AGREEMENTS[school.key];
    const recorded = () => must(leftAt1050(school), policy, { type: "recordOutcome", record: complete() }, cast.visitor, T("11:05")).visit;
    const lead = person(policy, "Jo Fenwick"); // headteacher everywhere: may act on agreements
    const act = (visit: Visit, action: AgreementAction, when = T("09:00", 0, "2026-12-01")) =>
      refusalOf(visit, { type: "actionAgreement", index: 0, action }, lead, policy, when);

    if (rule) {
      const offLadder = EVERY_STEP.filter((step) => !rule.ladder.includes(step));
      it(`R22 ${school.label}: an agreement's follow-up date reminds ${rule.reminded.join(" and ")}; the ladder is ${rule.ladder.join(" → ")}`, () => {
        const visit = recorded();
        expect(nextWakeUp(visit, policy)).toBe(DUE);
        expect(sweep(visit, policy, new Date(Date.parse(DUE) - 1)).events).toEqual([]);
        const due = sweep(visit, policy, new Date(DUE));
        expect(due.events).toEqual([{ type: "agreement.due", at: DUE, actor: SYSTEM, index: 0 }]);
        expect(told(due.visit, due.events, policy)).toEqual(rule.reminded.map((name) => `agreement-due → ${name}`));
        expect(nextWakeUp(due.visit, policy)).toBeUndefined();
        expect(sweep(due.visit, policy, T("09:00", 0, "2026-12-31")).events).toEqual([]);

        for (const step of offLadder) {
          expect(act(due.visit, step)).toEqual({ code: "invalid-request", message: "The school's policy does not use that step for broken agreements." });
        }
        let visit2 = due.visit;
        for (const step of rule.ladder) visit2 = must(visit2, policy, { type: "actionAgreement", index: 0, action: step, note: `${step} sent` }, lead, T("09:00", 0, "2026-12-01")).visit;
        expect(visit2.record!.agreements[0]!.actions.map((a) => a.action)).toEqual(rule.ladder);
        visit2 = must(visit2, policy, { type: "actionAgreement", index: 0, action: "met" }, lead, T("09:00", 0, "2026-12-02")).visit;
        expect(act(visit2, rule.ladder[0]!)).toEqual({ code: "finished", message: "That agreement is already marked as met." });
        expect(refusalOf(due.visit, { type: "actionAgreement", index: 0, action: "met" }, person(policy, namesOffice(school)), policy, T("09:00"))).toMatchObject({ code: "not-allowed" });
      });
    } else {
      it(`R22 ${school.label}: agreements are not tracked: no reminder at the follow-up date, and no ladder step`, () => {
        const visit = recorded();
        expect(visit.record!.agreements).toEqual([AGREED]); // still part of the record (R21)
        expect(nextWakeUp(visit, policy)).toBeUndefined();
        expect(sweep(visit, policy, T("09:00", 0, "2026-12-31")).events).toEqual([]);
        for (const step of EVERY_STEP) expect(act(visit, step)).toMatchObject({ code: "invalid-request" });
      });
    }
  }
});

describe("R23 a safeguarding concern goes to the DSL at once", () => {
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    it(`R23 ${school.label}: a concern raised during or after the visit goes to the safeguarding channel, and only a DSL or deputy resolves it`, () => {
      expect(policy.concerns).toEqual({ alert: ["dsl-channel"], showPoliceGuidance: true });
      for (const visit of [visitFor("in-visit", policy), leftAt1050(school)]) {
        const raised = must(visit, policy, { type: "raiseConcern", kind: "concern", note: " Pupil says there is no food at weekends. " }, cast.visitor, T("11:00"));
        expect(raised.events).toEqual([
          { type: "alert.raised", at: iso("11:00"), actor: cast.visitor, alert: { id: "A1", kind: "concern", note: "Pupil says there is no food at weekends." } },
          { type: "alert.escalated", at: iso("11:00"), actor: cast.visitor, alertId: "A1", step: 0, targets: ["dsl-channel"] },
        ]);
        expect(told(raised.visit, raised.events, policy)).toEqual(["alert → #safeguarding"]);
        expect(refusalOf(raised.visit, { type: "resolveAlert", alertId: "A1", note: "Noted." }, person(policy, namesOffice(school)), policy, T("11:05"))).toEqual({
          code: "not-allowed",
          message: "Only the DSL or the deputy DSL can act on this alert.",
        });
        expect(run(raised.visit, policy, { type: "resolveAlert", alertId: "A1", note: "Logged on CPOMS; family support referral." }, person(policy, "Priya Lane"), T("11:05")).decided.ok).toBe(true);
      }
    });
  }
});

describe("R24 an incident or physical intervention is recorded and shared", () => {
  const SHARED: Record<SchoolKey, string[]> = {
    oakfield: ["Jo Fenwick"],
    priory: ["Jo Fenwick"],
    thorns: ["Jo Fenwick"],
    hunsbury: ["Jo Fenwick"],
    stMarys: ["Jo Fenwick", "Priya Lane"],
  };
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const names = SHARED[school.key];
    it(`R24 ${school.label}: an incident is recorded with who, what and when, and shared with ${names.join(" and ")}`, () => {
      const left = leftAt1050(school);
      expect(refusalOf(left, { type: "reportIncident", kind: "physical-intervention", note: "  " }, cast.visitor, policy, T("11:00"))).toMatchObject({ code: "invalid-request" });
      const note = "Guided the pupil away from the road by the arm.";
      const reported = must(left, policy, { type: "reportIncident", kind: "physical-intervention", note }, cast.second, T("11:00"));
      expect(reported.visit.incidents).toEqual([{ kind: "physical-intervention", note, by: cast.second, at: iso("11:00") }]);
      expect(told(reported.visit, reported.events, policy)).toEqual(names.map((name) => `report:incident → ${name}`));
      expect(refusalOf(requested(school), { type: "reportIncident", kind: "incident", note }, cast.visitor, policy, T("11:00"))).toEqual({ code: "wrong-step", message: "This visit has not taken place." });
    });
  }
});

describe("R25 a change to an agreed visit goes back to the approver and to the people the school names", () => {
  const CHANGED: Record<SchoolKey, { who: string; told: string[] }> = {
    oakfield: { who: "the headteacher", told: ["approval-requested → Jo Fenwick"] },
    priory: { who: "the headteacher and attendance leads", told: ["approval-requested → Jo Fenwick", "approval-requested → Ravi Okonkwo"] },
    thorns: { who: "the headteacher, and the office is told", told: ["approval-requested → Jo Fenwick", "report:changed → Lou Brennock"] },
    hunsbury: { who: "the headteacher", told: ["approval-requested → Jo Fenwick"] },
    stMarys: { who: "the DSL and SLT", told: ["approval-requested → Jo Fenwick", "approval-requested → Priya Lane"] },
  };
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const { who, told: expected } = CHANGED[school.key];
    it(`R25 ${school.label}: a change to an approved visit goes back to ${who}; nobody sets off until it is approved again`, () => {
      const approved = visitFor("approved", policy);
      const details = { ...approved.details, start: "13:00", end: "14:00", address: "2 Example Road, Testtown" };
      const amended = must(approved, policy, { type: "amend", details }, cast.visitor, T("09:00"));
      expect(amended.events).toEqual([
        { type: "visit.amended", at: iso("09:00"), actor: cast.visitor, details, startsAt: iso("13:00"), endsAt: iso("14:00"), wasApproved: true },
      ]);
      expect(amended.visit.status).toBe("requested");
      expect(amended.visit.decision).toBeUndefined();
      expect(told(amended.visit, amended.events, policy)).toEqual(expected);
      expect(refusalOf(amended.visit, { type: "checkIn", step: "arrived" }, cast.visitor, policy, T("13:00"))).toMatchObject({ code: "wrong-step" });

      // A change before approval is just a new version of the request: no "changed" report.
      const early = must(requested(school), policy, { type: "amend", details }, cast.visitor, T("08:10"));
      expect(told(early.visit, early.events, policy).filter((line) => line.startsWith("report:changed"))).toEqual([]);
    });
  }
});
