import type { Outcome } from "../domain/record";
import { recordSummary } from "../domain/record";
import { isSafeguardingVisit } from "../domain/retention";
import { describePeriod } from "../domain/retention-period";
import type { Visit } from "../domain/visit";
import { visitorsOf, visitReference } from "../domain/visit";
import { describeStatus } from "../domain/visit.decide";
import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard, Banner, CardElement } from "./card-parts";
import { adaptiveCard, banner, clockOf, dayOf, facts, heading, inputWithError, errorSummary, sameId, execute, text } from "./card-parts";
import type { RecordFormErrors, RecordFormInputId, RecordFormValues } from "./record-form.data";
import { AGREEMENT_SLOTS, RECORD_LIMITS } from "./record-form.data";
import { Verbs } from "./verbs";
import { CALL_OFF_WORDS } from "./visit-parts";

export interface RecordView {
  visit: Visit;
  policy: PolicyProfile;
  /** Entra object id of the person the card is for: only the staff on the visit record it and see the summary. */
  viewerId: string;
  /** What was typed before an error (parseRecordForm's values), to show again. */
  values?: Partial<RecordFormValues>;
  /** One message per input id, in red under that input; `form` is a general problem shown at the top. */
  errors?: RecordFormErrors & { form?: string };
  /** A banner at the top: the result of the last action, or why it was refused. */
  message?: Banner;
}

const OUTCOME_CHOICES: { title: string; value: Outcome }[] = [
  { title: "The visit took place", value: "seen" },
  { title: "Nobody seen", value: "not-seen" },
  { title: "Called off at the door", value: "called-off" },
];

/** Where the school keeps its records, for the line under the summary. */
const SYSTEM_WORDS: Record<PolicyProfile["record"]["system"], string> = {
  CPOMS: "Copy this into CPOMS.",
  "attendance-record": "Copy this into the pupil's attendance record.",
  none: "Keep this with the school's records of the visit.",
};

/**
 * R21, R22: the record of a visit, for the staff who went. Once they have left: a form (the outcome, what
 * happened, up to three agreements with follow-up dates, concerns, follow-up actions, and the confirmations
 * the policy asks for). Once recorded: the plain-text summary for the school's record system, to copy as it is.
 */
export function recordCard(view: RecordView): AdaptiveCard {
  const { visit, viewerId } = view;
  const onVisit = visitorsOf(visit).some((id) => sameId(id, viewerId));
  const ref = visitReference(visit.id);

  if (!onVisit) {
    return adaptiveCard({
      body: [banner(view.message), heading(`Record of visit ${ref}`), text("Only the staff who went on the visit can record it and see the record here.")],
    });
  }
  if (visit.status === "recorded" && visit.record) return recorded(view);
  if (visit.status !== "left") {
    const never = visit.status === "cancelled" || visit.status === "declined";
    return adaptiveCard({
      body: [
        banner(view.message),
        heading(`Record visit ${ref}`),
        text(never ? "This visit did not take place: there is nothing to record." : `Record the visit once you have left the address. It is ${describeStatus(visit)}.`),
      ],
    });
  }
  return form(view);
}

