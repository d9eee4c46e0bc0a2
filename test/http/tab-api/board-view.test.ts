/**
 * What each viewer sees of a visit on the board: a silent alarm never to the staff on the visit, a concern's note
 * only to the DSLs, the buttons only to those who may act, and alerting visits first.
 */
import { boardOf, boardVisit } from "../../../src/http/tab-api/board-view";
import { apply, visitIn } from "../../domain/visit.builders";
import { actor, people, testPolicy } from "../../support/policy-fixture";

const policy = testPolicy();
const inVisit = visitIn("in-visit", policy);
const withSilentHelp = apply(inVisit, policy, [[{ type: "requestHelp", silent: true }, actor("secondVisitor")]]).visit;
const withConcern = apply(inVisit, policy, [[{ type: "raiseConcern", kind: "concern", note: "Younger sibling alone upstairs, unwell." }, actor("visitor")]]).visit;

describe("the board's view of a visit", () => {
  it("never shows a silent alarm to the staff on the visit, whose screen may be seen at the door", () => {
    for (const onVisit of [people.visitor, people.secondVisitor]) expect(boardVisit(policy, withSilentHelp, onVisit.aadObjectId, []).alerts).toEqual([]);
  });

  it("shows it to the office, marked silent, with the buttons and where to find the staff", () => {
    const row = boardVisit(policy, withSilentHelp, people.office.aadObjectId, []);
    expect(row.alerts).toEqual([expect.objectContaining({ kind: "help", title: "Help requested", silent: true, canAct: true, resolveLabel: "Contacted – safe" })]);
    expect(row.whereabouts).toEqual({
      pupil: "PUPIL-0042",
      address: "1 Example Road, Testtown",
      staff: [{ name: people.visitor.displayName }, { name: people.secondVisitor.displayName }],
    });
  });

  it("gives a concern's note and the buttons to the DSL only; the office sees that it is there", () => {
    const forDsl = boardVisit(policy, withConcern, people.dsl.aadObjectId, []);
    expect(forDsl.alerts).toEqual([expect.objectContaining({ kind: "concern", note: "Younger sibling alone upstairs, unwell.", canAct: true, resolveLabel: "Dealt with" })]);
    const forOffice = boardVisit(policy, withConcern, people.office.aadObjectId, []);
    expect(forOffice.alerts).toEqual([expect.objectContaining({ kind: "concern", canAct: false })]);
    expect(forOffice.alerts[0]).not.toHaveProperty("note");
    expect(forOffice).not.toHaveProperty("whereabouts");
  });

  it("says who called a call for help a false alarm, and when, to the office and the visitor alike, while it stays open", () => {
    const help = apply(inVisit, policy, [[{ type: "requestHelp", silent: false }, actor("visitor")]]).visit;
    const calledOff = apply(help, policy, [[{ type: "reportFalseAlarm" }, actor("visitor")]], new Date("2026-11-23T10:20:00Z")).visit;
    const falseAlarm = { by: people.visitor.displayName, at: "2026-11-23T10:20:00.000Z" };
    expect(boardVisit(policy, calledOff, people.office.aadObjectId, []).alerts).toEqual([expect.objectContaining({ kind: "help", falseAlarm, canAct: true })]);
    expect(boardVisit(policy, calledOff, people.visitor.aadObjectId, []).alerts).toEqual([expect.objectContaining({ kind: "help", falseAlarm, canAct: false })]);
    expect(boardVisit(policy, help, people.office.aadObjectId, []).alerts[0]).not.toHaveProperty("falseAlarm");
  });

  it("takes a resolved alert off the board", () => {
    const resolved = apply(withConcern, policy, [[{ type: "resolveAlert", alertId: "A1", note: "Social care called; DSL visited." }, actor("dsl")]]).visit;
    expect(boardVisit(policy, resolved, people.dsl.aadObjectId, []).alerts).toEqual([]);
  });

  it("lists the visits with an open alert first, each group in its order", () => {
    const quiet = visitIn("approved", policy);
    const board = boardOf(policy, "2026-11-23", "school", [quiet, withConcern], people.office.aadObjectId, []);
    expect(board.visits.map((v) => v.alerts.length)).toEqual([1, 0]);
  });
});
