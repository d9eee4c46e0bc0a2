/**
 * Conformance, during the visit (R10–R19): check-ins, the door (absent or late parents, animals, feeling unsafe),
 * periodic and leaving check-ins, the code word, calls for help and a child found alone, under each seed school's
 * own profile. Instants are fixed Dates; the sweeper is the pure `sweep` command run at chosen times.
 */
import { SYSTEM } from "../../src/domain/alert";
import { deadlinesFor } from "../../src/domain/deadlines";
import { waitLimitAt } from "../../src/domain/door";
import { nextWakeUp } from "../../src/domain/escalation";
import { recordsCsv, recordSummary } from "../../src/domain/record";
import type { Visit } from "../../src/domain/visit";
import { nextCheckInSteps } from "../../src/domain/visit.decide";
import { withoutCodeWord } from "../../src/teams/text-commands";
import { visitFor } from "../domain/visit.builders";
import { iso, must, person, refusalOf, run, SCHOOLS, type School, type SchoolKey, sweep, T, told } from "./schools";

const MINUTE = 60_000;

/** At the address from about 09:57 (requested 09:54), on a visit planned for 10:00–11:00. */
const atTheDoor = (school: School, entry: "doorstep" | "enter" = "doorstep") => visitFor("arrived", school.policy, { at: T("09:54"), details: { entry } });
const staffTold = (school: School, kind: string) => [`${kind} → ${school.cast.visitor.name}`, `${kind} → ${school.cast.second.name}`];

describe("R10 check-in on leaving school and on arriving outside the address", () => {
  const LEAVING_SCHOOL: Record<SchoolKey, boolean> = { oakfield: false, priory: true, thorns: true, hunsbury: false, stMarys: false };

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    if (LEAVING_SCHOOL[school.key]) {
      it(`R10 ${school.label}: the visitor checks in on leaving school, and is then on the way`, () => {
        const approved = visitFor("approved", policy);
        expect(nextCheckInSteps(approved, policy)).toEqual(["left-school", "arrived"]);
        const setOff = must(approved, policy, { type: "checkIn", step: "left-school" }, cast.visitor, T("09:40"));
        expect(setOff.visit).toMatchObject({ status: "on-the-way", lastCheckIn: { step: "left-school", at: iso("09:40"), by: cast.visitor }, lastContactAt: iso("09:40") });
        expect(deadlinesFor(setOff.visit, policy)[0]).toEqual({ kind: "arrival", due: iso("10:00") });
      });
    } else {
      it(`R10 ${school.label}: no check-in on leaving school: the visitor's first check-in is outside the address`, () => {
        const approved = visitFor("approved", policy);
        expect(nextCheckInSteps(approved, policy)).toEqual(["arrived"]);
        expect(refusalOf(approved, { type: "checkIn", step: "left-school" }, cast.visitor, policy, T("09:40"))).toEqual({
          code: "wrong-step",
          message: "That check-in does not fit now: the visit is approved.",
        });
      });
    }

    it(`R10 ${school.label}: the arrival check-in outside the address is due at the visit's start (10:00)`, () => {
      const approved = visitFor("approved", policy);
      expect(deadlinesFor(approved, policy)).toEqual([{ kind: "arrival", due: iso("10:00") }]);
      const arrived = must(approved, policy, { type: "checkIn", step: "arrived" }, cast.visitor, T("09:58"));
      expect(arrived.visit).toMatchObject({ status: "arrived", arrivedAt: iso("09:58") });
      expect(deadlinesFor(arrived.visit, policy).map((d) => d.kind)).not.toContain("arrival");
    });
  }
});

