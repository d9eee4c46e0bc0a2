import { holdsAny } from "../domain/roles";
import type { StaffRecord } from "../domain/staff-prerequisites";
import type { Actor } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { Clock, Logger, StaffDirectory, StaffMember } from "./ports";

export type StaffOutcome = { ok: true; saved: number } | { ok: false; message: string };

/**
 * R06: the school admin keeps each visitor's record (mobile, vehicle and insurance, DBS and barred-list
 * checks, training), from a card or by importing a CSV. Only the admin role may read or change records.
 */
export class StaffService {
  constructor(
    private readonly policy: PolicyProfile,
    private readonly staff: StaffDirectory,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  mayMaintain(actor: Actor): boolean {
    return holdsAny(this.policy, actor.id, ["admin"]);
  }

  async members(actor: Actor): Promise<StaffMember[] | undefined> {
    return this.mayMaintain(actor) ? this.staff.list() : undefined;
  }

  async save(actor: Actor, records: readonly { staffId: string; record: StaffRecord }[]): Promise<StaffOutcome> {
    if (!this.mayMaintain(actor)) return { ok: false, message: "Only the school admin can change staff records." };
    const unknown = records.find((r) => !this.policy.people.some((p) => p.aadObjectId === r.staffId));
    if (unknown) return { ok: false, message: "That person is not in the school's home-visit profile." };
    const at = this.clock.now().toISOString();
    for (const { staffId, record } of records) await this.staff.saveRecord(staffId, record, { by: actor.id, at });
    // Ids only: the record itself is personal data.
    this.log.info("staff records saved", { by: actor.id, staff: records.map((r) => r.staffId) });
    return { ok: true, saved: records.length };
  }
}
