import { describeDuration, parseDuration } from "../domain/duration";
import { ROLE_WORDS } from "../domain/role-words";
import type { EscalationTarget, PolicyDraft, Role } from "../policy/policy.schema";
import { GROUP_TITLES, type SettingsGroup, TARGETS } from "../policy/policy-words";
import { ROLES } from "../policy/policy.schema";

/**
 * The school's policy as its head or admin changes it in Teams, one group of settings at a time. Inputs arrive as
 * Teams submits them (every value a string); each group turns them into a change of the policy, or says what to
 * fix. The whole profile is then validated as a profile file is (SchoolService).
 */
export type SettingsValues = Record<string, string>;
export type SettingsErrors = Record<string, string>;

export type ParsedSettings =
  | { ok: true; change: (draft: PolicyDraft) => PolicyDraft; summary: string }
  | { ok: false; errors: SettingsErrors; values: SettingsValues };

/** How many ladder steps the card offers; no seed school uses more than three. */
export const MAX_STEPS = 4;
const MAX_PURPOSES = 12;
const MAX_TEXT = 600;

const yes = (value: string | undefined) => value === "true";
const toggle = (value: boolean) => String(value);
const text = (raw: Record<string, unknown>, id: string): string => (typeof raw[id] === "string" ? (raw[id] as string).trim() : "");
const list = (value: string) => value.split(",").map((v) => v.trim()).filter(Boolean);

/** "15 min", "2 h", "1 h 30 min", "90 s", "15" (minutes) or an ISO 8601 duration, as ISO 8601; undefined if none of these. */
export function durationFromInput(input: string): string | undefined {
  const value = input.trim().toLowerCase();
  if (/^p/.test(value)) return parseDuration(value.toUpperCase()) === undefined ? undefined : value.toUpperCase();
  if (/^\d+$/.test(value)) return `PT${Number(value)}M`;
  const parts = [...value.matchAll(/(\d+)\s*(h|hours?|m|mins?|minutes?|s|secs?|seconds?)\b/g)];
  if (parts.length === 0 || value.replace(/(\d+)\s*(h|hours?|m|mins?|minutes?|s|secs?|seconds?)\b/g, "").trim() !== "") return undefined;
  const total = { H: 0, M: 0, S: 0 };
  for (const [, count, unit] of parts) total[unit!.startsWith("h") ? "H" : unit!.startsWith("m") ? "M" : "S"] += Number(count);
  const iso = `PT${total.H ? `${total.H}H` : ""}${total.M ? `${total.M}M` : ""}${total.S ? `${total.S}S` : ""}`;
  return iso === "PT" ? "PT0S" : iso;
}

/** How a policy duration is shown in an input: "15 minutes", "2 hours". */
const shown = (iso: string | null | undefined): string => (iso ? describeDuration(iso) : "");

/** The current values of a group's inputs, as its card shows them. */
export function settingsValues(group: SettingsGroup, policy: PolicyDraft): SettingsValues {
  switch (group) {
    case "check-ins":
      return {
        leavingSchool: toggle(policy.checkIns.leavingSchool),
        arrival: toggle(policy.checkIns.arrival),
        leaving: toggle(policy.checkIns.leaving),
        periodicEvery: shown(policy.checkIns.periodicEvery),
      };
    case "door":
      return {
        parentAbsentMode: policy.parentAbsent.mode,
        waitLimit: policy.parentAbsent.mode === "wait" ? shown(policy.parentAbsent.waitLimit) : "",
        enquireGuidance: policy.parentAbsent.mode === "enquire-and-leave-card" ? policy.parentAbsent.guidance : "",
        lateLimit: shown(policy.parentLate?.lateLimit),
      };
    case "ladder": {
      const values: SettingsValues = { grace: shown(policy.escalation.grace), policeGuidance: policy.escalation.policeGuidance };
      for (let i = 0; i < MAX_STEPS; i++) {
        const step = policy.escalation.steps[i];
        values[`step${i + 1}After`] = step ? shown(step.after) : "";
        values[`step${i + 1}Targets`] = step ? step.targets.join(",") : "";
      }
      return values;
    }
    case "code-word":
      return { codeWord: "", codeWordAgain: "", removeCodeWord: "false" };
    case "purposes":
      return { purposes: policy.purposes.map((p) => p.label).join("\n") };
    case "school-day":
      return {
        dayStart: policy.outOfHours.schoolDay.start,
        dayEnd: policy.outOfHours.schoolDay.end,
        responsibleContactRequired: toggle(policy.outOfHours.responsibleContactRequired),
      };
    case "approval":
      return {
        approverRoles: policy.authorisation.approverRoles.join(","),
        informRoles: policy.authorisation.informRoles.join(","),
        defaultStaff: String(policy.loneWorking.defaultStaff),
        loneVisitDecidedBy: policy.loneWorking.loneVisitDecidedBy.join(","),
        riskAssessmentRequired: toggle(policy.loneWorking.riskAssessmentRequired),
        twoStaffWhenEntering: policy.loneWorking.twoStaffWhenEntering,
      };
  }
}

