import { isOpen } from "../domain/alert";
import { londonDate } from "../domain/london-time";
import { holdsAny } from "../domain/roles";
import type { Actor, Visit } from "../domain/visit";
import type { PolicyProfile, Role } from "../policy/policy.schema";
import type { OutboxItem } from "./notifications";
import type { Clock, Outbox, VisitStore } from "./ports";
import type { Schools } from "./schools";

/** Who watches the day's visits: the office, and those who answer for staff safety. */
export const OFFICE_ROLES: Role[] = ["office", "headteacher", "slt", "dsl", "deputy-dsl", "admin"];

export interface OfficeDay {
  policy: PolicyProfile;
  date: string;
  visits: Visit[];
  /** Visits with an open alert, so they can be listed first. */
  alerting: string[];
  /** Notifications that keep failing to reach Teams (never dropped, still being retried). */
  undelivered: OutboxItem[];
}

/** The office's view of today: every visit and where it stands, and any alert that is not getting through. */
export class OfficeService {
  constructor(
    private readonly schools: Schools,
    private readonly store: VisitStore,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** Today at each school where the person watches the day's visits (empty when they watch none). */
  async today(actor: Actor): Promise<OfficeDay[]> {
    const watched = await this.schools.of(actor.id, OFFICE_ROLES);
    return Promise.all(watched.map(({ policy }) => this.dayOf(policy)));
  }

  /** Today at one school, if the person watches its day's visits. */
  async day(actor: Actor, schoolId: string): Promise<OfficeDay | undefined> {
    const active = await this.schools.active(schoolId);
    return active && holdsAny(active.policy, actor.id, OFFICE_ROLES) ? this.dayOf(active.policy) : undefined;
  }

  private async dayOf(policy: PolicyProfile): Promise<OfficeDay> {
    const date = londonDate(this.clock.now());
    const [visits, undelivered] = await Promise.all([this.store.listForDay(policy.school.id, date), this.outbox.failing(policy.school.id, 20)]);
    return { policy, date, visits, alerting: visits.filter((v) => v.alerts.some(isOpen)).map((v) => v.id), undelivered };
  }
}
