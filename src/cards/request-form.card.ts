import { peopleWith } from "../domain/roles";
import { visitReference } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { adaptiveCard, bullets, heading, inputWithError, errorSummary, sameId, execute, text } from "./card-parts";
import type { RequestFormErrors, RequestFormInputId, RequestFormValues } from "./request-form.data";
import { LIMITS, normaliseTime } from "./request-form.data";
import { Verbs } from "./verbs";

export interface RequestFormView {
  policy: PolicyProfile;
  /** Entra object id of the person filling in the form: left out of the second-staff choices. */
  viewerId: string;
  /** Pre-filled answers: an amended visit, or what was typed before an error. */
  values?: Partial<RequestFormValues>;
  /** One message per input id, shown in red under that input. `form` is a general problem shown at the top. */
  errors?: RequestFormErrors & { form?: string };
  /** Set when amending an existing visit. */
  visitId?: string;
  version?: number;
  /** London calendar date (YYYY-MM-DD): the earliest date the date picker offers. */
  today?: string;
}

type Choice = { title: string; value: string };

/** The form a visitor fills in to ask for a home visit, or to change one (R02–R05, R07, R08). */
export function requestFormCard(view: RequestFormView): AdaptiveCard {
  const { policy, viewerId, visitId } = view;
  const values = view.values ?? {};
  const errors = view.errors ?? {};
  const amending = visitId !== undefined;

  const body: (CardElement | undefined)[] = [
    heading(amending ? `Change visit ${visitReference(visitId)}` : "New home visit"),
    text(amending ? "Change what you need and send it again for approval." : `${policy.school.name}. Fill this in before every home visit.`, {
      isSubtle: true,
      spacing: "none",
    }),
    ...errorSummary(errors),
  ];

  /** An input, then its error (if any) right under it, then any guidance. */
  const field = (input: CardElement & { id: RequestFormInputId; label: string }, ...after: (CardElement | undefined)[]) => {
    body.push(...inputWithError(input, prefill(input.id, values[input.id]), errors[input.id]), ...after);
  };

  field({
    type: "Input.Text",
    id: "pupilReference",
    label: `Pupil reference, no names: ${policy.pupilReference.description}`,
    isRequired: true,
    errorMessage: `Enter the pupil reference: ${policy.pupilReference.description}.`,
    maxLength: LIMITS.pupilReference.max,
  });
  field({
    type: "Input.Text",
    id: "address",
    label: "Address",
    isMultiline: true,
    isRequired: true,
    errorMessage: "Enter the address you are visiting.",
    maxLength: LIMITS.address.max,
  });
  field({
    type: "Input.ChoiceSet",
    id: "purposeId",
    label: "Purpose of the visit",
    placeholder: "Choose a purpose",
    isRequired: true,
    errorMessage: "Choose the purpose of the visit.",
    choices: policy.purposes.map((p) => ({ title: p.label, value: p.id })),
  });
  field({
    type: "Input.Date",
    id: "date",
    label: "Date",
    isRequired: true,
    errorMessage: "Enter the date of the visit.",
    ...(view.today ? { min: view.today } : {}),
  });
  field({ type: "Input.Time", id: "start", label: "Arriving at", isRequired: true, errorMessage: "Enter the time you will arrive." });
  field({ type: "Input.Time", id: "end", label: "Expect to leave at", isRequired: true, errorMessage: "Enter the time you expect to leave." });
  const { start: dayStart, end: dayEnd } = policy.outOfHours.schoolDay;
  const contacts = policy.people.filter((p) => !sameId(p.aadObjectId, viewerId));
  field({
    type: "Input.ChoiceSet",
    id: "responsibleContactId",
    label: policy.outOfHours.responsibleContactRequired
      ? `Responsible contact (needed outside the school day, ${dayStart}–${dayEnd})`
      : `Responsible contact (for a visit outside the school day, ${dayStart}–${dayEnd})`,
    placeholder: "Who checks on you while you are out",
    choices: contacts.map((p) => ({ title: p.displayName, value: p.aadObjectId })) satisfies Choice[],
  });
  field(
    {
      type: "Input.ChoiceSet",
      id: "entry",
      label: "Doorstep or entering the home?",
      style: "expanded",
      isRequired: true,
      errorMessage: "Choose doorstep only or entering the home.",
      choices: [
        { title: "Doorstep only", value: "doorstep" },
        { title: "Entering the home", value: "enter" },
      ] satisfies Choice[],
    },
    bullets(entryGuidance(policy), { isSubtle: true, size: "small", spacing: "small" }),
  );
  field(
    {
      type: "Input.ChoiceSet",
      id: "staffing",
      label: "Who is going?",
      style: "expanded",
      isRequired: true,
      errorMessage: "Choose two staff or a lone visit.",
      value: policy.loneWorking.defaultStaff === 2 ? "pair" : "lone",
      choices: [
        { title: "Two of us", value: "pair" },
        { title: "Just me (lone visit)", value: "lone" },
      ] satisfies Choice[],
    },
    policy.loneWorking.twoStaffWhenEntering === "required"
      ? text("A lone visit is doorstep only: entering the home needs two members of staff.", { isSubtle: true, size: "small", spacing: "small" })
      : undefined,
  );
  const others = peopleWith(policy, ["visitor"]).filter((p) => !sameId(p.aadObjectId, viewerId));
  field(
    {
      type: "Input.ChoiceSet",
      id: "secondStaffId",
      label: "Second member of staff (for two of us)",
      placeholder: "Choose who is going with you",
      choices: others.map((p) => ({ title: p.displayName, value: p.aadObjectId })),
    },
    others.length === 0 ? text("No other home visitors are listed for the school yet.", { isSubtle: true, size: "small", spacing: "none" }) : undefined,
  );
  field({
    type: "Input.Text",
    id: "riskAssessment",
    label: policy.loneWorking.riskAssessmentRequired
      ? "Lone-working risk assessment (needed for a lone visit)"
      : "Lone-working risk assessment (for a lone visit)",
    placeholder: "The risks, and how you will keep safe",
    isMultiline: true,
    maxLength: LIMITS.riskAssessment.max,
  });
  field({
    type: "Input.ChoiceSet",
    id: "announced",
    label: "Does the family know you are coming?",
    style: "expanded",
    isRequired: true,
    errorMessage: "Say whether the family knows you are coming.",
    value: "yes",
    choices: [
      { title: "Yes, the visit is announced", value: "yes" },
      { title: "No, it is unannounced", value: "no" },
    ] satisfies Choice[],
  });
  field({
    type: "Input.Text",
    id: "unannouncedReason",
    label: policy.announcement.unannouncedNeedsReason ? "Why unannounced? (needed if unannounced)" : "Why unannounced? (if unannounced)",
    placeholder: "e.g. an emergency or a welfare concern",
    maxLength: LIMITS.unannouncedReason.max,
  });
  field({
    type: "Input.Text",
    id: "knownRisks",
    label: "Known risks (aggression, anything from the risk assessment)",
    placeholder: "Leave empty if none known",
    isMultiline: true,
    maxLength: LIMITS.knownRisks.max,
  });
  field({
    type: "Input.Text",
    id: "pets",
    label: "Animals at the address (optional)",
    placeholder: "e.g. large dog, usually in the garden",
    maxLength: LIMITS.pets.max,
  });
  field({
    type: "Input.Text",
    id: "medicalNeeds",
    label: "Medical needs to know about (optional)",
    maxLength: LIMITS.medicalNeeds.max,
  });
  field({
    type: "Input.Text",
    id: "socialWorker",
    label: "Allocated social worker or other professional (optional)",
    placeholder: "Name and service",
    maxLength: LIMITS.socialWorker.max,
  });

  // A new request names the school it is for (staff of two schools choose); a change is for the visit's own school.
  const data = amending ? { visitId, ...(view.version !== undefined ? { version: view.version } : {}) } : { schoolId: view.policy.school.id };
  return adaptiveCard({
    body,
    actions: [execute(amending ? "Send changes for approval" : "Send for approval", Verbs.submitRequest, data, { style: "positive" })],
  });
}

/** The school's rules about going inside, in its own words, under the doorstep/enter question. */
function entryGuidance(policy: PolicyProfile): string[] {
  const lines: string[] = [];
  if (policy.loneWorking.twoStaffWhenEntering === "required") lines.push("Entering the home needs two members of staff.");
  if (policy.loneWorking.twoStaffWhenEntering === "recommended") lines.push("Two members of staff are recommended when entering the home.");
  if (policy.entry.enteringNeedsAdultPresent) lines.push("Only go in when a parent or carer is present.");
  return [...lines, ...policy.entry.guidance];
}

/** Values as the inputs expect them: times as HH:MM. Empty values are left out so defaults apply. */
function prefill(id: RequestFormInputId, value: string | undefined): string | undefined {
  if (value === undefined || value.length === 0) return undefined;
  if (id === "start" || id === "end") return normaliseTime(value) ?? value;
  return value;
}
