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

/** "the headteacher or the attendance lead". */
export function rolesInWords(roles: readonly Role[], joiner: "or" | "and" = "or"): string {
  return joinWords([...new Set(roles)].map((role) => ROLE_WORDS[role]), joiner);
}

export function joinWords(words: readonly string[], joiner: "or" | "and"): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} ${joiner} ${words[words.length - 1]}`;
}