describe("R11 parent absent at the arranged time", () => {
  const ABSENT: Record<SchoolKey, number | "enquire" | "off"> = { oakfield: 10, priory: "enquire", thorns: 15, hunsbury: 20, stMarys: "off" };

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const rule = ABSENT[school.key];
    /** The parent is not there at 10:05. */
    const waiting = () => must(atTheDoor(school), policy, { type: "checkIn", step: "parent-absent" }, cast.visitor, T("10:05")).visit;
    const callOff = { type: "callOff", reason: "parent-absent" } as const;

    if (typeof rule === "number") {
      const limit = T("10:05", rule * MINUTE);
      it(`R11 ${school.label}: the visitor is told to call off after ${rule} minutes (waitLimitReached at exactly the limit, not before)`, () => {
        const visit = waiting();
        expect(visit).toMatchObject({ status: "waiting-for-parent", parentAbsentSince: iso("10:05") });
        expect(waitLimitAt(visit, policy)).toBe(limit.toISOString());
        expect(nextWakeUp(visit, policy)).toBe(limit.toISOString());

        expect(sweep(visit, policy, new Date(limit.getTime() - 1)).events).toEqual([]);
        expect(refusalOf(visit, callOff, cast.visitor, policy, new Date(limit.getTime() - MINUTE))).toEqual({
          code: "wrong-step",
          message: `Wait ${rule} minutes for the parent before calling the visit off.`,
        });
        const reached = sweep(visit, policy, limit);
        expect(reached.events).toEqual([{ type: "visit.waitLimitReached", at: limit.toISOString(), actor: SYSTEM }]);
        expect(told(reached.visit, reached.events, policy)).toEqual(staffTold(school, "visit-card"));
        expect(sweep(reached.visit, policy, limit).events).toEqual([]); // once only

        const calledOff = must(reached.visit, policy, callOff, cast.visitor, new Date(limit.getTime() + MINUTE));
        expect(calledOff.visit.calledOff).toEqual({ reason: "parent-absent", by: cast.visitor, at: new Date(limit.getTime() + MINUTE).toISOString() });
        expect(nextCheckInSteps(calledOff.visit, policy)).toEqual(["safe", "left"]);
        expect(must(calledOff.visit, policy, { type: "checkIn", step: "left" }, cast.visitor, T("10:40")).visit.status).toBe("left");
      });

      it(`R11 ${school.label}: at ${rule} minutes the visitor may call off even if the sweeper has not run yet`, () => {
        expect(run(waiting(), policy, callOff, cast.visitor, limit).decided.ok).toBe(true);
      });
    } else if (rule === "enquire") {
      it(`R11 ${school.label}: enquire and leave a visit card: no timer, and the visit may be called off at once`, () => {
        expect(policy.parentAbsent).toMatchObject({ mode: "enquire-and-leave-card", guidance: expect.stringMatching(/visit card/) });
        const visit = waiting();
        expect(visit.status).toBe("waiting-for-parent");
        expect(deadlinesFor(visit, policy).map((d) => d.kind)).toEqual(["leaving"]);
        expect(nextWakeUp(visit, policy)).toBe(iso("11:10")); // only the expected end's ladder
        for (const time of ["10:15", "10:20", "10:25", "10:35", "11:09"]) expect(sweep(visit, policy, T(time)).events).toEqual([]);
        const calledOff = must(visit, policy, callOff, cast.visitor, T("10:08"));
        expect(calledOff.visit.calledOff).toMatchObject({ reason: "parent-absent", at: iso("10:08") });
      });
    } else {
      it(`R11 ${school.label}: no parent-absent step (the policy sets no wait)`, () => {
        const arrived = atTheDoor(school);
        expect(nextCheckInSteps(arrived, policy)).not.toContain("parent-absent");
        expect(refusalOf(arrived, { type: "checkIn", step: "parent-absent" }, cast.visitor, policy, T("10:05"))).toEqual({
          code: "wrong-step",
          message: "That check-in does not fit now: the visit is at the address.",
        });
      });
    }
  }
});

