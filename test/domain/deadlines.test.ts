import { deadlinesFor } from "../../src/domain/deadlines";
import { waitLimitAt } from "../../src/domain/door";
import type { VisitStatus } from "../../src/domain/visit";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { apply, pairDetails, visitIn } from "./visit.builders";

/**
 * visitIn() requests at 08:00Z and takes each later step a minute apart from 08:01Z: approve 08:01,
 * left-school 08:02, arrived 08:03, parent-absent or parent-present 08:04. The visit runs 10:00–11:00 (GMT).
 */
const policy = testPolicy(); // periodic PT2H, parent wait PT15M, every check-in on
const STARTS = "2026-11-23T10:00:00.000Z";
const ENDS = "2026-11-23T11:00:00.000Z";

describe("deadlinesFor derives the next check-ins due from the visit and the profile", () => {
  it.each<[VisitStatus, { kind: string; due: string }[]]>([
    ["requested", []],
    ["changes-requested", []],
    ["declined", []],
    ["approved", [{ kind: "arrival", due: STARTS }]],
    [
      "on-the-way",
      [
        { kind: "arrival", due: STARTS },
        { kind: "periodic", due: "2026-11-23T10:02:00.000Z" },
      ],
    ],
    [
      "arrived",
      [
        { kind: "periodic", due: "2026-11-23T10:03:00.000Z" },
        { kind: "leaving", due: ENDS },
      ],
    ],
    [
      "waiting-for-parent",
      [
        { kind: "periodic", due: "2026-11-23T10:04:00.000Z" },
        { kind: "leaving", due: ENDS },
      ],
    ],
    [
      "in-visit",
      [
        { kind: "periodic", due: "2026-11-23T10:04:00.000Z" },
        { kind: "leaving", due: ENDS },
      ],
    ],
    ["left", []],
    ["cancelled", []],
  ])("%s → %j (sorted by due time)", (status, expected) => {
    expect(deadlinesFor(visitIn(status, policy), policy)).toEqual(expected);
  });

  it("arrival is due at the visit's start and leaving at its expected end, in UTC for a summer visit", () => {
    const summer = pairDetails({ date: "2026-07-01", start: "14:00", end: "15:30" });
    expect(deadlinesFor(visitIn("approved", policy, summer), policy)).toEqual([{ kind: "arrival", due: "2026-07-01T13:00:00.000Z" }]);
    const inVisit = visitIn("in-visit", policy, summer);
    expect(deadlinesFor(inVisit, policy).find((d) => d.kind === "leaving")).toEqual({ kind: "leaving", due: "2026-07-01T14:30:00.000Z" });
  });

  it("periodic is due the profile's interval after the last check-in, so a 'safe' check-in moves it on", () => {
    const seconds = testPolicy((p) => {
      p.checkIns.periodicEvery = "PT5S";
    });
    const inVisit = visitIn("in-visit", seconds);
    const safeAt = new Date("2026-11-23T10:30:00.000Z");
    const { visit } = apply(inVisit, seconds, [[{ type: "checkIn", step: "safe" }, actor("secondVisitor")]], safeAt);
    expect(deadlinesFor(visit, seconds)).toEqual([
      { kind: "periodic", due: "2026-11-23T10:30:05.000Z" },
      { kind: "leaving", due: ENDS },
    ]);
  });

  it("a parent's wait limit is not a check-in deadline: it runs out the wait limit after the parent was found absent", () => {
    const arrived = visitIn("arrived", policy);
    const absentAt = new Date("2026-11-23T10:05:00.000Z");
    const { visit } = apply(arrived, policy, [[{ type: "checkIn", step: "parent-absent" }, actor("visitor")]], absentAt);
    expect(deadlinesFor(visit, policy).map((d) => d.kind)).toEqual(["leaving", "periodic"]);
    expect(waitLimitAt(visit, policy)).toBe("2026-11-23T10:20:00.000Z");
  });

  it("deadlines sort by when they fall due, whichever kind they are", () => {
    // Before the school day, so the fixture asks for a responsible contact (R05).
    const late = pairDetails({ start: "08:00", end: "08:30", responsibleContactId: people.office.aadObjectId });
    const quick = testPolicy((p) => {
      p.checkIns.periodicEvery = "PT1M";
    });
    // Last contact 08:04: periodic 08:05, before the arrival-based leaving 08:30.
    expect(deadlinesFor(visitIn("waiting-for-parent", quick, late), quick).map((d) => d.kind)).toEqual(["periodic", "leaving"]);
  });

  describe("none when the profile turns them off", () => {
    it("no arrival deadline without an arrival check-in", () => {
      const off = testPolicy((p) => {
        p.checkIns.arrival = false;
      });
      expect(deadlinesFor(visitIn("approved", off), off)).toEqual([]);
    });

    it("no leaving deadline without a leaving check-in", () => {
      const off = testPolicy((p) => {
        p.checkIns.leaving = false;
      });
      expect(deadlinesFor(visitIn("in-visit", off), off).map((d) => d.kind)).toEqual(["periodic"]);
    });

    it("no periodic deadline without a periodic interval", () => {
      const off = testPolicy((p) => {
        p.checkIns.periodicEvery = null;
      });
      expect(deadlinesFor(visitIn("in-visit", off), off).map((d) => d.kind)).toEqual(["leaving"]);
    });

    it("no wait limit when the profile says enquire and leave a card instead of waiting", () => {
      const enquire = testPolicy((p) => {
        p.parentAbsent = { mode: "enquire-and-leave-card", guidance: "Leave a card." };
      });
      expect(waitLimitAt(visitIn("waiting-for-parent", enquire), enquire)).toBeUndefined();
    });

    it("nothing at all when every check-in is off", () => {
      const silent = testPolicy((p) => {
        p.checkIns = { leavingSchool: true, arrival: false, periodicEvery: null, leaving: false };
        p.parentAbsent = { mode: "enquire-and-leave-card", guidance: "Leave a card." };
      });
      for (const status of ["approved", "on-the-way", "arrived", "waiting-for-parent", "in-visit"] as const) {
        expect(deadlinesFor(visitIn(status, silent), silent)).toEqual([]);
      }
    });
  });
});
