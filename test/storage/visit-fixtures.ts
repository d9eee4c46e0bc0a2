import { decide, type VisitCommand } from "../../src/domain/visit.decide";
import { evolve } from "../../src/domain/visit.evolve";
import type { Actor, Visit, VisitDetails, VisitEvent } from "../../src/domain/visit";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import type { StoredVisit } from "../../src/app/ports";
import type { TableVisitStore } from "../../src/storage/visit.table-store";
import { actor, people, testPolicy } from "../support/policy-fixture";

/** Real domain objects for storage tests: every visit and event comes from decide + evolve. */
export interface Change {
  before: Visit | undefined;
  after: Visit;
  events: VisitEvent[];
}

const policy: PolicyProfile = testPolicy();
export const otherSchool: PolicyProfile = testPolicy((input) => {
  input.school.id = "other-school";
});

export function details(date: string, start = "10:00", end = "11:00", change: Partial<VisitDetails> = {}): VisitDetails {
  return {
    pupilReference: "P-1042",
    address: "1 Example Road",
    purposeId: "welfare",
    date,
    start,
    end,
    entry: "doorstep",
    staffing: { mode: "pair", secondStaffId: people.secondVisitor.aadObjectId },
    announced: true,
    knownRisks: "",
    ...change,
  };
}

export function change(visit: Visit | undefined, command: VisitCommand, by: Actor, school = policy): Change {
  const decided = decide(visit, command, by, school, new Date("2026-06-01T08:00:00Z"));
  if (!decided.ok) throw new Error(`fixture refused: ${decided.refusal.message}`);
  return { before: visit, after: decided.events.reduce<Visit | undefined>(evolve, visit)!, events: decided.events };
}

export const request = (visitId: string, visitDetails: VisitDetails, school = policy): Change =>
  change(undefined, { type: "request", visitId, details: visitDetails }, actor("visitor"), school);

export const approve = (visit: Visit): Change => change(visit, { type: "approve" }, actor("head"));

export const checkIn = (visit: Visit, step: "left-school" | "arrived" | "safe"): Change =>
  change(visit, { type: "checkIn", step }, actor("visitor"));

/** Saves the change through the store and waits for its day row's copy: the visit as stored, with its ETag. */
export async function savedIn(store: TableVisitStore, step: Change, before?: StoredVisit): Promise<StoredVisit> {
  const outcome = await store.save(before, step.after, step.events);
  if (!outcome.ok) throw new Error("expected the save to succeed");
  await store.settled();
  return { visit: step.after, etag: outcome.etag };
}
