import type { TurnContext } from "botbuilder";
import type { z } from "zod";
import type { Logger, SchoolRecord } from "../app/ports";
import type { SchoolService } from "../app/school.service";
import {
  CreateSchoolData,
  ImportPolicyData,
  PolicySettingsData,
  RemoveSchoolData,
  SaveAlertChannelData,
  SavePolicyData,
  SaveRoleData,
  SchoolData,
  SchoolRolesData,
} from "../cards/action-data";
import { policySettingsCard } from "../cards/policy-settings.card";
import { parseSettings } from "../cards/policy-settings.data";
import type { SettingsGroup } from "../policy/policy-words";
import { alertChannelCard } from "../cards/alert-channel.card";
import type { AdaptiveCard, Banner } from "../cards/card-parts";
import { noticeCard } from "../cards/notice.card";
import { policyFileCard } from "../cards/policy-file.card";
import { schoolRolesCard } from "../cards/school-roles.card";
import { schoolSettingsCard } from "../cards/school-settings.card";
import { schoolSetupCard } from "../cards/school-setup.card";
import { Verbs } from "../cards/verbs";
import type { Role } from "../policy/policy.schema";
import type { Caller } from "./card-actions";
import { withCardData } from "./card-data";
import { type ConversationCapture, teamIdOf } from "./conversation-capture";

const SCHOOL_VERBS: ReadonlySet<string> = new Set([
  Verbs.createSchool,
  Verbs.schoolSettings,
  Verbs.schoolRoles,
  Verbs.saveRole,
  Verbs.alertChannel,
  Verbs.saveAlertChannel,
  Verbs.exportPolicy,
  Verbs.importPolicy,
  Verbs.policySettings,
  Verbs.savePolicy,
  Verbs.removeSchool,
]);

const good = (text: string): Banner => ({ text, tone: "good" });
const attention = (text: string): Banner => ({ text, tone: "attention" });

/**
 * The cards a school is set up and run with, in Teams: setup in the staff team, roles picked from the team's
 * members, the alert channel chosen from the team's channels, and the policy file. Every change goes through
 * SchoolService, which checks the actor's role at that school on the server.
 */
/** Whether a card action came from a team channel (everyone in it can see the card), rather than a 1:1 chat. */
const inChannel = (context: TurnContext) => context.activity.conversation?.conversationType === "channel";

export class SchoolActions {
  constructor(
    private readonly schools: SchoolService,
    private readonly capture: ConversationCapture,
    private readonly log: Logger,
  ) {}

  handles(verb: string): boolean {
    return SCHOOL_VERBS.has(verb);
  }

  async handle(verb: string, data: unknown, caller: Caller, context: TurnContext): Promise<AdaptiveCard> {
    switch (verb) {
      case Verbs.createSchool:
        return this.withData(CreateSchoolData, data, (d) => this.create(caller, context, d));
      case Verbs.schoolSettings:
        return this.withData(SchoolData, data, (d) => this.settings(caller, d.schoolId));
      case Verbs.schoolRoles:
        return this.withData(SchoolRolesData, data, (d) => this.roles(caller, d.schoolId, d.editRole ?? d.role));
      case Verbs.saveRole:
        return this.withData(SaveRoleData, data, (d) => this.saveRole(caller, d.schoolId, d.role, d.holders));
      case Verbs.alertChannel:
        return this.withData(SchoolData, data, (d) => this.alertChannel(caller, d.schoolId));
      case Verbs.saveAlertChannel:
        return this.withData(SaveAlertChannelData, data, (d) => this.saveAlertChannel(caller, d.schoolId, d.channelId));
      case Verbs.exportPolicy:
        return this.withData(SchoolData, data, (d) => this.exportPolicy(caller, d.schoolId));
      case Verbs.importPolicy:
        return this.withData(ImportPolicyData, data, (d) => this.importPolicy(caller, d.schoolId, d.profileJson));
      case Verbs.policySettings:
        return this.withData(PolicySettingsData, data, (d) => this.policySettings(caller, d.schoolId, d.settingsGroup ?? d.group, inChannel(context)));
      case Verbs.savePolicy:
        return this.withData(SavePolicyData, data, (d) => this.savePolicy(caller, d.schoolId, d.group, data, inChannel(context)));
      case Verbs.removeSchool:
        return this.withData(RemoveSchoolData, data, (d) => this.removeSchool(caller, d.schoolId, d.confirmName));
      default:
        return noticeCard("That button is not recognised", 'This card is out of date. Type "settings" for a fresh one.');
    }
  }

