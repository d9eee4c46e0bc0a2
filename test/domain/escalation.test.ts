/**
 * The safety net (R15–R20, R23): missed check-ins, the escalation ladder, calls for help and concerns, and who
 * may answer them. Every instant is a fixed Date handed to `decide`: the clock is injected, nothing sleeps.
 *
 * Visits are built through the real decide → evolve (see visit.builders.ts). Unless a test says otherwise a
 * visit is requested at 08:00 and runs 10:00–11:00 on Monday 23 November 2026, when London is on GMT, so the
 * wall-clock times below are also UTC.
 */
import path from "node:path";
import type { EscalationTarget, PolicyProfile, Role } from "../../src/policy/policy.schema";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { Alert, AlertKind } from "../../src/domain/alert";
import { SYSTEM } from "../../src/domain/alert";
import type { DeadlineKind } from "../../src/domain/deadlines";
import { ladderStart, missedDeadline, nextWakeUp, openOverdueAlert, stepsDue, stepTimes } from "../../src/domain/escalation";
import { decide, nextCheckInSteps } from "../../src/domain/visit.decide";
import { evolve } from "../../src/domain/visit.evolve";
import type { Actor, Visit, VisitEvent } from "../../src/domain/visit";
import { actor, people, testPolicy } from "../support/policy-fixture";
import type { Cast } from "./visit.builders";
import { apply, castOf, type Command, iso, person, run, sweep, T, visitFor } from "./visit.builders";

const profile = (file: string) => loadPolicyFile(path.join(__dirname, "../../policies", file));
/** Grace PT10M; ladder: visitor + office + responsible contact at once, head after 10 min; "I'm safe" every 2 h; code word. */
const THORNS = profile("thorns-primary.json");
/** Grace PT10M; ladder: visitor + head + DSL channel at once, office after 10 min; no periodic check-in. */
const ST_MARYS = profile("st-mary-of-the-angels.json");
/** Grace PT10M; ladder: visitor at once, office after 5 min, head + DSL channel after 15 min; "I'm safe" every 2 h. */
const HUNSBURY = profile("hunsbury-park-primary.json");
/** The test fixture: the same ladder shape as Hunsbury, every check-in on. */
const FIXTURE = testPolicy();
/** The fixture with a ladder in seconds, as RULES.md promises any timing rule can be exercised. */
const SECONDS = testPolicy((p) => {
  p.escalation.grace = "PT5S";
  p.escalation.steps = [
    { after: "PT0S", targets: ["visitor"] },
    { after: "PT5S", targets: ["office"] },
    { after: "PT10S", targets: ["headteacher", "dsl-channel"] },
  ];
});

const MINUTE = 60_000;

/** Sweeps at each instant in turn, returning the visit after all of them. */
const sweepAt = (visit: Visit, policy: PolicyProfile, ...times: Date[]) => times.reduce((v, when) => sweep(v, policy, when).visit, visit);

/** The first person in the profile holding `role` who does not also go on visits. */
function holder(policy: PolicyProfile, role: Role): Actor {
  const person = policy.people.find((p) => p.roles.includes(role) && !p.roles.includes("visitor"));
  if (!person) throw new Error(`${policy.school.name} has nobody who is only ${role}`);
  return { id: person.aadObjectId, name: person.displayName };
}

const refusal = (code: string, message: string) => ({ ok: false, refusal: { code, message } });
const SAFETY_RESPONDERS = "Only the office, the headteacher, the senior leadership team, the DSL or the deputy DSL can act on this alert.";
const SAFEGUARDING_RESPONDERS = "Only the DSL or the deputy DSL can act on this alert.";

/** Visits just before their first deadline falls due. */
const approvedVisit = (policy: PolicyProfile) => visitFor("approved", policy); // arrival due 10:00
/** In the visit from about 09:54, so the next "I'm safe" (about 11:54) falls after the expected end (11:00). */
const inVisitNearTheEnd = (policy: PolicyProfile) => visitFor("in-visit", policy, { at: T("09:50") });
/** In a long visit (until 16:00) whose visitor last said "I'm safe" at 10:30. */
const lastHeardAt1030 = (policy: PolicyProfile) =>
  apply(visitFor("in-visit", policy, { details: { end: "16:00" } }), policy, [[{ type: "checkIn", step: "safe" }, castOf(policy).visitor]], T("10:30")).visit;

interface LadderCase {
  title: string;
  policy: PolicyProfile;
  kind: DeadlineKind;
  build: (policy: PolicyProfile) => Visit;
  due: string;
  /** When each step fires and whom it alerts, in the profile's own words. */
  steps: [at: string, targets: EscalationTarget[]][];
}

