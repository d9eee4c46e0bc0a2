import { ALERT_CHANNEL_CHOOSERS, type SchoolOverview } from "../../app/school.service";
import { capitalised, ROLE_PURPOSES, ROLE_WORDS, rolesInWords } from "../../domain/role-words";
import { ROLES } from "../../policy/policy.schema";
import type { SchoolRole, SchoolSettings } from "./contract";
import { policySummaryOf } from "./policy-summary";

/** Changes stay on the cards in Teams, where SchoolService checks and records each one: the tab says where. */
const CHANGE_EVERYTHING =
  "To change roles, the alert channel or the policy, type “settings” in your 1:1 chat with Home Visits (or “@Home Visits settings” in the staff team) and use the buttons on the card. The code word is only changed in your 1:1 chat.";
const CHANGE_CHANNEL = "To choose the alert channel, type “settings” in your 1:1 chat with Home Visits and choose Alert channel.";

/** Every role, who holds it, and what the policy needs it for while nobody does. */
function rolesOf({ school, checklist }: SchoolOverview): SchoolRole[] {
  return ROLES.map((role) => {
    const missing = checklist.missingRoles.find((gap) => gap.role === role);
    return {
      role,
      name: capitalised(ROLE_WORDS[role]),
      purpose: ROLE_PURPOSES[role],
      holders: school.policy.people.filter((p) => p.roles.includes(role)).map((p) => p.displayName),
      ...(missing ? { neededFor: missing.for } : {}),
    };
  });
}

/** The School view: all of it for the head and admin; where alerts go for the DSL, who may choose that and no more. */
export function schoolSettingsOf(overview: SchoolOverview): SchoolSettings {
  const { school, canManage, current } = overview;
  const channel = school.policy.alertChannel;
  const shared = {
    id: school.id,
    name: school.name,
    state: school.state === "active" ? "running" : "setting-up",
    alertChannel: channel ? { name: channel.name } : null,
    alertChannelChosenBy: rolesInWords(ALERT_CHANNEL_CHOOSERS),
  } as const;
  if (!canManage) return { ...shared, shown: "alert-channel", howToChange: CHANGE_CHANNEL };
  return {
    ...shared,
    shown: "everything",
    howToChange: CHANGE_EVERYTHING,
    ...(overview.teamMembers === undefined ? {} : { teamMembers: overview.teamMembers }),
    policy: { version: school.version, ...(current ? { changedBy: current.by.name, changedAt: current.at, change: current.change } : {}) },
    roles: rolesOf(overview),
    summary: policySummaryOf(school.policy),
  };
}
