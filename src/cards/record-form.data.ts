import { z } from "zod";
import type { Outcome, VisitRecord } from "../domain/record";
import { OUTCOMES, recordProblem } from "../domain/record";
import type { PolicyProfile } from "../policy/policy.schema";

/**
 * The record form's inputs (R21, R22), as Teams submits them: every value a string (a toggle sends "true" or
 * "false"; an unanswered input may be missing or ""). Field-level checks live here, at the card edge, with the
 * domain's own rules (recordProblem) applied per field, so the person sees what to fix before the domain refuses.
 */
export const RECORD_FORM_INPUT_IDS = [
  "outcome",
  "summary",
  "agreement1",
  "agreement1By",
  "agreement2",
  "agreement2By",
  "agreement3",
  "agreement3By",
  "concerns",
  "followUpActions",
  "staffFeedback",
  "parentConfirmed",
  "officerConfirmed",
] as const;
export type RecordFormInputId = (typeof RECORD_FORM_INPUT_IDS)[number];

export type RecordFormValues = Record<RecordFormInputId, string>;
export type RecordFormErrors = Partial<Record<RecordFormInputId, string>>;

/** What the record form gives the domain's recordOutcome command. */
export type RecordInput = Omit<VisitRecord, "recordedBy" | "recordedAt">;

export type ParsedRecordForm =
  | { ok: true; record: RecordInput }
  | { ok: false; errors: RecordFormErrors & { form?: string }; values: RecordFormValues };

export const AGREEMENT_SLOTS = [1, 2, 3] as const;

export const RECORD_LIMITS = {
  summary: { max: 2000 },
  agreement: { max: 300 },
  concerns: { max: 1000 },
  followUpActions: { max: 1000 },
  staffFeedback: { max: 1000 },
  /** A follow-up date more than this many days ahead is most likely a typo. */
  followUpDays: 366,
} as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** "2026-11-23" plus n days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function readValues(raw: unknown): RecordFormValues {
  const source = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const values = {} as RecordFormValues;
  for (const id of RECORD_FORM_INPUT_IDS) {
    const value = source[id];
    values[id] = typeof value === "string" ? value.trim() : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  }
  return values;
}

const OUTCOME_MESSAGE = "Choose what happened: the visit took place, nobody was seen, or it was called off.";

/** The agreement inputs of one slot: "agreement2", "agreement2By". */
const agreementIds = (slot: (typeof AGREEMENT_SLOTS)[number]) => [`agreement${slot}`, `agreement${slot}By`] as const;

