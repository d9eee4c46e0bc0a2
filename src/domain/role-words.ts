import type { Role } from "../policy/policy.schema";

/** How cards and refusals name a role: in words, never by its id. */
export const ROLE_WORDS: Record<Role, string> = {
  headteacher: "the headteacher",
  slt: "the senior leadership team",
  dsl: "the DSL",
  "deputy-dsl": "the deputy DSL",
  office: "the office",
  "attendance-lead": "the attendance lead",
  visitor: "a home visitor",
  admin: "the admin",
};

/** What each role is for at a school, as the Roles card and the tab say it. */
export const ROLE_PURPOSES: Record<Role, string> = {
  headteacher: "approves visits where the policy says so, hears of safety reports and escalations",
  slt: "may be told of visits and answers missed check-ins",
  dsl: "receives safeguarding concerns and answers alerts",
  "deputy-dsl": "receives safeguarding concerns and answers alerts with the DSL",
  office: "watches today's visits and is alerted when a check-in is missed",
  "attendance-lead": "follows up agreements with parents",
  visitor: "asks for home visits and checks in on them",
  admin: "keeps staff records and the school's settings",
};

/** "the headteacher or the attendance lead". */
export function rolesInWords(roles: readonly Role[], joiner: "or" | "and" = "or"): string {
  return joinWords([...new Set(roles)].map((role) => ROLE_WORDS[role]), joiner);
}

export function joinWords(words: readonly string[], joiner: "or" | "and"): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} ${joiner} ${words[words.length - 1]}`;
}

/** "The headteacher" from "the headteacher": a word list at the start of a line. */
export const capitalised = (words: string): string => words.charAt(0).toUpperCase() + words.slice(1);
