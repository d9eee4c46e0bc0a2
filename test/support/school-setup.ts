/**
 * Sets a school up the way its head does in Teams, over real HTTP: the app is added to the staff team (the bot posts
 * the setup card), the head fills the setup card in the General channel, imports the school's profile file (its
 * people and rules) from the settings card, and chooses the Safeguarding channel for alerts. Each step is a card
 * action the bot answers; a refusal fails the test with the card's words.
 */
import { Verbs } from "../../src/cards/verbs";
import type { PolicyProfile, PolicyProfileInput } from "../../src/policy/policy.schema";
import { buttonsOf, textOf } from "./card-inspect";
import type { FakeConnector } from "./fake-connector";
import { TeamsClient } from "./teams-client";

/** A school's staff team: its id, its General channel and its Safeguarding channel. */
export interface StaffTeam {
  id: string;
  general: string;
  safeguarding: string;
}

/** A staff team with ids of its own, so several schools can share one deployment. */
export function staffTeam(name: string): StaffTeam {
  return { id: `19:${name}-staff@thread.tacv2`, general: `19:${name}-general@thread.tacv2`, safeguarding: `19:${name}-safeguarding@thread.tacv2` };
}

const TEMPLATES = ["thorns-primary", "hunsbury-park-primary", "st-mary-of-the-angels", "priory-junior", "oakfield-academy"];

/** Someone in a staff team, as its roster and the profiles name them. */
export interface TeamMember {
  aadObjectId: string;
  displayName: string;
}

/** The team's roster as Teams lists it: each member's channel account (29:…) with their object id. */
export const rosterOf = (members: readonly TeamMember[]): FakeConnector["members"] =>
  members.map((p) => ({ id: `29:${p.aadObjectId}`, name: p.displayName, aadObjectId: p.aadObjectId }));

/**
 * The first steps of setup only: the app is added to the team (whose roster is `members`) and `head` fills the setup
 * card from the template `templateId`. The school is then being set up until every role its policy names is held.
 * Resolves the new school's id, and the Teams client of whoever set it up.
 */
export async function startSchoolInTeams(
  botUrl: string,
  connector: FakeConnector,
  school: { name: string; templateId: string; head: TeamMember; creatorRole: "headteacher" | "admin"; members: readonly TeamMember[] },
  team: StaffTeam,
): Promise<{ schoolId: string; client: TeamsClient }> {
  const { head } = school;
  const client = new TeamsClient(botUrl, connector, { aadObjectId: head.aadObjectId, name: head.displayName });
  // The team as Teams describes it: its channels and everyone in it.
  connector.channels = [{ id: team.general }, { id: team.safeguarding, name: "Safeguarding" }];
  connector.members = rosterOf(school.members);
  const added = await client.addAppToTeam(team);
  if (added.status >= 300) throw new Error(`adding the app to the team answered ${added.status}`);

  const general = { id: team.general, teamId: team.id };
  const setUp = await client.tapInChannel(general, Verbs.createSchool, { schoolName: school.name, templateId: school.templateId, creatorRole: school.creatorRole });
  // The settings card that answers a successful setup names the school in its buttons.
  const schoolId = buttonsOf(setUp.card).find((b) => b.data?.schoolId)?.data?.schoolId;
  if (typeof schoolId !== "string") throw new Error(`the school was not set up: ${textOf(setUp.card)}`);
  return { schoolId, client };
}

/** Resolves the new school's id (as its setup made it from the school's name). */
export async function setUpSchoolInTeams(
  botUrl: string,
  connector: FakeConnector,
  profile: PolicyProfile | PolicyProfileInput,
  team: StaffTeam,
  options: { chooseAlertChannel?: boolean } = {},
): Promise<string> {
  const head = profile.people.find((p) => p.roles.includes("headteacher")) ?? profile.people.find((p) => p.roles.includes("admin"))!;
  const templateId = TEMPLATES.includes(profile.school.id) ? profile.school.id : "product-defaults";
  const creatorRole = head.roles.includes("headteacher") ? "headteacher" : "admin";
  const { schoolId, client } = await startSchoolInTeams(botUrl, connector, { name: profile.school.name, templateId, head, creatorRole, members: profile.people }, team);
  const general = { id: team.general, teamId: team.id };

  const imported = await client.tapInChannel(general, Verbs.importPolicy, { schoolId, profileJson: JSON.stringify(profile) });
  if (!/Imported/.test(textOf(imported.card))) throw new Error(`the profile was not imported: ${textOf(imported.card)}`);
  if (options.chooseAlertChannel !== false) {
    const chosen = await client.tapInChannel(general, Verbs.saveAlertChannel, { schoolId, channelId: team.safeguarding });
    if (!/now go to/.test(textOf(chosen.card))) throw new Error(`the alert channel was not chosen: ${textOf(chosen.card)}`);
  }
  return schoolId;
}
