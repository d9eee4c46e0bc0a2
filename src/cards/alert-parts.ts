import type { Alert, AlertKind } from "../domain/alert";
import { isOpen } from "../domain/alert";
import type { DeadlineKind } from "../domain/deadlines";
import type { Visit } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { CardElement } from "./card-parts";
import { capitalise, clockOf, targetsInWords, text } from "./card-parts";

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
  return visit.alerts.filter((alert) => isOpen(alert) && !alert.silent).map((alert) => visitorAlertLine(alert, policy));
}

function visitorAlertLine(alert: Alert, policy: PolicyProfile): CardElement {
  const at = clockOf(alert.raisedAt);
  const handling = alert.acknowledged ? ` ${alert.acknowledged.by.name} is dealing with it.` : "";
  let words: string;
  let style: "attention" | "warning" = "attention";
  switch (alert.kind) {
    case "help":
      words = `Help requested at ${at}: alerting ${targetsInWords(policy.help.alert) || "the school"}.${handling}`;
      break;
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

