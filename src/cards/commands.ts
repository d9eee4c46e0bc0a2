import { OFFICE_ROLES } from "../app/office.service";
import { ALERT_CHANNEL_CHOOSERS, SCHOOL_MANAGERS } from "../app/school.service";
import { STAFF_RECORD_KEEPERS } from "../app/staff.service";
import { joinWords, ROLE_WORDS } from "../domain/role-words";
import { decidingRoles, holdsAny, REVIEW_ROLES } from "../domain/roles";
import { ROLES, type PolicyProfile, type Role } from "../policy/policy.schema";

/** Something a person can type in their 1:1 chat, and what it does. */
export interface Command {
  /** The words to type; several are alternatives ("arrived", "safe", "left"). */
  typed: readonly string[];
  does: string;
}

/** The commands one of a person's roles gives them. */
export interface CommandGroup {
  title: string;
  commands: Command[];
}

const VISITOR_COMMANDS: Command[] = [
  { typed: ["new visit"], does: "ask for a home visit: a short form to fill in" },
  { typed: ["status"], does: "your visit's card, with the next check-in" },
  { typed: ["arrived", "safe", "left"], does: "check in on a visit (or tap the buttons on its card)" },
  { typed: ["sos"], does: 'raise the alarm at once, as "I need help" does (and "help" while you are out on a visit)' },
  { typed: ["false alarm"], does: "after you asked for help: tell everyone alerted that you are safe" },
  { typed: ["record"], does: "record the visit once you have left" },
];

const APPROVER_COMMANDS: Command[] = [{ typed: ["pending"], does: "the visits waiting for your decision, with their approval cards" }];

/** The commands of the school's oversight, each with the roles the server lets use it: the same lists it checks. */
const ROLE_COMMANDS: { command: Command; roles: readonly Role[] }[] = [
  { command: { typed: ["today"], does: "today's visits, open alerts first" }, roles: OFFICE_ROLES },
  { command: { typed: ["review"], does: "the governors' figures for this school year (or review 2025-09-01 2026-08-31)" }, roles: REVIEW_ROLES },
  { command: { typed: ["records"], does: "the visit records as CSV for the school's record system" }, roles: REVIEW_ROLES },
  { command: { typed: ["staff"], does: "staff records: mobiles, vehicles, DBS checks and training" }, roles: STAFF_RECORD_KEEPERS },
  { command: { typed: ["settings"], does: "the school's roles, alert channel and policy" }, roles: [...new Set([...SCHOOL_MANAGERS, ...ALERT_CHANNEL_CHOOSERS])] },
];

/**
 * What this person can do, by role: as a home visitor, as an approver, then each other role they hold at any of their
 * schools, a command listed once, under the first role that gives it.
 */
export function commandGroupsFor(policies: readonly PolicyProfile[], personId: string): CommandGroup[] {
  const holds = (roles: readonly Role[]) => policies.some((policy) => holdsAny(policy, personId, roles));
  const groups: CommandGroup[] = [];
  if (holds(["visitor"])) groups.push({ title: "As a home visitor", commands: VISITOR_COMMANDS });
  if (policies.some((policy) => holdsAny(policy, personId, decidingRoles(policy)))) groups.push({ title: "As an approver", commands: APPROVER_COMMANDS });
  const listed = new Set<Command>();
  for (const role of ROLES.filter((r) => r !== "visitor" && holds([r]))) {
    const commands = ROLE_COMMANDS.filter(({ command, roles }) => roles.includes(role) && !listed.has(command)).map(({ command }) => command);
    commands.forEach((command) => listed.add(command));
    if (commands.length > 0) groups.push({ title: `As ${ROLE_WORDS[role]}`, commands });
  }
  return groups;
}

/** "**arrived**, **safe** or **left**: check in on a visit". */
export function commandLine(command: Command): string {
  return `${joinWords(command.typed.map((words) => `**${words}**`), "or")}: ${command.does}`;
}
