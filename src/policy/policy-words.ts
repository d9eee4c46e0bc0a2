import type { EscalationTarget } from "./policy.schema";

/**
 * The words for a school's policy settings that the Teams cards (which change them) and the tab (which shows them)
 * both use, so the head reads the same names in both places.
 */
export const SETTINGS_GROUPS = ["check-ins", "door", "ladder", "code-word", "purposes", "school-day", "approval"] as const;
export type SettingsGroup = (typeof SETTINGS_GROUPS)[number];

export const GROUP_TITLES: Record<SettingsGroup, string> = {
  "check-ins": "Check-ins (R10, R15, R16)",
  door: "At the door: parent not in or late (R11, R12)",
  ladder: "Missed check-ins: the escalation ladder (R20)",
  "code-word": "The code word (R17)",
  purposes: "Purposes of a visit (R02)",
  "school-day": "The school day and out-of-hours visits (R05)",
  approval: "Who approves, and lone working (R01, R03)",
};

export const TARGETS: readonly EscalationTarget[] = ["visitor", "responsible-contact", "office", "headteacher", "dsl-channel"];
export const TARGET_TITLES: Record<EscalationTarget, string> = {
  visitor: "The staff on the visit (\"Are you safe?\")",
  "responsible-contact": "The responsible contact (out of hours)",
  office: "The office",
  headteacher: "The headteacher",
  "dsl-channel": "The safeguarding channel (or the DSLs)",
};
