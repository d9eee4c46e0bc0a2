/**
 * R06: what must be on file for a member of staff before a visit is approved, and what is missing or out of
 * date. The school's profile says which items it requires and which gaps block approval.
 */
import type { PolicyProfile } from "../policy/policy.schema";

export interface StaffRecord {
  mobile?: string;
  vehicle?: { make: string; model: string; registration: string; colour: string; insuranceExpiry?: string };
  /** Enhanced DBS check and barred-list check, as London dates. */
  dbs?: { checkedOn: string; barredListCheckedOn?: string };
  training?: { name: string; completedOn: string }[];
}

export type Prerequisite = PolicyProfile["staffPrerequisites"]["required"][number];

/** Whether anything of the record is on file: someone with one and no role is whom the admin exports or erases. */
export const hasRecordOnFile = (record: StaffRecord): boolean => Boolean(record.mobile || record.vehicle || record.dbs || record.training);

/**
 * The members with a record on file who hold no role (most often: they have left), whom the admin exports or erases.
 * Object ids are compared without case: Teams and Entra do not agree on the case of a GUID.
 */
export function formerStaff<M extends StaffRecord & { aadObjectId: string }>(policy: Pick<PolicyProfile, "people">, members: readonly M[]): M[] {
  const holders = new Set(policy.people.map((p) => p.aadObjectId.toLowerCase()));
  return members.filter((m) => !holders.has(m.aadObjectId.toLowerCase()) && hasRecordOnFile(m));
}

export interface PrerequisiteGap {
  staffId: string;
  item: Prerequisite;
  problem: string;
  blocking: boolean;
}

/** The gaps in one person's record under this policy, checked against London date `today`. */
export function prerequisiteGaps(staffId: string, record: StaffRecord | undefined, policy: PolicyProfile, today: string): PrerequisiteGap[] {
  const { required, blocking } = policy.staffPrerequisites;
  const gap = (item: Prerequisite, problem: string): PrerequisiteGap => ({ staffId, item, problem, blocking: blocking.includes(item) });
  const gaps: PrerequisiteGap[] = [];
  for (const item of required) {
    switch (item) {
      case "mobile":
        if (!record?.mobile) gaps.push(gap(item, "no mobile number on file"));
        break;
      case "vehicle": {
        const v = record?.vehicle;
        if (!v || !v.make || !v.model || !v.registration || !v.colour) gaps.push(gap(item, "vehicle make, model, registration or colour missing"));
        break;
      }
      case "insurance": {
        const expiry = record?.vehicle?.insuranceExpiry;
        if (!expiry) gaps.push(gap(item, "no business car insurance expiry date on file"));
        else if (expiry < today) gaps.push(gap(item, `car insurance expired on ${expiry}`));
        break;
      }
      case "dbs":
        if (!record?.dbs?.checkedOn) gaps.push(gap(item, "no enhanced DBS check on file"));
        else if (!record.dbs.barredListCheckedOn) gaps.push(gap(item, "no barred-list check on file"));
        break;
      case "training":
        if (!record?.training || record.training.length === 0) gaps.push(gap(item, "no home-visit or lone-working training on file"));
        break;
    }
  }
  return gaps;
}
