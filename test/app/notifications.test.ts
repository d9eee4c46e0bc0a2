import { notificationsFor, outboxFor } from "../../src/app/notifications";
import { SYSTEM } from "../../src/domain/alert";
import type { Visit, VisitEvent } from "../../src/domain/visit";
import type { EscalationTarget, PolicyProfile, PolicyProfileInput } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { apply, loneDetails, pairDetails, requestedVisit, visitIn } from "../domain/visit.builders";

const policy = testPolicy(); // approver: headteacher; lone visits: headteacher; help → office, headteacher, DSL channel; SLT (head, DSL) informed
/** The same school keeping nobody informed (R01), for tests that count every notification of something else. */
const uninformed = testPolicy((p) => void (p.authorisation.informRoles = []));
const person = (who: keyof typeof people) => ({ person: people[who].aadObjectId });
/** Only the notifications addressed to these people (the staff on the visit, say). */
const to = (notifications: ReturnType<typeof notificationsFor>, ...who: (keyof typeof people)[]) => {
  const ids: string[] = who.map((w) => people[w].aadObjectId);
  return notifications.filter((n) => "to" in n && "person" in n.to && ids.includes(n.to.person));
};
const CHANNEL = { channel: "safeguarding" } as const;
/** The fixture's visit starts at 10:00; with 10 minutes' grace and steps at +0, +5 and +15 minutes the ladder has fired completely by 10:30. */
const LADDER_DONE = new Date("2026-11-23T10:30:00.000Z");

