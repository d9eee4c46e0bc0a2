import { datesBetween, ReviewService } from "../../src/app/review.service";
import { RECORD_CSV_HEADER } from "../../src/domain/record";
import type { Actor, Visit, VisitDetails } from "../../src/domain/visit";
import { visitReference } from "../../src/domain/visit";
import type { VisitCommand } from "../../src/domain/visit.decide";
import { actor, testPolicy } from "../support/policy-fixture";
import { apply, pairDetails } from "../domain/visit.builders";
import { FixedClock, MemoryOutbox, MemoryVisitStore } from "./support/memory-ports";
import { schoolsWith } from "./support/memory-schools";
import type { PolicyProfile } from "../../src/policy/policy.schema";

const policy = testPolicy();
const REFUSED = "Only the head, SLT, the DSL and the school admin can see review figures and records.";
const NOT_DATES = "Give the period as two dates, e.g. review 2025-09-01 2026-08-31.";

type Steps = Parameters<typeof apply>[2];
const approve: Steps[number] = [{ type: "approve" }, actor("head")];
const checkIn = (step: Extract<VisitCommand, { type: "checkIn" }>["step"]): Steps[number] => [{ type: "checkIn", step }, actor("visitor")];
const toTheDoor: Steps = [approve, checkIn("left-school"), checkIn("arrived"), checkIn("parent-present")];

/** A visit on `date` (10:00–11:00), requested that morning at 08:00 and taken through `steps`, a minute apart. */
function visitOn(visitId: string, date: string, details: Partial<VisitDetails>, steps: Steps): Visit {
  const start = new Date(`${date}T08:00:00.000Z`);
  return apply(undefined, policy, [[{ type: "request", visitId, details: pairDetails({ date, ...details }) }, actor("visitor")], ...steps], start).visit;
}

/**
 * A fortnight of visits in November, and one in December:
 * - r1, Mon 23rd, attendance: took place and recorded, with an agreement;
 * - r2, Tue 24th, welfare: cancelled before the visit;
 * - r3, Wed 25th, attendance: not approved;
 * - r4, Thu 26th, welfare: a call for help, resolved 12 minutes later by the office;
 * - r5, Fri 27th, attendance: called off at the door for animals;
 * - r6, Tue 1 December, attendance: recorded, outside the period.
 */
function schoolVisits(): Visit[] {
  const recorded: Steps = [
    ...toTheDoor,
    checkIn("left"),
    [{ type: "recordOutcome", record: { outcome: "seen", summary: "Spoke with mum about mornings.", agreements: [{ text: "In by 08:45 every day", followUpBy: "2026-12-07", actions: [] }] } }, actor("visitor")],
  ];
  const helped = visitOn("r4", "2026-11-26", { purposeId: "welfare" }, [...toTheDoor, [{ type: "requestHelp", silent: false }, actor("visitor")]]);
  const resolved = apply(helped, policy, [[{ type: "resolveAlert", alertId: "A1", note: "Phoned Alex: safe, leaving now." }, actor("office")]], new Date(Date.parse(helped.alerts[0]!.raisedAt) + 12 * 60_000)).visit;
  return [
    visitOn("r1", "2026-11-23", {}, recorded),
    visitOn("r2", "2026-11-24", { purposeId: "welfare" }, [[{ type: "cancel", reason: "Family came into school." }, actor("visitor")]]),
    visitOn("r3", "2026-11-25", {}, [[{ type: "decline", note: "Phone instead." }, actor("head")]]),
    resolved,
    visitOn("r5", "2026-11-27", {}, [...toTheDoor.slice(0, 3), [{ type: "callOff", reason: "animals", note: "Two dogs loose in the garden." }, actor("visitor")]]),
    visitOn("r6", "2026-12-01", {}, recorded),
  ];
}

/** The review service for one school on this policy (and the trust's leads, when given). */
function reviewOf(store: MemoryVisitStore, school: PolicyProfile = policy, trustLeads: string[] = []) {
  const service = new ReviewService(schoolsWith(new FixedClock("2026-11-30T12:00:00Z"), school).schools, store, trustLeads);
  return {
    service,
    /** The figures of the one school, as the card and CSV show them. */
    async figures(who: Actor, from: string, to: string) {
      const outcome = await service.figures(who, from, to);
      return outcome.ok ? { ok: true as const, ...outcome.schools[0]! } : outcome;
    },
    records: (who: Actor, from: string, to: string) => service.records(who, school.school.id, from, to),
  };
}

async function setUp(visits: Visit[] = schoolVisits()) {
  const store = new MemoryVisitStore(new MemoryOutbox());
  for (const visit of visits) expect(await store.save(undefined, visit, [])).toMatchObject({ ok: true });
  const listForDay = jest.spyOn(store, "listForDay");
  return { store, listForDay, ...reviewOf(store) };
}

afterEach(() => jest.restoreAllMocks());