function form(view: RecordView): AdaptiveCard {
  const { visit, policy } = view;
  const values = view.values ?? {};
  const errors = view.errors ?? {};
  const required = policy.record.requiredFields;

  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading(`Record visit ${visitReference(visit.id)}`),
    facts([
      ["Pupil", visit.details.pupilReference],
      ["Address", visit.details.address],
      ["Date", dayOf(visit.details.date)],
      ["Times", visit.arrivedAt && visit.leftAt ? `Arrived ${clockOf(visit.arrivedAt)}, left ${clockOf(visit.leftAt)}` : `Planned ${visit.details.start} to ${visit.details.end}`],
      ["Called off", visit.calledOff ? CALL_OFF_WORDS[visit.calledOff.reason] : undefined],
    ]),
    ...errorSummary(errors),
  ];

  const field = (input: CardElement & { id: RecordFormInputId; label: string }, ...after: (CardElement | undefined)[]) => {
    body.push(...inputWithError(input, values[input.id], errors[input.id]), ...after);
  };

  const outcomeDefault = visit.calledOff ? { value: "called-off" } : {};
  field({
    type: "Input.ChoiceSet",
    id: "outcome",
    label: "What happened?",
    style: "expanded",
    isRequired: true,
    errorMessage: "Choose what happened.",
    choices: OUTCOME_CHOICES,
    ...outcomeDefault,
  });
  field({
    type: "Input.Text",
    id: "summary",
    label: "Summary of the visit",
    placeholder: "Who you saw, what was discussed, how the pupil is",
    isMultiline: true,
    isRequired: true,
    errorMessage: "Write what happened on the visit.",
    maxLength: RECORD_LIMITS.summary.max,
  });

  body.push(
    text(required.includes("agreements") ? "Agreements with the parents (needed when the visit took place)" : "Agreements with the parents", { weight: "bolder", spacing: "medium" }),
    text(
      policy.agreements.tracked
        ? "Up to three. Give a follow-up date and the school is reminded to check on it."
        : "Up to three, each with a follow-up date if there is one.",
      { isSubtle: true, size: "small", spacing: "none" },
    ),
  );
  for (const slot of AGREEMENT_SLOTS) {
    field({ type: "Input.Text", id: `agreement${slot}`, label: `Agreement ${slot}`, maxLength: RECORD_LIMITS.agreement.max });
    field({ type: "Input.Date", id: `agreement${slot}By`, label: `Agreement ${slot}: follow up by (optional)`, min: visit.details.date });
  }

  field(
    { type: "Input.Text", id: "concerns", label: "Concerns (optional)", isMultiline: true, maxLength: RECORD_LIMITS.concerns.max },
    text("A safeguarding concern goes to the safeguarding team now: use Report a concern on the visit card.", { isSubtle: true, size: "small", spacing: "none" }),
  );
  field({ type: "Input.Text", id: "followUpActions", label: "Follow-up actions (optional)", isMultiline: true, maxLength: RECORD_LIMITS.followUpActions.max });
  if (policy.review.staffFeedback) {
    // R31: the school reviews its policy with feedback from the staff who made the visits.
    field({ type: "Input.Text", id: "staffFeedback", label: "Your feedback on the home-visit policy (optional)", isMultiline: true, maxLength: RECORD_LIMITS.staffFeedback.max });
  }

  if (required.includes("parent-confirmation")) {
    field({ type: "Input.Toggle", id: "parentConfirmed", label: "Parent's confirmation (needed when the visit took place)", title: "The parent has confirmed this record" });
  }
  if (required.includes("officer-confirmation")) {
    field({ type: "Input.Toggle", id: "officerConfirmed", label: "Your confirmation", title: "I confirm this record is accurate" });
  }

  return adaptiveCard({
    body,
    actions: [execute("Save the record", Verbs.record, { visitId: visit.id }, { style: "positive" })],
  });
}

function recorded(view: RecordView): AdaptiveCard {
  const { visit, policy } = view;
  const record = visit.record!;
  const lines = recordSummary(visit, policy).split("\n");
  return adaptiveCard({
    body: [
      banner(view.message),
      heading(`Visit ${visitReference(visit.id)} recorded`),
      text(`Recorded by ${record.recordedBy.name} at ${clockOf(record.recordedAt)}.`, { spacing: "none", isSubtle: true }),
      isSafeguardingVisit(visit)
        ? text(
            `A concern was raised on this visit: CPOMS is its record of truth, whatever else the school keeps, so record it there in full. Home Visits keeps this copy for ${describePeriod(policy.retention.safeguardingVisits)} after the visit's last entry.`,
            { weight: "bolder", color: "attention" },
          )
        : undefined,
      text(SYSTEM_WORDS[policy.record.system], { weight: "bolder" }),
      {
        type: "Container",
        style: "emphasis",
        // One run per line, not markdown: the text is copied exactly as it is (a "- " stays a dash).
        items: lines.map((line, i) => ({
          type: "RichTextBlock",
          ...(i > 0 ? { spacing: "none" } : {}),
          inlines: [{ type: "TextRun", text: line.length > 0 ? line : " ", fontType: "monospace" }],
        })),
      },
    ],
  });
}