  /** The card for a team: its school's settings, or the setup form when the team has no school. */
  async forTeam(caller: Caller, teamId: string): Promise<AdaptiveCard> {
    const school = await this.schools.forTeam(teamId);
    return school ? this.settingsCard(caller, school) : schoolSetupCard({ templates: this.schools.templates });
  }

  /** The settings of every school this person manages or chooses the alert channel for. */
  async settingsOf(caller: Caller, schools: readonly SchoolRecord[]): Promise<AdaptiveCard[]> {
    return Promise.all(schools.map((school) => this.settingsCard(caller, school)));
  }

  private async create(caller: Caller, context: TurnContext, data: z.infer<typeof CreateSchoolData>): Promise<AdaptiveCard> {
    const teamId = teamIdOf(context);
    const again = (message: string) => schoolSetupCard({ templates: this.schools.templates, values: data, message: attention(message) });
    if (!teamId || context.activity.conversation?.conversationType !== "channel") {
      return again("Set the school up in a channel of the school's staff team: add the app to that team first.");
    }
    let roster;
    try {
      roster = await this.capture.roster(context);
    } catch (error) {
      this.log.warn("team roster could not be read at setup", { error: String(error) });
      return again("Teams did not give me the team's members just now, so nothing was set up. Please try again.");
    }
    const outcome = await this.schools.create(
      caller.actor,
      teamId,
      { name: data.schoolName, templateId: data.templateId, creatorIsHeadteacher: data.creatorRole === "headteacher" },
      roster,
    );
    if (!outcome.ok) return again(outcome.message);
    return this.settingsCard(caller, outcome.school, good(`${outcome.school.name} is set up. Next: give people their roles and choose the alert channel.`));
  }

  private async settings(caller: Caller, schoolId: string): Promise<AdaptiveCard> {
    const school = await this.schools.forManager(caller.actor, schoolId);
    return school ? this.settingsCard(caller, school) : noticeCard("School settings", "Only the school's headteacher, DSL or admin can see its settings.");
  }

  private settingsCard(caller: Caller, school: SchoolRecord, message?: Banner): AdaptiveCard {
    return schoolSettingsCard({
      school,
      checklist: this.schools.checklist(school),
      canManage: this.schools.mayManage(caller.actor, school),
      ...(message ? { message } : {}),
    });
  }

  private async roles(caller: Caller, schoolId: string, role: Role | undefined, message?: Banner): Promise<AdaptiveCard> {
    const school = await this.schools.forManaging(caller.actor, schoolId);
    if (!school) return noticeCard("Roles", "Only the headteacher or the school admin can change roles.");
    const staff = role ? await this.schools.pickable(schoolId) : [];
    return schoolRolesCard({ school, staff, ...(role ? { role } : {}), ...(message ? { message } : {}) });
  }

  private async saveRole(caller: Caller, schoolId: string, role: Role, holders: string[]): Promise<AdaptiveCard> {
    const outcome = await this.schools.setRoleHolders(caller.actor, schoolId, role, holders);
    return this.roles(caller, schoolId, role, outcome.ok ? good(`Saved (policy version ${outcome.school.version}).`) : attention(outcome.message));
  }

  private async alertChannel(caller: Caller, schoolId: string, message?: Banner): Promise<AdaptiveCard> {
    const school = await this.schools.forManager(caller.actor, schoolId);
    if (!school) return noticeCard("Alert channel", "Only the school's headteacher, DSL or admin can choose where alerts go.");
    const channels = (await this.capture.channelsOf(school.teamId)).map((c) => ({ id: c.key, name: c.name ?? "General" }));
    return alertChannelCard({ school, channels, canChoose: this.schools.mayChooseAlertChannel(caller.actor, school), ...(message ? { message } : {}) });
  }