describe("R12 parent gave notice of lateness: do not enter until they arrive; call off after the late limit", () => {
  const LATE: Record<SchoolKey, number | null> = { oakfield: 30, priory: null, thorns: null, hunsbury: 30, stMarys: null };

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const limit = LATE[school.key];
    if (limit !== null) {
      const at = T("10:05", limit * MINUTE);
      const late = () => must(atTheDoor(school, "enter"), policy, { type: "checkIn", step: "parent-late" }, cast.visitor, T("10:05")).visit;

      it(`R12 ${school.label}: the sweeper calls the visit off ${limit} minutes after the parent said they were late`, () => {
        const visit = late();
        expect(visit).toMatchObject({ status: "waiting-for-parent", parentLateSince: iso("10:05") });
        expect(nextCheckInSteps(visit, policy)).toEqual(["parent-arrived", "safe", "left"]); // no way in without the parent
        expect(nextWakeUp(visit, policy)).toBe(at.toISOString());
        expect(sweep(visit, policy, new Date(at.getTime() - 1)).events).toEqual([]);
        const calledOff = sweep(visit, policy, at);
        expect(calledOff.events).toEqual([{ type: "visit.calledOff", at: at.toISOString(), actor: SYSTEM, reason: "parent-late" }]);
        expect(calledOff.visit.calledOff).toEqual({ reason: "parent-late", by: SYSTEM, at: at.toISOString() });
        expect(told(calledOff.visit, calledOff.events, policy)).toEqual(staffTold(school, "visit-card"));
        expect(sweep(calledOff.visit, policy, T("10:50")).events).toEqual([]);
        expect(nextCheckInSteps(calledOff.visit, policy)).toEqual(["safe", "left"]);
      });

      it(`R12 ${school.label}: a late parent who arrives within ${limit} minutes lets the visit go ahead, with the adult present recorded`, () => {
        const arrived = must(late(), policy, { type: "checkIn", step: "parent-arrived" }, cast.visitor, new Date(at.getTime() - MINUTE));
        expect(arrived.visit).toMatchObject({ status: "in-visit", adultPresentAt: new Date(at.getTime() - MINUTE).toISOString() });
        expect(sweep(arrived.visit, policy, at).events).toEqual([]);
      });
    } else {
      it(`R12 ${school.label}: no late-parent limit: there is no "parent running late" step`, () => {
        const arrived = atTheDoor(school);
        expect(nextCheckInSteps(arrived, policy)).not.toContain("parent-late");
        expect(refusalOf(arrived, { type: "checkIn", step: "parent-late" }, cast.visitor, policy, T("10:05"))).toMatchObject({ code: "wrong-step" });
      });
    }
  }
});

describe("R13 dangerous animals not shut away: the visit is called off (and reported to the head in writing where the policy says so)", () => {
  const ANIMALS: Record<SchoolKey, "report" | "no-report" | "off"> = { oakfield: "no-report", priory: "report", thorns: "no-report", hunsbury: "report", stMarys: "off" };
  const note = "Two large dogs loose in the front garden; owner would not shut them away.";

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const rule = ANIMALS[school.key];
    if (rule === "off") {
      it(`R13 ${school.label}: no animals rule: "animals not shut away" is not a reason to call off (feeling unsafe still is)`, () => {
        expect(policy.animals.enabled).toBe(false);
        const arrived = atTheDoor(school);
        expect(refusalOf(arrived, { type: "callOff", reason: "animals", note }, cast.visitor, policy, T("10:02"))).toMatchObject({ code: "wrong-step" });
        expect(run(arrived, policy, { type: "callOff", reason: "unsafe", note }, cast.visitor, T("10:02")).decided.ok).toBe(true);
      });
      continue;
    }
    const title =
      rule === "report"
        ? `R13 ${school.label}: animals not shut away call the visit off, and the headteacher gets the reason in writing`
        : `R13 ${school.label}: animals not shut away call the visit off; no written report (the policy asks for none)`;
    it(title, () => {
      const arrived = atTheDoor(school);
      expect(refusalOf(arrived, { type: "callOff", reason: "animals" }, cast.visitor, policy, T("10:02"))).toMatchObject({ code: "invalid-request" });
      const calledOff = must(arrived, policy, { type: "callOff", reason: "animals", note: `  ${note}  ` }, cast.visitor, T("10:02"));
      expect(calledOff.visit.calledOff).toEqual({ reason: "animals", note, by: cast.visitor, at: iso("10:02") });
      expect(told(calledOff.visit, calledOff.events, policy)).toEqual(rule === "report" ? ["report:called-off → Jo Fenwick"] : []);
      expect(nextCheckInSteps(calledOff.visit, policy)).toEqual(["safe", "left"]);
    });
  }
});

