import { londonDate } from "../domain/london-time";
import { approverIdsFor, decidingRoles, holdsAny } from "../domain/roles";
import type { Actor, Visit } from "../domain/visit";
import { visitorsOf } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { Clock, VisitStore } from "./ports";
import type { ActiveSchool, Schools } from "./schools";

/**
 * How far ahead requests waiting for a decision are looked for. The day index is read by date, not by status, so this
 * bounds the read; a request is made for the coming days and weeks, and one for a day gone by no longer waits.
 */
const HORIZON_DAYS = 28;

/** The requests at this school, from `today` on, that wait for this person's decision: never one they go on themselves. */
export async function waitingAt(store: Pick<VisitStore, "listForDay">, policy: PolicyProfile, personId: string, today: string): Promise<Visit[]> {
  const planned = await store.listForDay(policy.school.id, today, addDays(today, HORIZON_DAYS));
  return planned.filter((visit) => visit.status === "requested" && approverIdsFor(policy, visit).includes(personId) && !visitorsOf(visit).includes(personId));
}

/** What waits for an approver: the schools where they decide visits, and the requests there waiting for them. */
export interface ApproverWork {
  schools: ActiveSchool[];
  visits: Visit[];
}

/** The requests waiting for a person's decision, at every school where they approve visits, so they can always find them. */
export class PendingApprovals {
  constructor(
    private readonly schools: Schools,
    private readonly store: Pick<VisitStore, "listForDay">,
    private readonly clock: Clock,
  ) {}

  async waitingFor(actor: Actor): Promise<ApproverWork> {
    const deciding = (await this.schools.of(actor.id)).filter(({ policy }) => holdsAny(policy, actor.id, decidingRoles(policy)));
    const today = londonDate(this.clock.now());
    const visits = (await Promise.all(deciding.map(({ policy }) => waitingAt(this.store, policy, actor.id, today)))).flat();
    return { schools: deciding, visits: visits.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)) };
  }
}

/** The London date `days` after `date`. Noon UTC never crosses a date line in London. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
