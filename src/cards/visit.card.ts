import { describeDuration, durationMs } from "../domain/duration";
import { approverRolesFor } from "../domain/roles";
import type { CheckInStep, Visit, VisitStatus } from "../domain/visit";
import { OUT_STATUSES, visitReference } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import { visitorAlertLines } from "./alert-parts";
import type { AdaptiveCard, Banner, CardAction, CardElement, ShowCardAction } from "./card-parts";
import {
  actionSet,
  adaptiveCard,
  banner,
  bullets,
  clockOf,
  execute,
  facts,
  heading,
  refreshFor,
  rolesInWords,
  showCard,
  targetsInWords,
  text,
} from "./card-parts";
import { Verbs } from "./verbs";
import { CHECK_IN_LABELS, CHECKED_IN_AS, cancellationLine, decisionLine, entryText, noteLine, purposeText, staffingText, whenText } from "./visit-parts";

export interface VisitView {
  visit: Visit;
  policy: PolicyProfile;
  /** Entra object id of the visitor the card is for (the requester or the second member of staff). */
  viewerId: string;
  /** The check-ins to offer now, in order: nextCheckInSteps(visit, policy). Shown exactly as given. */
  nextSteps: readonly CheckInStep[];
  /** Who gets the refreshed view (Teams user MRIs of the staff on the visit); cut to 60. */
  refreshUserIds: readonly string[];
  /** A banner at the top: the result of the last action, or why it was refused. */
  message?: Banner;
}

/** Statuses in which check-in buttons make sense. */
const CHECK_IN_STATUSES: readonly VisitStatus[] = ["approved", ...OUT_STATUSES];
/** Statuses in which "I need help" and "Report a concern" are offered: from approval until after leaving. */
const HELP_STATUSES: readonly VisitStatus[] = ["approved", ...OUT_STATUSES, "left"];
/** Statuses in which the visit can still be called off (the domain's pre-visit statuses). */
const CANCELLABLE: readonly VisitStatus[] = ["requested", "changes-requested", "approved", "on-the-way"];

/**
 * The visitor's card: where the visit stands and the one thing to do next (R10, R11, R15, R16), and the safety
 * net while out (R18, R19, R23). Check-ins sit in the body so the card's own actions (at most five) stay
 * free for help. The card carries no version: a silent alarm (R17) changes the visit's version, and must
 * leave this card exactly as it was.
 */
export function visitCard(view: VisitView): AdaptiveCard {
  const { visit, policy, viewerId } = view;
  const steps = CHECK_IN_STATUSES.includes(visit.status) ? view.nextSteps : [];

  const checkIns: CardAction[] = steps.map((step) =>
    execute(CHECK_IN_LABELS[step], Verbs.checkIn, { visitId: visit.id, step }, {
      associatedInputs: "none",
      ...(step === "left" ? { style: "positive" as const } : {}),
    }),
  );
  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading(`Home visit ${visitReference(visit.id)}`),
    ...visitorAlertLines(visit, policy),
    facts([
      ["Pupil", visit.details.pupilReference],
      ["Purpose", purposeText(visit, policy)],
      ["When", whenText(visit)],
      ["Address", visit.details.address],
      ["Staff", staffingText(visit, policy, viewerId)],
      ["Going in?", entryText(visit)],
    ]),
    ...statusSection(visit, policy, steps),
    actionSet(checkIns),
  ];

  const actions: CardAction[] = [];
  if (HELP_STATUSES.includes(visit.status)) {
    actions.push(execute("I need help", Verbs.help, { visitId: visit.id }, { style: "destructive", associatedInputs: "none" }));
    actions.push(reportConcern(visit, policy));
  }
  if (visit.status === "changes-requested") {
    actions.push(execute("Change the request", Verbs.openForm, { visitId: visit.id }, { style: "positive", associatedInputs: "none" }));
  }
  if (CANCELLABLE.includes(visit.status)) {
    actions.push(
      showCard(
        "Cancel visit",
        [
          {
            type: "Input.Text",
            id: "cancelReason",
            label: "Why are you cancelling?",
            isRequired: true,
            errorMessage: "Say why the visit is cancelled.",
            maxLength: 500,
          },
        ],
        [execute("Cancel this visit", Verbs.cancel, { visitId: visit.id }, { style: "destructive" })],
      ),
    );
  }

  return adaptiveCard({ body, actions, refresh: refreshFor(visit.id, view.refreshUserIds) });
}

/**
 * R19, R23: a child found alone (one tap, with the school's guidance first: speed matters more than a note)
 * and a safeguarding concern (a note is required), folded into one button to keep the card short.
 */
function reportConcern(visit: Visit, policy: PolicyProfile): ShowCardAction {
  const childAlone = policy.childAlone.enabled
    ? [
        text("Found a child alone?", { weight: "bolder" }),
        text(policy.childAlone.guidance ?? "Do not go in unless it is an emergency. Tell the safeguarding team now.", { spacing: "none" }),
        actionSet([
          execute("Child found alone", Verbs.concern, { visitId: visit.id, kind: "child-alone" }, { style: "destructive", associatedInputs: "none" }),
        ]),
      ]
    : [];
  const to = targetsInWords(policy.concerns.alert);
  return showCard(
    "Report a concern",
    [
      ...childAlone,
      text("Safeguarding concern", { weight: "bolder" }),
      to ? text(`Goes to ${to} straight away.`, { spacing: "none", isSubtle: true }) : undefined,
      {
        type: "Input.Text",
        id: "concernNote",
        label: "What is the concern?",
        isMultiline: true,
        maxLength: 1000,
        isRequired: true,
        errorMessage: "Say briefly what the concern is.",
      },
    ],
    [execute("Send concern", Verbs.concern, { visitId: visit.id, kind: "concern" })],
  );
}

