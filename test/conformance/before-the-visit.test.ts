/**
 * Conformance, before the visit (R01–R08): each seed school's own profile, loaded from policies/, drives the pure
 * domain. Every rule a school switches on is shown working with that school's values; every rule it leaves off is
 * shown not to fire. The expected values are written out per school from shared/RULES.md and docs/POLICY.md, not
 * read back from the profile, so a profile that drifts from its written policy fails here too.
 */
import { SYSTEM } from "../../src/domain/alert";
import { isOutOfHours } from "../../src/domain/door";
import { prerequisiteGaps, type Prerequisite, type StaffRecord } from "../../src/domain/staff-prerequisites";
import type { VisitEvent } from "../../src/domain/visit";
import { nextCheckInSteps } from "../../src/domain/visit.decide";
import { visitFor } from "../domain/visit.builders";
import { detailsFor, iso, LONE, must, namesWith, person, refusalOf, request, requested, run, SCHOOLS, type SchoolKey, sweep, T, told } from "./schools";

const TODAY = "2026-11-23";

describe("R01 every visit is authorised before it happens, by the roles the profile names", () => {
  const APPROVERS: Record<SchoolKey, { said: string; may: string[]; mayNot: string[] }> = {
    oakfield: { said: "headteacher", may: ["Jo Fenwick"], mayNot: ["Priya Lane", "Chris Dale", "Nia Holtby"] },
    priory: { said: "headteacher or the attendance lead", may: ["Jo Fenwick", "Ravi Okonkwo"], mayNot: ["Priya Lane", "Dee Harrowby", "Kit Ashworth"] },
    thorns: { said: "headteacher", may: ["Jo Fenwick"], mayNot: ["Priya Lane", "Ifeoma Garside", "Lou Brennock", "Ash Penrose"] },
    hunsbury: { said: "headteacher", may: ["Jo Fenwick"], mayNot: ["Priya Lane", "Tomasz Reyburn", "Gail Whitcombe", "Ollie Granger"] },
    stMarys: { said: "DSL or the senior leadership team", may: ["Jo Fenwick", "Priya Lane"], mayNot: ["Femi Adebanjo", "Hal Pryderi", "Rae Quintrell"] },
  };

  for (const school of SCHOOLS) {
    const { said, may, mayNot } = APPROVERS[school.key];

    it(`R01 ${school.label}: the ${said} may approve a visit (${may.join(", ")}); ${mayNot.join(", ")} may not`, () => {
      const visit = requested(school);
      for (const name of may) {
        const approved = must(visit, school.policy, { type: "approve" }, person(school.policy, name), T("08:30"));
        expect(approved.events).toEqual([{ type: "visit.approved", at: iso("08:30"), actor: person(school.policy, name) }]);
        expect(approved.visit.status).toBe("approved");
      }
      for (const name of mayNot) {
        for (const type of ["approve", "decline", "requestChanges"] as const) {
          expect(refusalOf(visit, { type }, person(school.policy, name), school.policy, T("08:30"))).toEqual({
            code: "not-allowed",
            message: `Only the ${said} can decide this visit.`,
          });
        }
      }
    });

    it(`R01 ${school.label}: nobody sets off before the visit is approved`, () => {
      const visit = requested(school);
      for (const step of ["left-school", "arrived"] as const) {
        expect(refusalOf(visit, { type: "checkIn", step }, school.cast.visitor, school.policy, T("10:00"))).toEqual({
          code: "wrong-step",
          message: "This visit has not been approved yet. Do not set off until it is.",
        });
      }
      expect(nextCheckInSteps(visit, school.policy)).toEqual([]);
    });
  }

  /** authorisation.informRoles: "roles that are told about the visit" (docs/POLICY.md, R01). */
  const INFORMED: Record<SchoolKey, { who: string; names: string[] }> = {
    oakfield: { who: "the office is", names: ["Chris Dale"] },
    priory: { who: "the office is", names: ["Dee Harrowby"] },
    thorns: { who: "SLT and the office are", names: ["Priya Lane", "Lou Brennock"] },
    hunsbury: { who: "the office is", names: ["Gail Whitcombe"] },
    stMarys: { who: "", names: [] },
  };

  for (const school of SCHOOLS) {
    const { who, names } = INFORMED[school.key];
    // Everyone told anything while the visit is requested and approved.
    const toldAbout = () => {
      const asked = request(school);
      const approval = must(asked.visit, school.policy, { type: "approve" }, school.cast.approver, T("08:30"));
      return [...told(asked.visit, asked.events, school.policy), ...told(approval.visit, approval.events, school.policy)].map((line) => line.split(" → ")[1]);
    };
    if (names.length > 0) {
      it(`R01 ${school.label}: ${who} told about the visit (authorisation.informRoles)`, () => {
        expect(toldAbout()).toEqual(expect.arrayContaining(names));
      });
    } else {
      it(`R01 ${school.label}: no inform roles: only the approvers and the staff on the visit hear of it`, () => {
        const expected = new Set([...namesWith(school.policy, school.policy.authorisation.approverRoles), school.cast.visitor.name, school.cast.second.name]);
        for (const name of toldAbout()) expect(expected).toContain(name);
      });
    }
  }
});

