import { describeDuration, durationMs } from "../../domain/duration";
import { describePeriod } from "../../domain/retention-period";
import { capitalised, rolesInWords } from "../../domain/role-words";
import type { EscalationTarget, PolicyDraft, Role } from "../../policy/policy.schema";
import { GROUP_TITLES, TARGET_TITLES } from "../../policy/policy-words";
import type { PolicySection } from "./contract";

const yesNo = (value: boolean): string => (value ? "Yes" : "No");
const roles = (list: readonly Role[], joiner: "or" | "and"): string => (list.length > 0 ? capitalised(rolesInWords(list, joiner)) : "Nobody");

/**
 * Who a step of the ladder alerts, as the ladder's card names them; the safeguarding channel by its name, or, until one
 * is chosen, the people who get its alerts 1:1 meanwhile.
 */
function targetWords(target: EscalationTarget, policy: PolicyDraft): string {
  if (target === "dsl-channel") {
    return policy.alertChannel ? `the safeguarding channel “${policy.alertChannel.name}”` : "the DSL and deputy DSLs (no alert channel is chosen)";
  }
  const title = TARGET_TITLES[target];
  return title.charAt(0).toLowerCase() + title.slice(1);
}

function parentAbsent(policy: PolicyDraft): string {
  const rule = policy.parentAbsent;
  if (rule.mode === "wait") return `Wait at most ${describeDuration(rule.waitLimit)}, then call the visit off`;
  if (rule.mode === "enquire-and-leave-card") return `Enquire and leave a visit card: ${rule.guidance}`;
  return "Nothing: the visitor's card has no “Parent not here” step";
}

const ENTERING: Record<PolicyDraft["loneWorking"]["twoStaffWhenEntering"], string> = {
  required: "Needs two staff",
  recommended: "Two staff recommended",
  no: "Changes nothing",
};

/**
 * A school's policy in words, for those who manage it: the groups its Policy settings cards change (R01–R20), then how
 * long data is kept and the form of a pupil reference. The code word is never in it, only whether one is set.
 */
export function policySummaryOf(policy: PolicyDraft): PolicySection[] {
  const { checkIns, escalation, loneWorking, outOfHours, retention } = policy;
  return [
    {
      title: GROUP_TITLES["check-ins"],
      settings: [
        { label: "On leaving school", value: yesNo(checkIns.leavingSchool) },
        { label: "On arrival outside the address", value: yesNo(checkIns.arrival) },
        { label: "While out", value: checkIns.periodicEvery ? `Every ${describeDuration(checkIns.periodicEvery)}` : "No periodic check-in" },
        { label: "On leaving the address", value: yesNo(checkIns.leaving) },
      ],
    },
    {
      title: GROUP_TITLES.door,
      settings: [
        { label: "Parent not in at the arranged time", value: parentAbsent(policy) },
        { label: "Parent running late", value: policy.parentLate ? `Call the visit off after ${describeDuration(policy.parentLate.lateLimit)}` : "No limit" },
      ],
    },
    {
      title: GROUP_TITLES.ladder,
      settings: [
        { label: "Grace before the ladder starts", value: describeDuration(escalation.grace) },
        ...escalation.steps.map((step, i) => ({
          label: `Step ${i + 1}`,
          value: `${durationMs(step.after) === 0 ? "At once" : `After ${describeDuration(step.after)}`}: ${step.targets.map((t) => targetWords(t, policy)).join(", ")}`,
        })),
        { label: "Police guidance", value: escalation.policeGuidance },
      ],
    },
    {
      title: GROUP_TITLES["code-word"],
      settings: [{ label: "Code word", value: policy.codeWord ? "Set. It is never shown, and only changed in your 1:1 chat with the app." : "Not set" }],
    },
    {
      title: GROUP_TITLES.approval,
      settings: [
        { label: "Approves visits", value: roles(policy.authorisation.approverRoles, "or") },
        { label: "Told of each approved visit", value: roles(policy.authorisation.informRoles, "and") },
        { label: "Staff on a visit by default", value: loneWorking.defaultStaff === 2 ? "Two" : "One" },
        { label: "Decides a lone visit", value: roles(loneWorking.loneVisitDecidedBy, "or") },
        { label: "A lone visit needs a written risk assessment", value: yesNo(loneWorking.riskAssessmentRequired) },
        { label: "Entering the home", value: ENTERING[loneWorking.twoStaffWhenEntering] },
      ],
    },
    { title: GROUP_TITLES.purposes, settings: [{ label: "Purposes", value: policy.purposes.map((p) => p.label) }] },
    {
      title: GROUP_TITLES["school-day"],
      settings: [
        { label: "School day", value: `${outOfHours.schoolDay.start} to ${outOfHours.schoolDay.end}` },
        { label: "Out-of-hours visits need a responsible contact", value: yesNo(outOfHours.responsibleContactRequired) },
      ],
    },
    {
      title: "How long data is kept",
      settings: [
        { label: "Visits, from their last activity", value: describePeriod(retention.visits) },
        { label: "Visits with a safeguarding concern or a child found alone", value: describePeriod(retention.safeguardingVisits) },
        { label: "Notifications about a visit", value: describePeriod(retention.alerts) },
        { label: "Staff records of people with no role", value: describePeriod(retention.staffRecords) },
        { label: "Chats with people with no role", value: describePeriod(retention.conversationReferences) },
        { label: "Log lines", value: describePeriod(retention.logs) },
      ],
    },
    { title: "Pupil reference", settings: [{ label: "Written as", value: capitalised(policy.pupilReference.description) }] },
  ];
}