describe("R14 feeling unsafe: leave at once; the safety cancellation is reported", () => {
  const UNSAFE: Record<SchoolKey, { to: string; names: string[]; cpoms: boolean }> = {
    oakfield: { to: "the headteacher", names: ["Jo Fenwick"], cpoms: false },
    priory: { to: "the headteacher (in writing)", names: ["Jo Fenwick"], cpoms: false },
    thorns: { to: "the headteacher", names: ["Jo Fenwick"], cpoms: true },
    hunsbury: { to: "the headteacher (in writing)", names: ["Jo Fenwick"], cpoms: false },
    stMarys: { to: "SLT", names: ["Jo Fenwick", "Priya Lane"], cpoms: true },
  };
  const note = "Father shouting and blocking the hallway; we left at once.";

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const { to, names, cpoms } = UNSAFE[school.key];

    it(`R14 ${school.label}: feeling unsafe calls the visit off, at the door or inside, and ${to} gets the written report`, () => {
      for (const status of ["arrived", "in-visit"] as const) {
        const visit = visitFor(status, policy, { at: T("09:54") });
        expect(refusalOf(visit, { type: "callOff", reason: "unsafe", note: " " }, cast.visitor, policy, T("10:10"))).toMatchObject({ code: "invalid-request" });
        const calledOff = must(visit, policy, { type: "callOff", reason: "unsafe", note }, cast.second, T("10:10"));
        expect(calledOff.visit.calledOff).toEqual({ reason: "unsafe", note, by: cast.second, at: iso("10:10") });
        expect(told(calledOff.visit, calledOff.events, policy)).toEqual(names.map((name) => `report:called-off → ${name}`));
        expect(must(calledOff.visit, policy, { type: "checkIn", step: "left" }, cast.visitor, T("10:11")).visit.status).toBe("left");
      }
    });

    if (cpoms) {
      it(`R14 ${school.label}: the safety cancellation is recorded on CPOMS: the summary and the CSV say it was called off as unsafe, with the report`, () => {
        const inVisit = visitFor("in-visit", policy, { at: T("09:54") });
        const calledOff = must(inVisit, policy, { type: "callOff", reason: "unsafe", note }, cast.visitor, T("10:10")).visit;
        const left = must(calledOff, policy, { type: "checkIn", step: "left" }, cast.visitor, T("10:11")).visit;
        const record = { outcome: "called-off" as const, summary: "Visit ended early for our safety.", agreements: [], officerConfirmed: true };
        const recorded: Visit = must(left, policy, { type: "recordOutcome", record }, cast.visitor, T("10:30")).visit;
        const summary = recordSummary(recorded, policy);
        expect(summary).toContain("Outcome: Called off at the door (unsafe)");
        expect(summary).toContain(note);
        const row = recordsCsv([recorded], policy).split("\r\n")[1]!;
        expect(row).toContain("unsafe");
      });
    }
  }
});

