/**
 * Conformance, oversight (R30, R31): the append-only audit trail every school keeps, and the review figures each
 * school's governors read (visits by purpose, cancellations by reason, escalations and how fast they were
 * resolved), with their CSV.
 */
import { SYSTEM } from "../../src/domain/alert";
import { csvCell } from "../../src/domain/record";
import { reviewCsv, reviewFigures } from "../../src/domain/review";
import type { Actor, Visit, VisitEvent } from "../../src/domain/visit";
import type { VisitCommand } from "../../src/domain/visit.decide";
import { replay } from "../../src/domain/visit.evolve";
import { FULL_RECORD, pathFor } from "../domain/visit.builders";
import { must, person, request, SCHOOLS, type School, type SchoolKey, T } from "./schools";

type Command = Exclude<VisitCommand, { type: "request" }>;
type Step = [command: Command, by: Actor, at: string];

const officeOf = (school: School) => person(school.policy, school.policy.people.find((p) => p.roles.includes("office"))!.displayName);

/** Requests a visit on `date` at 08:00 and takes each step at its own time that day; returns the visit and every event. */
function story(school: School, visitId: string, date: string, purposeId: string, steps: Step[]): { visit: Visit; events: VisitEvent[] } {
  const asked = request(school, { date, purposeId }, T("08:00", 0, date), visitId);
  return steps.reduce(
    ({ visit, events }, [command, by, at]) => {
      const next = must(visit, school.policy, command, by, T(at, 0, date));
      return { visit: next.visit, events: [...events, ...next.events] };
    },
    asked,
  );
}

describe("R30 every action on a visit is kept in an append-only audit trail: who, what, when", () => {
  for (const school of SCHOOLS) {
    const { policy, cast } = school;
    it(`R30 ${school.label}: every event says who did what and when, in order, and replaying the trail rebuilds the visit`, () => {
      const office = officeOf(school);
      const setOff: Step[] = policy.checkIns.leavingSchool ? [[{ type: "checkIn", step: "left-school" }, cast.visitor, "09:40"]] : [];
      const { visit, events } = story(school, "audit-1", "2026-11-23", "attendance", [
        [{ type: "approve" }, cast.approver, "08:01"],
        ...setOff,
        [{ type: "sweep" }, SYSTEM, "10:10"], // the arrival check-in was missed
        [{ type: "checkIn", step: "arrived" }, cast.second, "10:12"],
        [{ type: "checkIn", step: "parent-present" }, cast.visitor, "10:13"],
        [{ type: "requestHelp", silent: false }, cast.visitor, "10:30"],
        [{ type: "acknowledgeAlert", alertId: "A2" }, office, "10:31"],
        [{ type: "resolveAlert", alertId: "A2", note: "Rang Alex: dog now shut away, safe." }, office, "10:35"],
        [{ type: "checkIn", step: "left" }, cast.visitor, "10:55"],
        [{ type: "recordOutcome", record: FULL_RECORD }, cast.visitor, "11:05"],
        [{ type: "reportIncident", kind: "incident", note: "Dog jumped up at the door." }, cast.second, "11:10"],
      ]);
      const at = (time: string) => T(time).toISOString();
      expect(events.map((e) => [e.type, e.actor.name, e.at])).toEqual([
        ["visit.requested", cast.visitor.name, at("08:00")],
        ["visit.approved", cast.approver.name, at("08:01")],
        ...(setOff.length > 0 ? [["visit.checkedIn", cast.visitor.name, at("09:40")]] : []),
        ["alert.raised", SYSTEM.name, at("10:10")],
        ["alert.escalated", SYSTEM.name, at("10:10")],
        ["visit.checkedIn", cast.second.name, at("10:12")],
        ["alert.resolved", cast.second.name, at("10:12")],
        ["visit.checkedIn", cast.visitor.name, at("10:13")],
        ["alert.raised", cast.visitor.name, at("10:30")],
        ["alert.escalated", cast.visitor.name, at("10:30")],
        ["alert.acknowledged", office.name, at("10:31")],
        ["alert.resolved", office.name, at("10:35")],
        ["visit.checkedIn", cast.visitor.name, at("10:55")],
        ["visit.recorded", cast.visitor.name, at("11:05")],
        ["incident.reported", cast.second.name, at("11:10")],
      ]);
      for (const event of events) {
        expect(event.actor.id).toEqual(expect.any(String));
        expect(event.actor.id.length).toBeGreaterThan(0);
        expect(new Date(event.at).toISOString()).toBe(event.at);
      }
      // Append-only: the visit is nothing but its events, one version each.
      expect(replay(events)).toEqual(visit);
      expect(visit.version).toBe(events.length);
      expect(replay(events.slice(0, 2))).toMatchObject({ status: "approved", version: 2 });
    });
  }
});

