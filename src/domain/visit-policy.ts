/**
 * Which policy a visit runs on. A visit keeps the rules and timers of the policy version it was approved under: its
 * visitors were briefed with them (the wait limit at the door, when the office will call), and changing them half-way
 * through a visit would make the briefing wrong. Who holds which role, and the alert channel, are always the school's
 * current ones: a DSL who has left is not alerted, and her successor is.
 */
import type { PolicyProfile, Role } from "../policy/policy.schema";
import { roleGaps } from "../policy/policy.schema";
import type { Visit } from "./visit";

/** Whether the visit has been approved and so runs on the version it was approved under. */
export function isPinned(visit: Pick<Visit, "decision" | "policyVersion">): boolean {
  return visit.decision?.outcome === "approved" && visit.policyVersion !== undefined;
}

/**
 * The approved-under rules with today's people and alert channel. A role those rules rely on that nobody holds any
 * more (the school has stopped using it) is answered by whoever holds the current approver roles, so no alert or
 * report of the visit goes to no one.
 */
export function visitPolicy(approvedUnder: PolicyProfile, current: PolicyProfile): PolicyProfile {
  const merged: PolicyProfile = { ...approvedUnder, school: current.school, people: current.people, alertChannel: current.alertChannel };
  const orphaned = [...new Set(roleGaps(merged).map((gap) => gap.role))];
  if (orphaned.length === 0) return merged;
  const approvers: readonly Role[] = current.authorisation.approverRoles;
  return {
    ...merged,
    people: current.people.map((person) =>
      person.roles.some((role) => approvers.includes(role)) ? { ...person, roles: [...new Set([...person.roles, ...orphaned])] } : person,
    ),
  };
}
