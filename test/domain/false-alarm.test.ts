import { decide } from "../../src/domain/visit.decide";
import { evolve } from "../../src/domain/visit.evolve";
import { isOpen } from "../../src/domain/alert";
import type { Visit } from "../../src/domain/visit";
import { actor, testPolicy } from "../support/policy-fixture";
import { apply, NOW, visitIn } from "./visit.builders";

const policy = testPolicy();
const help = (silent: boolean, visit: Visit = visitIn("in-visit", policy)): Visit =>
  apply(visit, policy, [[{ type: "requestHelp", silent }, actor("visitor")]]).visit;

describe("a false alarm after a call for help", () => {
  it("is recorded on the alert, which stays open for its owner to close once they have made contact", () => {
    const { visit, events } = apply(help(false), policy, [[{ type: "reportFalseAlarm" }, actor("visitor")]]);
    expect(events).toEqual([expect.objectContaining({ type: "alert.falseAlarmReported", alertId: "A1", actor: actor("visitor") })]);
    expect(visit.alerts[0]).toMatchObject({ id: "A1", falseAlarm: { by: actor("visitor") } });
    expect(isOpen(visit.alerts[0]!)).toBe(true);
    const closed = apply(visit, policy, [[{ type: "resolveAlert", alertId: "A1", note: "Phoned Alex: safe, pressed it by mistake." }, actor("office")]]).visit;
    expect(closed.alerts[0]).toMatchObject({ resolved: { how: "contacted-safe" }, falseAlarm: { by: actor("visitor") } });
  });

  it("may be said by the second member of staff on the visit, from the card's alert or typed (the latest call for help)", () => {
    const twice = apply(help(false), policy, [[{ type: "requestHelp", silent: false }, actor("secondVisitor")]]).visit;
    expect(apply(twice, policy, [[{ type: "reportFalseAlarm" }, actor("secondVisitor")]]).events[0]).toMatchObject({ alertId: "A2" });
    expect(apply(twice, policy, [[{ type: "reportFalseAlarm", alertId: "A1" }, actor("visitor")]]).events[0]).toMatchObject({ alertId: "A1" });
  });

  it("is refused from anyone not on the visit", () => {
    const decided = decide(help(false), { type: "reportFalseAlarm" }, actor("office"), policy, NOW);
    expect(decided).toEqual({ ok: false, refusal: { code: "not-allowed", message: expect.stringMatching(/^Only the staff on this visit/) } });
  });

  it("is refused a second time, saying who already said so", () => {
    const said = apply(help(false), policy, [[{ type: "reportFalseAlarm" }, actor("visitor")]]).visit;
    const again = decide(said, { type: "reportFalseAlarm", alertId: "A1" }, actor("secondVisitor"), policy, NOW);
    expect(again).toEqual({ ok: false, refusal: { code: "finished", message: expect.stringMatching(/^Alex Rivers already said this was a false alarm/) } });
  });

  it("after the code word is refused exactly as with no alarm at all, and changes nothing: the visitor may be under duress", () => {
    const plain = visitIn("in-visit", policy);
    const silent = help(true);
    const refusals = [plain, silent].flatMap((visit) => [
      decide(visit, { type: "reportFalseAlarm" }, actor("visitor"), policy, NOW),
      decide(visit, { type: "reportFalseAlarm", alertId: "A1" }, actor("visitor"), policy, NOW),
    ]);
    expect(new Set(refusals.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(refusals[0]).toEqual({ ok: false, refusal: { code: "wrong-step", message: "You have no call for help open, so there is nothing to call off." } });
  });

  it("cannot call off a missed check-in, a concern or a resolved call for help", () => {
    const concern = apply(visitIn("in-visit", policy), policy, [[{ type: "raiseConcern", kind: "concern", note: "Fictional concern." }, actor("visitor")]]).visit;
    const resolved = apply(help(false), policy, [[{ type: "resolveAlert", alertId: "A1", note: "Spoke to Alex." }, actor("office")]]).visit;
    for (const visit of [concern, resolved]) {
      expect(decide(visit, { type: "reportFalseAlarm", alertId: "A1" }, actor("visitor"), policy, NOW)).toMatchObject({ ok: false, refusal: { code: "wrong-step" } });
    }
  });

  it("evolves only the alert it names", () => {
    const visit = apply(help(false), policy, [[{ type: "requestHelp", silent: false }, actor("visitor")]]).visit;
    const after = evolve(visit, { type: "alert.falseAlarmReported", at: NOW.toISOString(), actor: actor("visitor"), alertId: "A1" });
    expect(after.alerts.map((a) => a.falseAlarm !== undefined)).toEqual([true, false]);
    expect(after.version).toBe(visit.version + 1);
  });
});
