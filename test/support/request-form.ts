import { people } from "./policy-fixture";

/**
 * The request form's inputs as Teams submits them for a valid paired visit under the test profile, on 24 November
 * 2026 (a Tuesday, inside the school day); `change` overrides any input.
 */
export function requestForm(change: Record<string, string> = {}): Record<string, string> {
  return {
    pupilReference: "J.S. Y4",
    address: "12 Example Road, Testville TE1 2ST",
    purposeId: "attendance",
    date: "2026-11-24",
    start: "10:00",
    end: "11:00",
    entry: "enter",
    staffing: "pair",
    secondStaffId: people.secondVisitor.aadObjectId,
    announced: "yes",
    knownRisks: "Dog in the house",
    ...change,
  };
}
