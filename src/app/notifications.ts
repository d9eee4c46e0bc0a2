import type { PolicyProfile } from "../policy/policy.schema";
import { approverRolesFor, peopleWith } from "../domain/roles";
import type { Visit, VisitEvent } from "../domain/visit";
import { visitorsOf } from "../domain/visit";

/** Who must hear about a change, and what about. Delivery (cards, proactive posts) is src/teams' job. */
export type Notification =
  | { kind: "approval-requested"; visitId: string; to: string[] }
  | { kind: "decision-made"; visitId: string; to: string[] };

/** Who could not be reached (Entra object ids), so the person acting can be told to follow up. */
export interface DeliveryReport {
  unreachable: string[];
}

export interface Notifier {
  /** Delivers the notifications for a saved change. Failures are the notifier's to log. */
  deliver(visit: Visit, notifications: readonly Notification[]): Promise<DeliveryReport>;
}

/** The people to tell after these events were saved. Pure: derived from the visit and the policy. */
export function notificationsFor(visit: Visit, events: readonly VisitEvent[], policy: PolicyProfile): Notification[] {
  const notifications: Notification[] = [];
  for (const event of events) {
    if (event.type === "visit.requested" || event.type === "visit.amended") {
      const roles = approverRolesFor(policy, visit.details.staffing.mode === "lone");
      const to = peopleWith(policy, roles)
        .map((p) => p.aadObjectId)
        .filter((id) => id !== visit.requestedBy.id);
      notifications.push({ kind: "approval-requested", visitId: visit.id, to });
    }
    if (event.type === "visit.approved" || event.type === "visit.declined" || event.type === "visit.changesRequested") {
      notifications.push({ kind: "decision-made", visitId: visit.id, to: visitorsOf(visit) });
    }
  }
  return notifications;
}