function statusSection(visit: Visit, policy: PolicyProfile, steps: readonly CheckInStep[]): (CardElement | undefined)[] {
  const status = (words: string, color?: "good" | "attention" | "warning") => text(words, { weight: "bolder", size: "medium", ...(color ? { color } : {}) });
  const decided = visit.decision ? [text(decisionLine(visit.decision), { spacing: "none" }), note(visit.decision.note)] : [];
  const hint = nextHint(steps);

  switch (visit.status) {
    case "requested": {
      const roles = approverRolesFor(policy, visit.details.staffing.mode === "lone");
      return [status("Waiting for approval"), text(`Sent to ${rolesInWords(roles)}. Do not set off until it is approved.`, { spacing: "none" })];
    }
    case "changes-requested":
      return [status("Changes needed", "warning"), ...decided, text("Change the request, then it goes back for approval.")];
    case "declined":
      return [status("Declined", "attention"), ...decided, text("Do not go on this visit.")];
    case "approved": {
      const reminders = policy.briefing.enabled ? policy.briefing.reminders : [];
      return [
        status("Approved: you can go", "good"),
        ...decided,
        hint,
        reminders.length > 0 ? text("Before you go:", { weight: "bolder" }) : undefined,
        bullets(reminders, { spacing: "none" }),
      ];
    }
    case "on-the-way":
      return [status("On the way"), since(visit), hint, ...whileOut(policy, steps)];
    case "arrived":
      return [
        status("Arrived"),
        since(visit),
        hint,
        policy.entry.enteringNeedsAdultPresent && visit.details.entry === "enter" ? text("Only go in when a parent or carer is present.") : undefined,
        ...whileOut(policy, steps),
      ];
    case "waiting-for-parent":
      return [status("Waiting for the parent", "warning"), waitLimit(visit, policy), hint, ...whileOut(policy, steps)];
    case "in-visit":
      return [status("Visit in progress"), since(visit), hint, ...whileOut(policy, steps)];
    case "left": {
      const at = visit.lastCheckIn?.step === "left" ? ` at ${clockOf(visit.lastCheckIn.at)}` : "";
      return [status(`Left safely${at}. Thank you.`, "good")];
    }
    case "recorded":
      return [status("Visit recorded. Thank you.", "good")];
    case "cancelled":
      return [status("Cancelled", "attention"), text(cancellationLine(visit) ?? "This visit was cancelled.", { spacing: "none" })];
  }
}

function note(words: string | undefined): CardElement | undefined {
  const line = noteLine(words);
  return line ? text(line, { spacing: "none" }) : undefined;
}

/** "Last check-in: Arrived at 09:31." */
function since(visit: Visit): CardElement | undefined {
  const last = visit.lastCheckIn;
  return last ? text(`Last check-in: ${CHECKED_IN_AS[last.step]} at ${clockOf(last.at)}.`, { isSubtle: true, spacing: "none" }) : undefined;
}

/** The one thing to do next, from the first step on offer that moves the visit on. */
function nextHint(steps: readonly CheckInStep[]): CardElement | undefined {
  const has = (step: CheckInStep) => steps.includes(step);
  const tap = (step: CheckInStep) => `**${CHECK_IN_LABELS[step]}**`;
  let words: string | undefined;
  if (has("left-school")) words = `Next: tap ${tap("left-school")} when you set off.`;
  else if (has("arrived")) words = `Next: tap ${tap("arrived")} when you get there.`;
  else if (has("parent-present") && has("parent-absent")) words = `Is a parent or carer here? Tap ${tap("parent-present")} or ${tap("parent-absent")}.`;
  else if (has("parent-present")) words = `Tap ${tap("parent-present")} when you are with the parent or carer.`;
  else if (has("parent-arrived")) words = `Tap ${tap("parent-arrived")} when they come.`;
  else if (has("left")) words = `Tap ${tap("left")} as soon as you have left.`;
  return words ? text(words) : undefined;
}

/** R11: how long to wait for a parent who is not there, or what to do instead. */
function waitLimit(visit: Visit, policy: PolicyProfile): CardElement | undefined {
  const absent = policy.parentAbsent;
  if (absent.mode === "wait") {
    const until = visit.parentAbsentSince
      ? ` (until ${clockOf(new Date(Date.parse(visit.parentAbsentSince) + durationMs(absent.waitLimit)).toISOString())})`
      : "";
    return text(`Wait no longer than ${describeDuration(absent.waitLimit)}${until}.`, { weight: "bolder" });
  }
  if (absent.mode === "enquire-and-leave-card") return text(absent.guidance, { weight: "bolder" });
  return undefined;
}

/** R15, R18: the periodic check-in and the school's words for immediate danger, while out. */
function whileOut(policy: PolicyProfile, steps: readonly CheckInStep[]): (CardElement | undefined)[] {
  const every = policy.checkIns.periodicEvery;
  return [
    every && steps.includes("safe") ? text(`Tap **${CHECK_IN_LABELS.safe}** at least every ${describeDuration(every)}.`, { size: "small" }) : undefined,
    text(policy.help.policeGuidance, { isSubtle: true, size: "small" }),
  ];
}
