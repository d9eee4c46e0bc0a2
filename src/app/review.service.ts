import { recordsCsv } from "../domain/record";
import { type ReviewFigures, reviewCsv, reviewFigures } from "../domain/review";
import { holdsAny, REVIEW_ROLES } from "../domain/roles";
import type { Actor, Visit } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { VisitStore } from "./ports";

/** A period longer than this is refused: a governors' review covers a school year at most, with some slack. */
const MAX_DAYS = 400;

export type ReviewOutcome = { ok: true; figures: ReviewFigures; csv: string } | { ok: false; message: string };
export type ExportOutcome = { ok: true; csv: string; count: number } | { ok: false; message: string };

/**
 * R31 and R21: the figures for the governors' review, and the visit records as CSV for the school's record
 * system, over a chosen period. Only the head, SLT, DSL and admin may see them.
 */
export class ReviewService {
  constructor(
    private readonly policy: PolicyProfile,
    private readonly store: VisitStore,
  ) {}

  async figures(actor: Actor, from: string, to: string): Promise<ReviewOutcome> {
    const visits = await this.visitsBetween(actor, from, to);
    if (typeof visits === "string") return { ok: false, message: visits };
    const figures = reviewFigures(visits, from, to, this.policy);
    return { ok: true, figures, csv: reviewCsv(figures) };
  }

  async records(actor: Actor, from: string, to: string): Promise<ExportOutcome> {
    const visits = await this.visitsBetween(actor, from, to);
    if (typeof visits === "string") return { ok: false, message: visits };
    const recorded = visits.filter((v) => v.record);
    return { ok: true, csv: recordsCsv(recorded, this.policy), count: recorded.length };
  }

  /** Every visit planned in the period (one index query), or why the person may not have them. */
  private async visitsBetween(actor: Actor, from: string, to: string): Promise<Visit[] | string> {
    if (!holdsAny(this.policy, actor.id, REVIEW_ROLES)) return "Only the head, SLT, the DSL and the school admin can see review figures and records.";
    const days = datesBetween(from, to);
    if (days === undefined) return "Give the period as two dates, e.g. review 2025-09-01 2026-08-31.";
    if (days.length > MAX_DAYS) return `Choose a period of at most ${MAX_DAYS} days.`;
    return this.store.listForDay(this.policy.school.id, from, to);
  }
}

/** The London dates from `from` to `to` inclusive, or undefined if they are not dates in order. */
export function datesBetween(from: string, to: string): string[] | undefined {
  // Date.parse rolls a day past the month's end over ("2026-02-30" is 2 March): the date must come back unchanged.
  const valid = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(Date.parse(`${d}T12:00:00Z`) || 0).toISOString().slice(0, 10) === d;
  if (!valid(from) || !valid(to) || to < from) return undefined;
  const days: string[] = [];
  // Noon UTC never crosses a date line in London, summer time or not.
  for (let t = Date.parse(`${from}T12:00:00Z`); t <= Date.parse(`${to}T12:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
