import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard } from "./card-parts";
import { adaptiveCard, execute, heading, rolesInWords, targetsInWords, text } from "./card-parts";
import { commandGroupsFor } from "./commands";
import { commandSections } from "./help.card";
import { Verbs } from "./verbs";

/** Who hears when a check-in is missed, in order of the school's escalation ladder. */
function escalatesTo(policy: PolicyProfile): string {
  return targetsInWords(policy.escalation.steps.flatMap((step) => step.targets));
}

/** The first card a member of staff sees: what the bot does for this school, what they can type, and how to start. */
export function welcomeCard(policy: PolicyProfile, personId: string): AdaptiveCard {
  const approvers = rolesInWords(policy.authorisation.approverRoles);
  const told = escalatesTo(policy);
  const visits = policy.people.some((p) => p.aadObjectId === personId && p.roles.includes("visitor"));
  return adaptiveCard({
    body: [
      heading(`Home visits at ${policy.school.name}`),
      text(`Ask for a home visit here and ${approvers} approves it before you go.`),
      text(`While you are out, check in with me${told ? `: if a check-in is missed, I tell ${told}` : ""}.`),
      ...commandSections(commandGroupsFor([policy], personId)),
      text("Type **help** any time to see this list.", { isSubtle: true, size: "small" }),
    ],
    actions: visits ? [execute("New visit", Verbs.openForm, { schoolId: policy.school.id }, { style: "positive" })] : [],
  });
}
