/**
 * The record made after a visit (R21) and the agreements made with the parents in it (R22). The school's
 * record system (CPOMS for most) gets a plain-text summary to paste and a CSV row per visit.
 */
import type { PolicyProfile } from "../policy/policy.schema";
import { londonTime } from "./london-time";
import { isSafeguardingVisit } from "./retention";
import type { Actor, Visit } from "./visit";
import { purposeLabel, visitReference } from "./visit";

export const OUTCOMES = ["seen", "not-seen", "called-off"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const AGREEMENT_ACTIONS = ["met", "reminder-letter", "follow-up-visit", "penalty-notice-threshold", "welfare-referral"] as const;
export type AgreementAction = (typeof AGREEMENT_ACTIONS)[number];

export interface Agreement {
  text: string;
  /** London date by which it should be met; the attendance lead is reminded when it passes (R22). */
  followUpBy?: string;
  /** Set when the reminder went out. */
  dueAt?: string;
  actions: { action: AgreementAction; by: Actor; at: string; note?: string }[];
}

export interface VisitRecord {
  outcome: Outcome;
  summary: string;
  agreements: Agreement[];
  concerns?: string;
  followUpActions?: string;
  /** R31: the visiting member of staff's feedback, for schools that review their policy with it. */
  staffFeedback?: string;
  /** R21 (000): the parent and the officer confirm the record, as the policy's signatures do. */
  parentConfirmed?: boolean;
  officerConfirmed?: boolean;
  recordedBy: Actor;
  recordedAt: string;
}

export const isAgreementOpen = (agreement: Agreement): boolean => !agreement.actions.some((a) => a.action === "met");

/** What is missing from a record under this school's policy, or undefined. */
export function recordProblem(record: Pick<VisitRecord, "outcome" | "summary" | "agreements" | "parentConfirmed" | "officerConfirmed">, policy: PolicyProfile): string | undefined {
  const required = policy.record.requiredFields;
  if (record.summary.trim().length === 0) return "Write what happened on the visit.";
  if (required.includes("agreements") && record.outcome === "seen" && record.agreements.length === 0) {
    return "Record what was agreed with the parents (or write that nothing was agreed).";
  }
  if (required.includes("parent-confirmation") && record.outcome === "seen" && !record.parentConfirmed) {
    return "The parent must confirm the record (the policy asks for their signature).";
  }
  if (required.includes("officer-confirmation") && !record.officerConfirmed) return "Confirm the record yourself (the policy asks for the officer's signature).";
  return undefined;
}

const OUTCOME_WORDS: Record<Outcome, string> = { seen: "Visit took place", "not-seen": "Nobody seen", "called-off": "Called off at the door" };

/** Said wherever a visit's record is shown when a concern or a child found alone was raised on it. */
export const SAFEGUARDING_LINE = "Safeguarding: a concern was raised on this visit. CPOMS holds the record of truth for it; this summary is a copy.";

/** A plain-text summary to paste into CPOMS or the attendance record: facts, no formatting. */
export function recordSummary(visit: Visit, policy: PolicyProfile): string {
  const record = visit.record;
  if (!record) return "";
  const purpose = purposeLabel(policy, visit);
  const lines = [
    `Home visit ${visitReference(visit.id)} (${policy.school.name})`,
    ...(isSafeguardingVisit(visit) ? [SAFEGUARDING_LINE] : []),
    `Pupil: ${visit.details.pupilReference}`,
    `Date: ${visit.details.date}, ${visit.arrivedAt && visit.leftAt ? `arrived ${timeOf(visit.arrivedAt)}, left ${timeOf(visit.leftAt)}` : `planned ${visit.details.start} to ${visit.details.end}`}`,
    `Location: ${visit.details.address}`,
    `Purpose: ${purpose}`,
    `Staff: ${staffNames(visit, policy)}`,
    `Outcome: ${OUTCOME_WORDS[record.outcome]}${visit.calledOff ? ` (${visit.calledOff.reason.replace(/-/g, " ")})` : ""}`,
    // R14: a safety cancellation goes on the record with the visitor's written report, where the policy says so.
    ...(visit.calledOff?.note && (visit.calledOff.reason !== "unsafe" || policy.feelingUnsafe.recordOnCpoms) ? [`Report: ${visit.calledOff.note}`] : []),
    `Summary: ${record.summary}`,
    ...(record.agreements.length > 0 ? ["Agreements:", ...record.agreements.map((a) => `- ${a.text}${a.followUpBy ? ` (by ${a.followUpBy})` : ""}`)] : []),
    ...(record.concerns ? [`Concerns: ${record.concerns}`] : []),
    ...(record.followUpActions ? [`Follow-up: ${record.followUpActions}`] : []),
    ...(record.parentConfirmed !== undefined ? [`Parent confirmed: ${record.parentConfirmed ? "yes" : "no"}`] : []),
    ...(record.officerConfirmed !== undefined ? [`Officer confirmed: ${record.officerConfirmed ? "yes" : "no"}`] : []),
    `Recorded by ${record.recordedBy.name} at ${timeOf(record.recordedAt)}`,
  ];
  return lines.join("\n");
}

export const RECORD_CSV_HEADER = ["reference", "date", "start", "end", "pupil", "location", "purpose", "outcome", "called_off_reason", "summary", "agreements", "concerns", "follow_up", "parent_confirmed", "officer_confirmed", "recorded_by"];

/** One CSV row (RFC 4180 quoting) per recorded visit, for import into the school's record system. */
export function recordsCsv(visits: readonly Visit[], policy: PolicyProfile): string {
  const rows = visits
    .filter((v) => v.record)
    .map((v) => {
      const r = v.record!;
      return [
        visitReference(v.id),
        v.details.date,
        v.details.start,
        v.details.end,
        v.details.pupilReference,
        v.details.address,
        purposeLabel(policy, v),
        r.outcome,
        v.calledOff?.reason ?? "",
        r.summary,
        r.agreements.map((a) => a.text + (a.followUpBy ? ` (by ${a.followUpBy})` : "")).join("; "),
        r.concerns ?? "",
        r.followUpActions ?? "",
        r.parentConfirmed === undefined ? "" : String(r.parentConfirmed),
        r.officerConfirmed === undefined ? "" : String(r.officerConfirmed),
        r.recordedBy.name,
      ];
    });
  return [RECORD_CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function csvCell(value: string): string {
  // A leading = + - @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const timeOf = (instant: string) => londonTime(new Date(instant));

function staffNames(visit: Visit, policy: PolicyProfile): string {
  const second = visit.details.staffing.mode === "pair" ? visit.details.staffing.secondStaffId : undefined;
  const secondName = second ? policy.people.find((p) => p.aadObjectId === second)?.displayName : undefined;
  return [visit.requestedBy.name, secondName].filter(Boolean).join(" and ");
}