describe("R02 a visit states a legitimate purpose from the school's list", () => {
  const PURPOSES: Record<SchoolKey, string[]> = {
    oakfield: ["attendance", "welfare"],
    priory: ["attendance"],
    thorns: ["welfare", "attendance", "tuition", "parent-meeting", "collect-drop-off", "long-absence"],
    hunsbury: ["attendance"],
    stMarys: ["no-contact", "school-refusal", "welfare", "attendance", "unwell-pupil", "new-family", "parent-cannot-come-in"],
  };
  const EVERY = [...new Set([...Object.values(PURPOSES).flat(), "shopping"])];

  for (const school of SCHOOLS) {
    const mine = PURPOSES[school.key];
    const others = EVERY.filter((id) => !mine.includes(id));
    it(`R02 ${school.label}: accepts ${mine.join(", ")}; refuses ${others.join(", ")}`, () => {
      for (const purposeId of mine) expect(requested(school, { purposeId }).details.purposeId).toBe(purposeId);
      for (const purposeId of others) {
        expect(refusalOf(undefined, { type: "request", visitId: "v", details: detailsFor(school, { purposeId }) }, school.cast.visitor, school.policy, T("08:00"))).toEqual({
          code: "invalid-request",
          message: "Choose one of the school's purposes for a home visit.",
        });
      }
    });
  }
});