describe("R15 periodic safety check-ins while out", () => {
  const EVERY: Record<SchoolKey, number | null> = { oakfield: null, priory: null, thorns: 120, hunsbury: 120, stMarys: null };

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const every = EVERY[school.key];
    /** A long visit (10:00–15:00), in progress, whose visitor said "I'm safe" at 10:30. */
    const longVisit = () => {
      const inVisit = visitFor("in-visit", policy, { at: T("09:50"), details: { end: "15:00" } });
      return must(inVisit, policy, { type: "checkIn", step: "safe" }, cast.visitor, T("10:30")).visit;
    };
    if (every !== null) {
      it(`R15 ${school.label}: an "I'm safe" check-in is due every ${every / 60} hours while out, and a missed one raises the alarm`, () => {
        const visit = longVisit();
        expect(deadlinesFor(visit, policy)).toEqual([
          { kind: "periodic", due: iso("12:30") },
          { kind: "leaving", due: iso("15:00") },
        ]);
        expect(sweep(visit, policy, T("12:40", -1)).events).toEqual([]);
        const missed = sweep(visit, policy, T("12:40"));
        expect(missed.events[0]).toMatchObject({ type: "alert.raised", actor: SYSTEM, alert: { kind: "overdue", deadline: { kind: "periodic", due: iso("12:30") } } });

        const safeAgain = must(visit, policy, { type: "checkIn", step: "safe" }, cast.second, T("12:20")).visit;
        expect(deadlinesFor(safeAgain, policy)[0]).toEqual({ kind: "periodic", due: iso("14:20") });
        expect(sweep(safeAgain, policy, T("12:40")).events).toEqual([]);
      });
    } else {
      it(`R15 ${school.label}: no periodic check-in: only the check-out at the expected end is watched`, () => {
        const visit = longVisit();
        expect(deadlinesFor(visit, policy)).toEqual([{ kind: "leaving", due: iso("15:00") }]);
        expect(nextWakeUp(visit, policy)).toBe(iso("15:10"));
        for (const time of ["12:40", "14:40", "15:09"]) expect(sweep(visit, policy, T(time)).events).toEqual([]);
      });
    }
  }
});

describe("R16 check-out on leaving the address", () => {
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    it(`R16 ${school.label}: the check-out is due at the expected end (11:00); "Left safely" ends the watch, and a missed one raises the alarm`, () => {
      const inVisit = visitFor("in-visit", policy, { at: T("09:54") });
      expect(deadlinesFor(inVisit, policy).find((d) => d.kind === "leaving")).toEqual({ kind: "leaving", due: iso("11:00") });
      const missed = sweep(inVisit, policy, T("11:10"));
      expect(missed.events[0]).toMatchObject({ type: "alert.raised", alert: { deadline: { kind: "leaving", due: iso("11:00") } } });

      const left = must(inVisit, policy, { type: "checkIn", step: "left" }, cast.visitor, T("10:55"));
      expect(left.visit).toMatchObject({ status: "left", leftAt: iso("10:55") });
      expect(deadlinesFor(left.visit, policy)).toEqual([]);
      expect(nextWakeUp(left.visit, policy)).toBeUndefined();
      expect(sweep(left.visit, policy, T("18:00")).events).toEqual([]);
    });
  }
});

describe("R17 a discreet code word raises a silent alarm", () => {
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    if (school.key === "thorns") {
      it("R17 Thorns Primary (002): the code word inside an ordinary message raises a silent alarm that never shows in the visitors' chats", () => {
        expect(policy.codeWord).toEqual({ word: "bluebell" });
        const heard = withoutCodeWord("Arrived, Bluebell!", policy.codeWord?.word);
        expect(heard).toEqual({ said: "arrived", codeWordUsed: true });
        const raised = must(visitFor("in-visit", policy), policy, { type: "requestHelp", silent: heard.codeWordUsed }, cast.visitor, T("10:20"));
        expect(raised.visit.alerts[0]).toMatchObject({ kind: "help", silent: true, raisedBy: cast.visitor });
        const lines = told(raised.visit, raised.events, policy);
        expect(lines).toEqual(["alert → Lou Brennock", "alert → Jo Fenwick"]);
        expect(lines.join("\n")).not.toMatch(new RegExp(`${cast.visitor.name}|${cast.second.name}`));
      });
    } else {
      it(`R17 ${school.label}: no code word: "bluebell" in a message is just a word`, () => {
        expect(policy.codeWord).toBeNull();
        expect(withoutCodeWord("Arrived, Bluebell!", policy.codeWord?.word)).toEqual({ said: "arrived bluebell", codeWordUsed: false });
      });
    }
  }
});

