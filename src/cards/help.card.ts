import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { adaptiveCard, bullets, heading, section, text } from "./card-parts";
import { type CommandGroup, commandGroupsFor, commandLine } from "./commands";

/** The commands of each of a person's roles, as sections of a card. */
export function commandSections(groups: readonly CommandGroup[]): (CardElement | undefined)[] {
  return groups.flatMap((group) => [section(group.title), bullets(group.commands.map(commandLine), { spacing: "none" })]);
}

/**
 * "help" outside a visit: what this person can type, by role, at every school where they are on the staff. While they
 * are out on a visit "help" raises the alarm instead, which the card says, so nobody learns it in an emergency.
 */
export function helpCard(policies: readonly PolicyProfile[], personId: string): AdaptiveCard {
  const groups = commandGroupsFor(policies, personId);
  return adaptiveCard({
    body: [
      heading("What you can do here"),
      ...commandSections(groups),
      groups.length === 0 ? text("You hold no role here yet: ask your school's admin to give you one.") : undefined,
      text('Type **help** for this list again. While you are out on a visit, **help** raises the alarm instead, as **sos** always does.', {
        isSubtle: true,
        size: "small",
      }),
    ],
  });
}