describe("R03 lone working: a single-staff visit needs the named role's decision and a risk assessment", () => {
  const LONE_DECIDERS: Record<SchoolKey, { said: string; may: string[]; mayNot: string[] }> = {
    oakfield: { said: "headteacher", may: ["Jo Fenwick"], mayNot: ["Priya Lane", "Chris Dale"] },
    priory: { said: "headteacher or the attendance lead", may: ["Jo Fenwick", "Ravi Okonkwo"], mayNot: ["Priya Lane", "Dee Harrowby"] },
    thorns: { said: "headteacher", may: ["Jo Fenwick"], mayNot: ["Priya Lane", "Lou Brennock"] },
    hunsbury: { said: "headteacher", may: ["Jo Fenwick"], mayNot: ["Priya Lane", "Gail Whitcombe"] },
    stMarys: { said: "DSL or the senior leadership team", may: ["Jo Fenwick", "Priya Lane"], mayNot: ["Femi Adebanjo", "Hal Pryderi"] },
  };
  const ENTERING: Record<SchoolKey, "no" | "recommended"> = { oakfield: "no", priory: "no", thorns: "no", hunsbury: "no", stMarys: "recommended" };

  for (const school of SCHOOLS) {
    const { said, may, mayNot } = LONE_DECIDERS[school.key];

    it(`R03 ${school.label}: a lone visit goes to the ${said} to decide (${may.join(", ")}), and nobody else may decide it`, () => {
      const { visit, events } = request(school, LONE);
      expect(told(visit, events, school.policy)).toEqual(may.map((name) => `approval-requested → ${name}`));
      for (const name of may) expect(must(visit, school.policy, { type: "approve" }, person(school.policy, name), T("08:30")).visit.status).toBe("approved");
      for (const name of mayNot) {
        expect(refusalOf(visit, { type: "approve" }, person(school.policy, name), school.policy, T("08:30"))).toEqual({
          code: "not-allowed",
          message: `Only the ${said} can decide this lone visit.`,
        });
      }
    });

    it(`R03 ${school.label}: a lone visit cannot be requested without a lone-working risk assessment`, () => {
      for (const riskAssessment of ["", "   "]) {
        const details = detailsFor(school, { staffing: { mode: "lone", riskAssessment } });
        expect(refusalOf(undefined, { type: "request", visitId: "v", details }, school.cast.visitor, school.policy, T("08:00"))).toEqual({
          code: "invalid-request",
          message: "A lone visit needs a lone-working risk assessment.",
        });
      }
      expect(requested(school, LONE).details.staffing).toEqual(LONE.staffing);
    });

    const entering = ENTERING[school.key];
    const title =
      entering === "recommended"
        ? `R03 ${school.label}: two staff are recommended, not required, to enter a home: a lone visit that enters is accepted`
        : `R03 ${school.label}: two staff are not required to enter a home: a lone visit that enters is accepted`;
    it(title, () => {
      expect(school.policy.loneWorking.twoStaffWhenEntering).toBe(entering);
      const visit = requested(school, { ...LONE, entry: "enter" });
      expect(visit.details).toMatchObject({ entry: "enter", staffing: { mode: "lone" } });
      expect(must(visit, school.policy, { type: "approve" }, school.cast.approver, T("08:30")).visit.status).toBe("approved");
    });
  }
});

describe("R04 an unannounced visit needs a recorded reason", () => {
  for (const school of SCHOOLS) {
    it(`R04 ${school.label}: an unannounced visit is refused without a reason and keeps the reason it is given`, () => {
      for (const unannouncedReason of [undefined, "", "  "]) {
        const details = detailsFor(school, { announced: false, ...(unannouncedReason === undefined ? {} : { unannouncedReason }) });
        expect(refusalOf(undefined, { type: "request", visitId: "v", details }, school.cast.visitor, school.policy, T("08:00"))).toEqual({
          code: "invalid-request",
          message: "An unannounced visit needs a reason (for example an emergency or a welfare concern).",
        });
      }
      const visit = requested(school, { announced: false, unannouncedReason: "Welfare concern: pupil not seen for five days." });
      expect(visit.details).toMatchObject({ announced: false, unannouncedReason: "Welfare concern: pupil not seen for five days." });
      expect(requested(school).details.announced).toBe(true);
    });
  }
});