describe("R31 review figures: visits by purpose, cancellations by reason, escalations and how fast they were resolved", () => {
  const PERIOD: Record<SchoolKey, { period: string; staffFeedback: boolean }> = {
    oakfield: { period: "annual", staffFeedback: false },
    priory: { period: "annual", staffFeedback: false },
    thorns: { period: "annual", staffFeedback: true },
    hunsbury: { period: "on-incident", staffFeedback: false },
    stMarys: { period: "annual", staffFeedback: false },
  };

  /**
   * A week of visits (Mon 23 – Fri 27 November) and one after it:
   * r1 recorded; r2 cancelled before the visit; r3 declined; r4 a call for help resolved by the office after 12
   * minutes; r5 a missed arrival resolved after 20 minutes, then called off at the door as unsafe, with an
   * incident; r6 on 1 December, outside the period. r2 and r4 use the school's second purpose (if it has one).
   */
  function week(school: School): Visit[] {
    const { policy, cast } = school;
    const office = officeOf(school);
    const [first, second = first] = policy.purposes.map((p) => p.id) as [string, string?];
    const door = pathFor("in-visit", policy, cast).map(([command, by], i): Step => [command, by, `09:${String(50 + i).padStart(2, "0")}`]);
    const recorded: Step[] = [...door, [{ type: "checkIn", step: "left" }, cast.visitor, "10:55"], [{ type: "recordOutcome", record: FULL_RECORD }, cast.visitor, "11:05"]];
    return [
      story(school, "r1", "2026-11-23", first, recorded),
      story(school, "r2", "2026-11-24", second, [[{ type: "cancel", reason: "Family came into school." }, cast.visitor, "08:30"]]),
      story(school, "r3", "2026-11-25", first, [[{ type: "decline", note: "Phone instead." }, cast.approver, "08:30"]]),
      story(school, "r4", "2026-11-26", second, [
        ...door,
        [{ type: "requestHelp", silent: false }, cast.visitor, "10:30"],
        [{ type: "resolveAlert", alertId: "A1", note: "Rang Alex: safe, leaving now." }, office, "10:42"],
      ]),
      story(school, "r5", "2026-11-27", first, [
        [{ type: "approve" }, cast.approver, "08:30"],
        [{ type: "sweep" }, SYSTEM, "10:10"],
        [{ type: "resolveAlert", alertId: "A1", note: "Rang Alex: stuck in traffic." }, office, "10:30"],
        [{ type: "checkIn", step: "arrived" }, cast.visitor, "10:31"],
        [{ type: "callOff", reason: "unsafe", note: "Shouting inside; we did not knock." }, cast.visitor, "10:35"],
        [{ type: "reportIncident", kind: "incident", note: "A bottle was thrown towards us from the window." }, cast.second, "10:40"],
      ]),
      story(school, "r6", "2026-12-01", first, recorded),
    ].map((s) => s.visit);
  }

  for (const school of SCHOOLS) {
    const { policy } = school;
    const { period, staffFeedback } = PERIOD[school.key];
    const labels = policy.purposes.map((p) => p.label);
    const byPurpose = labels.length > 1 ? [{ label: labels[0]!, count: 3 }, { label: labels[1]!, count: 2 }] : [{ label: labels[0]!, count: 5 }];

    it(`R31 ${school.label}: the ${period} review counts visits by the school's purposes, cancellations by reason, escalations and resolution times, as CSV`, () => {
      expect(policy.review.period).toBe(period);
      const figures = reviewFigures(week(school), "2026-11-23", "2026-11-27", policy);
      expect(figures).toEqual({
        from: "2026-11-23",
        to: "2026-11-27",
        visits: 5,
        byPurpose,
        cancellations: [
          { reason: "called off at the door: unsafe", count: 1 },
          { reason: "cancelled before the visit: Family came into school.", count: 1 },
          { reason: "not approved", count: 1 },
        ],
        escalations: [
          { kind: "overdue", raised: 1, resolved: 1, medianMinutesToResolve: 20, longestMinutesToResolve: 20 },
          { kind: "help", raised: 1, resolved: 1, medianMinutesToResolve: 12, longestMinutesToResolve: 12 },
          { kind: "child-alone", raised: 0, resolved: 0 },
          { kind: "concern", raised: 0, resolved: 0 },
        ],
        incidents: 1,
        ...(staffFeedback ? { staffFeedback: [] } : {}),
      });
      expect(reviewCsv(figures)).toBe(
        [
          ["section", "item", "value"],
          ["period", "from", "2026-11-23"],
          ["period", "to", "2026-11-27"],
          ["visits", "total", "5"],
          ...byPurpose.map((p) => ["visits by purpose", p.label, String(p.count)]),
          ["cancellations", "called off at the door: unsafe", "1"],
          ["cancellations", "cancelled before the visit: Family came into school.", "1"],
          ["cancellations", "not approved", "1"],
          ["escalations raised", "overdue", "1"],
          ["escalations resolved", "overdue", "1"],
          ["median minutes to resolve", "overdue", "20"],
          ["longest minutes to resolve", "overdue", "20"],
          ["escalations raised", "help", "1"],
          ["escalations resolved", "help", "1"],
          ["median minutes to resolve", "help", "12"],
          ["longest minutes to resolve", "help", "12"],
          ["escalations raised", "child-alone", "0"],
          ["escalations resolved", "child-alone", "0"],
          ["escalations raised", "concern", "0"],
          ["escalations resolved", "concern", "0"],
          ["incidents", "total", "1"],
          ...(staffFeedback ? [["staff feedback", "comments", "0"]] : []),
        ]
          .map((row) => row.map(csvCell).join(","))
          .join("\r\n") + "\r\n",
      );
    });

    if (staffFeedback) {
      it(`R31 ${school.label}: visiting staff's feedback is part of the review figures`, () => {
        expect(policy.review.staffFeedback).toBe(true);
        const figures = reviewFigures(week(school), "2026-11-23", "2026-11-27", policy);
        expect(figures).toHaveProperty("staffFeedback");
        expect(reviewCsv(figures)).toMatch(/^staff feedback,/m);
      });
    } else {
      it(`R31 ${school.label}: no staff feedback in the review figures`, () => {
        const figures = reviewFigures(week(school), "2026-11-23", "2026-11-27", policy);
        expect(figures).not.toHaveProperty("staffFeedback");
        expect(reviewCsv(figures)).not.toMatch(/staff feedback/i);
      });
    }
  }
});
