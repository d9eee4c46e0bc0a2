import type { SchoolRecord } from "../../app/ports";
import { ALERT_CHANNEL_CHOOSERS, SCHOOL_MANAGERS } from "../../app/school.service";
import { STAFF_RECORD_KEEPERS } from "../../app/staff.service";
import { responderRoles } from "../../domain/alert";
import { decidingRoles, holdsAny, REVIEW_ROLES } from "../../domain/roles";
import type { Actor } from "../../domain/visit";
import type { PolicyProfile, Role } from "../../policy/policy.schema";
import type { SchoolAccess, ViewId } from "./contract";

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

/** Who may see the school's settings, as on the settings card: those who manage it, and those who choose where its alerts go. */
export const SCHOOL_VIEW_ROLES: Role[] = [...new Set([...SCHOOL_MANAGERS, ...ALERT_CHANNEL_CHOOSERS])];

/**
 * The views a person's roles open, in the order the tab shows them. The API checks each call on its own; this
 * only spares people tabs that would answer "not for you". Everyone in the profile has Today (their own visits,
 * or the school's day for the office and those who answer for staff safety); a trust's safeguarding lead has Review.
 */
export function viewsFor(policy: PolicyProfile, viewer: Viewer, trustLead: boolean): ViewId[] {
  const id = viewer.actor.id;
  const views: [ViewId, boolean][] = [
    ["today", true],
    ["alerts", holdsAny(policy, id, RESPONDER_ROLES)],
    ["approvals", holdsAny(policy, id, decidingRoles(policy))],
    ["records", holdsAny(policy, id, REVIEW_ROLES)],
    ["review", trustLead || holdsAny(policy, id, REVIEW_ROLES)],
    ["staff", holdsAny(policy, id, STAFF_RECORD_KEEPERS)],
    ["school", holdsAny(policy, id, SCHOOL_VIEW_ROLES)],
  ];
  return views.filter(([, open]) => open).map(([view]) => view);
}

/**
 * What a signed-in person may open of a school, or undefined when nothing: at a running school (`running`, its
 * policy) the views of their roles there, and the review figures for a trust's safeguarding lead whatever their
 * roles; at a school being set up, its School view for those who set it up.
 */
export function accessTo(school: SchoolRecord, running: PolicyProfile | undefined, objectId: string, trustLead: boolean): SchoolAccess | undefined {
  const viewer = viewerOf(running ?? school.policy, objectId);
  const base = { id: school.id, name: school.name, teamId: school.teamId, roles: viewer?.roles ?? [], trustLead };
  if (!running) return viewer && holdsAny(school.policy, objectId, SCHOOL_VIEW_ROLES) ? { ...base, state: "setting-up", views: ["school"] } : undefined;
  const views: ViewId[] = viewer ? viewsFor(running, viewer, trustLead) : trustLead ? ["review"] : [];
  return views.length > 0 ? { ...base, state: "running", views } : undefined;
}