describe("ReviewService (R31, R21)", () => {
  describe("who may see them", () => {
    it.each([
      ["the office", "office"],
      ["a home visitor", "visitor"],
      ["someone not in the profile", "outsider"],
    ] as const)("%s is refused figures and records, and nothing is read", async (_who, who) => {
      const env = await setUp();
      expect(await env.figures(actor(who), "2026-11-23", "2026-11-30")).toEqual({ ok: false, message: REFUSED });
      expect(await env.records(actor(who), "2026-11-23", "2026-11-30")).toEqual({ ok: false, message: REFUSED });
      expect(env.listForDay).not.toHaveBeenCalled();
    });

    it("the head and the DSL (SLT) may see them", async () => {
      const env = await setUp();
      expect(await env.figures(actor("head"), "2026-11-23", "2026-11-30")).toMatchObject({ ok: true });
      expect(await env.records(actor("dsl"), "2026-11-23", "2026-11-30")).toMatchObject({ ok: true });
    });

    it("the school admin may see them", async () => {
      const withAdmin = testPolicy((p) => p.people.push({ aadObjectId: "00000000-0000-4000-8000-000000000006", displayName: "Robin Clerk", roles: ["admin"] }));
      const env = await setUp([]);
      const service = reviewOf(env.store, withAdmin);
      expect(await service.figures({ id: "00000000-0000-4000-8000-000000000006", name: "Robin Clerk" }, "2026-11-23", "2026-11-23")).toMatchObject({ ok: true, figures: { visits: 0 } });
    });
  });

  describe("figures for a period", () => {
    it("counts the period's visits by purpose, cancellations by reason, escalations and how fast they were resolved", async () => {
      const env = await setUp();
      const outcome = await env.figures(actor("head"), "2026-11-23", "2026-11-30");
      expect(outcome).toMatchObject({ ok: true });
      if (!outcome.ok) return;
      expect(outcome.figures).toEqual({
        from: "2026-11-23",
        to: "2026-11-30",
        visits: 5,
        byPurpose: [
          { label: "Attendance support", count: 3 },
          { label: "Welfare check", count: 2 },
        ],
        cancellations: [
          { reason: "called off at the door: animals", count: 1 },
          { reason: "cancelled before the visit: Family came into school.", count: 1 },
          { reason: "not approved", count: 1 },
        ],
        escalations: [
          { kind: "overdue", raised: 0, resolved: 0 },
          { kind: "help", raised: 1, resolved: 1, medianMinutesToResolve: 12, longestMinutesToResolve: 12 },
          { kind: "child-alone", raised: 0, resolved: 0 },
          { kind: "concern", raised: 0, resolved: 0 },
        ],
        incidents: 0,
        staffFeedback: [], // the fixture reviews with staff feedback (R31); nobody wrote any this week
      });
    });

    it("gives the same figures as CSV, one section,item,value row each, for the governors' pack", async () => {
      const env = await setUp();
      const outcome = await env.figures(actor("head"), "2026-11-23", "2026-11-30");
      if (!outcome.ok) throw new Error(outcome.message);
      const rows = outcome.csv.split("\r\n");
      expect(rows[0]).toBe("section,item,value");
      expect(rows.at(-1)).toBe(""); // ends with a line break
      expect(rows).toEqual(
        expect.arrayContaining([
          "period,from,2026-11-23",
          "period,to,2026-11-30",
          "visits,total,5",
          "visits by purpose,Attendance support,3",
          "visits by purpose,Welfare check,2",
          "cancellations,called off at the door: animals,1",
          "cancellations,cancelled before the visit: Family came into school.,1",
          "escalations raised,help,1",
          "escalations resolved,help,1",
          "median minutes to resolve,help,12",
          "incidents,total,0",
          "staff feedback,comments,0",
        ]),
      );
    });

    describe("staff feedback (R31)", () => {
      /** r1 and r6 as in schoolVisits, each recorded with the visitor's feedback on the policy. */
      function withFeedback(): Visit[] {
        const recordedSaying = (staffFeedback: string): Steps => [
          ...toTheDoor,
          checkIn("left"),
          [{ type: "recordOutcome", record: { outcome: "seen", summary: "Spoke with mum about mornings.", agreements: [], staffFeedback } }, actor("visitor")],
        ];
        return [
          visitOn("r1", "2026-11-23", {}, recordedSaying("The 15-minute wait felt too long on a cold doorstep.")),
          visitOn("r2", "2026-11-24", {}, [[{ type: "cancel", reason: "Family came into school." }, actor("visitor")]]),
          visitOn("r6", "2026-12-01", {}, recordedSaying("Outside the period, so not counted.")),
        ];
      }

      it("lists what visiting staff wrote in the period, in the figures and as CSV rows, where the policy reviews with it", async () => {
        const env = await setUp(withFeedback());
        const outcome = await env.figures(actor("head"), "2026-11-23", "2026-11-30");
        if (!outcome.ok) throw new Error(outcome.message);
        expect(outcome.figures.staffFeedback).toEqual(["The 15-minute wait felt too long on a cold doorstep."]);
        expect(outcome.csv.split("\r\n").slice(-3)).toEqual(["staff feedback,comments,1", "staff feedback,comment,The 15-minute wait felt too long on a cold doorstep.", ""]);
      });

      it("leaves it out of the figures and the CSV where the policy does not", async () => {
        const env = await setUp(withFeedback());
        const noFeedback = testPolicy((p) => void (p.review.staffFeedback = false));
        const outcome = await reviewOf(env.store, noFeedback).figures(actor("head"), "2026-11-23", "2026-11-30");
        if (!outcome.ok) throw new Error(outcome.message);
        expect(outcome.figures).not.toHaveProperty("staffFeedback");
        expect(outcome.csv).not.toMatch(/staff feedback/);
        expect(outcome.csv).not.toContain("cold doorstep");
      });
    });

    it("asks the index once for the whole period, both ends included, and for nothing else", async () => {
      const env = await setUp();
      await env.figures(actor("head"), "2026-11-23", "2026-11-30");
      expect(env.listForDay.mock.calls).toEqual([["test-school", "2026-11-23", "2026-11-30"]]);
    });

    it("a period of a single day is that day's visits", async () => {
      const env = await setUp();
      const outcome = await env.figures(actor("head"), "2026-11-24", "2026-11-24");
      expect(outcome).toMatchObject({ ok: true, figures: { visits: 1, byPurpose: [{ label: "Welfare check", count: 1 }] } });
      expect(env.listForDay).toHaveBeenCalledTimes(1);
    });
  });

  describe("records for the school's record system", () => {
    it("exports the recorded visits of the period as CSV, one row each, and says how many", async () => {
      const env = await setUp();
      const outcome = await env.records(actor("head"), "2026-11-23", "2026-11-30");
      if (!outcome.ok) throw new Error(outcome.message);
      expect(outcome.count).toBe(1);
      const rows = outcome.csv.split("\r\n");
      expect(rows).toHaveLength(3); // header, r1, and the final line break
      expect(rows[0]).toBe(RECORD_CSV_HEADER.join(","));
      expect(rows[1]).toMatch(new RegExp(`^${visitReference("r1")},2026-11-23,10:00,11:00,PUPIL-0042,`));
      expect(rows[1]).toContain("Spoke with mum about mornings.");
      expect(rows[1]).toContain("In by 08:45 every day (by 2026-12-07)");
      expect(outcome.csv).not.toContain(visitReference("r6")); // recorded, but in December
    });

    it("a period with nothing recorded gives the header alone", async () => {
      const env = await setUp();
      expect(await env.records(actor("head"), "2026-11-24", "2026-11-27")).toMatchObject({ ok: true, count: 0, csv: `${RECORD_CSV_HEADER.join(",")}\r\n` });
    });
  });

  describe("the period", () => {
    it.each([
      ["the wrong way round", "2026-11-30", "2026-11-23"],
      ["not ISO dates", "23/11/2026", "30/11/2026"],
      ["missing", "", ""],
      ["a month that does not exist", "2026-13-01", "2026-13-02"],
      ["a day past the month's end", "2026-02-30", "2026-03-05"],
      ["29 February in a common year", "2026-02-01", "2026-02-29"],
    ])("%s is refused with a readable message, and nothing is read", async (_what, from, to) => {
      const env = await setUp();
      expect(await env.figures(actor("head"), from, to)).toEqual({ ok: false, message: NOT_DATES });
      expect(await env.records(actor("head"), from, to)).toEqual({ ok: false, message: NOT_DATES });
      expect(env.listForDay).not.toHaveBeenCalled();
    });

    it("a school year is accepted, in one query", async () => {
      const env = await setUp();
      expect(await env.figures(actor("head"), "2025-09-01", "2026-08-31")).toMatchObject({ ok: true, figures: { visits: 0 } });
      expect(env.listForDay).toHaveBeenCalledTimes(1);
    });

    it("more than 400 days is refused before anything is read", async () => {
      const env = await setUp();
      expect(await env.figures(actor("head"), "2025-01-01", "2026-08-31")).toEqual({ ok: false, message: "Choose a period of at most 400 days." });
      expect(await env.records(actor("head"), "2025-01-01", "2026-08-31")).toEqual({ ok: false, message: "Choose a period of at most 400 days." });
      expect(env.listForDay).not.toHaveBeenCalled();
    });

    it("400 days exactly is accepted", async () => {
      const env = await setUp([]);
      const days = datesBetween("2025-09-01", "2026-10-05")!;
      expect(days).toHaveLength(400);
      expect(await env.figures(actor("head"), "2025-09-01", "2026-10-05")).toMatchObject({ ok: true });
    });
  });

  describe("datesBetween", () => {
    it("gives every London date once across the clock changes, and accepts 29 February in a leap year", () => {
      expect(datesBetween("2026-03-28", "2026-03-30")).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
      expect(datesBetween("2026-10-24", "2026-10-26")).toEqual(["2026-10-24", "2026-10-25", "2026-10-26"]);
      expect(datesBetween("2028-02-28", "2028-03-01")).toEqual(["2028-02-28", "2028-02-29", "2028-03-01"]);
    });

    it("refuses dates that do not exist rather than rolling them into the next month", () => {
      expect(datesBetween("2026-02-30", "2026-03-02")).toBeUndefined();
      expect(datesBetween("2026-04-31", "2026-05-01")).toBeUndefined();
    });
  });
});
