import type { SchoolRecord } from "../app/ports";
import type { AdaptiveCard, Banner, CardElement } from "./card-parts";
import { adaptiveCard, banner, execute, heading, text } from "./card-parts";
import { Verbs } from "./verbs";

export interface AlertChannelView {
  school: SchoolRecord;
  /** The channels of the school's staff team, by id, as the app knows them. */
  channels: readonly { id: string; name: string }[];
  canChoose: boolean;
  message?: Banner;
}

/**
 * Where the school's safeguarding alerts are posted: a channel of its own staff team, chosen from a list and kept by
 * its ids, so renaming it, or another team's channel of the same name, changes nothing.
 */
export function alertChannelCard(view: AlertChannelView): AdaptiveCard {
  const { school } = view;
  const chosen = school.policy.alertChannel;
  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading("Channel for safeguarding alerts"),
    text(
      chosen
        ? `Alerts about missed check-ins, calls for help and safeguarding concerns are posted in "${chosen.name}", and the people each alert is for are @mentioned.`
        : "No channel is chosen yet: alerts that would be posted there go 1:1 to the DSL and deputy DSLs instead.",
      chosen ? {} : { weight: "bolder", color: "attention" },
    ),
    text("Posts show the minimum (a visit reference and what happened); the details are only in the DSL's and responders' own view.", {
      isSubtle: true,
      size: "small",
    }),
  ];
  const actions = [];
  if (view.canChoose && view.channels.length > 0) {
    body.push({
      type: "Input.ChoiceSet",
      id: "channelId",
      label: "Post safeguarding alerts in",
      choices: view.channels.map((c) => ({ title: c.name, value: c.id })),
      value: chosen?.channelId ?? view.channels[0]!.id,
    });
    actions.push(execute("Use this channel", Verbs.saveAlertChannel, { schoolId: school.id }, { style: "positive" }));
  } else if (view.canChoose) {
    body.push(text("The app does not know the team's channels yet: remove the app from the staff team and add it again.", { color: "attention" }));
  }
  actions.push(execute("Back to settings", Verbs.schoolSettings, { schoolId: school.id }, { associatedInputs: "none" }));
  return adaptiveCard({ body, actions });
}