  private async saveAlertChannel(caller: Caller, schoolId: string, channelId: string): Promise<AdaptiveCard> {
    const school = await this.schools.forManager(caller.actor, schoolId);
    // The channel must be one the app knows in the school's own team: an id from another team is refused.
    const channel = school && (await this.capture.channelsOf(school.teamId)).find((c) => c.key === channelId);
    if (!school || !channel) return this.alertChannel(caller, schoolId, attention("Choose one of the staff team's channels."));
    const outcome = await this.schools.chooseAlertChannel(caller.actor, schoolId, { teamId: school.teamId, channelId, name: channel.name ?? "General" });
    return this.alertChannel(caller, schoolId, outcome.ok ? good(`Safeguarding alerts now go to "${channel.name ?? "General"}".`) : attention(outcome.message));
  }

  private async exportPolicy(caller: Caller, schoolId: string): Promise<AdaptiveCard> {
    const outcome = await this.schools.exportPolicy(caller.actor, schoolId);
    if (!outcome.ok) return noticeCard("Policy file", outcome.message);
    return policyFileCard({ school: outcome.school, exported: outcome.json });
  }

  private async importPolicy(caller: Caller, schoolId: string, pasted: string): Promise<AdaptiveCard> {
    const school = await this.schools.forManaging(caller.actor, schoolId);
    if (!school) return noticeCard("Policy file", "Only the headteacher or the school admin can import a policy.");
    let json: unknown;
    try {
      json = JSON.parse(pasted);
    } catch {
      return policyFileCard({ school, pasted, problems: ["This is not a profile file: it is not valid JSON."] });
    }
    const outcome = await this.schools.importPolicy(caller.actor, schoolId, json);
    if (!outcome.ok) return policyFileCard({ school, pasted, ...("problems" in outcome ? { problems: outcome.problems } : { message: attention(outcome.message) }) });
    return this.settingsCard(caller, outcome.school, good(`Imported: the school now runs on policy version ${outcome.school.version}.`));
  }

  private async policySettings(caller: Caller, schoolId: string, group: SettingsGroup | undefined, channel: boolean, message?: Banner): Promise<AdaptiveCard> {
    const school = await this.schools.forManaging(caller.actor, schoolId);
    if (!school) return noticeCard("Policy settings", "Only the headteacher or the school admin can change the school's policy.");
    return policySettingsCard({ school, ...(group ? { group } : {}), inChannel: channel, ...(message ? { message } : {}) });
  }

  private async savePolicy(caller: Caller, schoolId: string, group: SettingsGroup, raw: unknown, channel: boolean): Promise<AdaptiveCard> {
    const school = await this.schools.forManaging(caller.actor, schoolId);
    if (!school) return noticeCard("Policy settings", "Only the headteacher or the school admin can change the school's policy.");
    // The code word is never typed where others can see it.
    if (group === "code-word" && channel) return this.policySettings(caller, schoolId, group, channel);
    const parsed = parseSettings(group, raw, school.policy);
    if (!parsed.ok) return policySettingsCard({ school, group, values: parsed.values, errors: parsed.errors, inChannel: channel });
    const outcome = await this.schools.changePolicy(caller.actor, schoolId, parsed.change, parsed.summary);
    if (!outcome.ok) return policySettingsCard({ school, group, errors: { form: outcome.message }, inChannel: channel });
    return policySettingsCard({ school: outcome.school, group, inChannel: channel, message: good(`Saved as policy version ${outcome.school.version}.`) });
  }

  private async removeSchool(caller: Caller, schoolId: string, confirmName: string): Promise<AdaptiveCard> {
    const school = await this.schools.forManaging(caller.actor, schoolId);
    if (!school) return noticeCard("School settings", "Only the headteacher or the school admin can take the school off Home Visits.");
    if (confirmName.trim().toLowerCase() !== school.name.toLowerCase()) {
      return this.settingsCard(caller, school, attention("Nothing was removed: type the school's name exactly to confirm."));
    }
    const outcome = await this.schools.remove(caller.actor, schoolId);
    if (!outcome.ok) return this.settingsCard(caller, school, attention(outcome.message));
    return noticeCard(
      "School taken off Home Visits",
      `${school.name} no longer uses Home Visits: staff cannot ask for visits and nothing more is sent. Its records are kept until their retention ends. To start again, type "settings" in this team.`,
    );
  }

  private withData<S extends z.ZodTypeAny>(schema: S, data: unknown, run: (d: z.infer<S>) => Promise<AdaptiveCard>): Promise<AdaptiveCard> {
    return withCardData(schema, data, this.log, "settings", run);
  }
}
