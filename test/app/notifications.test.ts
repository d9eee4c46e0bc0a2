import { notificationsFor } from "../../src/app/notifications";
import type { VisitEvent } from "../../src/domain/visit";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { apply, loneDetails, pairDetails, requestedVisit, visitIn } from "../domain/visit.builders";

const policy = testPolicy(); // approver: headteacher; lone visits: headteacher
const ids = (...who: (keyof typeof people)[]) => who.map((w) => people[w].aadObjectId);

describe("notificationsFor: who hears about a saved change", () => {
  describe("a new or amended request asks for approval", () => {
    it("goes to the holders of the approver roles", () => {
      const both = testPolicy((p) => {
        p.authorisation.approverRoles = ["headteacher", "dsl"];
      });
      const { visit, events } = apply(undefined, both, [[{ type: "request", visitId: "v1", details: pairDetails() }, actor("visitor")]]);
      expect(notificationsFor(visit, events, both)).toEqual([{ kind: "approval-requested", visitId: "v1", to: ids("head", "dsl") }]);
    });

    it("for a lone visit goes to the holders of the role that decides lone visits instead", () => {
      const dslDecidesLone = testPolicy((p) => {
        p.loneWorking.loneVisitDecidedBy = ["dsl"];
      });
      const { visit, events } = apply(undefined, dslDecidesLone, [[{ type: "request", visitId: "v1", details: loneDetails() }, actor("visitor")]]);
      expect(notificationsFor(visit, events, dslDecidesLone)).toEqual([{ kind: "approval-requested", visitId: "v1", to: ids("dsl") }]);
    });

    it("never goes to the requester, even when they hold an approver role", () => {
      const headVisits = testPolicy((p) => {
        p.authorisation.approverRoles = ["headteacher", "dsl"];
        p.people = p.people.map((person) => (person.aadObjectId === people.head.aadObjectId ? { ...person, roles: ["headteacher", "visitor"] } : person));
      });
      const { visit, events } = apply(undefined, headVisits, [[{ type: "request", visitId: "v1", details: pairDetails() }, actor("head")]]);
      expect(notificationsFor(visit, events, headVisits)).toEqual([{ kind: "approval-requested", visitId: "v1", to: ids("dsl") }]);
    });

    it("an amendment of an approved visit goes back to the approvers (R25)", () => {
      const approved = visitIn("approved", policy);
      const { visit, events } = apply(approved, policy, [[{ type: "amend", details: pairDetails({ end: "12:00" }) }, actor("visitor")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "approval-requested", visitId: visit.id, to: ids("head") }]);
    });

    it("an amendment that turns a paired visit into a lone one goes to the lone-visit deciders", () => {
      const dslDecidesLone = testPolicy((p) => {
        p.loneWorking.loneVisitDecidedBy = ["dsl"];
      });
      const { visit, events } = apply(requestedVisit(dslDecidesLone), dslDecidesLone, [[{ type: "amend", details: loneDetails() }, actor("visitor")]]);
      expect(notificationsFor(visit, events, dslDecidesLone)).toEqual([{ kind: "approval-requested", visitId: visit.id, to: ids("dsl") }]);
    });
  });

  describe("a decision goes to the staff on the visit", () => {
    it.each(["approve", "decline", "requestChanges"] as const)("%s on a paired visit tells both members of staff", (type) => {
      const { visit, events } = apply(requestedVisit(policy), policy, [[{ type }, actor("head")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "decision-made", visitId: visit.id, to: ids("visitor", "secondVisitor") }]);
    });

    it("on a lone visit tells the one visitor", () => {
      const { visit, events } = apply(requestedVisit(policy, loneDetails()), policy, [[{ type: "approve" }, actor("head")]]);
      expect(notificationsFor(visit, events, policy)).toEqual([{ kind: "decision-made", visitId: visit.id, to: ids("visitor") }]);
    });
  });

  it("check-ins and cancellations queue nothing here (escalation and its own notices are elsewhere)", () => {
    const approved = visitIn("approved", policy);
    const checkIn = apply(approved, policy, [[{ type: "checkIn", step: "left-school" }, actor("visitor")]]);
    expect(notificationsFor(checkIn.visit, checkIn.events, policy)).toEqual([]);
    const cancel = apply(approved, policy, [[{ type: "cancel", reason: "Pupil back in school." }, actor("visitor")]]);
    expect(notificationsFor(cancel.visit, cancel.events, policy)).toEqual([]);
  });

  it("one notification per event, in event order", () => {
    const { visit, events } = apply(undefined, policy, [
      [{ type: "request", visitId: "v1", details: pairDetails() }, actor("visitor")],
      [{ type: "approve" }, actor("head")],
    ]);
    const kinds = notificationsFor(visit, events as VisitEvent[], policy).map((n) => n.kind);
    expect(kinds).toEqual(["approval-requested", "decision-made"]);
  });
});
