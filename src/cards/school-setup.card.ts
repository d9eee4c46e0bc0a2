import type { Banner } from "./card-parts";
import { adaptiveCard, banner, execute, heading, text, type AdaptiveCard } from "./card-parts";
import { Verbs } from "./verbs";

export interface SchoolSetupView {
  templates: readonly { id: string; label: string }[];
  /** What was typed before a refusal, shown again. */
  values?: { schoolName?: string; templateId?: string; creatorRole?: string };
  message?: Banner;
}

/**
 * Posted in a team when the app is added to it and no school is set up there: the head or the school's admin sets
 * the school up here, in its staff team, by naming it and picking the policy to start from. Everyone in this team can
 * then be given a role; nothing else is needed from IT.
 */
export function schoolSetupCard(view: SchoolSetupView): AdaptiveCard {
  const values = view.values ?? {};
  return adaptiveCard({
    body: [
      banner(view.message),
      heading("Set up Home Visits for your school"),
      text(
        "The headteacher or the school admin does this once, here in the school's staff team. Then give people their roles " +
          "and choose the channel for safeguarding alerts. Only set up a school in its staff team: everyone in this team becomes its staff.",
      ),
      {
        type: "Input.Text",
        id: "schoolName",
        label: "School name",
        isRequired: true,
        errorMessage: "Give the school's name.",
        maxLength: 80,
        ...(values.schoolName ? { value: values.schoolName } : {}),
      },
      {
        type: "Input.ChoiceSet",
        id: "templateId",
        label: "Start from this home-visit policy (you can change every setting afterwards)",
        isRequired: true,
        errorMessage: "Choose the policy to start from.",
        choices: view.templates.map((t) => ({ title: t.label, value: t.id })),
        value: values.templateId ?? view.templates[0]?.id ?? "",
      },
      {
        type: "Input.ChoiceSet",
        id: "creatorRole",
        label: "You are",
        style: "expanded",
        isRequired: true,
        errorMessage: "Say whether you are the headteacher or the school admin.",
        choices: [
          { title: "The headteacher", value: "headteacher" },
          { title: "The school admin (office or business manager)", value: "admin" },
        ],
        value: values.creatorRole ?? "headteacher",
      },
    ],
    actions: [execute("Set up the school", Verbs.createSchool, {}, { style: "positive" })],
  });
}
