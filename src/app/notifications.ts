import type { EscalationTarget, PolicyProfile, Role } from "../policy/policy.schema";
import { approverRolesFor, peopleWith } from "../domain/roles";
import { SYSTEM } from "../domain/alert";
import type { Visit, VisitEvent } from "../domain/visit";
import { visitorsOf } from "../domain/visit";

/** Where a card goes: one person's 1:1 chat, or the school's safeguarding channel. */
export type Recipient = { person: string } | { channel: "safeguarding" };

/**
 * Who must hear about a change, and what about. The card itself is built when it is sent, from the visit
 * as it is then, so a late delivery never shows stale news. Delivery is src/teams' job.
 */
export type Notification =
  | { kind: "approval-requested"; to: Recipient }
  | { kind: "decision-made"; to: Recipient }
  /** "Are you safe?" to the visitor after a missed check-in. */
  | { kind: "are-you-safe"; to: Recipient; alertId: string }
  /** `mention`: on a channel post, the people its step is for (Entra object ids), @mentioned so their phones buzz. */
  | { kind: "alert"; to: Recipient; alertId: string; mention?: string[] }
  /** Every card already posted about the alert is updated in place (acknowledged, resolved, a false alarm). */
  | { kind: "alert-changed"; alertId: string }
  /** A short notice to everyone a call for help went to: the visitor says it was a false alarm. `mention` as for an alert. */
  | { kind: "false-alarm"; to: Recipient; alertId: string; mention?: string[] }
  /** R07: what the visitor should know before going, once the visit is approved. */
  | { kind: "briefing"; to: Recipient }
  /** The visitor's own card again, when something changed without them (a wait limit, a late parent). */
  | { kind: "visit-card"; to: Recipient }
  /** A written report to the head: a visit called off for safety (R13, R14), an incident (R24), a change (R25). */
  | { kind: "report"; to: Recipient; subject: "called-off" | "incident" | "changed"; index?: number }
  /** R22: an agreement's follow-up date has passed. */
  | { kind: "agreement-due"; to: Recipient; index: number };

/** Where a delivered card landed, so it can be updated in place later. */
export interface Post {
  conversation: { kind: "personal" | "channel"; key: string };
  activityId: string;
}

/** A notification waiting in the outbox (and, once delivered, the record of where it went). */
export interface OutboxItem {
  /** Unique within the visit, in the order the items were queued. */
  id: string;
  visitId: string;
  /** The visit's school: the office's list of failing notifications is kept per school. */
  schoolId: string;
  notification: Notification;
  createdAt: string;
  status: "pending" | "delivered";
  attempts: number;
  nextAttemptAt: string;
  /** Still not delivered after several tries: logged as an error and shown to the office. */
  failing?: boolean;
  lastError?: string;
  posts?: Post[];
  deliveredAt?: string;
}

/**
 * The recipients an escalation target names in this school. Until the school has chosen its alert channel, what
 * would be posted there goes 1:1 to the DSL and the deputy DSLs, so a safeguarding alert always reaches them.
 */
function recipientsOf(target: EscalationTarget, visit: Visit, policy: PolicyProfile): Recipient[] {
  if (target === "dsl-channel") {
    return policy.alertChannel ? [{ channel: "safeguarding" }] : peopleWith(policy, SAFEGUARDING_TEAM).map((p) => ({ person: p.aadObjectId }));
  }
  if (target === "visitor") return visitorsOf(visit).map((person) => ({ person }));
  if (target === "responsible-contact") return visit.details.responsibleContactId ? [{ person: visit.details.responsibleContactId }] : [];
  // The office and the headteacher are roles of the same name.
  return peopleWith(policy, [target]).map((p) => ({ person: p.aadObjectId }));
}

const HEAD: Role[] = ["headteacher"];
/** Who the safeguarding channel stands for. */
const SAFEGUARDING_TEAM: Role[] = ["dsl", "deputy-dsl"];

/**
 * The people these targets are for, as a channel post about them @mentions them: the holders of the roles named, the
 * DSL and deputies for the channel, and the responsible contact. Never the staff on the visit, who are its subject (and,
 * for a silent alarm, may be standing next to someone who would see their phone).
 */
function peopleTargeted(targets: readonly EscalationTarget[], visit: Visit, policy: PolicyProfile): string[] {
  const ids = targets.flatMap((target): string[] => {
    if (target === "visitor") return [];
    if (target === "responsible-contact") return visit.details.responsibleContactId ? [visit.details.responsibleContactId] : [];
    return peopleWith(policy, target === "dsl-channel" ? SAFEGUARDING_TEAM : [target]).map((p) => p.aadObjectId);
  });
  return [...new Set(ids)].filter((id) => !visitorsOf(visit).includes(id));
}

/** Holders of these roles, leaving out the staff on the visit (a report about their own visit goes to others). */
function holders(roles: readonly Role[], policy: PolicyProfile, visit: Visit): string[] {
  return peopleWith(policy, roles)
    .map((p) => p.aadObjectId)
    .filter((id) => !visitorsOf(visit).includes(id));
}

function uniqueRecipients(recipients: readonly Recipient[]): Recipient[] {
  const key = (r: Recipient) => ("person" in r ? r.person : r.channel);
  return recipients.filter((r, i) => recipients.findIndex((other) => key(other) === key(r)) === i);
}