describe("R05 out-of-hours visits need a named responsible contact who checks on staff", () => {
  const AFTER_SCHOOL = { start: "16:30", end: "17:30" };
  const SATURDAY = { date: "2026-11-28", start: "10:00", end: "11:00" };

  for (const school of SCHOOLS) {
    it(`R05 ${school.label}: the school day is 08:30–16:00, so a visit ending after 16:00, starting before 08:30 or at a weekend is out of hours`, () => {
      const day = { date: "2026-11-23" };
      expect(isOutOfHours({ ...day, start: "10:00", end: "11:00" }, school.policy)).toBe(false);
      expect(isOutOfHours({ ...day, start: "08:30", end: "16:00" }, school.policy)).toBe(false);
      expect(isOutOfHours({ ...day, ...AFTER_SCHOOL }, school.policy)).toBe(true);
      expect(isOutOfHours({ ...day, start: "08:00", end: "09:00" }, school.policy)).toBe(true);
      expect(isOutOfHours(SATURDAY, school.policy)).toBe(true);
    });
  }

  for (const school of SCHOOLS.filter((s) => s.key !== "thorns")) {
    it(`R05 ${school.label}: an out-of-hours visit needs no responsible contact (one named anyway is alerted with the first step)`, () => {
      expect(school.policy.outOfHours.responsibleContactRequired).toBe(false);
      expect(requested(school, AFTER_SCHOOL).details.responsibleContactId).toBeUndefined();
      expect(requested(school, SATURDAY).status).toBe("requested");
      // The school's admin, who holds no alert role, volunteers to check on the staff.
      const admin = school.policy.people.find((p) => p.roles.includes("admin"))!;
      const approved = visitFor("approved", school.policy, { details: { ...AFTER_SCHOOL, responsibleContactId: admin.aadObjectId } });
      const first = sweep(approved, school.policy, T("16:40"));
      expect(told(first.visit, first.events, school.policy)).toContain(`alert → ${admin.displayName}`);
    });
  }

  const thorns = SCHOOLS.find((s) => s.key === "thorns")!;
  const { policy, cast } = thorns;
  /** Ash Penrose is the admin: no alert role of their own, so anything they hear or may do comes from R05. */
  const contact = person(policy, "Ash Penrose");

  it("R05 Thorns Primary (002): an out-of-hours visit is refused until it names a responsible contact who is not on the visit", () => {
    const ask = (change: Parameters<typeof detailsFor>[1]) =>
      refusalOf(undefined, { type: "request", visitId: "v", details: detailsFor(thorns, change) }, cast.visitor, policy, T("08:00"));
    const needed = { code: "invalid-request", message: "This visit is outside the school day (08:30–16:00): name a responsible contact who will check on you." };
    expect(ask(AFTER_SCHOOL)).toEqual(needed);
    expect(ask(SATURDAY)).toEqual(needed);
    expect(ask({ ...AFTER_SCHOOL, responsibleContactId: cast.second.id })).toEqual({ code: "invalid-request", message: "The responsible contact must be someone not on the visit." });
    expect(ask({ ...AFTER_SCHOOL, responsibleContactId: "00000000-0000-4000-8000-00000000ffff" })).toEqual({
      code: "invalid-request",
      message: "The responsible contact must be one of the school's staff.",
    });
    expect(ask({ ...AFTER_SCHOOL, responsibleContactId: contact.id })).toBeUndefined();
    expect(ask({})).toBeUndefined(); // in school hours nobody need be named
  });

  it("R05 Thorns Primary (002): the responsible contact is alerted with the first step of a missed check-in, and may resolve it", () => {
    const approved = visitFor("approved", policy, { details: { ...AFTER_SCHOOL, responsibleContactId: contact.id } });
    // Arrival was due at 16:30; with 10 minutes' grace the ladder starts at 16:40.
    expect(sweep(approved, policy, T("16:40", -1)).events).toEqual([]);
    const first = sweep(approved, policy, T("16:40"));
    expect(first.events.map((e) => e.type)).toEqual(["alert.raised", "alert.escalated"]);
    expect(told(first.visit, first.events, policy)).toEqual([
      `are-you-safe → ${cast.visitor.name}`,
      `are-you-safe → ${cast.second.name}`,
      "alert → Lou Brennock",
      "alert → Ash Penrose",
    ]);
    const head = sweep(first.visit, policy, T("16:50"));
    expect(told(head.visit, head.events, policy)).toEqual(["alert → Jo Fenwick"]);

    const resolved = must(first.visit, policy, { type: "resolveAlert", alertId: "A1", note: "Rang Alex: running late, safe." }, contact, T("16:45"));
    expect(resolved.visit.alerts[0]!.resolved).toMatchObject({ by: contact, how: "contacted-safe" });
    expect(sweep(resolved.visit, policy, T("18:00")).events).toEqual([]);
  });

  it("R05 Thorns Primary (002): in school hours, with no contact named, the same admin is not alerted and may not resolve the alert", () => {
    const approved = visitFor("approved", policy);
    const first = sweep(approved, policy, T("10:10"));
    expect(first.events.every((e: VisitEvent) => e.actor.id === SYSTEM.id)).toBe(true);
    expect(told(first.visit, first.events, policy)).not.toContain("alert → Ash Penrose");
    expect(refusalOf(first.visit, { type: "resolveAlert", alertId: "A1", note: "Rang Alex: safe." }, contact, policy, T("10:15"))).toEqual({
      code: "not-allowed",
      message: "Only the office, the headteacher, the senior leadership team, the DSL or the deputy DSL can act on this alert.",
    });
  });
});

