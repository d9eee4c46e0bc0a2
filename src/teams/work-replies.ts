import type { OfficeService } from "../app/office.service";
import { OFFICE_ROLES } from "../app/office.service";
import type { PendingApprovals } from "../app/pending-approvals";
import type { Schools } from "../app/schools";
import type { AdaptiveCard } from "../cards/card-parts";
import { officeDayCard } from "../cards/office-day.card";
import { rolesInWords } from "../domain/role-words";
import { decidingRoles } from "../domain/roles";
import type { Visit } from "../domain/visit";
import type { Caller } from "./card-actions";
import type { CardViews } from "./card-views";

/** What the bot says in a 1:1 chat: a card, or a line of text. */
export type Reply = AdaptiveCard | string;

/**
 * The work waiting for the people who keep the visits going: `today` (the office's day, open alerts first) and
 * `pending` (the requests waiting for an approver's decision, their live approval cards sent again), so an
 * approval card lost in a busy chat is never lost for good.
 */
export class WorkReplies {
  constructor(
    private readonly office: OfficeService,
    private readonly approvals: PendingApprovals,
    private readonly schools: Schools,
    private readonly views: CardViews,
  ) {}

  async pending(caller: Caller): Promise<Reply[]> {
    const work = await this.approvals.waitingFor(caller.actor);
    if (work.schools.length === 0) return [await this.whoApproves(caller)];
    return this.waiting(caller, work.visits, "Nothing is waiting for your decision.");
  }

  /** Today's visits at each school the person watches, then (for an approver) what waits for their decision. */
  async today(caller: Caller): Promise<Reply[]> {
    const [days, work] = await Promise.all([this.office.today(caller.actor), this.approvals.waitingFor(caller.actor)]);
    if (days.length === 0 && work.schools.length === 0) {
      return [`Only ${rolesInWords(OFFICE_ROLES)} see today's visits, and only those who approve visits have requests waiting for them.`];
    }
    const waiting = work.schools.length > 0 ? await this.waiting(caller, work.visits, days.length > 0 ? undefined : "Nothing is waiting for your decision.") : [];
    return [...days.map(officeDayCard), ...waiting];
  }

  private async waiting(caller: Caller, visits: readonly Visit[], none: string | undefined): Promise<Reply[]> {
    if (visits.length === 0) return none ? [none] : [];
    const cards = await Promise.all(visits.map((visit) => this.views.approval(visit, caller.viewer)));
    return [visits.length === 1 ? "1 request is waiting for your decision:" : `${visits.length} requests are waiting for your decision:`, ...cards];
  }

  /** For someone who decides no visit anywhere: who does, at each of their schools. */
  private async whoApproves(caller: Caller): Promise<string> {
    const schools = await this.schools.of(caller.actor.id);
    const who = schools.map(({ school, policy }) => `at ${school.name}, ${rolesInWords(decidingRoles(policy))}`);
    return `Nothing waits for you: only the people who approve home visits have requests to decide${who.length > 0 ? ` (${who.join("; ")})` : ""}.`;
  }
}
