import type { StaffMember } from "../app/ports";
import type { Alert } from "../domain/alert";
import { isOpen } from "../domain/alert";
import type { Visit } from "../domain/visit";
import { visitReference, visitorsOf } from "../domain/visit";
import { describeStatus } from "../domain/visit.decide";
import type { PolicyProfile } from "../policy/policy.schema";
import {
  ALERT_KIND_WORDS,
  SILENT_CAUTION,
  alertStatusText,
  falseAlarmLine,
  elapsedText,
  missedText,
  raisedByText,
  resolveTitle,
} from "./alert-parts";
import type { AdaptiveCard, Banner, CardAction, CardElement } from "./card-parts";
import {
  adaptiveCard,
  alertRefreshFor,
  banner,
  capitalise,
  clockOf,
  execute,
  facts,
  staffName,
  sameId,
  showCard,
  targetsInWords,
  targetsThatExist,
  text,
} from "./card-parts";
import { type Mention, mentionLine, withMentions } from "./mentions";
import { Verbs } from "./verbs";
import { entryText, lastCheckInText, noteLine, purposeText, whenText } from "./visit-parts";

export interface AlertView {
  visit: Visit;
  alert: Alert;
  policy: PolicyProfile;
  /** Who the card is built for; no id for the base card of a channel post. */
  viewer: { id?: string };
  /** The server's answer to "may this viewer acknowledge and resolve this alert?" (decide() has the last word). */
  canAct: boolean;
  /**
   * "minimum" for the base card of a channel post (seen by everyone in the channel) and anyone not entitled;
   * "full" for the people who may act (for a concern or a child found alone: only the DSL and deputies).
   */
  detail: "full" | "minimum";
  /** The staff on the visit, as the directory knows them (mobile and vehicle, R06). Used only in full. */
  staff: readonly StaffMember[];
  /** Who gets their own view on refresh (Teams user MRIs "29:…" of the responders); cut to 60. */
  refreshUserIds: readonly string[];
  /** A banner at the top: the result of the last action, or why it was refused. */
  message?: Banner;
  /** When the card is built, to say how long the alert has been open. Leave out for a card without a clock. */
  now?: Date;
  /**
   * The people a channel post is for, @mentioned so their phones buzz whether or not they follow the channel. Only
   * on the post itself: a card updated in place mentions nobody, so a change never notifies anyone again.
   */
  mentions?: readonly Mention[];
}

/**
 * A safety alert as a responder, or a channel, sees it (R18–R20, R23). The minimum view names the visit, the
 * kind, who raised it, when, and where it stands, and no pupil at all: nothing a whole channel should not
 * read. The full view adds what a responder needs to find the visitor: the itinerary, each visitor's mobile
 * and vehicle, the known risks, the last check-in, the missed deadline, the note and the school's police
 * guidance (vehicle and known risks only when the visitor may need finding: a missed check-in or help). Buttons
 * ("I'm on it", "Contacted – safe" / "Dealt with") only for someone who may act, while the alert is open.
 */
export function alertCard(view: AlertView): AdaptiveCard {
  const { visit, alert } = view;
  const full = view.detail === "full";
  const open = isOpen(alert);

  const body: (CardElement | undefined)[] = [
    banner(view.message),
    text(ALERT_KIND_WORDS[alert.kind], { weight: "bolder", size: "large", color: open ? "attention" : "good" }),
    mentionLine(view.mentions ?? []),
    facts([
      ["Visit", visitReference(visit.id)],
      // Not even initials in the minimum view: a channel reads it, and a reference from before the policy's format may carry more.
      ["Pupil", full ? visit.details.pupilReference : undefined],
      ["Raised by", raisedByText(alert)],
      ["Raised at", clockOf(alert.raisedAt)],
      ["Status", alertStatusText(alert)],
    ]),
    alert.silent ? text(SILENT_CAUTION, { weight: "bolder", color: "attention" }) : undefined,
    falseAlarmLine(alert),
    ...(full ? details(view) : [text("Details are shown to the people who respond to this alert.", { isSubtle: true, size: "small" })]),
  ];

  const actions: CardAction[] = [];
  if (view.canAct && open) {
    const data = { visitId: visit.id, alertId: alert.id };
    if (!alert.acknowledged) actions.push(execute("I'm on it", Verbs.acknowledgeAlert, data, { style: "positive", associatedInputs: "none" }));
    actions.push(
      showCard(
        resolveTitle(alert.kind),
        [
          {
            type: "Input.Text",
            id: "resolveNote",
            label: "Who you spoke to and what was done",
            isMultiline: true,
            maxLength: 1000,
            isRequired: true,
            errorMessage: "Add a short note: who you spoke to and what was done.",
          },
        ],
        [execute("Close the alert", Verbs.resolveAlert, data, { style: "positive" })],
      ),
    );
  }

  return withMentions(adaptiveCard({ body, actions, refresh: alertRefreshFor(visit.id, alert.id, view.refreshUserIds) }), view.mentions ?? []);
}

