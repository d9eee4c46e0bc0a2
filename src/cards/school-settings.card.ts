import type { SchoolRecord } from "../app/ports";
import type { SetupChecklist } from "../app/school.service";
import { ROLE_WORDS, rolesInWords } from "../domain/role-words";
import type { AdaptiveCard, Banner, CardElement } from "./card-parts";
import { adaptiveCard, banner, bullets, capitalise, execute, facts, heading, joinWords, showCard, text } from "./card-parts";
import { Verbs } from "./verbs";

export interface SchoolSettingsView {
  school: SchoolRecord;
  checklist: SetupChecklist;
  /** Whether the viewer may change roles and settings (the head or admin). */
  canManage: boolean;
  message?: Banner;
}

/** What a school still lacks, or that it is running, with the buttons its head or admin uses to change it. */
export function schoolSettingsCard(view: SchoolSettingsView): AdaptiveCard {
  const { school, checklist } = view;
  const policy = school.policy;
  const channel = checklist.alertChannel;
  const running = school.state === "active";
  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading(`Home Visits at ${school.name}`),
    text(running ? "Running: staff can ask for visits." : "Being set up: staff cannot ask for visits until every role below is held.", {
      color: running ? "good" : "attention",
      weight: "bolder",
    }),
    facts([
      ["Policy", `version ${school.version}`],
      ["Home visitors", String(checklist.visitors)],
      ["Safeguarding alerts", channel ? `the channel "${channel.name}"` : "no channel chosen: they go 1:1 to the DSL and deputies"],
    ]),
    checklist.missingRoles.length > 0 ? text("Still to do: give these roles to someone", { weight: "bolder", spacing: "medium" }) : undefined,
    bullets(checklist.missingRoles.map((gap) => `${capitalise(ROLE_WORDS[gap.role])}, who ${joinWords(gap.for, "and")}`)),
    channel ? undefined : text("Choose the channel where safeguarding alerts are posted (usually a private channel for the DSL and SLT).", { isSubtle: true }),
    text("Who holds which role", { weight: "bolder", spacing: "medium" }),
    facts(rolesHeld(policy.people)),
    view.canManage ? undefined : text(`Only ${rolesInWords(["headteacher", "admin"])} can change roles and settings.`, { isSubtle: true, size: "small" }),
  ];
  const data = { schoolId: school.id };
  const actions = view.canManage
    ? [
        execute("Roles", Verbs.schoolRoles, data),
        execute("Alert channel", Verbs.alertChannel, data),
        execute("Policy settings", Verbs.policySettings, data),
        execute("Policy file", Verbs.exportPolicy, data),
        showCard(
          "Take off Home Visits",
          [
            text(`Staff could no longer ask for visits at ${school.name}. Refused while any visit is under way or planned. Records stay until their retention ends.`),
            { type: "Input.Text", id: "confirmName", label: "Type the school's name to confirm", isRequired: true, errorMessage: "Type the school's name.", maxLength: 200 },
          ],
          [execute("Take the school off", Verbs.removeSchool, data, { style: "destructive" })],
        ),
      ]
    : [execute("Alert channel", Verbs.alertChannel, data)];
  return adaptiveCard({ body, actions });
}

function rolesHeld(people: SchoolRecord["policy"]["people"]): [string, string][] {
  const byRole = new Map<string, string[]>();
  for (const person of people) for (const role of person.roles) byRole.set(role, [...(byRole.get(role) ?? []), person.displayName]);
  return (Object.keys(ROLE_WORDS) as (keyof typeof ROLE_WORDS)[])
    .filter((role) => byRole.has(role))
    .map((role) => [capitalise(ROLE_WORDS[role]), joinWords(byRole.get(role)!, "and")]);
}