/** A group's inputs as a change to the policy, with what changed in words (never the code word), or what to fix. */
export function parseSettings(group: SettingsGroup, raw: unknown, policy: PolicyDraft): ParsedSettings {
  const input = (raw ?? {}) as Record<string, unknown>;
  const before = settingsValues(group, policy);
  const values: SettingsValues = Object.fromEntries(Object.keys(before).map((id) => [id, text(input, id)]));
  const errors: SettingsErrors = {};
  const duration = (id: string, required: boolean): string | null => {
    if (values[id] === "") {
      if (required) errors[id] = "Give a time, e.g. 15 min or 2 h.";
      return null;
    }
    const iso = durationFromInput(values[id]!);
    if (!iso) errors[id] = "Give a time such as 15 min, 2 h or 1 h 30 min.";
    return iso ?? null;
  };
  const roles = (id: string, atLeastOne: boolean): Role[] => {
    const chosen = list(values[id]!).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    if (atLeastOne && chosen.length === 0) errors[id] = "Choose at least one role.";
    return chosen;
  };
  const words = (id: string, label: string, required: boolean): string => {
    const value = values[id]!;
    if (required && value === "") errors[id] = `Give ${label}.`;
    if (value.length > MAX_TEXT) errors[id] = `Keep ${label} under ${MAX_TEXT} characters.`;
    return value;
  };
  let change: (draft: PolicyDraft) => PolicyDraft = (draft) => draft;

  switch (group) {
    case "check-ins": {
      const periodicEvery = duration("periodicEvery", false);
      const checkIns = { leavingSchool: yes(values.leavingSchool), arrival: yes(values.arrival), leaving: yes(values.leaving), periodicEvery };
      change = (draft) => ({ ...draft, checkIns });
      break;
    }
    case "door": {
      const mode = values.parentAbsentMode;
      const waitLimit = mode === "wait" ? duration("waitLimit", true) : null;
      const guidance = mode === "enquire-and-leave-card" ? words("enquireGuidance", "what staff should do", true) : "";
      const lateLimit = duration("lateLimit", false);
      if (mode !== "wait" && mode !== "enquire-and-leave-card" && mode !== "off") errors.parentAbsentMode = "Choose what staff do when the parent is not in.";
      const parentAbsent: PolicyDraft["parentAbsent"] =
        mode === "wait" ? { mode, waitLimit: waitLimit ?? "PT0S" } : mode === "enquire-and-leave-card" ? { mode, guidance } : { mode: "off" };
      change = (draft) => ({ ...draft, parentAbsent, parentLate: lateLimit ? { lateLimit } : null });
      break;
    }
    case "ladder": {
      const grace = duration("grace", true);
      const steps: PolicyDraft["escalation"]["steps"] = [];
      for (let i = 1; i <= MAX_STEPS; i++) {
        const targets = list(values[`step${i}Targets`]!).filter((t): t is EscalationTarget => (TARGETS as readonly string[]).includes(t));
        const after = values[`step${i}After`] === "" && targets.length === 0 ? null : duration(`step${i}After`, true);
        if (after === null) continue;
        if (targets.length === 0) errors[`step${i}Targets`] = "Choose who this step alerts.";
        steps.push({ after, targets });
      }
      if (steps.length === 0) errors.step1After = "The ladder needs at least one step.";
      const ordered = steps.every((step, i) => i === 0 || (parseDuration(step.after) ?? 0) >= (parseDuration(steps[i - 1]!.after) ?? 0));
      if (!ordered) errors.step2After = "Each step comes at or after the one before it.";
      const policeGuidance = words("policeGuidance", "the police guidance", true);
      change = (draft) => ({ ...draft, escalation: { grace: grace ?? "PT0S", steps, policeGuidance } });
      break;
    }
    case "code-word": {
      if (yes(values.removeCodeWord)) {
        change = (draft) => ({ ...draft, codeWord: null });
        return errorsOrChange(errors, values, change, "The code word was removed.");
      }
      const word = values.codeWord!;
      if (word.length < 3 || word.length > 40) errors.codeWord = "Choose a word of 3 to 40 letters that staff would not say by chance.";
      else if (!/^\p{L}+$/u.test(word)) errors.codeWord = "Use one word, letters only: it must be easy to slip into a message.";
      else if (word.toLowerCase() !== values.codeWordAgain!.toLowerCase()) errors.codeWordAgain = "Type the same word again.";
      change = (draft) => ({ ...draft, codeWord: { word } });
      // The words of a code word change never include the word itself: this text is the audit trail.
      return errorsOrChange(errors, { ...values, codeWord: "", codeWordAgain: "" }, change, "The code word was changed.");
    }
    case "purposes": {
      const labels = [...new Set(values.purposes!.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))];
      if (labels.length === 0) errors.purposes = "List at least one purpose, one a line.";
      if (labels.length > MAX_PURPOSES) errors.purposes = `List at most ${MAX_PURPOSES} purposes.`;
      if (labels.some((l) => l.length > 120)) errors.purposes = "Keep each purpose under 120 characters.";
      // A purpose keeps its id while its words stay the same: visits already made refer to it by id.
      const purposes = labels.map((label) => policy.purposes.find((p) => p.label === label) ?? { id: purposeId(label, policy), label });
      change = (draft) => ({ ...draft, purposes });
      break;
    }
    case "school-day": {
      const time = (id: string) => {
        const value = values[id]!.slice(0, 5);
        if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) errors[id] = "Give a time such as 08:30.";
        return value;
      };
      const start = time("dayStart");
      const end = time("dayEnd");
      if (!errors.dayStart && !errors.dayEnd && end <= start) errors.dayEnd = "The school day ends after it starts.";
      const responsibleContactRequired = yes(values.responsibleContactRequired);
      change = (draft) => ({ ...draft, outOfHours: { schoolDay: { start, end }, responsibleContactRequired } });
      break;
    }
    case "approval": {
      const approverRoles = roles("approverRoles", true);
      const informRoles = roles("informRoles", false);
      const loneVisitDecidedBy = roles("loneVisitDecidedBy", true);
      const defaultStaff = values.defaultStaff === "1" ? 1 : 2;
      const entering = values.twoStaffWhenEntering;
      if (entering !== "required" && entering !== "recommended" && entering !== "no") errors.twoStaffWhenEntering = "Choose whether entering the home needs two staff.";
      const twoStaffWhenEntering = entering === "required" || entering === "recommended" ? entering : "no";
      change = (draft) => ({
        ...draft,
        authorisation: { ...draft.authorisation, approverRoles, informRoles },
        loneWorking: { defaultStaff, loneVisitDecidedBy, riskAssessmentRequired: yes(values.riskAssessmentRequired), twoStaffWhenEntering },
      });
      break;
    }
  }
  return errorsOrChange(errors, values, change, changedInWords(group, before, values));
}

