import { recordsCsv } from "../domain/record";
import { type ReviewFigures, reviewCsv, reviewFigures } from "../domain/review";
import { holdsAny, REVIEW_ROLES } from "../domain/roles";
import type { Actor, Visit } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { VisitStore } from "./ports";
import type { ActiveSchool, Schools } from "./schools";

/** A period longer than this is refused: a governors' review covers a school year at most, with some slack. */
const MAX_DAYS = 400;

export interface SchoolFigures {
  policy: PolicyProfile;
  figures: ReviewFigures;
  csv: string;
}

export type ReviewOutcome = { ok: true; schools: SchoolFigures[] } | { ok: false; message: string };
/** `denied`: not this person's to see (else the period was refused). */
export type SchoolFiguresOutcome = { ok: true; figures: ReviewFigures } | { ok: false; denied: boolean; message: string };
export type ExportOutcome = { ok: true; policy: PolicyProfile; csv: string; count: number } | { ok: false; message: string };

/**
 * R31 and R21: the figures for the governors' review, and the visit records as CSV for the school's record
 * system, over a chosen period. The head, SLT, DSL and admin see their school's; the trust's safeguarding leads
 * (named in the deployment's configuration) see every school's figures, and none of their records.
 */
export class ReviewService {
  constructor(
    private readonly schools: Schools,
    private readonly store: VisitStore,
    private readonly trustLeads: readonly string[] = [],
  ) {}

  /** The trust's safeguarding leads review every school's figures, without being on any school's staff. */
  isTrustLead(personId: string): boolean {
    return this.trustLeads.includes(personId);
  }

  /** Figures for each school the person may review (every school for a trust lead). */
  async figures(actor: Actor, from: string, to: string): Promise<ReviewOutcome> {
    const problem = periodProblem(from, to);
    if (problem) return { ok: false, message: problem };
    const all = this.isTrustLead(actor.id);
    const schools = all ? (await this.schools.list()).map((s) => s.id) : (await this.schools.of(actor.id, REVIEW_ROLES)).map((s) => s.school.id);
    if (schools.length === 0) return { ok: false, message: DENIED };
    const figures: SchoolFigures[] = [];
    for (const schoolId of schools) {
      const active = await this.schools.active(schoolId);
      if (!active) continue;
      const computed = await this.figuresOf(active, from, to);
      figures.push({ policy: active.policy, figures: computed, csv: reviewCsv(computed) });
    }
    return { ok: true, schools: figures };
  }

  /** One running school's figures, for its own reviewers and the trust's safeguarding leads. */
  async figuresAt(actor: Actor, schoolId: string, from: string, to: string): Promise<SchoolFiguresOutcome> {
    const active = await this.schools.active(schoolId);
    if (!active || !(this.isTrustLead(actor.id) || holdsAny(active.policy, actor.id, REVIEW_ROLES))) return { ok: false, denied: true, message: DENIED };
    const problem = periodProblem(from, to);
    if (problem) return { ok: false, denied: false, message: problem };
    return { ok: true, figures: await this.figuresOf(active, from, to) };
  }

  private async figuresOf(active: ActiveSchool, from: string, to: string): Promise<ReviewFigures> {
    return reviewFigures(await this.store.listForDay(active.school.id, from, to), from, to, active.policy);
  }

  /** One school's visit records (R21): for its own head, SLT, DSL and admin only. */
  async records(actor: Actor, schoolId: string, from: string, to: string): Promise<ExportOutcome> {
    const active = await this.schools.active(schoolId);
    if (!active || !holdsAny(active.policy, actor.id, REVIEW_ROLES)) return { ok: false, message: DENIED };
    const problem = periodProblem(from, to);
    if (problem) return { ok: false, message: problem };
    const visits: Visit[] = await this.store.listForDay(schoolId, from, to);
    const recorded = visits.filter((v) => v.record);
    return { ok: true, policy: active.policy, csv: recordsCsv(recorded, active.policy), count: recorded.length };
  }
}

const DENIED = "Only the head, SLT, the DSL and the school admin can see review figures and records.";

function periodProblem(from: string, to: string): string | undefined {
  const days = datesBetween(from, to);
  if (days === undefined) return "Give the period as two dates, e.g. review 2025-09-01 2026-08-31.";
  if (days.length > MAX_DAYS) return `Choose a period of at most ${MAX_DAYS} days.`;
  return undefined;
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
