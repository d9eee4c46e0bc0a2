import type { SchoolRecord } from "../app/ports";
import { ROLE_WORDS } from "../domain/role-words";
import { ROLES } from "../policy/policy.schema";
import type { AdaptiveCard, Banner, CardElement } from "./card-parts";
import { actionSet, adaptiveCard, banner, capitalise, errorSummary, execute, heading, inputWithError, section, text } from "./card-parts";
import { GROUP_TITLES, SETTINGS_GROUPS, type SettingsGroup, TARGET_TITLES, TARGETS } from "../policy/policy-words";
import { INPUT_LABELS, MAX_STEPS, type SettingsErrors, type SettingsValues, settingsValues } from "./policy-settings.data";
import { Verbs } from "./verbs";

export interface PolicySettingsView {
  school: SchoolRecord;
  /** The group of settings open, if one was chosen. */
  group?: SettingsGroup;
  /** What was typed before a refusal; else the school's current values. */
  values?: SettingsValues;
  errors?: SettingsErrors & { form?: string };
  message?: Banner;
  /** The card is in a team channel: the code word is never shown or changed there. */
  inChannel?: boolean;
}

/**
 * The school's policy, one group of settings at a time, as its head or admin changes it in Teams: timers as words
 * ("15 min", "2 h"), roles and alert targets from lists, the code word never shown.
 */
export function policySettingsCard(view: PolicySettingsView): AdaptiveCard {
  const { school, group } = view;
  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading(`Policy settings at ${school.name}`),
    text(`Version ${school.version}. Each change is saved as a new version, with who made it and when; visits already approved keep the rules they were approved under.`, {
      isSubtle: true,
      size: "small",
    }),
    {
      type: "Input.ChoiceSet",
      id: "settingsGroup",
      label: "Settings to change",
      choices: SETTINGS_GROUPS.map((g) => ({ title: GROUP_TITLES[g], value: g })),
      value: group ?? "check-ins",
    },
    actionSet([execute("Open", Verbs.policySettings, { schoolId: school.id })]),
  ];
  const actions = [];
  if (group) {
    const values = { ...settingsValues(group, school.policy), ...view.values };
    const errors = view.errors ?? {};
    body.push(section(GROUP_TITLES[group]), ...errorSummary(errors));
    if (group === "code-word" && view.inChannel) {
      body.push(text("The code word is never shown or changed in a channel: open the settings in your 1:1 chat with the app.", { color: "attention" }));
    } else {
      for (const element of inputsOf(group, values, errors, school)) body.push(element);
      actions.push(execute("Save", Verbs.savePolicy, { schoolId: school.id, group }, { style: "positive" }));
    }
  }
  actions.push(execute("Back to settings", Verbs.schoolSettings, { schoolId: school.id }, { associatedInputs: "none" }));
  return adaptiveCard({ body, actions });
}

function inputsOf(group: SettingsGroup, values: SettingsValues, errors: SettingsErrors, school: SchoolRecord): CardElement[] {
  const field = (input: CardElement & { id: string }) => inputWithError({ label: INPUT_LABELS[input.id], ...input }, values[input.id], errors[input.id]);
  const duration = (id: string, placeholder = "e.g. 15 min or 2 h") => field({ type: "Input.Text", id, placeholder, maxLength: 40 });
  // A toggle submits "true" or "false" (its default valueOn and valueOff).
  const toggle = (id: string) => field({ type: "Input.Toggle", id, title: INPUT_LABELS[id] });
  const oneOf = (id: string, options: readonly [title: string, value: string][]) =>
    field({ type: "Input.ChoiceSet", id, style: "expanded", choices: options.map(([title, value]) => ({ title, value })) });
  const roles = (id: string) =>
    field({ type: "Input.ChoiceSet", id, isMultiSelect: true, choices: ROLES.map((r) => ({ title: capitalise(ROLE_WORDS[r]), value: r })) });
  switch (group) {
    case "check-ins":
      return [...toggle("leavingSchool"), ...toggle("arrival"), ...toggle("leaving"), ...duration("periodicEvery", "e.g. 2 h, or blank")];
    case "door":
      return [
        ...oneOf("parentAbsentMode", [
          ["Wait at most a set time, then call the visit off", "wait"],
          ["Enquire and leave a card (no timer)", "enquire-and-leave-card"],
          ["Nothing: the card has no \"Parent not here\" button", "off"],
        ]),
        ...duration("waitLimit"),
        ...field({ type: "Input.Text", id: "enquireGuidance", isMultiline: true, maxLength: 600 }),
        ...duration("lateLimit", "e.g. 30 min, or blank"),
      ];
    case "ladder": {
      const steps = Array.from({ length: MAX_STEPS }, (_, i) => [
        ...duration(`step${i + 1}After`, i === 0 ? "e.g. 0 min (at once)" : "e.g. 10 min, or blank for no step"),
        ...field({
          type: "Input.ChoiceSet",
          id: `step${i + 1}Targets`,
          isMultiSelect: true,
          choices: TARGETS.map((t) => ({ title: TARGET_TITLES[t], value: t })),
        }),
      ]).flat();
      return [
        ...duration("grace"),
        text("Each step comes this long after the ladder starts, and alerts the people chosen.", { isSubtle: true, size: "small" }),
        ...steps,
        ...field({ type: "Input.Text", id: "policeGuidance", isMultiline: true, maxLength: 600 }),
      ];
    }
    case "code-word":
      return [
        text(school.policy.codeWord ? "A code word is set. It is never shown; to change it, type the new one twice." : "No code word is set.", { weight: "bolder" }),
        ...field({ type: "Input.Text", id: "codeWord", style: "password", maxLength: 40 }),
        ...field({ type: "Input.Text", id: "codeWordAgain", style: "password", maxLength: 40 }),
        ...(school.policy.codeWord ? toggle("removeCodeWord") : []),
      ];
    case "purposes":
      return [...field({ type: "Input.Text", id: "purposes", isMultiline: true, maxLength: 2000 })];
    case "school-day":
      return [...field({ type: "Input.Time", id: "dayStart" }), ...field({ type: "Input.Time", id: "dayEnd" }), ...toggle("responsibleContactRequired")];
    case "approval":
      return [
        ...roles("approverRoles"),
        ...roles("informRoles"),
        ...oneOf("defaultStaff", [
          ["Two", "2"],
          ["One", "1"],
        ]),
        ...roles("loneVisitDecidedBy"),
        ...toggle("riskAssessmentRequired"),
        ...oneOf("twoStaffWhenEntering", [
          ["Needs two staff", "required"],
          ["Two staff recommended", "recommended"],
          ["Changes nothing", "no"],
        ]),
      ];
  }
}
