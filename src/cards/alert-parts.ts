import type { Alert, AlertKind } from "../domain/alert";
import { isOpen } from "../domain/alert";
import type { DeadlineKind } from "../domain/deadlines";
import type { Visit } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { CardElement } from "./card-parts";
import { actionSet, capitalise, clockOf, execute, targetsInWords, text } from "./card-parts";
import { Verbs } from "./verbs";

/** What an alert is, in plain words, as a heading or a channel reads it. */
export const ALERT_KIND_WORDS: Record<AlertKind, string> = {
  overdue: "Missed check-in",
  help: "Help requested",
  "child-alone": "Child found alone",
  concern: "Safeguarding concern",
};

/** Which check-in was missed ("Your arrival check-in was due at 09:30"). */
export const MISSED_CHECK_IN_WORDS: Record<DeadlineKind, string> = {
  arrival: "arrival check-in",
  periodic: "regular “I'm safe” check-in",
  leaving: "check-in on leaving",
};

/** The button that closes an alert, by what closing it means. */
export function resolveTitle(kind: AlertKind): string {
  return kind === "overdue" || kind === "help" ? "Contacted – safe" : "Dealt with";
}

/** Said wherever a silent alarm is shown to a responder. Never the word itself. */
export const SILENT_CAUTION = "Raised silently with the code word: do not call the visitor's phone openly.";

/** "Open", "Being handled by Jo Fenwick", "Resolved by Jo Fenwick at 10:20". */
export function alertStatusText(alert: Alert): string {
  if (alert.resolved) return `Resolved by ${alert.resolved.by.name} at ${clockOf(alert.resolved.at)}`;
  if (alert.acknowledged) return `Being handled by ${alert.acknowledged.by.name}`;
  return "Open";
}

/** "Automatic: missed check-in" for what the sweeper raised, else the visitor's name. */
export function raisedByText(alert: Alert): string {
  return alert.raisedBy?.name ?? "Automatic: missed check-in";
}

/** "arrival check-in, due 09:30". */
export function missedText(alert: Alert): string | undefined {
  const deadline = alert.deadline;
  return deadline ? `${capitalise(MISSED_CHECK_IN_WORDS[deadline.kind])}, due ${clockOf(deadline.due)}` : undefined;
}

/** "12 minutes", "1 hour 5 minutes", "under a minute": how long ago, for a card that refreshes on view. */
export function elapsedText(from: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - Date.parse(from)) / 60000);
  if (minutes < 1) return "under a minute";
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (hours === 0) return part(minutes, "minute");
  return rest === 0 ? part(hours, "hour") : `${part(hours, "hour")} ${part(rest, "minute")}`;
}

/**
 * The visitor's own open alerts, said plainly on their card. A silent alert (the code word) is never among
 * them: nothing on the visitor's card may change because of it.
 */
export function visitorAlertLines(visit: Visit, policy: PolicyProfile): CardElement[] {
  return visit.alerts.filter((alert) => isOpen(alert) && !alert.silent).map((alert) => visitorAlertLine(visit, alert, policy));
}

/** The button after a visible call for help: everyone alerted is told, and the alert's owner still makes contact. */
export const FALSE_ALARM_TITLE = "False alarm: I'm safe";

/** What a responder, and a channel, reads once the visitor has said a call for help was a false alarm. */
export function falseAlarmLine(alert: Alert): CardElement | undefined {
  if (!alert.falseAlarm || !isOpen(alert)) return undefined;
  return text(`${alert.falseAlarm.by.name} said at ${clockOf(alert.falseAlarm.at)} that it was a false alarm. It stays open until whoever deals with it has spoken to them.`, {
    weight: "bolder",
    color: "good",
  });
}

function visitorAlertLine(visit: Visit, alert: Alert, policy: PolicyProfile): CardElement {
  const at = clockOf(alert.raisedAt);
  const handling = alert.acknowledged ? ` ${alert.acknowledged.by.name} is dealing with it.` : "";
  let words: string;
  let style: "attention" | "warning" = "attention";
  switch (alert.kind) {
    case "help":
      if (alert.falseAlarm) {
        words = `Help requested at ${at}. ${alert.falseAlarm.by.name} told the school at ${clockOf(alert.falseAlarm.at)} that it was a false alarm: it is closed once someone there has spoken to you.${handling}`;
        return { type: "Container", style: "warning", items: [text(words, { weight: "bolder" })] };
      }
      words = `Help requested at ${at}: alerting ${targetsInWords(policy.help.alert) || "the school"}.${handling}`;
      return {
        type: "Container",
        style,
        items: [text(words, { weight: "bolder" }), actionSet([execute(FALSE_ALARM_TITLE, Verbs.falseAlarm, { visitId: visit.id, alertId: alert.id }, { associatedInputs: "none" })])],
      };
    case "overdue":
      words = `Your check-in was due at ${alert.deadline ? clockOf(alert.deadline.due) : at}. Tap **I'm safe**.${handling}`;
      break;
    case "child-alone":
      // The domain sends a child found alone to the safeguarding channel whatever the concern routing (R19).
      words = `Child found alone, reported at ${at} for ${targetsInWords(["dsl-channel"])}.${handling}`;
      break;
    case "concern":
      style = "warning";
      words = `Safeguarding concern raised at ${at} for ${targetsInWords(policy.concerns.alert) || "the safeguarding team"}.${handling}`;
      break;
  }
  return { type: "Container", style, items: [text(words, { weight: "bolder" })] };
}

