import type { PolicyProfile, Role } from "../policy/policy.schema";
import type { Visit } from "./visit";

/** The roles the school's profile gives this person (none if the profile does not know them). Ids are lower case. */
function rolesOf(policy: PolicyProfile, aadObjectId: string): Role[] {
  return policy.people.find((p) => p.aadObjectId === aadObjectId)?.roles ?? [];
}

export function holdsAny(policy: PolicyProfile, aadObjectId: string, roles: readonly Role[]): boolean {
  const held = rolesOf(policy, aadObjectId);
  return roles.some((role) => held.includes(role));
}

/** Everyone in the profile who holds one of these roles. */
export function peopleWith(policy: PolicyProfile, roles: readonly Role[]) {
  return policy.people.filter((p) => p.roles.some((role) => roles.includes(role)));
}

/** Who decides this request: the approvers, or for a lone visit the role the policy names for lone working (R03). */
export function approverRolesFor(policy: PolicyProfile, visit: Pick<Visit, "details">): Role[] {
  return visit.details.staffing.mode === "lone" ? policy.loneWorking.loneVisitDecidedBy : policy.authorisation.approverRoles;
}

/** Every role that decides some visit at this school: the approvers, and the deciders of lone visits (R01, R03). */
export function decidingRoles(policy: PolicyProfile): Role[] {
  return [...new Set([...policy.authorisation.approverRoles, ...policy.loneWorking.loneVisitDecidedBy])];
}

/** The Entra object ids of the people who decide this request. */
export function approverIdsFor(policy: PolicyProfile, visit: Pick<Visit, "details">): string[] {
  return peopleWith(policy, approverRolesFor(policy, visit)).map((p) => p.aadObjectId);
}

/** Who follows up agreements with parents (R22). */
export const AGREEMENT_ROLES: Role[] = ["attendance-lead", "headteacher", "slt"];

/** Who may see the school's review figures (R31). */
export const REVIEW_ROLES: Role[] = ["headteacher", "slt", "dsl", "admin"];
