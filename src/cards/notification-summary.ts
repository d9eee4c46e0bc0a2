import type { Notification } from "../app/notifications";
import { SYSTEM } from "../domain/alert";
import type { Visit } from "../domain/visit";
import { visitReference } from "../domain/visit";
import { ALERT_KIND_WORDS } from "./alert-parts";

const DECIDED_WORDS: Partial<Record<Visit["status"], string>> = {
  approved: "was approved",
  declined: "was declined",
  "changes-requested": "needs changes before it can be approved",
};

const REPORT_WORDS = {
  "called-off": (ref: string) => `Report: visit ${ref} was called off at the door`,
  incident: (ref: string) => `Report: an incident on visit ${ref}`,
  changed: (ref: string) => `Approved visit ${ref} was changed`,
} as const;

/**
 * What a proactive message is about, in one line: what a phone's notification and the chat list show instead of
 * "Sent a card". It names the visit by its reference and what happened, never a pupil, an address, anyone's name or
 * a note: a lock screen, and a channel, are seen by others.
 */
export function notificationSummary(visit: Visit, notification: Exclude<Notification, { kind: "alert-changed" }>): string {
  const ref = visitReference(visit.id);
  switch (notification.kind) {
    case "approval-requested":
      return `Approval needed: home visit ${ref}`;
    case "decision-made":
      return `Your visit ${ref} ${DECIDED_WORDS[visit.status] ?? "has been decided"}`;
    case "are-you-safe":
      return alertKindOf(visit, notification.alertId) === "overdue" ? `Missed check-in on visit ${ref}: tap to respond` : alertSummary(visit, notification.alertId);
    case "alert":
      return alertSummary(visit, notification.alertId);
    case "briefing":
      return `Briefing for home visit ${ref}`;
    case "visit-card":
      return visitCardSummary(visit, ref);
    case "report":
      return REPORT_WORDS[notification.subject](ref);
    case "agreement-due":
      return `Follow-up due on an agreement from visit ${ref}`;
    case "false-alarm":
      return `False alarm reported on visit ${ref}`;
  }
}

/**
 * The notice everyone a call for help reached gets when the visitor says it was a false alarm. No names: it may be
 * posted in a channel. The alert itself stays open, and says so, until its owner has spoken to the visitor.
 */
export function falseAlarmNotice(visit: Visit): string {
  return `False alarm on visit ${visitReference(visit.id)}: the visitor says they are safe. The call for help stays open until whoever deals with it has spoken to them and closes it.`;
}

function alertKindOf(visit: Visit, alertId: string) {
  return visit.alerts.find((a) => a.id === alertId)?.kind;
}

/** "Help requested on visit HV-1F803D". */
function alertSummary(visit: Visit, alertId: string): string {
  const kind = alertKindOf(visit, alertId);
  return `${kind ? ALERT_KIND_WORDS[kind] : "Alert"} on visit ${visitReference(visit.id)}`;
}

/** The visitor's card sent again because something changed without them: the wait limit, or a parent too late. */
function visitCardSummary(visit: Visit, ref: string): string {
  if (visit.calledOff?.by.id === SYSTEM.id) return `Visit ${ref} is called off: leave, then tap Left safely`;
  if (visit.waitLimitReachedAt) return `Wait limit reached on visit ${ref}`;
  return `Your visit ${ref} has changed`;
}
