import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard } from "./card-parts";
import { adaptiveCard, execute, heading, rolesInWords, targetsInWords, text } from "./card-parts";
import { Verbs } from "./verbs";

/** Who hears when a check-in is missed, in order of the school's escalation ladder. */
function escalatesTo(policy: PolicyProfile): string {
  return targetsInWords(policy.escalation.steps.flatMap((step) => step.targets));
}

/** The first card a member of staff sees: what the bot does for this school, and how to start. */
export function welcomeCard(policy: PolicyProfile): AdaptiveCard {
  const approvers = rolesInWords(policy.authorisation.approverRoles);
  const told = escalatesTo(policy);
  return adaptiveCard({
    body: [
      heading(`Home visits at ${policy.school.name}`),
      text(`Ask for a home visit here and ${approvers} approves it before you go.`),
      text(`While you are out, check in with me${told ? `: if a check-in is missed, I tell ${told}` : ""}.`),
      text('You can also type **new visit**. On a visit, type **arrived**, **safe** or **left** to check in.', {
        isSubtle: true,
        size: "small",
      }),
    ],
    actions: [execute("New visit", Verbs.openForm, { schoolId: policy.school.id }, { style: "positive" })],
  });
}