describe("R06 staff prerequisites on file before approval", () => {
  const PREREQUISITES: Record<SchoolKey, { required: Prerequisite[]; blocking: Prerequisite[] }> = {
    oakfield: { required: ["mobile"], blocking: ["mobile"] },
    priory: { required: ["mobile", "vehicle", "insurance", "dbs", "training"], blocking: ["mobile", "dbs"] },
    thorns: { required: ["mobile", "vehicle", "dbs", "training"], blocking: ["mobile", "dbs", "training"] },
    hunsbury: { required: ["mobile", "vehicle", "insurance", "training"], blocking: ["mobile", "training"] },
    stMarys: { required: ["mobile", "insurance"], blocking: ["mobile"] },
  };
  const ON_FILE: Record<Prerequisite, StaffRecord> = {
    mobile: { mobile: "07700 900123" },
    vehicle: { vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "blue" } },
    insurance: { vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "blue", insuranceExpiry: "2027-08-31" } },
    dbs: { dbs: { checkedOn: "2024-09-02", barredListCheckedOn: "2024-09-02" } },
    training: { training: [{ name: "Lone working and home visits", completedOn: "2025-09-05" }] },
  };
  const recordWith = (items: readonly Prerequisite[]): StaffRecord => Object.assign({}, ...items.map((item) => ON_FILE[item]));
  const ALL: Prerequisite[] = ["mobile", "vehicle", "insurance", "dbs", "training"];

  for (const school of SCHOOLS) {
    const { required, blocking } = PREREQUISITES[school.key];
    const nonBlocking = required.filter((item) => !blocking.includes(item));
    const notRequired = ALL.filter((item) => !required.includes(item));
    const gapsOf = (record: StaffRecord | undefined) =>
      [school.cast.visitor, school.cast.second].flatMap((staff) => prerequisiteGaps(staff.id, record, school.policy, TODAY));

    it(`R06 ${school.label}: requires ${required.join(", ")}; only ${blocking.join(", ")} block approval`, () => {
      const gaps = prerequisiteGaps(school.cast.visitor.id, undefined, school.policy, TODAY);
      expect(gaps.map((g) => [g.item, g.blocking])).toEqual(required.map((item) => [item, blocking.includes(item)]));
      expect(prerequisiteGaps(school.cast.visitor.id, recordWith(ALL), school.policy, TODAY)).toEqual([]);
    });

    it(`R06 ${school.label}: approval is refused while ${blocking.join(", ")} is missing`, () => {
      const gaps = gapsOf(recordWith(nonBlocking));
      expect(gaps.length).toBeGreaterThan(0);
      expect(gaps.every((g) => g.blocking)).toBe(true);
      const refusal = refusalOf(requested(school), { type: "approve", staffGaps: gaps }, school.cast.approver, school.policy, T("08:30"));
      expect(refusal).toMatchObject({ code: "invalid-request" });
      for (const gap of gaps) expect(refusal!.message).toContain(gap.problem);
    });

    const title =
      nonBlocking.length > 0
        ? `R06 ${school.label}: approval goes ahead with only ${nonBlocking.join(", ")} missing, and the gaps are kept on the approval`
        : `R06 ${school.label}: approval goes ahead with the blocking items on file, and records no gaps`;
    it(`${title}${notRequired.length > 0 ? `; ${notRequired.join(", ")} not checked` : ""}`, () => {
      const gaps = gapsOf(recordWith(blocking));
      expect(gaps.map((g) => g.item)).toEqual([...nonBlocking, ...nonBlocking]);
      expect(gaps.some((g) => g.blocking)).toBe(false);
      const approved = must(requested(school), school.policy, { type: "approve", staffGaps: gaps }, school.cast.approver, T("08:30"));
      const expected = { type: "visit.approved", at: iso("08:30"), actor: school.cast.approver, ...(gaps.length > 0 ? { staffGaps: gaps } : {}) };
      expect(approved.events).toEqual([expected]);
    });
  }
});

