/**
 * Conformance, when nobody hears from the visitor (R20): a missed check-in plus the school's grace starts its
 * own escalation ladder, each step reaching the people the school names, until someone resolves it. The sweeper
 * is the pure `sweep` command run at fixed instants around each step, so "exactly at, not before" is checked to
 * the millisecond.
 */
import { SYSTEM } from "../../src/domain/alert";
import { nextWakeUp, openOverdueAlert } from "../../src/domain/escalation";
import type { Visit } from "../../src/domain/visit";
import { visitFor } from "../domain/visit.builders";
import { iso, must, person, SCHOOLS, type School, type SchoolKey, sweep, T, told } from "./schools";

/**
 * Each school's ladder for a missed arrival (due 10:00; every seed has a grace of 10 minutes, so the ladder starts
 * at 10:10): when each step fires and who hears. "visitor" is the two members of staff on the visit.
 */
const LADDER: Record<SchoolKey, [at: string, told: string[]][]> = {
  oakfield: [
    ["10:10", ["visitor"]],
    ["10:15", ["alert → Chris Dale"]],
    ["10:25", ["alert → Jo Fenwick", "alert → #safeguarding"]],
  ],
  priory: [
    ["10:10", ["visitor"]],
    ["10:15", ["alert → Dee Harrowby"]],
    ["10:25", ["alert → Jo Fenwick", "alert → #safeguarding"]],
  ],
  thorns: [
    ["10:10", ["visitor", "alert → Lou Brennock"]],
    ["10:20", ["alert → Jo Fenwick"]],
  ],
  hunsbury: [
    ["10:10", ["visitor"]],
    ["10:15", ["alert → Gail Whitcombe"]],
    ["10:25", ["alert → Jo Fenwick", "alert → #safeguarding"]],
  ],
  stMarys: [
    ["10:10", ["visitor", "alert → Jo Fenwick", "alert → #safeguarding"]],
    ["10:20", ["alert → Hal Pryderi"]],
  ],
};

const expand = (school: School, lines: string[]) =>
  lines.flatMap((line) => (line === "visitor" ? [`are-you-safe → ${school.cast.visitor.name}`, `are-you-safe → ${school.cast.second.name}`] : [line]));
/** "10:10 the visitors and Lou Brennock; 10:20 Jo Fenwick": a ladder for a test's name. */
const inWords = (steps: [string, string[]][]) =>
  steps
    .map(([at, lines]) => `${at} ${lines.map((line) => (line === "visitor" ? "the visitors" : line.replace("alert → ", "").replace("#safeguarding", "the safeguarding channel"))).join(" and ")}`)
    .join("; ");

describe("R20 a missed check-in starts the school's escalation ladder until someone resolves it", () => {
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    const steps = LADDER[school.key];
    const officeName = policy.people.find((p) => p.roles.includes("office"))!.displayName;

    it(`R20 ${school.label}: a missed arrival alerts, step by step: ${inWords(steps)}`, () => {
      expect(policy.escalation.grace).toBe("PT10M");
      let visit: Visit = visitFor("approved", policy);
      steps.forEach(([at, lines], step) => {
        expect(nextWakeUp(visit, policy)).toBe(iso(at));
        expect(sweep(visit, policy, T(at, -1)).events).toEqual([]);
        const swept = sweep(visit, policy, T(at));
        const raised = step === 0 ? [{ type: "alert.raised", at: iso(at), actor: SYSTEM, alert: { id: "A1", kind: "overdue", deadline: { kind: "arrival", due: iso("10:00") } } }] : [];
        expect(swept.events).toEqual([...raised, { type: "alert.escalated", at: iso(at), actor: SYSTEM, alertId: "A1", step, targets: policy.escalation.steps[step]!.targets }]);
        expect(told(swept.visit, swept.events, policy)).toEqual(expand(school, lines));
        expect(sweep(swept.visit, policy, T(at)).events).toEqual([]); // each step once
        visit = swept.visit;
      });
      // Every step sent: nothing more falls due on its own, and the alert stays open until someone resolves it.
      expect(nextWakeUp(visit, policy)).toBeUndefined();
      expect(openOverdueAlert(visit)).toMatchObject({ id: "A1", stepsSent: steps.map((_, i) => i) });
      expect(policy.escalation.policeGuidance).toMatch(/police/i);
    });

    it(`R20 ${school.label}: once the office resolves the alert after the first step, no further step is sent`, () => {
      const first = sweep(visitFor("approved", policy), policy, T("10:10")).visit;
      const resolved = must(first, policy, { type: "resolveAlert", alertId: "A1", note: "Rang Alex: parked round the corner, safe." }, person(policy, officeName), T("10:12"));
      expect(resolved.visit.alerts[0]!.resolved).toEqual({ by: person(policy, officeName), at: iso("10:12"), how: "contacted-safe", note: "Rang Alex: parked round the corner, safe." });
      for (const [at] of steps) expect(sweep(resolved.visit, policy, T(at, 60 * 60_000)).events).toEqual([]);
    });

    it(`R20 ${school.label}: a late check-in from the visitor resolves the alert by itself`, () => {
      const first = sweep(visitFor("approved", policy), policy, T("10:10")).visit;
      const late = must(first, policy, { type: "checkIn", step: "arrived" }, cast.second, T("10:13"));
      expect(late.events.map((e) => e.type)).toEqual(["visit.checkedIn", "alert.resolved"]);
      expect(late.visit.alerts[0]!.resolved).toMatchObject({ by: cast.second, how: "checked-in" });
      expect(told(late.visit, late.events, policy)).toEqual(["alert-changed"]);
    });
  }
});
