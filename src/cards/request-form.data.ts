import { z } from "zod";
import { isOutOfHours } from "../domain/door";
import { peopleWith } from "../domain/roles";
import type { VisitDetails } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import { looksLikeName, pupilReferenceMatcher } from "../policy/pupil-reference";

/**
 * The request form's inputs, as Teams submits them: every value a string (an unanswered input may be
 * missing or ""). Field-level checks live here, at the card edge; the domain re-checks the policy rules.
 */
export const REQUEST_FORM_INPUT_IDS = [
  "pupilReference",
  "address",
  "purposeId",
  "date",
  "start",
  "end",
  "responsibleContactId",
  "entry",
  "staffing",
  "secondStaffId",
  "riskAssessment",
  "announced",
  "unannouncedReason",
  "knownRisks",
  "pets",
  "medicalNeeds",
  "socialWorker",
] as const;
export type RequestFormInputId = (typeof REQUEST_FORM_INPUT_IDS)[number];

/** What the person typed, by input id, trimmed: re-shown on the form so nothing is lost. */
export type RequestFormValues = Record<RequestFormInputId, string>;
/** One message per input that needs fixing, keyed by input id. */
export type RequestFormErrors = Partial<Record<RequestFormInputId, string>>;

export type ParsedRequestForm =
  | { ok: true; details: VisitDetails }
  | { ok: false; errors: RequestFormErrors; values: RequestFormValues };

export const LIMITS = {
  pupilReference: { min: 2, max: 40 },
  address: { min: 5, max: 300 },
  riskAssessment: { max: 1000 },
  unannouncedReason: { max: 500 },
  knownRisks: { max: 1000 },
  pets: { max: 300 },
  medicalNeeds: { max: 500 },
  socialWorker: { max: 200 },
} as const;

const NONE_KNOWN = "None known";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Teams sends "HH:MM", some clients "HH:MM:SS". */
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?$/;