function errorsOrChange(errors: SettingsErrors, values: SettingsValues, change: (draft: PolicyDraft) => PolicyDraft, summary: string): ParsedSettings {
  return Object.keys(errors).length > 0 ? { ok: false, errors, values } : { ok: true, change, summary };
}

/** A new purpose's id: its words in lower case with dashes, made unique among the school's purposes. */
function purposeId(label: string, policy: PolicyDraft): string {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "purpose";
  let id = base;
  for (let n = 2; policy.purposes.some((p) => p.id === id); n++) id = `${base}-${n}`;
  return id;
}

/** "Check-ins: periodic check-in every: 2 hours (was none)" — each input that changed, as the card shows it. */
function changedInWords(group: SettingsGroup, before: SettingsValues, after: SettingsValues): string {
  const shownValue = (id: string, value: string) => {
    if (value === "") return "none";
    if (value === "true") return "yes";
    if (value === "false") return "no";
    if (/Roles|decidedBy/i.test(id)) return list(value).map((r) => ROLE_WORDS[r as Role] ?? r).join(", ");
    return value.length > 60 ? `${value.slice(0, 57)}…` : value;
  };
  const changes = Object.keys(after)
    .filter((id) => (before[id] ?? "") !== after[id])
    .map((id) => `${INPUT_LABELS[id] ?? id}: ${shownValue(id, after[id]!)} (was ${shownValue(id, before[id] ?? "")})`);
  return `${GROUP_TITLES[group].replace(/ \(R[\d, R]+\)$/, "")}: ${changes.length > 0 ? changes.join("; ") : "saved unchanged"}.`;
}

/** Each input's label on the card, and in the words of a change. */
export const INPUT_LABELS: Record<string, string> = {
  leavingSchool: "Check in on leaving school",
  arrival: "Check in on arrival outside the address",
  leaving: "Check out on leaving the address",
  periodicEvery: "While out, check in every (blank: no periodic check-in)",
  parentAbsentMode: "When the parent is not in at the arranged time",
  waitLimit: "Wait at most",
  enquireGuidance: "What staff should do instead",
  lateLimit: "A parent running late: call the visit off after (blank: no limit)",
  grace: "Grace after a missed check-in before the ladder starts",
  policeGuidance: "Police guidance shown with the last steps",
  codeWord: "New code word",
  codeWordAgain: "The new code word again",
  removeCodeWord: "Remove the code word",
  purposes: "Purposes, one a line",
  dayStart: "School day starts",
  dayEnd: "School day ends",
  responsibleContactRequired: "Out-of-hours visits need a responsible contact",
  approverRoles: "Who approves a visit",
  informRoles: "Who is told about each approved visit",
  defaultStaff: "Staff on a visit by default",
  loneVisitDecidedBy: "Who decides a lone visit",
  riskAssessmentRequired: "A lone visit needs a written risk assessment",
  twoStaffWhenEntering: "Entering the home",
  ...Object.fromEntries(
    Array.from({ length: MAX_STEPS }, (_, i) => [
      [`step${i + 1}After`, `Step ${i + 1}: after`],
      [`step${i + 1}Targets`, `Step ${i + 1}: alert`],
    ]).flat(),
  ),
};
