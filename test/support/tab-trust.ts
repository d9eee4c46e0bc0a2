/**
 * Three schools of one trust on one deployment, for the tab's School view and the trust's safeguarding lead, over
 * real HTTP against the real app on Azurite, each set up through Teams in its own staff team: Thorns Primary (running,
 * its alert channel chosen, a code word set), Hunsbury Park Primary (running, no alert channel chosen yet) and
 * Wrenfield Nursery School (just set up from the product's defaults by its head: nobody holds the office's role yet,
 * so it is being set up). The trust's safeguarding lead is on no school's staff. Everyone is fictional.
 */
import { loadPolicyFile } from "../../src/policy/policy.loader";
import { DAY, TEAM, visitForm } from "./safety-net-school";
import { rosterOf, setUpSchoolInTeams, staffTeam, startSchoolInTeams, type StaffTeam, type TeamMember } from "./school-setup";
import { TabSchool } from "./tab-school";

export const HEAD = "Jo Fenwick";
export const DSL = "Priya Lane";
export const ADMIN = "Ash Penrose";
export const OFFICE = "Lou Brennock";
export const ALEX = "Alex Rivers";

/** The trust's safeguarding lead: on the staff of none of its schools. */
export const TRUST_LEAD = { objectId: "00000000-0000-4000-8000-00000000ee01", name: "Rhiannon Vale" };
/** Wrenfield's new head, who has just set it up. */
export const WREN = { aadObjectId: "00000000-0000-4000-8000-00000000ee02", displayName: "Wren Castell" };

const teamOf = (team: StaffTeam, members: readonly TeamMember[]) => ({
  channels: [{ id: team.general }, { id: team.safeguarding, name: "Safeguarding" }],
  members: rosterOf(members),
});

export class TabTrust {
  private constructor(
    /** Thorns Primary, the school `tab.call` is about unless a path names another. */
    readonly tab: TabSchool,
    readonly hunsbury: string,
    readonly wrenfield: string,
  ) {}

  /** `trustLeads`: who the deployment names its trust's safeguarding leads (TRUST_LEAD unless told). */
  static async open(connectionString: string, trustLeads: readonly string[] = [TRUST_LEAD.objectId]): Promise<TabTrust> {
    const tab = await TabSchool.open(connectionString, { profile: "policies/thorns-primary.json", env: { TRUST_SAFEGUARDING_LEADS: trustLeads.join(",") } });
    const { app, connector, policy } = tab.school;
    // Each team answers for itself from now on, whichever was set up last.
    connector.teams[TEAM.id] = teamOf(TEAM, policy.people);
    const hunsburyProfile = loadPolicyFile("policies/hunsbury-park-primary.json");
    const hunsburyTeam = staffTeam("hunsbury");
    connector.teams[hunsburyTeam.id] = teamOf(hunsburyTeam, hunsburyProfile.people);
    const hunsbury = await setUpSchoolInTeams(app.url, connector, hunsburyProfile, hunsburyTeam, { chooseAlertChannel: false });
    const wrenTeam = staffTeam("wrenfield");
    connector.teams[wrenTeam.id] = teamOf(wrenTeam, [WREN]);
    const wrenfield = await startSchoolInTeams(
      app.url,
      connector,
      { name: "Wrenfield Nursery School", templateId: "product-defaults", head: WREN, creatorRole: "headteacher", members: [WREN] },
      wrenTeam,
    );
    // One visit asked for at Thorns, so its figures differ from Hunsbury's.
    await tab.school.request(ALEX, visitForm(policy, { date: DAY, schoolId: tab.school.schoolId }));
    return new TabTrust(tab, hunsbury, wrenfield.schoolId);
  }

  stop(): Promise<void> {
    return this.tab.stop();
  }
}
