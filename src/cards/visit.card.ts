import { lateLimitAt, waitLimitAt } from "../domain/door";
import { describeDuration } from "../domain/duration";
import { approverRolesFor } from "../domain/roles";
import type { CallOffReason, CheckInStep, Visit, VisitStatus } from "../domain/visit";
import { OUT_STATUSES, PRE_VISIT_STATUSES, visitReference } from "../domain/visit";
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
import {
  CALL_OFF_WORDS,
  CHECK_IN_LABELS,
  CHECKED_IN_AS,
  INCIDENT_WORDS,
  callOffReaders,
  cancellationLine,
  checkInLabel,
  decisionLine,
  entryText,
  noteLine,
  purposeText,
  staffingText,
  whenText,
} from "./visit-parts";

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

/** Statuses in which "I need help" and "Report a concern" are offered: from approval until after leaving. */
const HELP_STATUSES: readonly VisitStatus[] = ["approved", ...OUT_STATUSES, "left"];
/** At the address: where animals or feeling unsafe can call the visit off (R13, R14). */
const AT_ADDRESS: readonly VisitStatus[] = ["arrived", "waiting-for-parent", "in-visit"];
/** After the visit: an incident or physical intervention is recorded as soon as possible (R24). */
const AFTER: readonly VisitStatus[] = ["left", "recorded"];

/**
 * The visitor's card: where the visit stands and the one thing to do next (R10, R11, R15, R16), and the safety
 * net while out (R18, R19, R23). At the door: going in only with an adult present (R08), the wait for an absent
 * parent and the call to call it off (R11), a late parent (R12), and calling it off for animals or feeling unsafe
 * (R13, R14). After leaving: Record the visit (R21) and Report an incident (R24). Check-ins sit in the body so
 * the card's own actions (at most five) stay free for help. The card carries no version: a silent alarm (R17)
 * changes the visit's version, and must leave this card exactly as it was.
 */