describe("R18 immediate danger: the office and head are alerted at once; police advice shown", () => {
  const HELP: Record<SchoolKey, string[]> = {
    oakfield: ["alert → Chris Dale", "alert → Jo Fenwick"],
    priory: ["alert → Dee Harrowby", "alert → Jo Fenwick"],
    thorns: ["alert → Lou Brennock", "alert → Jo Fenwick"],
    hunsbury: ["alert → Gail Whitcombe", "alert → Jo Fenwick"],
    stMarys: ["alert → Hal Pryderi", "alert → Jo Fenwick", "alert → #safeguarding"],
  };

  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const expected = HELP[school.key];
    it(`R18 ${school.label}: a call for help alerts ${expected.map((line) => line.split(" → ")[1]).join(", ")} at once`, () => {
      const raised = must(visitFor("in-visit", policy), policy, { type: "requestHelp", silent: false }, cast.second, T("10:20"));
      expect(raised.events).toEqual([
        { type: "alert.raised", at: iso("10:20"), actor: cast.second, alert: { id: "A1", kind: "help" } },
        { type: "alert.escalated", at: iso("10:20"), actor: cast.second, alertId: "A1", step: 0, targets: policy.help.alert },
      ]);
      expect(told(raised.visit, raised.events, policy)).toEqual(expected);
      expect(policy.help.policeGuidance).toMatch(/999/);
      // The office answers it; the staff on the visit cannot clear their own alarm.
      const office = person(policy, expected[0]!.split(" → ")[1]!);
      expect(refusalOf(raised.visit, { type: "resolveAlert", alertId: "A1", note: "Safe." }, cast.visitor, policy, T("10:25"))).toMatchObject({ code: "not-allowed" });
      expect(must(raised.visit, policy, { type: "resolveAlert", alertId: "A1", note: "Rang: safe, leaving." }, office, T("10:25")).visit.alerts[0]!.resolved).toMatchObject({
        how: "contacted-safe",
      });
    });
  }
});

describe("R19 child found alone: do not enter unless an emergency; alert the DSL at once", () => {
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    if (school.key === "stMarys") {
      it("R19 St Mary of the Angels (004): a child found alone goes to the DSL channel at once, and only a DSL or deputy may resolve it", () => {
        expect(policy.childAlone).toMatchObject({ enabled: true, guidance: expect.stringMatching(/DSL/) });
        const raised = must(atTheDoor(school), policy, { type: "raiseConcern", kind: "child-alone", note: "Two young children, no adult answering." }, cast.visitor, T("10:02"));
        expect(raised.events[1]).toEqual({ type: "alert.escalated", at: iso("10:02"), actor: cast.visitor, alertId: "A1", step: 0, targets: ["dsl-channel"] });
        expect(told(raised.visit, raised.events, policy)).toEqual(["alert → #safeguarding"]);
        expect(refusalOf(raised.visit, { type: "resolveAlert", alertId: "A1", note: "Seen." }, person(policy, "Hal Pryderi"), policy, T("10:05"))).toMatchObject({ code: "not-allowed" });
        expect(run(raised.visit, policy, { type: "resolveAlert", alertId: "A1", note: "Rang children's services." }, person(policy, "Priya Lane"), T("10:05")).decided.ok).toBe(true);
      });
    } else {
      it(`R19 ${school.label}: no "child found alone" action (a safeguarding concern still reaches the DSL)`, () => {
        expect(policy.childAlone.enabled).toBe(false);
        const arrived = atTheDoor(school);
        expect(refusalOf(arrived, { type: "raiseConcern", kind: "child-alone", note: "" }, cast.visitor, policy, T("10:02"))).toMatchObject({ code: "invalid-request" });
        const concern = must(arrived, policy, { type: "raiseConcern", kind: "concern", note: "Young child alone at the window." }, cast.visitor, T("10:02"));
        expect(told(concern.visit, concern.events, policy)).toEqual(["alert → #safeguarding"]);
      });
    }
  }
});