const isRealDate = (value: string): boolean => {
  const match = DATE.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** "09:30:00" → "09:30"; undefined when it is not a time. */
export function normaliseTime(value: string): string | undefined {
  return TIME.test(value) ? value.slice(0, 5) : undefined;
}

/** Every submitted value as a trimmed string; anything else (missing, null, a number) made a string. */
function readValues(raw: unknown): RequestFormValues {
  const source = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const values = {} as RequestFormValues;
  for (const id of REQUEST_FORM_INPUT_IDS) {
    const value = source[id];
    values[id] = typeof value === "string" ? value.trim() : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  }
  return values;
}

/**
 * A choice as a refined string rather than z.enum: an enum mismatch aborts the object, which would skip the
 * cross-field checks below, and the person would learn about their mistakes one round at a time.
 */
const oneOf = <T extends string>(choices: readonly T[], message: string) =>
  z
    .string()
    .refine((value) => (choices as readonly string[]).includes(value), message)
    .transform((value) => value as T);

function requestFormSchema(policy: PolicyProfile, today: string, viewerId: string) {
  const visitors = peopleWith(policy, ["visitor"]);
  const purposeIds = policy.purposes.map((p) => p.id);
  const time = (missing: string) =>
    z
      .string()
      .min(1, missing)
      .refine((value) => value.length === 0 || normaliseTime(value) !== undefined, "Enter the time as hours and minutes, e.g. 09:30.");

  const pupil = policy.pupilReference.description;
  const isPupilReference = pupilReferenceMatcher(policy.pupilReference.pattern);

  return z
    .object({
      pupilReference: z
        .string()
        .min(1, `Enter the pupil reference: ${pupil}.`)
        .min(LIMITS.pupilReference.min, `The pupil reference is too short: use ${pupil}.`)
        .max(LIMITS.pupilReference.max, `Keep the pupil reference short: ${pupil}.`)
        .superRefine((value, ctx) => {
          if (value.length < LIMITS.pupilReference.min || value.length > LIMITS.pupilReference.max || isPupilReference(value)) return;
          const message = looksLikeName(value)
            ? `Do not write the pupil's name: a pupil reference must not carry one. Use ${pupil}.`
            : `Write the pupil reference as the school's policy sets it: ${pupil}.`;
          ctx.addIssue({ code: "custom", message });
        }),
      address: z
        .string()
        .min(1, "Enter the address you are visiting.")
        .min(LIMITS.address.min, "The address is too short: enter the house number, street and postcode.")
        .max(LIMITS.address.max, `Shorten the address to ${LIMITS.address.max} characters or fewer.`),
      purposeId: z.string().refine((v) => purposeIds.includes(v), "Choose the purpose of the visit."),
      date: z
        .string()
        .min(1, "Enter the date of the visit.")
        .refine((v) => v.length === 0 || isRealDate(v), "Enter a real date, e.g. 2026-11-23.")
        .refine((v) => !isRealDate(v) || v >= today, "That date has passed: choose today or a later date."),
      start: time("Enter the time you will arrive, e.g. 09:30."),
      end: time("Enter the time you expect to leave, e.g. 10:30."),
      entry: oneOf(["doorstep", "enter"], "Choose doorstep only or entering the home."),
      staffing: oneOf(["pair", "lone"], "Choose whether two of you are going or it is a lone visit."),
      secondStaffId: z.string(),
      riskAssessment: z
        .string()
        .max(LIMITS.riskAssessment.max, `Shorten the risk assessment to ${LIMITS.riskAssessment.max} characters or fewer.`),
      announced: oneOf(["yes", "no"], "Say whether the family knows you are coming."),
      unannouncedReason: z
        .string()
        .max(LIMITS.unannouncedReason.max, `Shorten the reason to ${LIMITS.unannouncedReason.max} characters or fewer.`),
      knownRisks: z.string().max(LIMITS.knownRisks.max, `Shorten the known risks to ${LIMITS.knownRisks.max} characters or fewer.`),
      responsibleContactId: z.string(),
      pets: z.string().max(LIMITS.pets.max, `Shorten what you know about animals to ${LIMITS.pets.max} characters or fewer.`),
      medicalNeeds: z.string().max(LIMITS.medicalNeeds.max, `Shorten the medical needs to ${LIMITS.medicalNeeds.max} characters or fewer.`),
      socialWorker: z.string().max(LIMITS.socialWorker.max, `Shorten the social worker's details to ${LIMITS.socialWorker.max} characters or fewer.`),
    })
    .superRefine((form, ctx) => {
      const problem = (path: RequestFormInputId, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
      const start = normaliseTime(form.start);
      const end = normaliseTime(form.end);
      if (start && end && end <= start) problem("end", "The end time must be after the start time.");

      if (form.staffing === "pair") {
        const second = form.secondStaffId;
        if (second.length === 0) problem("secondStaffId", "Choose who is going with you, or choose a lone visit.");
        else if (second.toLowerCase() === viewerId.toLowerCase()) problem("secondStaffId", "Choose someone else: the second member of staff cannot be you.");
        else if (!visitors.some((p) => p.aadObjectId.toLowerCase() === second.toLowerCase())) {
          problem("secondStaffId", "Choose the second member of staff from the list of home visitors.");
        }
      }
      if (form.staffing === "lone" && policy.loneWorking.riskAssessmentRequired && form.riskAssessment.length === 0) {
        problem("riskAssessment", "A lone visit needs a lone-working risk assessment: write the risks and how you will keep safe.");
      }
      if (form.announced === "no" && policy.announcement.unannouncedNeedsReason && form.unannouncedReason.length === 0) {
        problem("unannouncedReason", "Say why the visit is unannounced, e.g. an emergency or a welfare concern.");
      }
      // R03: the domain refuses it too; saying so here puts the message next to the answer to change.
      if (form.staffing === "lone" && form.entry === "enter" && policy.loneWorking.twoStaffWhenEntering === "required") {
        problem("staffing", "This school's policy needs two members of staff to enter a home: choose two of us, or doorstep only.");
      }
      // R05: a responsible contact who checks on the staff, for a visit outside the school day.
      const contact = form.responsibleContactId.toLowerCase();
      const { start: dayStart, end: dayEnd } = policy.outOfHours.schoolDay;
      const outOfHours = isRealDate(form.date) && start && end && isOutOfHours({ date: form.date, start, end }, policy);
      if (contact.length > 0) {
        if (!policy.people.some((p) => p.aadObjectId.toLowerCase() === contact)) {
          problem("responsibleContactId", "Choose the responsible contact from the list of the school's staff.");
        } else if (contact === viewerId.toLowerCase() || (form.staffing === "pair" && contact === form.secondStaffId.toLowerCase())) {
          problem("responsibleContactId", "Choose someone who is not going on the visit: they check on you from elsewhere.");
        }
      } else if (outOfHours && policy.outOfHours.responsibleContactRequired) {
        problem("responsibleContactId", `This visit is outside the school day (${dayStart}–${dayEnd}): choose a responsible contact who will check on you.`);
      }
    });
}

/**
 * Checks the request form's submitted values (R02–R05, R07, R08). `today` is the London calendar date
 * (YYYY-MM-DD); `viewerId` is the Entra object id of the person submitting, who cannot be their own second.
 * On failure: one plain message per input id, and the values as typed so the form can be shown again.
 */
export function parseRequestForm(raw: unknown, policy: PolicyProfile, today: string, viewerId: string): ParsedRequestForm {
  const values = readValues(raw);
  const result = requestFormSchema(policy, today, viewerId).safeParse(values);
  if (!result.success) {
    const errors: RequestFormErrors = {};
    for (const issue of result.error.issues) {
      const id = issue.path[0] as RequestFormInputId;
      errors[id] ??= issue.message;
    }
    return { ok: false, errors, values };
  }
  const form = result.data;
  const canonicalSecond = policy.people.find((p) => p.aadObjectId.toLowerCase() === form.secondStaffId.toLowerCase())?.aadObjectId;
  const details: VisitDetails = {
    pupilReference: form.pupilReference,
    address: form.address,
    purposeId: form.purposeId,
    date: form.date,
    start: normaliseTime(form.start) as string,
    end: normaliseTime(form.end) as string,
    entry: form.entry,
    staffing:
      form.staffing === "pair"
        ? { mode: "pair", secondStaffId: canonicalSecond ?? form.secondStaffId }
        : { mode: "lone", riskAssessment: form.riskAssessment },
    announced: form.announced === "yes",
    knownRisks: form.knownRisks.length > 0 ? form.knownRisks : NONE_KNOWN,
  };
  if (form.announced === "no" && form.unannouncedReason.length > 0) details.unannouncedReason = form.unannouncedReason;
  const contact = policy.people.find((p) => p.aadObjectId.toLowerCase() === form.responsibleContactId.toLowerCase())?.aadObjectId;
  if (contact) details.responsibleContactId = contact;
  if (form.pets.length > 0) details.pets = form.pets;
  if (form.medicalNeeds.length > 0) details.medicalNeeds = form.medicalNeeds;
  if (form.socialWorker.length > 0) details.socialWorker = form.socialWorker;
  return { ok: true, details };
}

/** The form's values for an existing visit, to amend it. */
export function formValuesFromDetails(details: VisitDetails): RequestFormValues {
  return {
    pupilReference: details.pupilReference,
    address: details.address,
    purposeId: details.purposeId,
    date: details.date,
    start: details.start,
    end: details.end,
    entry: details.entry,
    staffing: details.staffing.mode,
    secondStaffId: details.staffing.mode === "pair" ? details.staffing.secondStaffId : "",
    riskAssessment: details.staffing.mode === "lone" ? details.staffing.riskAssessment : "",
    announced: details.announced ? "yes" : "no",
    unannouncedReason: details.unannouncedReason ?? "",
    knownRisks: details.knownRisks === NONE_KNOWN ? "" : details.knownRisks,
    responsibleContactId: details.responsibleContactId ?? "",
    pets: details.pets ?? "",
    medicalNeeds: details.medicalNeeds ?? "",
    socialWorker: details.socialWorker ?? "",
  };
}
