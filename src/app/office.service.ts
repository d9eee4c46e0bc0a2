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

/**
 * How old a school's list of failing notifications may be when shown. An item joins it after failing for minutes,
 * so a few seconds' lag changes nothing, while everyone watching the board asks for it every few seconds.
 */
export const FAILING_LIST_MAX_AGE_MS = 10_000;

/** The office's view of today: every visit and where it stands, and any alert that is not getting through. */
export class OfficeService {
  /** Per school (a trust has tens, not thousands): the failing list read at `at`, shared by the boards built from it. */
  private readonly failingLists = new Map<string, { at: number; items: Promise<OutboxItem[]> }>();

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
    const [visits, undelivered] = await Promise.all([this.store.listForDay(policy.school.id, date), this.failing(policy.school.id)]);
    return { policy, date, visits, alerting: visits.filter((v) => v.alerts.some(isOpen)).map((v) => v.id), undelivered };
  }

  /**
   * The school's failing list: the one read in the last few seconds; when that is older, still that one (the board
   * is not kept waiting for it) while a fresh read is made for the boards that follow. Only the first board of an
   * instance waits for the read.
   */
  private failing(schoolId: string): Promise<OutboxItem[]> {
    const now = this.clock.now().getTime();
    const cached = this.failingLists.get(schoolId);
    if (cached && now - cached.at < FAILING_LIST_MAX_AGE_MS && now >= cached.at) return cached.items;
    const entry = { at: now, items: this.outbox.failing(schoolId, 20) };
    this.failingLists.set(schoolId, entry);
    // A failed read is not kept: the board that waits for it hears of it, the next one reads again.
    entry.items.catch(() => {
      if (this.failingLists.get(schoolId) === entry) {
        if (cached) this.failingLists.set(schoolId, cached);
        else this.failingLists.delete(schoolId);
      }
    });
    return cached ? cached.items : entry.items;
  }
}