const LADDERS: LadderCase[] = [
  {
    title: "Thorns Primary: a missed arrival (due 10:00) alerts the visitor, office and responsible contact at 10:10, then the head at 10:20",
    policy: THORNS,
    kind: "arrival",
    build: approvedVisit,
    due: "10:00",
    steps: [
      ["10:10", ["visitor", "office", "responsible-contact"]],
      ["10:20", ["headteacher"]],
    ],
  },
  {
    title: "Thorns Primary: the office is alerted 10 minutes after the expected end (11:10), the head 10 minutes after that",
    policy: THORNS,
    kind: "leaving",
    build: inVisitNearTheEnd,
    due: "11:00",
    steps: [
      ["11:10", ["visitor", "office", "responsible-contact"]],
      ["11:20", ["headteacher"]],
    ],
  },
  {
    title: "Thorns Primary: a missed 2-hourly 'I'm safe' (last heard 10:30, due 12:30) alerts the office at 12:40, the head at 12:50",
    policy: THORNS,
    kind: "periodic",
    build: lastHeardAt1030,
    due: "12:30",
    steps: [
      ["12:40", ["visitor", "office", "responsible-contact"]],
      ["12:50", ["headteacher"]],
    ],
  },
  {
    title: "St Mary of the Angels: a missed arrival (due 10:00) alerts the visitor, head and DSL channel at 10:10, the office at 10:20",
    policy: ST_MARYS,
    kind: "arrival",
    build: approvedVisit,
    due: "10:00",
    steps: [
      ["10:10", ["visitor", "headteacher", "dsl-channel"]],
      ["10:20", ["office"]],
    ],
  },
  {
    title: "St Mary of the Angels: a missed leaving (expected end 11:00) alerts the visitor, head and DSL channel at 11:10, the office at 11:20",
    policy: ST_MARYS,
    kind: "leaving",
    build: inVisitNearTheEnd,
    due: "11:00",
    steps: [
      ["11:10", ["visitor", "headteacher", "dsl-channel"]],
      ["11:20", ["office"]],
    ],
  },
  {
    title: "Hunsbury Park: a missed arrival (due 10:00) prompts the visitor at 10:10, the office at 10:15, the head and DSL channel at 10:25",
    policy: HUNSBURY,
    kind: "arrival",
    build: approvedVisit,
    due: "10:00",
    steps: [
      ["10:10", ["visitor"]],
      ["10:15", ["office"]],
      ["10:25", ["headteacher", "dsl-channel"]],
    ],
  },
  {
    title: "Hunsbury Park: a missed leaving (expected end 11:00) prompts the visitor at 11:10, the office at 11:15, the head and DSL channel at 11:25",
    policy: HUNSBURY,
    kind: "leaving",
    build: inVisitNearTheEnd,
    due: "11:00",
    steps: [
      ["11:10", ["visitor"]],
      ["11:15", ["office"]],
      ["11:25", ["headteacher", "dsl-channel"]],
    ],
  },
  {
    title: "Hunsbury Park: a missed 2-hourly check-in (last heard 10:30, due 12:30) prompts the visitor at 12:40, the office at 12:45, the head at 12:55",
    policy: HUNSBURY,
    kind: "periodic",
    build: lastHeardAt1030,
    due: "12:30",
    steps: [
      ["12:40", ["visitor"]],
      ["12:45", ["office"]],
      ["12:55", ["headteacher", "dsl-channel"]],
    ],
  },
  {
    title: "fixture: a missed arrival (due 10:00) escalates at 10:10, 10:15 and 10:25",
    policy: FIXTURE,
    kind: "arrival",
    build: approvedVisit,
    due: "10:00",
    steps: [
      ["10:10", ["visitor"]],
      ["10:15", ["office"]],
      ["10:25", ["headteacher", "dsl-channel"]],
    ],
  },
  {
    title: "fixture: a missed leaving (expected end 11:00) escalates at 11:10, 11:15 and 11:25",
    policy: FIXTURE,
    kind: "leaving",
    build: inVisitNearTheEnd,
    due: "11:00",
    steps: [
      ["11:10", ["visitor"]],
      ["11:15", ["office"]],
      ["11:25", ["headteacher", "dsl-channel"]],
    ],
  },
  {
    title: "fixture: a missed periodic check-in (last heard 10:30, due 12:30) escalates at 12:40, 12:45 and 12:55",
    policy: FIXTURE,
    kind: "periodic",
    build: lastHeardAt1030,
    due: "12:30",
    steps: [
      ["12:40", ["visitor"]],
      ["12:45", ["office"]],
      ["12:55", ["headteacher", "dsl-channel"]],
    ],
  },
  {
    title: "fixture in seconds: a missed arrival (due 10:00:00, grace PT5S) escalates at 10:00:05, 10:00:10 and 10:00:15",
    policy: SECONDS,
    kind: "arrival",
    build: approvedVisit,
    due: "10:00",
    steps: [
      ["10:00:05", ["visitor"]],
      ["10:00:10", ["office"]],
      ["10:00:15", ["headteacher", "dsl-channel"]],
    ],
  },
];

const byTitle = (start: string) => {
  const found = LADDERS.find((c) => c.title.startsWith(start));
  if (!found) throw new Error(`no ladder case ${start}`);
  return found;
};

/** The visit of a ladder case with its steps up to and including `step` already swept, each at its own time. */
function sweptThrough(c: LadderCase, step: number): Visit {
  return sweepAt(c.build(c.policy), c.policy, ...c.steps.slice(0, step + 1).map(([time]) => T(time)));
}

const raisedEvent = (c: LadderCase, at: string, alertId = "A1"): VisitEvent => ({
  type: "alert.raised",
  at: iso(at),
  actor: SYSTEM,
  alert: { id: alertId, kind: "overdue", deadline: { kind: c.kind, due: iso(c.due) } },
});
const escalatedEvent = (c: LadderCase, step: number, at = c.steps[step]![0], alertId = "A1"): VisitEvent => ({
  type: "alert.escalated",
  at: iso(at),
  actor: SYSTEM,
  alertId,
  step,
  targets: c.steps[step]![1],
});

describe("the escalation ladder fires each step at due + grace + step.after, with the profile's own targets (R20)", () => {
  it.each(LADDERS)("$title; not a millisecond before; sweeping twice at the same instant sends nothing new", (c) => {
    let visit = c.build(c.policy);
    expect(visit.alerts).toEqual([]);
    c.steps.forEach(([time], step) => {
      expect(sweep(visit, c.policy, T(time, -1)).events).toEqual([]);
      const swept = sweep(visit, c.policy, T(time));
      expect(swept.events).toEqual(step === 0 ? [raisedEvent(c, time), escalatedEvent(c, 0)] : [escalatedEvent(c, step)]);
      expect(sweep(swept.visit, c.policy, T(time)).events).toEqual([]);
      expect(sweep(swept.visit, c.policy, T(time, 1)).events).toEqual([]);
      visit = swept.visit;
    });
    // The ladder is exhausted: it stays open for someone to resolve, but nothing more is sent, however late.
    expect(sweep(visit, c.policy, T("23:59")).events).toEqual([]);
    expect(openOverdueAlert(visit)).toMatchObject({ id: "A1", stepsSent: c.steps.map((_, step) => step) });
  });

  it("St Mary of the Angels: with no periodic check-in a long visit is silent until 10 minutes after its expected end", () => {
    const visit = visitFor("in-visit", ST_MARYS, { details: { end: "16:00" } });
    expect(sweep(visit, ST_MARYS, T("16:10", -1)).events).toEqual([]);
    expect(sweep(visit, ST_MARYS, T("16:10")).events).toEqual([
      { type: "alert.raised", at: iso("16:10"), actor: SYSTEM, alert: { id: "A1", kind: "overdue", deadline: { kind: "leaving", due: iso("16:00") } } },
      { type: "alert.escalated", at: iso("16:10"), actor: SYSTEM, alertId: "A1", step: 0, targets: ["visitor", "headteacher", "dsl-channel"] },
    ]);
  });

  it("a profile's ladder is its own: the same missed arrival goes to different people at Thorns and at St Mary's", () => {
    const targetsAt = (policy: PolicyProfile, time: string) =>
      sweep(sweepAt(approvedVisit(policy), policy, T("10:10")), policy, T(time)).events.flatMap((e) => (e.type === "alert.escalated" ? e.targets : []));
    expect(targetsAt(THORNS, "10:20")).toEqual(["headteacher"]);
    expect(targetsAt(ST_MARYS, "10:20")).toEqual(["office"]);
  });
});

