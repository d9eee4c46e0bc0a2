import type { Alert } from "./alert";
import { isOpen } from "./alert";
import type { Actor, Visit, VisitEvent } from "./visit";
import { visitorsOf } from "./visit";

/** Why a false alarm cannot be reported, in words the visitor reads. */
export type FalseAlarmRefusal = { code: "not-allowed" | "wrong-step" | "finished"; message: string };

/**
 * Said whenever there is no call for help of the visitor's to call off, and also for a silent one (the code word): the
 * visitor may be under duress, so nothing they can type or tap may show that a silent alarm exists, or touch it.
 */
const NOTHING_TO_CALL_OFF = "You have no call for help open, so there is nothing to call off.";

/** The open calls for help the visitor can see (and so call off): never a silent one. */
export function visibleHelpAlerts(visit: Visit): Alert[] {
  return visit.alerts.filter((alert) => alert.kind === "help" && !alert.silent && isOpen(alert));
}

/**
 * "False alarm: I'm safe" after a call for help: recorded on the alert and told to everyone alerted, but the alert
 * stays open until the person who owns it has made contact and closes it. `alertId` is the alert on the card tapped;
 * typed, it is the latest call for help not yet called off.
 */
export function decideFalseAlarm(visit: Visit, alertId: string | undefined, actor: Actor, at: string): { ok: true; events: VisitEvent[] } | { ok: false; refusal: FalseAlarmRefusal } {
  if (!visitorsOf(visit).includes(actor.id)) return { ok: false, refusal: { code: "not-allowed", message: "Only the staff on this visit can say a call for help from it was a false alarm." } };
  const visible = visibleHelpAlerts(visit);
  const alert = alertId ? visible.find((a) => a.id === alertId) : (visible.filter((a) => !a.falseAlarm).at(-1) ?? visible.at(-1));
  if (!alert) return { ok: false, refusal: { code: "wrong-step", message: NOTHING_TO_CALL_OFF } };
  if (alert.falseAlarm) return { ok: false, refusal: { code: "finished", message: `${alert.falseAlarm.by.name} already said this was a false alarm. The school closes the alert once they have spoken to you.` } };
  return { ok: true, events: [{ type: "alert.falseAlarmReported", at, actor, alertId: alert.id }] };
}
