import { PolicyProfile } from "../policy/policy.schema";
import { seedDemoStaffRecords } from "./demo-staff";
import type { SchoolRecord, StaffDirectory } from "./ports";
import type { SchoolService } from "./school.service";

/** The local client's team: the example school is set up in it, with its alert channel. */
export interface DemoTeam {
  teamId: string;
  alertChannel: { id: string; name: string };
}

/**
 * The local demo's example school, set up as a real school is, through SchoolService: its head sets it up in the
 * team from the matching template, imports the example profile file (its people and rules) and chooses the alert
 * channel. Then each visitor gets a fictional complete staff record, so a visit can be approved at once. A school
 * already set up in the team (the embedded Azurite keeps its data) is left as it is.
 */
export async function seedDemoSchool(schools: SchoolService, staff: StaffDirectory, profile: PolicyProfile, team: DemoTeam, now: Date): Promise<SchoolRecord> {
  const existing = await schools.forTeam(team.teamId);
  if (existing) return existing;
  const head = profile.people.find((p) => p.roles.includes("headteacher")) ?? profile.people.find((p) => p.roles.includes("admin"));
  if (!head) throw new Error(`The example profile ${profile.school.id} names no headteacher or admin to set it up`);
  const actor = { id: head.aadObjectId, name: head.displayName };
  const templateId = schools.templates.some((t) => t.id === profile.school.id) ? profile.school.id : "product-defaults";
  const created = await schools.create(actor, team.teamId, { name: profile.school.name, templateId, creatorIsHeadteacher: head.roles.includes("headteacher") }, []);
  if (!created.ok) throw new Error(`The example school could not be set up: ${created.message}`);
  const imported = await schools.importPolicy(actor, created.school.id, profile);
  if (!imported.ok) throw new Error(`The example profile could not be imported: ${"problems" in imported ? imported.problems.join("; ") : imported.message}`);
  const chosen = await schools.chooseAlertChannel(actor, created.school.id, { teamId: team.teamId, channelId: team.alertChannel.id, name: team.alertChannel.name });
  if (!chosen.ok) throw new Error(`The example school's alert channel could not be chosen: ${chosen.message}`);
  await seedDemoStaffRecords(PolicyProfile.parse(chosen.school.policy), staff, now);
  return chosen.school;
}
