import { type PrerequisiteGap, prerequisiteGaps } from "../domain/staff-prerequisites";
import type { Visit } from "../domain/visit";
import { visitorsOf } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { StaffDirectory } from "./ports";

/** R06: what is missing from the records of the staff on a visit, on London date `today` (one read each). */
export async function staffGapsOf(visit: Visit, staff: StaffDirectory, policy: PolicyProfile, today: string): Promise<PrerequisiteGap[]> {
  const records = await Promise.all(visitorsOf(visit).map(async (id) => [id, await staff.get(id)] as const));
  return records.flatMap(([id, record]) => prerequisiteGaps(id, record, policy, today));
}