/** The notifications these saved events call for. Pure: derived from the visit and the policy. */
export function notificationsFor(visit: Visit, events: readonly VisitEvent[], policy: PolicyProfile): Notification[] {
  const notifications: Notification[] = [];
  const people = (ids: string[]) => ids.map((person): Recipient => ({ person }));
  for (const event of events) {
    switch (event.type) {
      case "visit.requested":
      case "visit.amended": {
        const others = holders(approverRolesFor(policy, visit), policy, visit);
        notifications.push(...people(others).map((to) => ({ kind: "approval-requested" as const, to })));
        // R25: the people the policy names hear of a change to an agreed visit, beyond the approvers.
        if (event.type === "visit.amended" && event.wasApproved) {
          const told = holders(policy.changes.notify, policy, visit).filter((id) => !others.includes(id));
          notifications.push(...people(told).map((to) => ({ kind: "report" as const, to, subject: "changed" as const })));
        }
        break;
      }
      case "visit.approved":
      case "visit.declined":
      case "visit.changesRequested":
        notifications.push(...people(visitorsOf(visit)).map((to) => ({ kind: "decision-made" as const, to })));
        if (event.type === "visit.approved") {
          const visitors = policy.briefing.enabled ? visitorsOf(visit) : [];
          // R01: the roles the policy keeps informed learn who is going where, and when (the itinerary).
          const informed = holders(policy.authorisation.informRoles, policy, visit).filter((id) => id !== event.actor.id);
          notifications.push(...people([...visitors, ...informed]).map((to) => ({ kind: "briefing" as const, to })));
        }
        break;
      case "visit.waitLimitReached":
        notifications.push(...people(visitorsOf(visit)).map((to) => ({ kind: "visit-card" as const, to })));
        break;
      case "visit.calledOff": {
        if (event.actor.id === SYSTEM.id) notifications.push(...people(visitorsOf(visit)).map((to) => ({ kind: "visit-card" as const, to })));
        const readers = event.reason === "unsafe" ? policy.feelingUnsafe.reportTo : event.reason === "animals" && policy.animals.reportToHeadInWriting ? HEAD : [];
        notifications.push(...people(holders(readers, policy, visit)).map((to) => ({ kind: "report" as const, to, subject: "called-off" as const })));
        break;
      }
      case "incident.reported":
        notifications.push(
          ...people(holders(policy.incidents.shareWith, policy, visit)).map((to) => ({ kind: "report" as const, to, subject: "incident" as const, index: visit.incidents.length - 1 })),
        );
        break;
      case "agreement.due": {
        const leads = holders(["attendance-lead"], policy, visit);
        const to = leads.length > 0 ? leads : holders(HEAD, policy, visit);
        notifications.push(...people(to).map((recipient) => ({ kind: "agreement-due" as const, to: recipient, index: event.index })));
        break;
      }
      case "alert.escalated": {
        // A silent alarm (the code word) must never show up in the visitor's own chat…
        const alert = visit.alerts.find((a) => a.id === event.alertId);
        const silent = alert?.silent === true;
        for (const target of event.targets) {
          if (silent && target === "visitor") continue;
          const kind: "are-you-safe" | "alert" = target === "visitor" ? "are-you-safe" : "alert";
          // Nor in a colleague's on the same visit, whose phone may be seen at the door.
          const recipients = recipientsOf(target, visit, policy).filter((to) => !(silent && "person" in to && visitorsOf(visit).includes(to.person)));
          // Each person once per alert: the head may also be the DSL an unset channel's alerts go to.
          const fresh = recipients.filter((to) => !("person" in to && notifications.some((n) => "alertId" in n && n.alertId === event.alertId && "to" in n && "person" in n.to && n.to.person === to.person)));
          const mention = peopleTargeted(event.targets, visit, policy);
          notifications.push(...fresh.map((to) => ("channel" in to && kind === "alert" ? { kind, to, alertId: event.alertId, mention } : { kind, to, alertId: event.alertId })));
        }
        // R05: out of hours, the responsible contact who checks on the staff is alerted first, with the first step.
        const contact = visit.details.responsibleContactId;
        const overdue = alert?.kind === "overdue";
        const told = notifications.some((n) => "to" in n && "alertId" in n && n.alertId === event.alertId && "person" in n.to && n.to.person === contact);
        if (contact && overdue && event.step === 0 && !told) notifications.push({ kind: "alert", to: { person: contact }, alertId: event.alertId });
        break;
      }
      case "alert.falseAlarmReported": {
        const told = policy.help.alert.filter((target) => target !== "visitor").flatMap((target) => recipientsOf(target, visit, policy));
        const mention = peopleTargeted(policy.help.alert, visit, policy);
        notifications.push({ kind: "alert-changed", alertId: event.alertId });
        for (const to of uniqueRecipients(told).filter((r) => !("person" in r && visitorsOf(visit).includes(r.person)))) {
          notifications.push("channel" in to ? { kind: "false-alarm", to, alertId: event.alertId, mention } : { kind: "false-alarm", to, alertId: event.alertId });
        }
        break;
      }
      case "alert.acknowledged":
      case "alert.resolved":
        if (!notifications.some((n) => n.kind === "alert-changed" && n.alertId === event.alertId)) {
          notifications.push({ kind: "alert-changed", alertId: event.alertId });
        }
        break;
    }
  }
  return notifications;
}

/** Outbox items for a change saved as `visit` (its version names them), due for delivery at once. */
export function outboxFor(visit: Visit, events: readonly VisitEvent[], policy: PolicyProfile, now: Date): OutboxItem[] {
  const at = now.toISOString();
  return notificationsFor(visit, events, policy).map((notification, i) => ({
    id: `${String(visit.version).padStart(6, "0")}-${String(i).padStart(3, "0")}`,
    visitId: visit.id,
    schoolId: visit.schoolId,
    notification,
    createdAt: at,
    status: "pending",
    attempts: 0,
    nextAttemptAt: at,
  }));
}
