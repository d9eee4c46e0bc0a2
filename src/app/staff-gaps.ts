import { type PrerequisiteGap, prerequisiteGaps } from "../domain/staff-prerequisites";
import type { Visit } from "../domain/visit";
import { visitorsOf } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { StaffDirectory } from "./ports";

/**
 * R06: what is missing from the records of the staff on a visit (one read each). Checked on the visit's own date
 * when it is later than `today`: insurance that runs out before the visit is already a gap.
 */
export async function staffGapsOf(visit: Visit, staff: StaffDirectory, policy: PolicyProfile, today: string): Promise<PrerequisiteGap[]> {
  const onDate = visit.details.date > today ? visit.details.date : today;
  const records = await Promise.all(visitorsOf(visit).map(async (id) => [id, await staff.get(visit.schoolId, id)] as const));
  return records.flatMap(([id, record]) => prerequisiteGaps(id, record, policy, onDate));
}