describe("a sweep after an outage catches up: every step that is due, in order, once", () => {
  it("Hunsbury Park: the first sweep at 14:00 after a missed 11:00 leaving raises the alert and sends all three steps", () => {
    const c = byTitle("Hunsbury Park: a missed leaving");
    const swept = sweep(c.build(c.policy), c.policy, T("14:00"));
    expect(swept.events).toEqual([raisedEvent(c, "14:00"), escalatedEvent(c, 0, "14:00"), escalatedEvent(c, 1, "14:00"), escalatedEvent(c, 2, "14:00")]);
    expect(sweep(swept.visit, c.policy, T("14:00")).events).toEqual([]);
    expect(sweep(swept.visit, c.policy, T("18:00")).events).toEqual([]);
  });

  it("Hunsbury Park: an outage mid-ladder sends the steps it missed together and never repeats the one already sent", () => {
    const c = byTitle("Hunsbury Park: a missed arrival");
    const afterFirst = sweptThrough(c, 0);
    const swept = sweep(afterFirst, c.policy, T("12:00"));
    expect(swept.events).toEqual([escalatedEvent(c, 1, "12:00"), escalatedEvent(c, 2, "12:00")]);
    expect(openOverdueAlert(swept.visit)?.stepsSent).toEqual([0, 1, 2]);
  });

  it("Thorns Primary: a sweep between the steps of an outage sends only the steps due by then", () => {
    const c = byTitle("Thorns Primary: a missed arrival");
    const swept = sweep(c.build(c.policy), c.policy, T("10:15"));
    expect(swept.events).toEqual([raisedEvent(c, "10:15"), escalatedEvent(c, 0, "10:15")]);
    expect(sweep(swept.visit, c.policy, T("10:20")).events).toEqual([escalatedEvent(c, 1)]);
  });
});

describe("which missed check-ins raise an overdue alert", () => {
  it.each(LADDERS.filter((c) => c.policy !== SECONDS))("$policy.school.name: the alert for a missed $kind check-in names the deadline", (c) => {
    const visit = sweptThrough(c, 0);
    expect(visit.alerts).toEqual([
      { id: "A1", kind: "overdue", raisedAt: iso(c.steps[0]![0]), deadline: { kind: c.kind, due: iso(c.due) }, stepsSent: [0] },
    ]);
  });

  it.each([
    ["Thorns Primary (waits 15 minutes)", THORNS, "10:20"],
    ["Hunsbury Park (waits 20 minutes)", HUNSBURY, "10:25"],
    ["fixture (waits 15 minutes)", FIXTURE, "10:20"],
  ] as const)("%s: the parent-wait limit never raises an overdue alert; the expected end still does", (_, policy, waitUntil) => {
    // Arrived about 09:58; the parent is not there at 10:05, so the wait limit falls due at `waitUntil`.
    const arrived = visitFor("arrived", policy, { at: T("09:54") });
    const waiting = apply(arrived, policy, [[{ type: "checkIn", step: "parent-absent" }, castOf(policy).visitor]], T("10:05")).visit;
    expect(nextWakeUp(waiting, policy)).toBe(iso(waitUntil));
    expect(sweep(waiting, policy, T(waitUntil, -1)).events).toEqual([]);
    // At the limit the visitor is told they may call the visit off (R11): a prompt, not an alarm.
    const told = sweep(waiting, policy, T(waitUntil));
    expect(told.events).toEqual([{ type: "visit.waitLimitReached", at: iso(waitUntil), actor: SYSTEM }]);
    for (const time of [waitUntil, "10:30", "10:45", "11:00"]) expect(sweep(told.visit, policy, T(time)).events).toEqual([]);
    expect(sweep(told.visit, policy, T("11:10", -1)).events).toEqual([]);
    expect(nextWakeUp(told.visit, policy)).toBe(iso("11:10"));
    expect(sweep(told.visit, policy, T("11:10")).events[0]).toMatchObject({ type: "alert.raised", alert: { deadline: { kind: "leaving", due: iso("11:00") } } });
  });

  it("only one overdue alert is open at a time: a deadline missed while one is open waits until it is resolved", () => {
    // The fixture's in-visit builder last heard from the visitor at 08:04: periodic due 10:04, leaving due 11:00.
    const visit = visitFor("in-visit", FIXTURE);
    const periodic = sweep(visit, FIXTURE, T("10:14"));
    expect(periodic.events[0]).toMatchObject({ type: "alert.raised", alert: { id: "A1", deadline: { kind: "periodic", due: iso("10:04") } } });
    let open = periodic.visit;
    for (const time of ["10:19", "10:29", "11:10", "11:15", "11:25", "18:00"]) {
      const swept = sweep(open, FIXTURE, T(time));
      expect(swept.events.filter((e) => e.type === "alert.raised")).toEqual([]);
      open = swept.visit;
    }
    expect(open.alerts.map((a) => a.id)).toEqual(["A1"]);
    expect(missedDeadline(open, FIXTURE, T("18:00"))).toEqual({ kind: "leaving", due: iso("11:00") });

    const resolved = run(open, FIXTURE, { type: "resolveAlert", alertId: "A1", note: "Rang Alex: still with the family." }, actor("office"), T("18:00")).visit;
    const next = sweep(resolved, FIXTURE, T("18:01"));
    expect(next.events[0]).toMatchObject({ type: "alert.raised", alert: { id: "A2", deadline: { kind: "leaving", due: iso("11:00") } } });
    expect(next.visit.alerts.filter((a) => a.kind === "overdue" && !a.resolved).map((a) => a.id)).toEqual(["A2"]);
  });

  it("nothing is watched before approval or after the visit: requested, changes-requested, declined, left, cancelled", () => {
    for (const status of ["requested", "changes-requested", "declined", "left", "cancelled"] as const) {
      const visit = visitFor(status, FIXTURE);
      expect(sweep(visit, FIXTURE, T("23:59")).events).toEqual([]);
      expect(nextWakeUp(visit, FIXTURE)).toBeUndefined();
    }
  });
});