export function visitCard(view: VisitView): AdaptiveCard {
  const { visit, policy, viewerId } = view;
  const checkIns: CardAction[] = view.nextSteps.map((step) =>
    execute(checkInLabel(step, visit), Verbs.checkIn, { visitId: visit.id, step }, {
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
    ...statusSection(visit, policy, view.nextSteps),
    ...incidentLines(visit),
    actionSet(checkIns),
  ];

  const actions: CardAction[] = [];
  if (HELP_STATUSES.includes(visit.status)) {
    actions.push(execute("I need help", Verbs.help, { visitId: visit.id }, { style: "destructive", associatedInputs: "none" }));
    actions.push(reportConcern(visit, policy));
  }
  if (AT_ADDRESS.includes(visit.status) && !visit.calledOff) actions.push(callOffAtTheDoor(visit, policy));
  if (AFTER.includes(visit.status)) actions.push(reportIncident(visit, policy));
  if (visit.status === "changes-requested") {
    actions.push(execute("Change the request", Verbs.openForm, { visitId: visit.id }, { style: "positive", associatedInputs: "none" }));
  }
  if (PRE_VISIT_STATUSES.includes(visit.status)) {
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
  const hint = nextHint(steps, visit);
  const enteringNeedsAdult = policy.entry.enteringNeedsAdultPresent && visit.details.entry === "enter";

  // Called off at the door: all that is left is to get away and say so (R11–R14).
  if (visit.calledOff && AT_ADDRESS.includes(visit.status)) {
    return [
      status("Visit called off", "attention"),
      text(`Visit called off (${CALL_OFF_WORDS[visit.calledOff.reason]}). Leave now and tap **${CHECK_IN_LABELS.left}**.`, { weight: "bolder" }),
      reportSent(visit.calledOff.reason, policy),
      ...whileOut(policy, steps),
    ];
  }

  switch (visit.status) {
    case "requested": {
      const roles = approverRolesFor(policy, visit);
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
        enteringNeedsAdult ? text("Only go in when a parent or carer is present.") : undefined,
        steps.includes("parent-late")
          ? text(`Parent said they are running late? Tap **${CHECK_IN_LABELS["parent-late"]}**. Do not go in until they arrive.`, { size: "small" })
          : undefined,
        ...whileOut(policy, steps),
      ];
    case "waiting-for-parent":
      if (visit.parentLateSince) {
        const limit = lateLimitAt(visit, policy);
        return [
          status("Parent running late", "warning"),
          text("Do not go in until they arrive.", { weight: "bolder" }),
          limit ? text(`The visit is called off at ${clockOf(limit)} if they have not arrived.`) : undefined,
          hint,
          ...whileOut(policy, steps),
        ];
      }
      return [status("Waiting for the parent", "warning"), ...parentAbsent(visit, policy), hint, ...whileOut(policy, steps)];
    case "in-visit":
      return [
        status("Visit in progress"),
        since(visit),
        hint,
        enteringNeedsAdult ? text("Stay inside only while a parent or carer is present.", { size: "small" }) : undefined,
        ...whileOut(policy, steps),
      ];
    case "left": {
      const at = visit.lastCheckIn?.step === "left" ? ` at ${clockOf(visit.lastCheckIn.at)}` : "";
      return [
        status(`Left safely${at}. Thank you.`, "good"),
        visit.calledOff ? text(`Called off at the door (${CALL_OFF_WORDS[visit.calledOff.reason]}).`, { spacing: "none" }) : undefined,
        text("Next: record the visit while it is fresh."),
        actionSet([execute("Record the visit", Verbs.openRecord, { visitId: visit.id }, { style: "positive", associatedInputs: "none" })]),
      ];
    }
    case "recorded":
      return [status("Recorded. Thank you.", "good")];
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
function nextHint(steps: readonly CheckInStep[], visit: Visit): CardElement | undefined {
  const has = (step: CheckInStep) => steps.includes(step);
  const tap = (step: CheckInStep) => `**${checkInLabel(step, visit)}**`;
  let words: string | undefined;
  if (has("left-school")) words = `Next: tap ${tap("left-school")} when you set off.`;
  else if (has("arrived")) words = `Next: tap ${tap("arrived")} when you get there.`;
  else if (has("parent-present") && has("parent-absent")) words = `Is a parent or carer here? Tap ${tap("parent-present")} or ${tap("parent-absent")}.`;
  else if (has("parent-present")) words = `Tap ${tap("parent-present")} when you are with the parent or carer.`;
  else if (has("parent-arrived")) words = `Tap ${tap("parent-arrived")} when they come.`;
  else if (has("left")) words = `Tap ${tap("left")} as soon as you have left.`;
  return words ? text(words) : undefined;
}

/**
 * R11: how long to wait for a parent who is not there, and once that has passed, the call to call it off; or,
 * where the policy says to enquire and leave a visit card, its guidance and the same button.
 */
function parentAbsent(visit: Visit, policy: PolicyProfile): (CardElement | undefined)[] {
  const absent = policy.parentAbsent;
  const callOff = actionSet([
    execute("Call off: parent not in", Verbs.callOff, { visitId: visit.id, reason: "parent-absent" }, { style: "destructive", associatedInputs: "none" }),
  ]);
  if (absent.mode === "wait") {
    if (visit.waitLimitReachedAt) {
      return [
        {
          type: "Container",
          style: "attention",
          items: [text(`You have waited ${describeDuration(absent.waitLimit)}: the policy says call the visit off.`, { weight: "bolder", color: "attention" }), callOff],
        },
      ];
    }
    const limit = waitLimitAt(visit, policy);
    const until = limit ? ` (until ${clockOf(limit)})` : "";
    return [text(`Wait no longer than ${describeDuration(absent.waitLimit)}${until}.`, { weight: "bolder" })];
  }
  if (absent.mode === "enquire-and-leave-card") return [text(absent.guidance, { weight: "bolder" }), callOff];
  return [];
}

/**
 * R13, R14: animals not shut away, or feeling unsafe, call the visit off. One fold-out with one note (input ids
 * are unique on a card) and a button per reason; the note is the written report the policy asks for.
 */
function callOffAtTheDoor(visit: Visit, policy: PolicyProfile): ShowCardAction {
  const animals = policy.animals.enabled;
  const unsafe = policy.feelingUnsafe;
  const goesTo = (reason: "animals" | "unsafe", inWriting: boolean) => {
    const readers = callOffReaders(reason, policy);
    return readers.length > 0 ? ` Your note goes to ${rolesInWords(readers, "and")}${inWriting ? " as a written report" : ""}.` : "";
  };
  return showCard(
    animals ? "Call off: animals or unsafe" : "Call off: I feel unsafe",
    [
      animals
        ? text(
            `**Animals not shut away**: ask for any animals to be shut away or put outside. If they are not, do not go in: call the visit off.${goesTo("animals", policy.animals.reportToHeadInWriting)}`,
          )
        : undefined,
      text(`**I feel unsafe**: do not go in, or leave at once. Call the visit off when you are away.${goesTo("unsafe", unsafe.inWriting)}`),
      unsafe.recordOnCpoms ? text("The policy asks for it to be recorded on CPOMS too.", { isSubtle: true, size: "small", spacing: "none" }) : undefined,
      {
        type: "Input.Text",
        id: "callOffNote",
        label: "What happened?",
        isMultiline: true,
        maxLength: 1000,
        isRequired: true,
        errorMessage: "Write a line on what happened.",
      },
    ],
    [
      ...(animals ? [execute("Animals not shut away", Verbs.callOff, { visitId: visit.id, reason: "animals" }, { style: "destructive" })] : []),
      execute("I feel unsafe", Verbs.callOff, { visitId: visit.id, reason: "unsafe" }, { style: "destructive" }),
    ],
  );
}

/** Once called off: who has the visitor's note. */
function reportSent(reason: CallOffReason, policy: PolicyProfile): CardElement | undefined {
  const readers = callOffReaders(reason, policy);
  return readers.length > 0 ? text(`Your note has gone to ${rolesInWords(readers, "and")}.`, { spacing: "small" }) : undefined;
}

/** R24: an incident or a physical intervention, with a note, shared with the roles the policy names. */
function reportIncident(visit: Visit, policy: PolicyProfile): ShowCardAction {
  const to = rolesInWords(policy.incidents.shareWith, "and");
  return showCard(
    "Report an incident",
    [
      text(`Record it as soon as you can${to ? `: it goes to ${to}` : ""}.`),
      {
        type: "Input.Text",
        id: "incidentNote",
        label: "What happened?",
        isMultiline: true,
        maxLength: 1000,
        isRequired: true,
        errorMessage: "Describe what happened.",
      },
    ],
    [
      execute("Report incident", Verbs.incident, { visitId: visit.id, kind: "incident" }),
      execute("Report physical intervention", Verbs.incident, { visitId: visit.id, kind: "physical-intervention" }),
    ],
  );
}

/** The incidents the visitors reported, without their notes: "Incident reported at 10:40 (Alex Rivers)." */
function incidentLines(visit: Visit): CardElement[] {
  return visit.incidents.map((i) => text(`${INCIDENT_WORDS[i.kind]} reported at ${clockOf(i.at)} (${i.by.name}).`, { isSubtle: true, size: "small" }));
}

/** R15, R18: the periodic check-in and the school's words for immediate danger, while out. */
function whileOut(policy: PolicyProfile, steps: readonly CheckInStep[]): (CardElement | undefined)[] {
  const every = policy.checkIns.periodicEvery;
  return [
    every && steps.includes("safe") ? text(`Tap **${CHECK_IN_LABELS.safe}** at least every ${describeDuration(every)}.`, { size: "small" }) : undefined,
    text(policy.help.policeGuidance, { isSubtle: true, size: "small" }),
  ];
}
