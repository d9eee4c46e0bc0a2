import { responderRoles } from "../../domain/alert";
import { holdsAny, REVIEW_ROLES } from "../../domain/roles";
import type { Actor } from "../../domain/visit";
import type { PolicyProfile, Role } from "../../policy/policy.schema";
import type { ViewId } from "./contract";

/** The signed-in person as the school's profile knows them: the actor the use cases check, and their roles. */
export interface Viewer {
  actor: Actor;
  roles: Role[];
}

/** The person behind a verified token, or undefined when the school's profile does not list them. */
export function viewerOf(policy: PolicyProfile, objectId: string): Viewer | undefined {
  const person = policy.people.find((p) => p.aadObjectId === objectId);
  return person ? { actor: { id: person.aadObjectId, name: person.displayName }, roles: [...person.roles] } : undefined;
}

/** Anyone who answers some kind of safety alert (R18–R20, R23). */
const RESPONDER_ROLES: Role[] = [...new Set([...responderRoles("overdue"), ...responderRoles("concern")])];

/**
 * The views a person's roles open, in the order the tab shows them. The API checks each call on its own; this
 * only spares people tabs that would answer "not for you". Everyone in the profile has Today (their own visits,
 * or the school's day for the office and those who answer for staff safety).
 */
export function viewsFor(policy: PolicyProfile, viewer: Viewer, mayMaintainStaff: boolean): ViewId[] {
  const id = viewer.actor.id;
  const deciders = [...policy.authorisation.approverRoles, ...policy.loneWorking.loneVisitDecidedBy];
  const views: [ViewId, boolean][] = [
    ["today", true],
    ["alerts", holdsAny(policy, id, RESPONDER_ROLES)],
    ["approvals", holdsAny(policy, id, deciders)],
    ["records", holdsAny(policy, id, REVIEW_ROLES)],
    ["review", holdsAny(policy, id, REVIEW_ROLES)],
    ["staff", mayMaintainStaff],
  ];
  return views.filter(([, open]) => open).map(([view]) => view);
}