describe("resolution at each step of the ladder", () => {
  const RESOLVABLE = [
    byTitle("Thorns Primary: a missed arrival"),
    byTitle("Thorns Primary: the office is alerted"),
    byTitle("St Mary of the Angels: a missed leaving"),
    byTitle("Hunsbury Park: a missed leaving"),
    byTitle("Hunsbury Park: a missed 2-hourly"),
    byTitle("fixture: a missed arrival"),
  ];
  const atEachStep = RESOLVABLE.flatMap((c) => c.steps.map((_, step) => ({ c, step, school: c.policy.school.name, kind: c.kind })));

  /** The sweeps after `when` at every later ladder step and well beyond it send nothing. */
  function expectSilenceAfter(c: LadderCase, visit: Visit) {
    for (const [time] of c.steps) expect(sweep(visit, c.policy, T(time, 30 * MINUTE)).events).toEqual([]);
    const wake = nextWakeUp(visit, c.policy);
    const quietUntil = wake ? new Date(Date.parse(wake) - 1) : T("23:59");
    expect(sweep(visit, c.policy, quietUntil).events).toEqual([]);
    // Whatever falls due next is a new deadline, never the one just answered.
    if (wake) {
      const next = sweep(visit, c.policy, new Date(wake));
      expect(next.events[0]).toMatchObject({ type: "alert.raised" });
      const raised = next.events[0] as Extract<VisitEvent, { type: "alert.raised" }>;
      expect(raised.alert.deadline).not.toEqual({ kind: c.kind, due: iso(c.due) });
    }
  }

  const lateSafe = "$school: a late 'I'm safe' after step $step of a missed $kind resolves the alert as checked-in; no further step fires";
  it.each(atEachStep)(lateSafe, ({ c, step }) => {
    const visit = sweptThrough(c, step);
    const cast = castOf(c.policy);
    const when = T(c.steps[step]![0], 30_000);
    expect(nextCheckInSteps(visit, c.policy)).toContain("safe");
    const checked = run(visit, c.policy, { type: "checkIn", step: "safe" }, cast.visitor, when);
    expect(checked.events).toEqual([
      { type: "visit.checkedIn", at: when.toISOString(), actor: cast.visitor, step: "safe" },
      { type: "alert.resolved", at: when.toISOString(), actor: cast.visitor, alertId: "A1", how: "checked-in" },
    ]);
    expect(checked.visit.status).toBe(visit.status);
    expect(checked.visit.alerts[0]).toMatchObject({
      stepsSent: c.steps.slice(0, step + 1).map((_, i) => i),
      resolved: { by: cast.visitor, how: "checked-in" },
    });
    expect(openOverdueAlert(checked.visit)).toBeUndefined();
    expectSilenceAfter(c, checked.visit);
  });

  it.each(atEachStep)(
    "$school: the office resolves a missed $kind after step $step with a note: contacted-safe, acknowledged, periodic clock restarted, not raised again",
    ({ c, step }) => {
      const visit = sweptThrough(c, step);
      const office = holder(c.policy, "office");
      const when = T(c.steps[step]![0], 30_000);
      const resolved = run(visit, c.policy, { type: "resolveAlert", alertId: "A1", note: "  Rang them: safe, running late.  " }, office, when);
      expect(resolved.events).toEqual([
        { type: "alert.acknowledged", at: when.toISOString(), actor: office, alertId: "A1" },
        { type: "alert.resolved", at: when.toISOString(), actor: office, alertId: "A1", how: "contacted-safe", note: "Rang them: safe, running late." },
      ]);
      expect(resolved.visit.alerts[0]).toMatchObject({
        acknowledged: { by: office, at: when.toISOString() },
        resolved: { by: office, at: when.toISOString(), how: "contacted-safe", note: "Rang them: safe, running late." },
      });
      expect(resolved.visit.lastContactAt).toBe(when.toISOString());
      expect(resolved.visit.status).toBe(visit.status);
      expectSilenceAfter(c, resolved.visit);
    },
  );

  it("the visitor's real next check-in resolves it too: 'arrived' for a missed arrival, 'left' for a missed leaving", () => {
    const arrival = byTitle("Thorns Primary: a missed arrival");
    const arrived = run(sweptThrough(arrival, 1), THORNS, { type: "checkIn", step: "arrived" }, castOf(THORNS).visitor, T("10:25"));
    expect(arrived.events.map((e) => e.type)).toEqual(["visit.checkedIn", "alert.resolved"]);
    expect(arrived.visit.status).toBe("arrived");

    const leaving = byTitle("Hunsbury Park: a missed leaving");
    const left = run(sweptThrough(leaving, 2), HUNSBURY, { type: "checkIn", step: "left" }, castOf(HUNSBURY).second, T("11:30"));
    expect(left.events).toMatchObject([
      { type: "visit.checkedIn", step: "left" },
      { type: "alert.resolved", how: "checked-in", actor: castOf(HUNSBURY).second },
    ]);
    expect(left.visit.status).toBe("left");
    expect(nextWakeUp(left.visit, HUNSBURY)).toBeUndefined();
  });

  it("Thorns Primary: resolving an alert already acknowledged keeps the first acknowledgement and adds no second one", () => {
    const visit = sweptThrough(byTitle("Thorns Primary: the office is alerted"), 0);
    const office = person(THORNS, "Lou Brennock");
    const head = person(THORNS, "Jo Fenwick");
    const acknowledged = run(visit, THORNS, { type: "acknowledgeAlert", alertId: "A1" }, office, T("11:12")).visit;
    const resolved = run(acknowledged, THORNS, { type: "resolveAlert", alertId: "A1", note: "Spoke to Alex." }, head, T("11:25"));
    expect(resolved.events.map((e) => e.type)).toEqual(["alert.resolved"]);
    expect(resolved.visit.alerts[0]).toMatchObject({ acknowledged: { by: office, at: iso("11:12") }, resolved: { by: head, how: "contacted-safe" } });
  });

  it("a late check-in before anyone sweeps leaves nothing to raise: the check-in came in during the grace", () => {
    const visit = approvedVisit(THORNS);
    const arrived = apply(visit, THORNS, [[{ type: "checkIn", step: "arrived" }, castOf(THORNS).visitor]], T("10:09")).visit;
    expect(sweep(arrived, THORNS, T("10:10")).events).toEqual([]);
  });
});

describe("'I'm safe' answers an open alarm whatever the visit's status", () => {
  it.each([
    ["Thorns Primary", THORNS, ["left-school", "arrived"], ["left-school", "arrived", "safe"]],
    ["St Mary of the Angels", ST_MARYS, ["arrived"], ["arrived", "safe"]],
  ] as const)("%s: an approved visit offers 'safe' only while an overdue alert is open, and 'safe' answers it", (_, policy, before, during) => {
    const visit = approvedVisit(policy);
    expect(nextCheckInSteps(visit, policy)).toEqual(before);
    const overdue = sweep(visit, policy, T("10:10")).visit;
    expect(nextCheckInSteps(overdue, policy)).toEqual(during);
    const safe = run(overdue, policy, { type: "checkIn", step: "safe" }, castOf(policy).visitor, T("10:11"));
    expect(safe.decided.ok).toBe(true);
    expect(safe.visit.status).toBe("approved");
    expect(openOverdueAlert(safe.visit)).toBeUndefined();
    expect(nextCheckInSteps(safe.visit, policy)).toEqual(before);
  });

  it.each([
    [
      "sent back for approval by a change of time",
      (v: Visit, cast: Cast) => run(v, THORNS, { type: "amend", details: { ...v.details, start: "10:30", end: "11:30" } }, cast.visitor, T("10:12")).visit,
    ],
    [
      "cancelled",
      (v: Visit, cast: Cast) => run(v, THORNS, { type: "cancel", reason: "Family not answering the phone." }, cast.visitor, T("10:12")).visit,
    ],
  ])("Thorns Primary: an alarm raised before the visit was %s can still be answered with 'I'm safe'", (_, change) => {
    const cast = castOf(THORNS);
    const overdue = change(sweep(approvedVisit(THORNS), THORNS, T("10:10")).visit, cast);
    expect(openOverdueAlert(overdue)).toBeDefined();
    expect(nextCheckInSteps(overdue, THORNS)).toContain("safe");
    const safe = run(overdue, THORNS, { type: "checkIn", step: "safe" }, cast.visitor, T("10:13"));
    expect(safe.decided).toMatchObject({ ok: true });
    expect(safe.events).toMatchObject([{ type: "visit.checkedIn", step: "safe" }, { type: "alert.resolved", how: "checked-in" }]);
    expect(safe.visit.status).toBe(overdue.status);
    // Without an alarm to answer, the visit is back to refusing check-ins in that status (once a repeat can no longer
    // be the same tap again, SAME_TAP_WINDOW_MS).
    expect(run(safe.visit, THORNS, { type: "checkIn", step: "safe" }, cast.visitor, T("10:19")).decided.ok).toBe(false);
  });
});

