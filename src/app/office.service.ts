import { isOpen } from "../domain/alert";
import { londonDate } from "../domain/london-time";
import { holdsAny } from "../domain/roles";
import type { Actor, Visit } from "../domain/visit";
import type { PolicyProfile, Role } from "../policy/policy.schema";
import type { OutboxItem } from "./notifications";
import type { Clock, Outbox, VisitStore } from "./ports";

/** Who watches the day's visits: the office, and those who answer for staff safety. */
const OFFICE_ROLES: Role[] = ["office", "headteacher", "slt", "dsl", "deputy-dsl", "admin"];

export interface OfficeDay {
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
    private readonly policy: PolicyProfile,
    private readonly store: VisitStore,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async today(actor: Actor): Promise<OfficeDay | undefined> {
    if (!holdsAny(this.policy, actor.id, OFFICE_ROLES)) return undefined;
    const date = londonDate(this.clock.now());
    const [visits, undelivered] = await Promise.all([this.store.listForDay(this.policy.school.id, date), this.outbox.failing(20)]);
    return { date, visits, alerting: visits.filter((v) => v.alerts.some(isOpen)).map((v) => v.id), undelivered };
  }
}