function recordFormSchema(policy: PolicyProfile, earliest: string, latest: string) {
  const required = policy.record.requiredFields;
  const max = (limit: number, what: string) => z.string().max(limit, `Shorten ${what} to ${limit} characters or fewer.`);
  return z
    .object({
      outcome: z.string().refine((v) => (OUTCOMES as readonly string[]).includes(v), OUTCOME_MESSAGE),
      summary: max(RECORD_LIMITS.summary.max, "the summary").min(1, "Write what happened on the visit."),
      agreement1: max(RECORD_LIMITS.agreement.max, "the agreement"),
      agreement2: max(RECORD_LIMITS.agreement.max, "the agreement"),
      agreement3: max(RECORD_LIMITS.agreement.max, "the agreement"),
      agreement1By: z.string(),
      agreement2By: z.string(),
      agreement3By: z.string(),
      concerns: max(RECORD_LIMITS.concerns.max, "the concerns"),
      followUpActions: max(RECORD_LIMITS.followUpActions.max, "the follow-up actions"),
      staffFeedback: max(RECORD_LIMITS.staffFeedback.max, "your feedback"),
      parentConfirmed: z.string(),
      officerConfirmed: z.string(),
    })
    .superRefine((form, ctx) => {
      const problem = (path: RecordFormInputId, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
      for (const slot of AGREEMENT_SLOTS) {
        const [textId, byId] = agreementIds(slot);
        const by = form[byId];
        if (by.length === 0) continue;
        if (!isRealDate(by)) problem(byId, "Enter a real date, e.g. 2026-11-30.");
        else if (by < earliest) problem(byId, `The follow-up date cannot be before the visit (${earliest}).`);
        else if (by > latest) problem(byId, "Choose a follow-up date within a year.");
        if (form[textId].length === 0) problem(textId, "Write the agreement, or clear its follow-up date.");
      }
      // The domain's rules (recordProblem), each on the input that fixes it.
      const seen = form.outcome === "seen";
      const agreed = AGREEMENT_SLOTS.some((slot) => form[agreementIds(slot)[0]].length > 0);
      if (required.includes("agreements") && seen && !agreed) {
        problem("agreement1", "Record what was agreed with the parents (or write that nothing was agreed).");
      }
      if (required.includes("parent-confirmation") && seen && form.parentConfirmed !== "true") {
        problem("parentConfirmed", "The parent must confirm the record (the policy asks for their signature).");
      }
      if (required.includes("officer-confirmation") && form.officerConfirmed !== "true") {
        problem("officerConfirmed", "Confirm the record yourself (the policy asks for the officer's signature).");
      }
    });
}

/**
 * Checks the record form's submitted values (R21, R22). `today` is the London calendar date; `visitDate` the
 * visit's own date (details.date), before which no follow-up date may fall: without it, today is the earliest.
 * On failure: one plain message per input id (and `form` for anything else the domain would refuse), with the
 * values as typed so the form can be shown again.
 */
export function parseRecordForm(raw: unknown, policy: PolicyProfile, today: string, visitDate?: string): ParsedRecordForm {
  const values = readValues(raw);
  const earliest = visitDate ?? today;
  const result = recordFormSchema(policy, earliest, addDays(today, RECORD_LIMITS.followUpDays)).safeParse(values);
  if (!result.success) {
    const errors: RecordFormErrors = {};
    for (const issue of result.error.issues) {
      const id = issue.path[0] as RecordFormInputId;
      errors[id] ??= issue.message;
    }
    return { ok: false, errors, values };
  }
  const form = result.data;
  const required = policy.record.requiredFields;
  const record: RecordInput = {
    outcome: form.outcome as Outcome,
    summary: form.summary,
    agreements: AGREEMENT_SLOTS.flatMap((slot) => {
      const [textId, byId] = agreementIds(slot);
      if (form[textId].length === 0) return [];
      return [{ text: form[textId], ...(form[byId] ? { followUpBy: form[byId] } : {}), actions: [] }];
    }),
  };
  if (form.concerns) record.concerns = form.concerns;
  if (form.followUpActions) record.followUpActions = form.followUpActions;
  if (form.staffFeedback && policy.review.staffFeedback) record.staffFeedback = form.staffFeedback;
  if (required.includes("parent-confirmation")) record.parentConfirmed = form.parentConfirmed === "true";
  if (required.includes("officer-confirmation")) record.officerConfirmed = form.officerConfirmed === "true";
  // Anything the domain would still refuse (a rule added there and not here) is shown, not lost.
  const problem = recordProblem(record, policy);
  if (problem) return { ok: false, errors: { form: problem }, values };
  return { ok: true, record };
}

/** The form's values for a record, to show it again (or to start from an earlier draft). */
export function recordFormValues(record: Partial<RecordInput>): Partial<RecordFormValues> {
  const values: Partial<RecordFormValues> = {};
  if (record.outcome) values.outcome = record.outcome;
  if (record.summary) values.summary = record.summary;
  (record.agreements ?? []).slice(0, AGREEMENT_SLOTS.length).forEach((a, i) => {
    const [textId, byId] = agreementIds(AGREEMENT_SLOTS[i]!);
    values[textId] = a.text;
    if (a.followUpBy) values[byId] = a.followUpBy;
  });
  if (record.concerns) values.concerns = record.concerns;
  if (record.followUpActions) values.followUpActions = record.followUpActions;
  if (record.staffFeedback) values.staffFeedback = record.staffFeedback;
  if (record.parentConfirmed !== undefined) values.parentConfirmed = String(record.parentConfirmed);
  if (record.officerConfirmed !== undefined) values.officerConfirmed = String(record.officerConfirmed);
  return values;
}
