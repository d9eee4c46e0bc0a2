import type { AgreementAction } from "../domain/record";
import { isAgreementOpen } from "../domain/record";
import { AGREEMENT_ROLES } from "../domain/roles";
import type { Visit } from "../domain/visit";
import { visitReference } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard, Banner, CardElement, ExecuteAction } from "./card-parts";
import { adaptiveCard, agreementRefreshFor, banner, bullets, capitalise, dayOf, execute, facts, heading, rolesInWords, text } from "./card-parts";
import { momentText } from "./visit-parts";
import { Verbs } from "./verbs";

export interface AgreementView {
  visit: Visit;
  /** Which agreement of the visit's record, from 0. */
  index: number;
  policy: PolicyProfile;
  /** The server's answer to "may this viewer act on agreements?" (AGREEMENT_ROLES; decide() has the last word). */
  canAct: boolean;
  /** Who gets their own view on refresh (Teams user MRIs of the people following agreements up); cut to 60. */
  refreshUserIds: readonly string[];
  /** A banner at the top: the result of the last action, or why it was refused. */
  message?: Banner;
}

/** What was done about an agreement, as its history reads ("Reminder letter sent by Jo Fenwick…"). */
const AGREEMENT_ACTION_WORDS: Record<AgreementAction, string> = {
  met: "Marked as met",
  "reminder-letter": "Reminder letter sent",
  "follow-up-visit": "Follow-up visit arranged",
  "penalty-notice-threshold": "Penalty-notice threshold reached",
  "welfare-referral": "Welfare referral made",
};

/** The buttons: what the person has done. */
const AGREEMENT_BUTTONS: Record<AgreementAction, string> = {
  met: "Agreement met",
  "reminder-letter": "Reminder letter sent",
  "follow-up-visit": "Follow-up visit arranged",
  "penalty-notice-threshold": "Penalty-notice threshold",
  "welfare-referral": "Welfare referral made",
};

/** The ladder's steps in a sentence: "a reminder letter, then a follow-up visit". */
const LADDER_WORDS: Record<Exclude<AgreementAction, "met">, string> = {
  "reminder-letter": "a reminder letter",
  "follow-up-visit": "a follow-up visit",
  "penalty-notice-threshold": "the penalty-notice threshold",
  "welfare-referral": "a welfare referral",
};

/**
 * R22: an agreement made with the parents at a visit, for the people who follow it up (the attendance lead,
 * head or SLT): what was agreed and by when, what has been done so far and, while it is open, "Agreement met"
 * and one button per step of the school's ladder for a broken agreement, with an optional note. Sent in 1:1
 * chats only.
 */
export function agreementCard(view: AgreementView): AdaptiveCard {
  const { visit, index, policy } = view;
  const refresh = agreementRefreshFor(visit.id, index, view.refreshUserIds);
  const agreement = visit.record?.agreements[index];
  if (!agreement) {
    return adaptiveCard({
      body: [banner(view.message), heading(`Agreement on visit ${visitReference(visit.id)}`), text("That agreement is not on this visit.")],
      refresh,
    });
  }
  const open = isAgreementOpen(agreement);
  const due = open && agreement.dueAt !== undefined;

  const body: (CardElement | undefined)[] = [
    banner(view.message),
    text(open ? (due ? "Agreement follow-up due" : "Agreement with parents") : "Agreement met", {
      weight: "bolder",
      size: "medium",
      ...(open ? (due ? { color: "warning" as const } : {}) : { color: "good" as const }),
    }),
    facts([
      ["Agreed", agreement.text],
      ["Follow up by", agreement.followUpBy ? dayOf(agreement.followUpBy) : "No date set"],
      ["Pupil", visit.details.pupilReference],
      ["Visit", `${visitReference(visit.id)}, ${dayOf(visit.details.date)}`],
      ["Recorded by", visit.record?.recordedBy.name],
      ["Status", open ? "Open" : "Met"],
    ]),
  ];

  if (agreement.actions.length > 0) {
    body.push(
      text("Done so far", { weight: "bolder" }),
      bullets(
        agreement.actions.map((a) => `${AGREEMENT_ACTION_WORDS[a.action]} by ${a.by.name} at ${momentText(a.at)}${a.note ? `: “${a.note}”` : ""}`),
        { spacing: "none" },
      ),
    );
  }

  if (!open) return adaptiveCard({ body, refresh });
  if (!view.canAct) {
    body.push(text(`${capitalise(rolesInWords(AGREEMENT_ROLES))} follow agreements up.`, { isSubtle: true, size: "small" }));
    return adaptiveCard({ body, refresh });
  }

  const ladder = [...new Set(policy.agreements.ladder)];
  body.push(
    text(
      ladder.length > 0
        ? `If it was not kept, the school's next steps are ${ladder.map((step) => LADDER_WORDS[step]).join(", then ")}. Record what you have done.`
        : "Record whether it was kept.",
      { spacing: "medium" },
    ),
    { type: "Input.Text", id: "agreementNote", label: "Note (optional)", isMultiline: true, maxLength: 500 },
  );
  const data = (action: AgreementAction) => ({ visitId: visit.id, index, action });
  const actions: ExecuteAction[] = [
    execute(AGREEMENT_BUTTONS.met, Verbs.agreementAction, data("met"), { style: "positive" }),
    ...ladder.map((step) => execute(AGREEMENT_BUTTONS[step], Verbs.agreementAction, data(step))),
  ];
  return adaptiveCard({ body, actions, refresh });
}