describe("R07 the visitor's briefing", () => {
  for (const school of SCHOOLS) {
    it(`R07 ${school.label}: both members of staff get the briefing once the visit is approved, not before`, () => {
      expect(school.policy.briefing.enabled).toBe(true);
      expect(school.policy.briefing.reminders.length).toBeGreaterThan(0);
      const { visit, events } = request(school);
      expect(told(visit, events, school.policy).filter((line) => line.startsWith("briefing"))).toEqual([]);
      const approved = must(visit, school.policy, { type: "approve" }, school.cast.approver, T("08:30"));
      const staff = [school.cast.visitor.name, school.cast.second.name];
      // The roles the policy keeps informed get the itinerary too (R01): here only the staff's own share counts.
      expect(told(approved.visit, approved.events, school.policy).filter((line) => staff.some((name) => line.endsWith(`→ ${name}`)))).toEqual([
        `decision-made → ${school.cast.visitor.name}`,
        `decision-made → ${school.cast.second.name}`,
        `briefing → ${school.cast.visitor.name}`,
        `briefing → ${school.cast.second.name}`,
      ]);
      const declined = must(requested(school), school.policy, { type: "decline", note: "Phone instead." }, school.cast.approver, T("08:30"));
      expect(told(declined.visit, declined.events, school.policy).filter((line) => line.startsWith("briefing"))).toEqual([]);
    });
  }
});

describe("R08 doorstep or entering the home; entering needs a parent or appropriate adult present", () => {
  for (const school of SCHOOLS) {
    it(`R08 ${school.label}: staff go in only once a parent is present, and the visit records when an adult was there`, () => {
      expect(school.policy.entry.enteringNeedsAdultPresent).toBe(true);
      const arrived = visitFor("arrived", school.policy, { details: { entry: "enter" }, at: T("09:50") });
      // Of the check-ins offered at the door, the only one that takes the staff inside is "parent present".
      const goesIn = nextCheckInSteps(arrived, school.policy).filter(
        (step) => run(arrived, school.policy, { type: "checkIn", step }, school.cast.visitor, T("10:01")).visit.status === "in-visit",
      );
      expect(goesIn).toEqual(["parent-present"]);
      const inside = must(arrived, school.policy, { type: "checkIn", step: "parent-present" }, school.cast.visitor, T("10:02"));
      expect(inside.visit).toMatchObject({ status: "in-visit", adultPresentAt: iso("10:02") });
      const doorstep = visitFor("in-visit", school.policy, { details: { entry: "doorstep" } });
      expect(doorstep.adultPresentAt).toBeUndefined();
    });
  }

  for (const school of SCHOOLS) {
    it(`R08 ${school.label}: the request declares doorstep or entering, and the visit keeps what was declared`, () => {
      for (const entry of ["doorstep", "enter"] as const) expect(requested(school, { entry }).details.entry).toBe(entry);
    });
  }
});