/** What only the people who may act see. */
function details(view: AlertView): (CardElement | undefined)[] {
  const { visit, alert, policy } = view;
  const open = isOpen(alert);
  const findingThem = alert.kind === "overdue" || alert.kind === "help";
  return [
    handlingLine(alert, view.viewer.id),
    alert.resolved ? noteText(alert.resolved.note) : undefined,
    alert.kind === "concern" || alert.kind === "child-alone" ? noteText(alert.note) : undefined,
    facts([
      ["Missed", missedText(alert)],
      ["Open for", open && view.now ? elapsedText(alert.raisedAt, view.now) : undefined],
      ["Told so far", alert.kind === "overdue" ? toldSoFar(alert, visit, policy) : undefined],
    ]),
    // Who to ring first, then where they are.
    ...visitorsOf(visit).flatMap((id) => staffLines(view, id, findingThem)),
    facts([
      ["Address", visit.details.address],
      ["When", whenText(visit)],
      ["Purpose", purposeText(visit, policy)],
      ["Going in?", entryText(visit)],
      ["Known risks", findingThem ? visit.details.knownRisks : undefined],
      ["Visit status", capitalise(describeStatus(visit))],
      ["Last check-in", lastCheckInText(visit) ?? "None yet"],
    ]),
    policeGuidance(alert, policy),
  ];
}

/** "Being handled by Jo Fenwick since 10:07." or, for the person handling it, "You are dealing with this". */
function handlingLine(alert: Alert, viewerId: string | undefined): CardElement | undefined {
  const ack = alert.acknowledged;
  if (!ack || alert.resolved) return undefined;
  const who = sameId(ack.by.id, viewerId) ? "You are dealing with this" : `${ack.by.name} is dealing with this`;
  return text(`${who} (since ${clockOf(ack.at)}).`, { weight: "bolder" });
}

function noteText(note: string | undefined): CardElement | undefined {
  const line = noteLine(note);
  return line ? text(line) : undefined;
}

/** For a missed check-in: who the ladder has alerted so far, the visitor left out. */
function toldSoFar(alert: Alert, visit: Visit, policy: PolicyProfile): string | undefined {
  const targets = [...alert.stepsSent].sort((a, b) => a - b).flatMap((step) => policy.escalation.steps[step]?.targets ?? []);
  return targetsInWords(targetsThatExist(targets, visit)) || undefined;
}

/** Each visitor's name and mobile, and (when they may need finding) their vehicle. "not on file" when missing. */
function staffLines(view: AlertView, id: string, withVehicle: boolean): (CardElement | undefined)[] {
  const { visit, policy } = view;
  const member = view.staff.find((m) => sameId(m.aadObjectId, id));
  const name = member?.name ?? staffName(policy, visit, id, "Second member of staff");
  const vehicle = member?.vehicle;
  return [
    text(name, { weight: "bolder" }),
    facts([
      ["Mobile", member?.mobile?.trim() || "not on file"],
      ["Vehicle", withVehicle ? (vehicle ? `${vehicle.make} ${vehicle.model}, ${vehicle.colour}, ${vehicle.registration}` : "not on file") : undefined],
    ]),
  ];
}

/** The school's words on when to call the police, for this kind of alert. */
function policeGuidance(alert: Alert, policy: PolicyProfile): CardElement | undefined {
  let words: string | undefined;
  if (alert.kind === "overdue") words = policy.escalation.policeGuidance;
  else if (alert.kind === "help") words = policy.help.policeGuidance;
  else if (policy.concerns.showPoliceGuidance) words = policy.help.policeGuidance;
  return words?.trim() ? text(words, { weight: "bolder" }) : undefined;
}