describe("notificationsFor: who hears about a saved change, one notification per recipient", () => {
  describe("a new or amended request asks for approval", () => {
    it("goes to each holder of the approver roles", () => {
      const both = testPolicy((p) => {
        p.authorisation.approverRoles = ["headteacher", "dsl"];
      });
      const { visit, events } = apply(undefined, both, [[{ type: "request", visitId: "v1", details: pairDetails() }, actor("visitor")]]);
      expect(notificationsFor(visit, events, both)).toEqual([
        { kind: "approval-requested", to: person("head") },
        { kind: "approval-requested", to: person("dsl") },
      ]);
    });

    it("for a lone visit goes to the holders of the role that decides lone visits instead", () => {
      const dslDecidesLone = testPolicy((p) => {
        p.loneWorking.loneVisitDecidedBy = ["dsl"];
      });
      const { visit, events } = apply(undefined, dslDecidesLone, [[{ type: "request", visitId: "v1", details: loneDetails() }, actor("visitor")]]);
      expect(notificationsFor(visit, events, dslDecidesLone)).toEqual([{ kind: "approval-requested", to: person("dsl") }]);
    });

    it("never goes to the requester, even when they hold an approver role", () => {
      const headVisits = testPolicy((p) => {
        p.authorisation.approverRoles = ["headteacher", "dsl"];
        p.people = p.people.map((who) => (who.aadObjectId === people.head.aadObjectId ? { ...who, roles: ["headteacher", "visitor"] } : who));
      });
      const { visit, events } = apply(undefined, headVisits, [[{ type: "request", visitId: "v1", details: pairDetails() }, actor("head")]]);
      expect(notificationsFor(visit, events, headVisits)).toEqual([{ kind: "approval-requested", to: person("dsl") }]);
    });

    it("nor to the second member of staff on the visit, even when they hold an approver role", () => {
      const dslVisits = testPolicy((p) => {
        p.authorisation.approverRoles = ["headteacher", "dsl"];
        p.people = p.people.map((who) => (who.aadObjectId === people.dsl.aadObjectId ? { ...who, roles: ["dsl", "visitor"] } : who));
      });
      const details = pairDetails({ staffing: { mode: "pair", secondStaffId: people.dsl.aadObjectId } });
      const { visit, events } = apply(undefined, dslVisits, [[{ type: "request", visitId: "v1", details }, actor("visitor")]]);
      expect(notificationsFor(visit, events, dslVisits)).toEqual([{ kind: "approval-requested", to: person("head") }]);
    });

    it("an amendment of an approved visit goes back to the approvers (R25)", () => {
      const { visit, events } = apply(visitIn("approved", policy), policy, [[{ type: "amend", details: pairDetails({ end: "12:00" }) }, actor("visitor")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "approval-requested", to: person("head") }]);
    });

    it("an amendment that turns a paired visit into a lone one goes to the lone-visit deciders", () => {
      const dslDecidesLone = testPolicy((p) => {
        p.loneWorking.loneVisitDecidedBy = ["dsl"];
      });
      const { visit, events } = apply(requestedVisit(dslDecidesLone), dslDecidesLone, [[{ type: "amend", details: loneDetails() }, actor("visitor")]]);
      expect(notificationsFor(visit, events, dslDecidesLone)).toEqual([{ kind: "approval-requested", to: person("dsl") }]);
    });
  });

  describe("a decision goes to the staff on the visit", () => {
    it.each(["decline", "requestChanges"] as const)("%s on a paired visit tells both members of staff, one notification each", (type) => {
      const { visit, events } = apply(requestedVisit(policy), policy, [[{ type }, actor("head")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "decision-made", to: person("secondVisitor") },
      ]);
    });

    it("approve on a paired visit tells both members of staff, then sends each their briefing (R07)", () => {
      const { visit, events } = apply(requestedVisit(policy), policy, [[{ type: "approve" }, actor("head")]]);
      // The informed roles' itinerary (R01) is tested below: here only the staff's own notifications count.
      expect(to(notificationsFor(visit, events, policy), "visitor", "secondVisitor")).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "decision-made", to: person("secondVisitor") },
        { kind: "briefing", to: person("visitor") },
        { kind: "briefing", to: person("secondVisitor") },
      ]);
    });

    it("approve sends no briefing when the profile switches the briefing off", () => {
      const noBriefing = testPolicy((p) => {
        p.briefing.enabled = false;
      });
      const { visit, events } = apply(requestedVisit(noBriefing), noBriefing, [[{ type: "approve" }, actor("head")]]);
      expect(to(notificationsFor(visit, events, noBriefing), "visitor", "secondVisitor").map((n) => n.kind)).toEqual(["decision-made", "decision-made"]);
    });

    it("on a lone visit tells the one visitor", () => {
      const { visit, events } = apply(requestedVisit(uninformed, loneDetails()), uninformed, [[{ type: "approve" }, actor("head")]]);
      expect(notificationsFor(visit, events, uninformed)).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "briefing", to: person("visitor") },
      ]);
    });
  });

  describe("an approval sends the itinerary to the roles the policy keeps informed (R01)", () => {
    const approvedBy = (school: PolicyProfile, by: keyof typeof people = "head", details = pairDetails()) => {
      const { visit, events } = apply(requestedVisit(school, details), school, [[{ type: "approve" }, actor(by)]]);
      return notificationsFor(visit, events, school);
    };

    it("each holder of an informed role gets a briefing after the staff's own, except the approver who holds one", () => {
      // SLT is the head (who approves) and the DSL: only the DSL is told.
      expect(approvedBy(policy)).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "decision-made", to: person("secondVisitor") },
        { kind: "briefing", to: person("visitor") },
        { kind: "briefing", to: person("secondVisitor") },
        { kind: "briefing", to: person("dsl") },
      ]);
    });

    it("when another approver decides, the head (informed) gets the itinerary and the approving DSL does not", () => {
      const dslApproves = testPolicy((p) => void (p.authorisation.approverRoles = ["headteacher", "dsl"]));
      expect(to(approvedBy(dslApproves, "dsl"), "head", "dsl")).toEqual([{ kind: "briefing", to: person("head") }]);
    });

    it("every informed role counts, one briefing per person", () => {
      const sltAndOffice = testPolicy((p) => void (p.authorisation.informRoles = ["slt", "office", "dsl"]));
      expect(approvedBy(sltAndOffice).filter((n) => n.kind === "briefing")).toEqual([
        { kind: "briefing", to: person("visitor") },
        { kind: "briefing", to: person("secondVisitor") },
        { kind: "briefing", to: person("dsl") },
        { kind: "briefing", to: person("office") },
      ]);
    });

    it("a member of staff on the visit who holds an informed role gets their own briefing once, not a second as informed", () => {
      const sltVisits = testPolicy((p) => {
        p.people = p.people.map((who) => (who.aadObjectId === people.secondVisitor.aadObjectId ? { ...who, roles: ["visitor", "slt"] } : who));
      });
      expect(approvedBy(sltVisits).filter((n) => n.kind === "briefing")).toEqual([
        { kind: "briefing", to: person("visitor") },
        { kind: "briefing", to: person("secondVisitor") },
        { kind: "briefing", to: person("dsl") },
      ]);
    });

    it("with no informed roles, only the staff on the visit hear of the approval", () => {
      expect(approvedBy(uninformed)).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "decision-made", to: person("secondVisitor") },
        { kind: "briefing", to: person("visitor") },
        { kind: "briefing", to: person("secondVisitor") },
      ]);
    });

    it("the informed roles still get the itinerary when the staff's briefing is switched off (R07), but never the staff on the visit", () => {
      const noBriefing = testPolicy((p) => {
        p.briefing.enabled = false;
        p.people = p.people.map((who) => (who.aadObjectId === people.secondVisitor.aadObjectId ? { ...who, roles: ["visitor", "slt"] } : who));
      });
      expect(approvedBy(noBriefing)).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "decision-made", to: person("secondVisitor") },
        { kind: "briefing", to: person("dsl") },
      ]);
    });

    it("a lone visit's itinerary goes to the informed roles too", () => {
      expect(approvedBy(policy, "head", loneDetails())).toEqual([
        { kind: "decision-made", to: person("visitor") },
        { kind: "briefing", to: person("visitor") },
        { kind: "briefing", to: person("dsl") },
      ]);
    });

    it.each(["decline", "requestChanges"] as const)("%s tells no informed role", (type) => {
      const { visit, events } = apply(requestedVisit(policy), policy, [[{ type }, actor("head")]]);
      expect(to(notificationsFor(visit, events, policy), "head", "dsl", "office")).toEqual([]);
    });
  });

  describe("an escalation goes to the recipients its targets name in this school", () => {
    /** A call for help on an approved visit under a policy whose help goes to `targets`. */
    function helpTo(targets: EscalationTarget[], change: (p: PolicyProfileInput) => void = () => {}, silent = false) {
      const school = testPolicy((p) => {
        p.help.alert = targets;
        change(p);
      });
      const { visit, events } = apply(visitIn("approved", school), school, [[{ type: "requestHelp", silent }, actor("visitor")]]);
      return notificationsFor(visit, events, school);
    }

    it("the visitor target asks both members of staff on the visit 'are you safe?'", () => {
      expect(helpTo(["visitor"])).toEqual([
        { kind: "are-you-safe", to: person("visitor"), alertId: "A1" },
        { kind: "are-you-safe", to: person("secondVisitor"), alertId: "A1" },
      ]);
    });

    it("the office and headteacher targets alert every holder of the role", () => {
      const secondOffice = { aadObjectId: "00000000-0000-4000-8000-000000000006", displayName: "Dee Marsh", roles: ["office" as const] };
      expect(helpTo(["office", "headteacher"], (p) => p.people.push(secondOffice))).toEqual([
        { kind: "alert", to: person("office"), alertId: "A1" },
        { kind: "alert", to: { person: secondOffice.aadObjectId }, alertId: "A1" },
        { kind: "alert", to: person("head"), alertId: "A1" },
      ]);
    });

    it("the DSL channel target is one post in the safeguarding channel, @mentioning the DSL", () => {
      expect(helpTo(["dsl-channel"])).toEqual([{ kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.dsl.aadObjectId] }]);
    });

    it("a channel post @mentions exactly the people its targets are for: the head, and the DSL and every deputy DSL", () => {
      const deputy = { aadObjectId: "00000000-0000-4000-8000-000000000007", displayName: "Femi Adebanjo", roles: ["deputy-dsl" as const] };
      const channelPost = helpTo(["headteacher", "dsl-channel"], (p) => p.people.push(deputy)).find((n) => "to" in n && "channel" in n.to);
      expect(channelPost).toEqual({ kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.head.aadObjectId, people.dsl.aadObjectId, deputy.aadObjectId] });
    });

    it("a channel post never @mentions the staff on the visit, even a DSL who is one of them", () => {
      const dslVisits = testPolicy((p) => {
        p.help.alert = ["dsl-channel"];
        p.people = p.people.map((who) => (who.aadObjectId === people.dsl.aadObjectId ? { ...who, roles: ["dsl", "visitor"] } : who));
      });
      const details = pairDetails({ staffing: { mode: "pair", secondStaffId: people.dsl.aadObjectId } });
      for (const silent of [false, true]) {
        const { visit, events } = apply(visitIn("approved", dslVisits, details), dslVisits, [[{ type: "requestHelp", silent }, actor("visitor")]]);
        expect(notificationsFor(visit, events, dslVisits)).toEqual([{ kind: "alert", to: CHANNEL, alertId: "A1", mention: [] }]);
      }
    });

    it("the responsible contact is not named on a visit yet, so that target reaches nobody (and the others still go)", () => {
      expect(helpTo(["responsible-contact", "dsl-channel"])).toEqual([{ kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.dsl.aadObjectId] }]);
      expect(helpTo(["responsible-contact"])).toEqual([]);
    });

    it("a silent call for help (the code word) goes to the same people as a spoken one", () => {
      const { visit, events } = apply(visitIn("approved", policy), policy, [[{ type: "requestHelp", silent: true }, actor("visitor")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([
        { kind: "alert", to: person("office"), alertId: "A1" },
        { kind: "alert", to: person("head"), alertId: "A1" },
        { kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.office.aadObjectId, people.head.aadObjectId, people.dsl.aadObjectId] },
      ]);
    });

    it("a silent call for help never reaches the visitors' own chats, even when the school's help targets name the visitor", () => {
      expect(helpTo(["visitor", "dsl-channel"], () => {}, true)).toEqual([{ kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.dsl.aadObjectId] }]);
    });

    it("a child found alone goes to the safeguarding channel", () => {
      const { visit, events } = apply(visitIn("arrived", policy), policy, [[{ type: "raiseConcern", kind: "child-alone", note: "" }, actor("visitor")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.dsl.aadObjectId] }]);
    });

    it("a missed check-in swept late sends each ladder step to its targets, in step order, all about the same alert", () => {
      const { visit, events } = apply(visitIn("approved", policy), policy, [[{ type: "sweep" }, SYSTEM]], LADDER_DONE);
      expect(events.map((e) => e.type)).toEqual(["alert.raised", "alert.escalated", "alert.escalated", "alert.escalated"]);
      expect(notificationsFor(visit, events, policy)).toEqual([
        { kind: "are-you-safe", to: person("visitor"), alertId: "A1" },
        { kind: "are-you-safe", to: person("secondVisitor"), alertId: "A1" },
        { kind: "alert", to: person("office"), alertId: "A1" },
        { kind: "alert", to: person("head"), alertId: "A1" },
        { kind: "alert", to: CHANNEL, alertId: "A1", mention: [people.head.aadObjectId, people.dsl.aadObjectId] },
      ]);
    });
  });

  describe("a change to an alert updates its cards in place", () => {
    const withHelp = (): Visit => apply(visitIn("approved", policy), policy, [[{ type: "requestHelp", silent: false }, actor("visitor")]]).visit;

    it("acknowledging queues one update of the alert's cards", () => {
      const { visit, events } = apply(withHelp(), policy, [[{ type: "acknowledgeAlert", alertId: "A1" }, actor("office")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "alert-changed", alertId: "A1" }]);
    });

    it("resolving an alert nobody acknowledged records both, but queues one update, not two", () => {
      const { visit, events } = apply(withHelp(), policy, [[{ type: "resolveAlert", alertId: "A1", note: "Phoned Alex: safe." }, actor("office")]]);
      expect(events.map((e) => e.type)).toEqual(["alert.acknowledged", "alert.resolved"]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "alert-changed", alertId: "A1" }]);
    });

    it("a late check-in that clears the missed-check-in alarm updates its cards", () => {
      const overdue = apply(visitIn("approved", policy), policy, [[{ type: "sweep" }, SYSTEM]], LADDER_DONE).visit;
      const { visit, events } = apply(overdue, policy, [[{ type: "checkIn", step: "safe" }, actor("secondVisitor")]], LADDER_DONE);
      expect(events.map((e) => e.type)).toEqual(["visit.checkedIn", "alert.resolved"]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "alert-changed", alertId: "A1" }]);
    });
  });

  describe("a false alarm after a call for help", () => {
    it("updates the alert's cards in place and gives everyone it went to a short notice, the channel's @mentioning the same people", () => {
      const help = apply(visitIn("in-visit", policy), policy, [[{ type: "requestHelp", silent: false }, actor("visitor")]]).visit;
      const { visit, events } = apply(help, policy, [[{ type: "reportFalseAlarm" }, actor("visitor")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([
        { kind: "alert-changed", alertId: "A1" },
        { kind: "false-alarm", to: person("office"), alertId: "A1" },
        { kind: "false-alarm", to: person("head"), alertId: "A1" },
        { kind: "false-alarm", to: CHANNEL, alertId: "A1", mention: [people.office.aadObjectId, people.head.aadObjectId, people.dsl.aadObjectId] },
      ]);
    });

    it("goes to each person once, and never to the staff on the visit, when the help list names them", () => {
      const school = testPolicy((p) => {
        p.help.alert = ["visitor", "headteacher", "dsl-channel"];
        p.alertChannel = null;
        p.people = p.people.map((who) => (who.aadObjectId === people.head.aadObjectId ? { ...who, roles: ["headteacher", "dsl"] } : who));
      });
      const help = apply(visitIn("in-visit", school), school, [[{ type: "requestHelp", silent: false }, actor("visitor")]]).visit;
      const { visit, events } = apply(help, school, [[{ type: "reportFalseAlarm" }, actor("secondVisitor")]]);
      expect(notificationsFor(visit, events, school)).toEqual([
        { kind: "alert-changed", alertId: "A1" },
        { kind: "false-alarm", to: person("head"), alertId: "A1" },
        { kind: "false-alarm", to: person("dsl"), alertId: "A1" },
      ]);
    });
  });

  it("check-ins and cancellations queue nothing", () => {
    const approved = visitIn("approved", policy);
    const checkIn = apply(approved, policy, [[{ type: "checkIn", step: "left-school" }, actor("visitor")]]);
    expect(notificationsFor(checkIn.visit, checkIn.events, policy)).toEqual([]);
    const cancel = apply(approved, policy, [[{ type: "cancel", reason: "Pupil back in school." }, actor("visitor")]]);
    expect(notificationsFor(cancel.visit, cancel.events, policy)).toEqual([]);
  });

  it("follows event order", () => {
    const { visit, events } = apply(undefined, uninformed, [
      [{ type: "request", visitId: "v1", details: pairDetails() }, actor("visitor")],
      [{ type: "approve" }, actor("head")],
    ]);
    const kinds = notificationsFor(visit, events as VisitEvent[], uninformed).map((n) => n.kind);
    expect(kinds).toEqual(["approval-requested", "decision-made", "decision-made", "briefing", "briefing"]);
  });
});

describe("outboxFor: the queued items a saved change carries", () => {
  const now = new Date("2026-11-23T08:45:12.345Z");

  function approvedNow(school: PolicyProfile = policy) {
    return apply(requestedVisit(school), school, [[{ type: "approve" }, actor("head")]]);
  }

  it("one pending item per notification, due at once, named by the visit's new version and the item's place", () => {
    const { visit, events } = approvedNow(uninformed);
    expect(visit.version).toBe(2);
    expect(outboxFor(visit, events, uninformed, now)).toEqual([
      {
        id: "000002-000",
        visitId: visit.id,
        schoolId: visit.schoolId,
        notification: { kind: "decision-made", to: person("visitor") },
        createdAt: "2026-11-23T08:45:12.345Z",
        status: "pending",
        attempts: 0,
        nextAttemptAt: "2026-11-23T08:45:12.345Z",
      },
      {
        id: "000002-001",
        visitId: visit.id,
        schoolId: visit.schoolId,
        notification: { kind: "decision-made", to: person("secondVisitor") },
        createdAt: "2026-11-23T08:45:12.345Z",
        status: "pending",
        attempts: 0,
        nextAttemptAt: "2026-11-23T08:45:12.345Z",
      },
      {
        id: "000002-002",
        visitId: visit.id,
        schoolId: visit.schoolId,
        notification: { kind: "briefing", to: person("visitor") },
        createdAt: "2026-11-23T08:45:12.345Z",
        status: "pending",
        attempts: 0,
        nextAttemptAt: "2026-11-23T08:45:12.345Z",
      },
      {
        id: "000002-003",
        visitId: visit.id,
        schoolId: visit.schoolId,
        notification: { kind: "briefing", to: person("secondVisitor") },
        createdAt: "2026-11-23T08:45:12.345Z",
        status: "pending",
        attempts: 0,
        nextAttemptAt: "2026-11-23T08:45:12.345Z",
      },
    ]);
  });

  it("ids sort in the order items were queued, across changes, as text", () => {
    const requested = apply(undefined, uninformed, [[{ type: "request", visitId: "v1", details: pairDetails() }, actor("visitor")]]);
    const first = outboxFor(requested.visit, requested.events, uninformed, now);
    const approved = apply(requested.visit, uninformed, [[{ type: "approve" }, actor("head")]]);
    const second = outboxFor(approved.visit, approved.events, uninformed, now);
    const ladder = apply(approved.visit, uninformed, [[{ type: "sweep" }, SYSTEM]], LADDER_DONE);
    const third = outboxFor(ladder.visit, ladder.events, uninformed, LADDER_DONE);
    const ids = [...first, ...second, ...third].map((item) => item.id);
    expect(ids).toEqual(["000001-000", "000002-000", "000002-001", "000002-002", "000002-003", "000006-000", "000006-001", "000006-002", "000006-003", "000006-004"]);
    expect([...ids].sort()).toEqual(ids);
  });

  it("a change that notifies nobody queues nothing", () => {
    const { visit, events } = apply(visitIn("approved", policy), policy, [[{ type: "checkIn", step: "left-school" }, actor("visitor")]]);
    expect(outboxFor(visit, events, policy, now)).toEqual([]);
  });
});
