import type { VisitEvent } from "../../src/domain/visit";
import { isSafeguardingVisit, lastActivityOf, notificationsKeptUntil, visitKeptUntil } from "../../src/domain/retention";
import { RETENTION_DEFAULTS } from "../../src/policy/retention";
import { actor } from "../support/policy-fixture";
import { visitIn, withEvents } from "../cards/support/visit-fixture";

const raised = (kind: "concern" | "child-alone" | "help", at: string): VisitEvent => ({ type: "alert.raised", at, actor: actor("visitor"), alert: { id: "A1", kind } });

describe("a visit's retention", () => {
  it("runs from the last thing recorded on it: the record made after the visit", () => {
    expect(lastActivityOf(visitIn("recorded")).toISOString()).toBe("2026-11-23T10:45:00.000Z");
  });

  it("runs from a follow-up recorded long after the visit", () => {
    const followedUp = withEvents(visitIn("recorded"), { type: "agreement.actioned", at: "2027-02-01T09:00:00.000Z", actor: actor("head"), index: 0, action: "met" });
    expect(lastActivityOf(followedUp).toISOString()).toBe("2027-02-01T09:00:00.000Z");
  });

  it("runs from the planned end of a visit that was only requested", () => {
    expect(lastActivityOf(visitIn("requested")).toISOString()).toBe("2026-11-23T10:30:00.000Z");
  });

  it("keeps an ordinary visit for the school's visits period", () => {
    expect(visitKeptUntil(visitIn("recorded"), RETENTION_DEFAULTS).toISOString()).toBe("2032-11-23T10:45:00.000Z");
  });

  it.each(["concern", "child-alone"] as const)("keeps a visit with a %s alert for the safeguarding period", (kind) => {
    const visit = withEvents(visitIn("recorded"), raised(kind, "2026-11-23T10:50:00.000Z"));
    expect(isSafeguardingVisit(visit)).toBe(true);
    expect(visitKeptUntil(visit, RETENTION_DEFAULTS).toISOString()).toBe("2051-11-23T10:50:00.000Z");
  });

  it("does not count a call for help as a safeguarding concern", () => {
    expect(isSafeguardingVisit(withEvents(visitIn("in-visit"), raised("help", "2026-11-23T10:00:00.000Z")))).toBe(false);
  });

  it("keeps the notifications for the alerts period, never beyond the visit itself", () => {
    const visit = visitIn("recorded");
    expect(notificationsKeptUntil(visit, RETENTION_DEFAULTS).toISOString()).toBe("2027-11-23T10:45:00.000Z");
    expect(notificationsKeptUntil(visit, { ...RETENTION_DEFAULTS, alerts: "P10Y" }).toISOString()).toBe("2032-11-23T10:45:00.000Z");
  });
});
