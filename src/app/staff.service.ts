import { holdsAny } from "../domain/roles";
import type { StaffRecord } from "../domain/staff-prerequisites";
import type { Actor } from "../domain/visit";
import type { PolicyProfile, Role } from "../policy/policy.schema";
import type { Clock, Logger, StaffDirectory, StaffMember } from "./ports";
import type { Schools } from "./schools";

export type StaffOutcome = { ok: true; saved: number } | { ok: false; message: string };

/** The staff records of one school, as its admin sees them. */
export interface SchoolStaff {
  policy: PolicyProfile;
  members: StaffMember[];
}

/**
 * R06: the school admin keeps each visitor's record (mobile, vehicle and insurance, DBS and barred-list
 * checks, training), from a card or by importing a CSV. Only the school's admin may read or change its records.
 */
/** Who keeps the school's staff records (R06). */
export const STAFF_RECORD_KEEPERS: Role[] = ["admin"];

export class StaffService {
  constructor(
    private readonly schools: Schools,
    private readonly staff: StaffDirectory,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The schools whose staff records this person keeps. */
  async maintainedBy(actor: Actor): Promise<string[]> {
    return (await this.schools.of(actor.id, STAFF_RECORD_KEEPERS)).map(({ school }) => school.id);
  }

  async members(actor: Actor, schoolId: string): Promise<SchoolStaff | undefined> {
    const policy = await this.adminPolicy(actor, schoolId);
    return policy && { policy, members: await this.staff.list(schoolId) };
  }

  async save(actor: Actor, schoolId: string, records: readonly { staffId: string; record: StaffRecord }[]): Promise<StaffOutcome> {
    const policy = await this.adminPolicy(actor, schoolId);
    if (!policy) return { ok: false, message: "Only the school admin can change staff records." };
    const unknown = records.find((r) => !policy.people.some((p) => p.aadObjectId === r.staffId));
    if (unknown) return { ok: false, message: "That person holds no role at the school: give them one first (type \"roles\")." };
    const at = this.clock.now().toISOString();
    for (const { staffId, record } of records) await this.staff.saveRecord(schoolId, staffId, record, { by: actor.id, at });
    // Ids only: the record itself is personal data.
    this.log.info("staff records saved", { by: actor.id, schoolId, staff: records.map((r) => r.staffId) });
    return { ok: true, saved: records.length };
  }

  private async adminPolicy(actor: Actor, schoolId: string): Promise<PolicyProfile | undefined> {
    const active = await this.schools.active(schoolId);
    return active && holdsAny(active.policy, actor.id, STAFF_RECORD_KEEPERS) ? active.policy : undefined;
  }
}