describe("who may act on an alert", () => {
  const guid = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, "0")}`;
  const extra: Record<string, { aadObjectId: string; displayName: string; roles: Role[] }> = {
    sltOnly: { aadObjectId: guid(1), displayName: "Kim Hale", roles: ["slt"] },
    deputy: { aadObjectId: guid(2), displayName: "Dev Oduya", roles: ["deputy-dsl"] },
    admin: { aadObjectId: guid(3), displayName: "Ada Grey", roles: ["admin"] },
    lead: { aadObjectId: guid(4), displayName: "Lee Marr", roles: ["attendance-lead"] },
    otherVisitor: { aadObjectId: guid(5), displayName: "Vic Hart", roles: ["visitor"] },
    visitingDeputy: { aadObjectId: guid(6), displayName: "Val Stone", roles: ["deputy-dsl", "visitor"] },
  };
  const ROLES = testPolicy((p) => {
    p.people.push(...Object.values(extra).map((person) => ({ ...person, roles: [...person.roles] })));
  });
  const as = (key: keyof typeof extra): Actor => ({ id: extra[key]!.aadObjectId, name: extra[key]!.displayName });
  const outsider = actor("outsider"); // not in the profile at all: no role

  /** A visit with one alert of each kind: A1 overdue (arrival), A2 help, A3 child alone, A4 concern. */
  function alerted(policy: PolicyProfile = ROLES, cast?: Cast): Visit {
    const visitor = (cast ?? castOf(policy)).visitor;
    return apply(sweep(visitFor("approved", policy, cast ? { cast } : {}), policy, T("10:10")).visit, policy, [
      [{ type: "requestHelp", silent: false }, visitor],
      [{ type: "raiseConcern", kind: "child-alone", note: "" }, visitor],
      [{ type: "raiseConcern", kind: "concern", note: "Bruising on the younger sibling's arm." }, visitor],
    ], T("10:11")).visit;
  }
  const ALERT_OF: Record<AlertKind, string> = { overdue: "A1", help: "A2", "child-alone": "A3", concern: "A4" };

  const WHO: [string, () => Actor, safety: boolean, safeguarding: boolean][] = [
    ["the office", () => actor("office"), true, false],
    ["the headteacher", () => actor("head"), true, false],
    ["SLT", () => as("sltOnly"), true, false],
    ["the DSL", () => actor("dsl"), true, true],
    ["a deputy DSL", () => as("deputy"), true, true],
    ["the visitor on the visit", () => actor("visitor"), false, false],
    ["the second visitor on the visit", () => actor("secondVisitor"), false, false],
    ["a visitor not on the visit", () => as("otherVisitor"), false, false],
    ["an admin", () => as("admin"), false, false],
    ["an attendance lead", () => as("lead"), false, false],
    ["someone with no role in the profile", () => outsider, false, false],
  ];
  const cases = WHO.flatMap(([who, by, safety, safeguarding]) =>
    (["overdue", "help", "child-alone", "concern"] as const).flatMap((kind) =>
      (["acknowledgeAlert", "resolveAlert"] as const).map((command) => ({
        who,
        by,
        kind,
        command,
        allowed: kind === "overdue" || kind === "help" ? safety : safeguarding,
        verdict: (kind === "overdue" || kind === "help" ? safety : safeguarding) ? "may" : "may not",
        action: command === "acknowledgeAlert" ? "acknowledge" : "resolve",
      })),
    ),
  );

  it.each(cases)("$who $verdict $action an alert of kind $kind", ({ by, kind, command, allowed }) => {
    const visit = alerted();
    const alertId = ALERT_OF[kind];
    const cmd: Command = command === "acknowledgeAlert" ? { type: command, alertId } : { type: command, alertId, note: "Handled." };
    const decided = decide(visit, cmd, by(), ROLES, T("10:20"));
    if (!allowed) {
      const message = kind === "overdue" || kind === "help" ? SAFETY_RESPONDERS : SAFEGUARDING_RESPONDERS;
      expect(decided).toEqual(refusal("not-allowed", message));
      return;
    }
    expect(decided.ok).toBe(true);
    const last = decided.ok ? decided.events.at(-1) : undefined;
    if (command === "acknowledgeAlert") expect(last).toEqual({ type: "alert.acknowledged", at: iso("10:20"), actor: by(), alertId });
    else {
      const how = kind === "overdue" || kind === "help" ? "contacted-safe" : "dealt-with";
      expect(last).toEqual({ type: "alert.resolved", at: iso("10:20"), actor: by(), alertId, how, note: "Handled." });
    }
  });

  it("a responder who is on the visit cannot answer its alerts: someone else must (a deputy DSL out on the visit)", () => {
    const cast: Cast = { visitor: actor("visitor"), second: as("visitingDeputy"), approver: actor("head") };
    const visit = alerted(ROLES, cast);
    for (const alertId of Object.values(ALERT_OF)) {
      for (const cmd of [{ type: "acknowledgeAlert", alertId }, { type: "resolveAlert", alertId, note: "False alarm." }] as Command[]) {
        expect(decide(visit, cmd, as("visitingDeputy"), ROLES, T("10:20"))).toEqual(
          refusal("not-allowed", "You are on this visit, so someone else must answer its alerts."),
        );
        expect(decide(visit, cmd, as("deputy"), ROLES, T("10:20")).ok).toBe(true);
      }
    }
  });

  it("Thorns Primary: Ifeoma Garside (deputy DSL, also a visitor) cannot clear the silent alarm on a visit she is on, but may on a colleague's", () => {
    const ifeoma = person(THORNS, "Ifeoma Garside");
    const alex = person(THORNS, "Alex Rivers");
    const withIfeoma: Cast = { visitor: alex, second: ifeoma, approver: person(THORNS, "Jo Fenwick") };
    const silent = (cast: Cast) => apply(visitFor("in-visit", THORNS, { cast }), THORNS, [[{ type: "requestHelp", silent: true }, alex]], T("10:30")).visit;
    const resolve: Command = { type: "resolveAlert", alertId: "A1", note: "False alarm." };
    expect(decide(silent(withIfeoma), resolve, ifeoma, THORNS, T("10:31"))).toMatchObject({ ok: false, refusal: { code: "not-allowed" } });
    expect(decide(silent(withIfeoma), resolve, person(THORNS, "Priya Lane"), THORNS, T("10:31")).ok).toBe(true);
    expect(decide(silent(castOf(THORNS)), resolve, ifeoma, THORNS, T("10:31")).ok).toBe(true);
  });

  it("Thorns Primary: the office and head answer a missed check-in, the DSL a concern; the admin and the visitor answer neither", () => {
    const alex = person(THORNS, "Alex Rivers");
    const visit = apply(sweep(approvedVisit(THORNS), THORNS, T("10:10")).visit, THORNS, [
      [{ type: "raiseConcern", kind: "concern", note: "Pupil very withdrawn." }, alex],
    ], T("10:11")).visit;
    const resolve = (alertId: string, name: string) =>
      decide(visit, { type: "resolveAlert", alertId, note: "Handled." }, person(THORNS, name), THORNS, T("10:15"));
    for (const name of ["Lou Brennock", "Jo Fenwick", "Priya Lane"]) expect(resolve("A1", name).ok).toBe(true);
    for (const name of ["Ash Penrose", "Alex Rivers", "Sam Moss"]) expect(resolve("A1", name)).toEqual(refusal("not-allowed", SAFETY_RESPONDERS));
    expect(resolve("A2", "Priya Lane").ok).toBe(true);
    for (const name of ["Lou Brennock", "Jo Fenwick", "Ash Penrose", "Alex Rivers"]) {
      expect(resolve("A2", name)).toEqual(refusal("not-allowed", SAFEGUARDING_RESPONDERS));
    }
  });

  it("the first acknowledgement owns the alert; a second is told who is dealing with it", () => {
    const acknowledged = run(alerted(), ROLES, { type: "acknowledgeAlert", alertId: "A1" }, actor("office"), T("10:12")).visit;
    expect(acknowledged.alerts[0]!.acknowledged).toEqual({ by: actor("office"), at: iso("10:12") });
    for (const who of [actor("head"), actor("dsl"), actor("office")]) {
      expect(decide(acknowledged, { type: "acknowledgeAlert", alertId: "A1" }, who, ROLES, T("10:13"))).toEqual(
        refusal("already-decided", "Chris Dale is already dealing with this."),
      );
    }
  });

  it("resolving twice, or acknowledging once resolved, is told who resolved it", () => {
    const resolved = run(alerted(), ROLES, { type: "resolveAlert", alertId: "A2", note: "Rang Alex: safe." }, actor("head"), T("10:15")).visit;
    expect(decide(resolved, { type: "resolveAlert", alertId: "A2", note: "Also rang." }, actor("office"), ROLES, T("10:16"))).toEqual(
      refusal("finished", "Already resolved by Jo Fenwick."),
    );
    expect(decide(resolved, { type: "acknowledgeAlert", alertId: "A2" }, actor("office"), ROLES, T("10:16"))).toEqual(
      refusal("finished", "Already resolved by Jo Fenwick."),
    );
  });

  it("resolving needs a note; the note is kept trimmed", () => {
    for (const note of ["", "   "]) {
      expect(decide(alerted(), { type: "resolveAlert", alertId: "A4", note }, actor("dsl"), ROLES, T("10:15"))).toEqual(
        refusal("invalid-request", "Add a short note: who you spoke to and what was done."),
      );
    }
    const resolved = run(alerted(), ROLES, { type: "resolveAlert", alertId: "A4", note: "  Referred to children's services.  " }, actor("dsl"), T("10:15"));
    expect(resolved.visit.alerts[3]!.resolved).toEqual({ by: actor("dsl"), at: iso("10:15"), how: "dealt-with", note: "Referred to children's services." });
  });

  it("an alert that is not on the visit is refused", () => {
    expect(decide(alerted(), { type: "acknowledgeAlert", alertId: "A9" }, actor("office"), ROLES, T("10:15"))).toEqual(
      refusal("invalid-request", "That alert does not exist on this visit."),
    );
  });

  it("only the SYSTEM actor may sweep, whoever else asks (even someone using its name)", () => {
    const visit = approvedVisit(FIXTURE);
    for (const who of [actor("office"), actor("head"), actor("visitor"), outsider, { id: people.office.aadObjectId, name: SYSTEM.name }]) {
      expect(decide(visit, { type: "sweep" }, who, FIXTURE, T("10:10"))).toEqual(refusal("not-allowed", "Only the escalation sweeper can do that."));
    }
    expect(decide(visit, { type: "sweep" }, SYSTEM, FIXTURE, T("10:10")).ok).toBe(true);
  });
});

describe("help (R17, R18)", () => {
  it.each([
    ["Thorns Primary", THORNS, ["office", "headteacher"]],
    ["St Mary of the Angels", ST_MARYS, ["office", "headteacher", "dsl-channel"]],
    ["fixture", FIXTURE, ["office", "headteacher", "dsl-channel"]],
  ] as const)("%s: 'I need help' raises a help alert and alerts the profile's help targets (%j) at once", (_, policy, targets) => {
    const visit = visitFor("in-visit", policy);
    const visitor = castOf(policy).visitor;
    const helped = run(visit, policy, { type: "requestHelp", silent: false }, visitor, T("10:30"));
    expect(helped.events).toEqual([
      { type: "alert.raised", at: iso("10:30"), actor: visitor, alert: { id: "A1", kind: "help" } },
      { type: "alert.escalated", at: iso("10:30"), actor: visitor, alertId: "A1", step: 0, targets: [...targets] },
    ]);
    expect(helped.visit.alerts).toEqual([{ id: "A1", kind: "help", raisedAt: iso("10:30"), raisedBy: visitor, stepsSent: [0] }]);
  });

  it("Thorns Primary: the code word raises the same alarm, recorded as silent", () => {
    const visitor = castOf(THORNS).visitor;
    const helped = run(visitFor("in-visit", THORNS), THORNS, { type: "requestHelp", silent: true }, visitor, T("10:30"));
    expect(helped.events).toEqual([
      { type: "alert.raised", at: iso("10:30"), actor: visitor, alert: { id: "A1", kind: "help", silent: true } },
      { type: "alert.escalated", at: iso("10:30"), actor: visitor, alertId: "A1", step: 0, targets: ["office", "headteacher"] },
    ]);
    expect(helped.visit.alerts[0]).toMatchObject({ kind: "help", silent: true });
  });

  it("the second member of staff may call for help; nobody off the visit may, not even the office", () => {
    const visit = visitFor("in-visit", FIXTURE);
    expect(decide(visit, { type: "requestHelp", silent: false }, actor("secondVisitor"), FIXTURE, T("10:30")).ok).toBe(true);
    for (const who of [actor("office"), actor("head"), actor("outsider")]) {
      expect(decide(visit, { type: "requestHelp", silent: false }, who, FIXTURE, T("10:30"))).toEqual(
        refusal("not-allowed", "Only the staff on this visit can call for help on it."),
      );
    }
  });

  it("a check-in does not clear a call for help (it may be typed under duress); the sweeper leaves it alone", () => {
    const visit = apply(visitFor("in-visit", FIXTURE), FIXTURE, [[{ type: "requestHelp", silent: true }, actor("visitor")]], T("10:30")).visit;
    const safe = run(visit, FIXTURE, { type: "checkIn", step: "safe" }, actor("visitor"), T("10:31"));
    expect(safe.events.map((e) => e.type)).toEqual(["visit.checkedIn"]);
    expect(safe.visit.alerts[0]!.resolved).toBeUndefined();
    expect(sweep(safe.visit, FIXTURE, T("10:45")).events).toEqual([]);
    expect(nextWakeUp(safe.visit, FIXTURE)).toBe(iso("11:10")); // the expected end + grace, as if no help had been asked
  });

  it("the office's 'contacted, safe' on a call for help restarts the periodic clock", () => {
    const visit = apply(visitFor("in-visit", FIXTURE), FIXTURE, [[{ type: "requestHelp", silent: false }, actor("visitor")]], T("09:00")).visit;
    const note = "Rang Alex: raised voices, now calm.";
    const resolved = run(visit, FIXTURE, { type: "resolveAlert", alertId: "A1", note }, actor("office"), T("09:40")).visit;
    expect(resolved.lastContactAt).toBe(iso("09:40"));
    expect(resolved.alerts[0]!.resolved).toMatchObject({ how: "contacted-safe" });
  });
});

describe("concerns (R19, R23)", () => {
  const ROUTED = testPolicy((p) => {
    p.concerns.alert = ["headteacher", "dsl-channel"];
  });

  it("a child found alone goes to the DSL channel at once, whatever the school's concern routing says", () => {
    const raised = run(visitFor("arrived", ROUTED), ROUTED, { type: "raiseConcern", kind: "child-alone", note: "" }, actor("visitor"), T("10:05"));
    expect(raised.events).toEqual([
      { type: "alert.raised", at: iso("10:05"), actor: actor("visitor"), alert: { id: "A1", kind: "child-alone" } },
      { type: "alert.escalated", at: iso("10:05"), actor: actor("visitor"), alertId: "A1", step: 0, targets: ["dsl-channel"] },
    ]);
  });

  it("St Mary of the Angels: a child found alone alerts the DSL channel and keeps the visitor's note", () => {
    const visitor = castOf(ST_MARYS).visitor;
    const note = " Two children, no adult answering. ";
    const raised = run(visitFor("arrived", ST_MARYS), ST_MARYS, { type: "raiseConcern", kind: "child-alone", note }, visitor, T("10:05"));
    expect(raised.events[1]).toMatchObject({ type: "alert.escalated", targets: ["dsl-channel"] });
    expect(raised.visit.alerts[0]).toEqual({
      id: "A1",
      kind: "child-alone",
      note: "Two children, no adult answering.",
      raisedAt: iso("10:05"),
      raisedBy: visitor,
      stepsSent: [0],
    });
  });

  it.each([
    ["fixture routing concerns to the head too", ROUTED, ["headteacher", "dsl-channel"]],
    ["Thorns Primary", THORNS, ["dsl-channel"]],
  ] as const)("%s: a concern goes to the profile's concern targets (%j), with its note kept (trimmed) on the alert", (_, policy, targets) => {
    const visitor = castOf(policy).visitor;
    const note = "  Pupil says they are not fed at weekends.  ";
    const raised = run(visitFor("in-visit", policy), policy, { type: "raiseConcern", kind: "concern", note }, visitor, T("10:30"));
    expect(raised.events).toEqual([
      { type: "alert.raised", at: iso("10:30"), actor: visitor, alert: { id: "A1", kind: "concern", note: "Pupil says they are not fed at weekends." } },
      { type: "alert.escalated", at: iso("10:30"), actor: visitor, alertId: "A1", step: 0, targets: [...targets] },
    ]);
    expect(raised.visit.alerts[0]!.note).toBe("Pupil says they are not fed at weekends.");
  });

  it("a concern needs a note; a child found alone does not", () => {
    const visit = visitFor("in-visit", FIXTURE);
    for (const note of ["", "  "]) {
      expect(decide(visit, { type: "raiseConcern", kind: "concern", note }, actor("visitor"), FIXTURE, T("10:30"))).toEqual(
        refusal("invalid-request", "Say briefly what the concern is."),
      );
    }
    expect(decide(visit, { type: "raiseConcern", kind: "child-alone", note: "" }, actor("visitor"), FIXTURE, T("10:30")).ok).toBe(true);
  });

  it("only the staff on the visit may raise a concern from it", () => {
    expect(decide(visitFor("in-visit", FIXTURE), { type: "raiseConcern", kind: "concern", note: "Worried." }, actor("dsl"), FIXTURE, T("10:30"))).toEqual(
      refusal("not-allowed", "Only the staff on this visit can raise a concern from it."),
    );
  });

  it("dealing with a concern does not count as hearing from the visitor: the periodic clock is not restarted", () => {
    const concern: Command = { type: "raiseConcern", kind: "concern", note: "Worried." };
    const visit = apply(visitFor("in-visit", FIXTURE), FIXTURE, [[concern, actor("visitor")]], T("09:00")).visit;
    const resolved = run(visit, FIXTURE, { type: "resolveAlert", alertId: "A1", note: "Logged on CPOMS." }, actor("dsl"), T("09:30")).visit;
    expect(resolved.alerts[0]!.resolved).toMatchObject({ how: "dealt-with" });
    expect(resolved.lastContactAt).toBe(visit.lastContactAt);
  });

  it("alert ids count up across kinds: A1, A2, A3", () => {
    const visit = apply(sweep(approvedVisit(FIXTURE), FIXTURE, T("10:10")).visit, FIXTURE, [
      [{ type: "requestHelp", silent: false }, actor("visitor")],
      [{ type: "raiseConcern", kind: "concern", note: "Worried." }, actor("secondVisitor")],
    ], T("10:11")).visit;
    expect(visit.alerts.map((a) => [a.id, a.kind])).toEqual([
      ["A1", "overdue"],
      ["A2", "help"],
      ["A3", "concern"],
    ]);
  });
});

describe("nextWakeUp: when the sweeper must next look at a visit", () => {
  it("with nothing open, the start of the next deadline's ladder: arrival + grace for an approved visit", () => {
    expect(nextWakeUp(approvedVisit(FIXTURE), FIXTURE)).toBe(iso("10:10"));
    expect(nextWakeUp(approvedVisit(SECONDS), SECONDS)).toBe(iso("10:00:05"));
  });

  it("with nothing open, the earliest ladder of the visit's deadlines (periodic 10:04 before leaving 11:00)", () => {
    expect(nextWakeUp(visitFor("in-visit", FIXTURE), FIXTURE)).toBe(iso("10:14"));
    expect(nextWakeUp(inVisitNearTheEnd(FIXTURE), FIXTURE)).toBe(iso("11:10"));
  });

  it("Hunsbury Park: while an overdue alert is open, the next unsent step; undefined once the ladder is exhausted", () => {
    const c = byTitle("Hunsbury Park: a missed arrival");
    expect(nextWakeUp(sweptThrough(c, 0), HUNSBURY)).toBe(iso("10:15"));
    expect(nextWakeUp(sweptThrough(c, 1), HUNSBURY)).toBe(iso("10:25"));
    expect(nextWakeUp(sweptThrough(c, 2), HUNSBURY)).toBeUndefined();
  });

  it("while an alert is open, other deadlines do not wake the sweeper (only one overdue alert at a time)", () => {
    const open = sweep(visitFor("in-visit", FIXTURE), FIXTURE, T("10:14")).visit; // periodic alert; leaving ladder at 11:10
    expect(nextWakeUp(open, FIXTURE)).toBe(iso("10:19"));
    expect(nextWakeUp(sweepAt(open, FIXTURE, T("10:19"), T("10:29")), FIXTURE)).toBeUndefined();
  });

  it("after a resolution, the start of the next deadline's ladder that has not been alerted", () => {
    const c = byTitle("Thorns Primary: the office is alerted");
    const resolved = run(sweptThrough(c, 0), THORNS, { type: "resolveAlert", alertId: "A1", note: "Rang: safe." }, holder(THORNS, "office"), T("11:15")).visit;
    expect(nextWakeUp(resolved, THORNS)).toBe(iso("13:25")); // periodic: 11:15 + 2 h + 10 min
  });

  it("undefined once the visit is finished, or when the profile watches nothing", () => {
    expect(nextWakeUp(visitFor("left", FIXTURE), FIXTURE)).toBeUndefined();
    expect(nextWakeUp(visitFor("cancelled", FIXTURE), FIXTURE)).toBeUndefined();
    const silent = testPolicy((p) => {
      p.checkIns = { leavingSchool: true, arrival: false, periodicEvery: null, leaving: false };
    });
    expect(nextWakeUp(visitFor("in-visit", silent), silent)).toBeUndefined();
  });

  it("after the visitor leaves with an alarm open, the check-out resolves it and nothing more wakes the sweeper", () => {
    const c = byTitle("Thorns Primary: the office is alerted");
    const left = run(sweptThrough(c, 0), THORNS, { type: "checkIn", step: "left" }, castOf(THORNS).visitor, T("11:12")).visit;
    expect(nextWakeUp(left, THORNS)).toBeUndefined();
    expect(sweep(left, THORNS, T("23:59")).events).toEqual([]);
  });
});

describe("escalation helpers", () => {
  const c = byTitle("Hunsbury Park: a missed arrival");
  const alert = (change: Partial<Alert> = {}): Alert => ({
    id: "A1",
    kind: "overdue",
    raisedAt: iso("10:10"),
    deadline: { kind: "arrival", due: iso("10:00") },
    stepsSent: [],
    ...change,
  });

  it("ladderStart is the deadline plus the profile's grace", () => {
    expect(ladderStart({ due: iso("10:00") }, HUNSBURY)).toBe(T("10:10").getTime());
    expect(ladderStart({ due: iso("10:00") }, SECONDS)).toBe(T("10:00:05").getTime());
  });

  it("stepTimes are the ladder start plus each step's delay; an alert with no deadline has none", () => {
    expect(stepTimes(alert(), HUNSBURY).map((ms) => new Date(ms).toISOString())).toEqual(c.steps.map(([time]) => iso(time)));
    expect(stepTimes(alert({ kind: "help", deadline: undefined }), HUNSBURY)).toEqual([]);
  });

  it("stepsDue lists the due, unsent steps in order, inclusive of the exact instant", () => {
    expect(stepsDue(alert(), HUNSBURY, T("10:10", -1))).toEqual([]);
    expect(stepsDue(alert(), HUNSBURY, T("10:10"))).toEqual([0]);
    expect(stepsDue(alert(), HUNSBURY, T("10:25"))).toEqual([0, 1, 2]);
    expect(stepsDue(alert({ stepsSent: [0] }), HUNSBURY, T("10:25"))).toEqual([1, 2]);
    expect(stepsDue(alert({ stepsSent: [0, 1, 2] }), HUNSBURY, T("23:59"))).toEqual([]);
  });

  it("missedDeadline is the earliest deadline whose ladder has started and that has had no alert", () => {
    const visit = visitFor("in-visit", FIXTURE); // periodic due 10:04, leaving 11:00
    expect(missedDeadline(visit, FIXTURE, T("10:14", -1))).toBeUndefined();
    expect(missedDeadline(visit, FIXTURE, T("10:14"))).toEqual({ kind: "periodic", due: iso("10:04") });
    expect(missedDeadline(visit, FIXTURE, T("12:00"))).toEqual({ kind: "periodic", due: iso("10:04") });
    const alerted = sweep(visit, FIXTURE, T("10:14")).visit;
    expect(missedDeadline(alerted, FIXTURE, T("11:10", -1))).toBeUndefined();
    expect(missedDeadline(alerted, FIXTURE, T("11:10"))).toEqual({ kind: "leaving", due: iso("11:00") });
  });
});

describe("the audit trail of the safety net (R30)", () => {
  it("sweeper events carry the sweep's instant and the SYSTEM actor; each event adds one to the version", () => {
    const visit = approvedVisit(HUNSBURY);
    const swept = sweep(visit, HUNSBURY, T("10:30"));
    expect(swept.events).toHaveLength(4);
    for (const event of swept.events) expect(event).toMatchObject({ at: iso("10:30"), actor: SYSTEM });
    expect(swept.visit.version).toBe(visit.version + 4);
    expect(swept.visit.alerts[0]!.raisedBy).toBeUndefined();
  });

  it("people's events carry their own instant and identity, and the versions count every one", () => {
    const visit = sweep(approvedVisit(FIXTURE), FIXTURE, T("10:10")).visit;
    const start = visit.version;
    const steps: [Command, Actor, string][] = [
      [{ type: "acknowledgeAlert", alertId: "A1" }, actor("office"), "10:11"],
      [{ type: "requestHelp", silent: true }, actor("secondVisitor"), "10:12"],
      [{ type: "resolveAlert", alertId: "A1", note: "Rang Alex." }, actor("office"), "10:13"],
      [{ type: "resolveAlert", alertId: "A2", note: "Spoke to Sam: safe." }, actor("head"), "10:14"],
    ];
    const trail: [string, string, string][] = [];
    const versions: number[] = [];
    steps.reduce((current, [command, by, time]) => {
      const result = run(current, FIXTURE, command, by, T(time));
      expect(result.decided.ok).toBe(true);
      let v = current;
      for (const event of result.events) {
        trail.push([event.type, event.actor.name, event.at]);
        v = evolve(v, event);
        versions.push(v.version);
      }
      return v;
    }, visit);
    expect(trail).toEqual([
      ["alert.acknowledged", "Chris Dale", iso("10:11")],
      ["alert.raised", "Sam Moss", iso("10:12")],
      ["alert.escalated", "Sam Moss", iso("10:12")],
      ["alert.resolved", "Chris Dale", iso("10:13")],
      ["alert.acknowledged", "Jo Fenwick", iso("10:14")],
      ["alert.resolved", "Jo Fenwick", iso("10:14")],
    ]);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6].map((n) => start + n));
  });
});
