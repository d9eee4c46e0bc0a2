import { londonDate } from "../domain/london-time";
import { prerequisiteGaps, type StaffRecord } from "../domain/staff-prerequisites";
import type { PolicyProfile } from "../policy/policy.schema";
import type { StaffDirectory } from "./ports";

/**
 * For the local demo only (the embedded Azurite): gives each visitor in the example profile a fictional,
 * complete staff record, so a visit can be approved straight away. Mobile numbers are from Ofcom's range
 * reserved for drama (07700 900000–900999); registrations are not real plates. Records that exist are kept.
 */
export async function seedDemoStaffRecords(policy: PolicyProfile, staff: StaffDirectory, now: Date): Promise<number> {
  const today = londonDate(now);
  const visitors = policy.people.filter((p) => p.roles.includes("visitor"));
  let seeded = 0;
  for (const [i, person] of visitors.entries()) {
    const existing = await staff.get(policy.school.id, person.aadObjectId);
    if (existing && prerequisiteGaps(person.aadObjectId, existing, policy, today).length === 0) continue;
    const year = Number(today.slice(0, 4));
    const record: StaffRecord = {
      mobile: `07700 900${String(100 + i).padStart(3, "0")}`,
      vehicle: { make: "Ford", model: "Fiesta", registration: `DE${10 + i} MOX`, colour: "Blue", insuranceExpiry: `${year + 1}-08-31` },
      dbs: { checkedOn: `${year - 1}-09-01`, barredListCheckedOn: `${year - 1}-09-01` },
      training: [{ name: "Lone working and home visits", completedOn: `${year - 1}-09-05` }],
    };
    await staff.saveRecord(policy.school.id, person.aadObjectId, record, { by: "demo-seed", at: now.toISOString() });
    seeded++;
  }
  return seeded;
}
