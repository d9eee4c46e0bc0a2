/**
 * The tab's School view and the trust's safeguarding leads, over real HTTP with real single sign-on tokens, against
 * the real app on Azurite with three schools of a trust set up through Teams (test/support/tab-trust.ts): who sees
 * which school's settings and how much, the policy file as a download, and a trust lead who sees every running
 * school's review figures and is refused everything else.
 */
import { Verbs } from "../../../src/cards/verbs";
import type { Figures, Me, SchoolSettings } from "../../../src/http/tab-api/contract";
import { PolicyDraft } from "../../../src/policy/policy.schema";
import { useAzurite } from "../../support/azurite";
import { at, TEAM } from "../../support/safety-net-school";
import { staffTeam } from "../../support/school-setup";
import { ADMIN, ALEX, DSL, HEAD, OFFICE, TabTrust, TRUST_LEAD, WREN } from "../../support/tab-trust";

const connectionString = useAzurite();
const ALEX_ID = "00000000-0000-4000-8000-0000000000a1";
const SETTINGS_ONLY = "Only the headteacher, the admin or the DSL can see the school's settings.";

describe("the tab's School view and the trust's safeguarding lead", () => {
  let trust: TabTrust;
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
  const thorns = () => trust.tab.school.schoolId;
  const settings = async (who: string | { objectId: string }, school = thorns()) => json<SchoolSettings>(await trust.tab.call(who, `/school?school=${school}`));

  beforeAll(async () => {
    // Alex, a visitor at Thorns and Hunsbury, is one of the trust's safeguarding leads too.
    trust = await TabTrust.open(connectionString(), [TRUST_LEAD.objectId, ALEX_ID]);
  });
  afterAll(() => trust?.stop());

  describe("/me", () => {
    it("opens the School view for the head at both her schools, and for Wrenfield's head at the school he is setting up, alone", async () => {
      const head = await json<Me>(await trust.tab.call(HEAD, "/me"));
      expect(head.schools.map((s) => [s.name, s.state, s.views.at(-1)])).toEqual([
        ["Hunsbury Park Primary School", "running", "school"],
        ["Thorns Primary School", "running", "school"],
      ]);
      const wren = await json<Me>(await trust.tab.call({ objectId: WREN.aadObjectId }, "/me"));
      expect(wren).toEqual({
        name: WREN.displayName,
        today: "2026-11-24",
        schools: [{ id: trust.wrenfield, name: "Wrenfield Nursery School", teamId: staffTeam("wrenfield").id, state: "setting-up", roles: ["headteacher", "admin"], trustLead: false, views: ["school"] }],
      });
    });

    it("lists every running school for the trust's safeguarding lead, with the Review view only", async () => {
      const me = await json<Me>(await trust.tab.call(TRUST_LEAD, "/me"));
      expect(me).toEqual({
        name: "Trust safeguarding lead",
        today: "2026-11-24",
        schools: [
          { id: trust.hunsbury, name: "Hunsbury Park Primary School", teamId: staffTeam("hunsbury").id, state: "running", roles: [], trustLead: true, views: ["review"] },
          { id: thorns(), name: "Thorns Primary School", teamId: TEAM.id, state: "running", roles: [], trustLead: true, views: ["review"] },
        ],
      });
    });

    it("adds Review to the views of a trust lead who holds a role at the school, and nothing else", async () => {
      const alex = await json<Me>(await trust.tab.call(ALEX, "/me"));
      expect(alex.schools.map((s) => [s.name, s.roles, s.trustLead, s.views])).toEqual([
        ["Hunsbury Park Primary School", ["visitor"], true, ["today", "review"]],
        ["Thorns Primary School", ["visitor"], true, ["today", "review"]],
      ]);
    });
  });

  describe("School", () => {
    it("shows the head everything: state, staff team, alert channel, the policy's version with who made it and when, every role", async () => {
      const school = await settings(HEAD);
      expect(school).toMatchObject({
        id: thorns(),
        name: "Thorns Primary School",
        state: "running",
        shown: "everything",
        alertChannel: { name: "Safeguarding" },
        alertChannelChosenBy: "the headteacher, the DSL or the admin",
        teamMembers: 7,
        // Set up (1), its profile imported (2), the Safeguarding channel chosen (3): by the head, through Teams.
        policy: { version: 3, changedBy: HEAD, changedAt: at("08:00").toISOString(), change: 'Safeguarding alerts now go to the channel "Safeguarding".' },
      });
      expect(school.howToChange).toMatch(/^To change roles, the alert channel or the policy, type “settings” in your 1:1 chat with Home Visits/);
      expect(school.roles!.map((r) => [r.name, r.holders, r.neededFor])).toEqual([
        ["The headteacher", [HEAD], undefined],
        ["The senior leadership team", [HEAD, DSL], undefined],
        ["The DSL", [DSL], undefined],
        ["The deputy DSL", ["Ifeoma Garside"], undefined],
        ["The office", [OFFICE], undefined],
        ["The attendance lead", ["Sam Moss"], undefined],
        ["A home visitor", [ALEX, "Sam Moss", "Ifeoma Garside"], undefined],
        ["The admin", [ADMIN], undefined],
      ]);
      expect(school.roles![0]!.purpose).toBe("approves visits where the policy says so, hears of safety reports and escalations");
    });

    it("sums the policy up in words, group by group, and says only that a code word is set, never what it is", async () => {
      const res = await trust.tab.call(ADMIN, "/school");
      const body = await res.text();
      expect(body.toLowerCase()).not.toContain("bluebell");
      const { summary } = JSON.parse(body) as SchoolSettings;
      const section = (title: string) => Object.fromEntries(summary!.find((s) => s.title.startsWith(title))!.settings.map((s) => [s.label, s.value]));
      expect(summary!.map((s) => s.title)).toEqual([
        "Check-ins (R10, R15, R16)",
        "At the door: parent not in or late (R11, R12)",
        "Missed check-ins: the escalation ladder (R20)",
        "The code word (R17)",
        "Who approves, and lone working (R01, R03)",
        "Purposes of a visit (R02)",
        "The school day and out-of-hours visits (R05)",
        "How long data is kept",
        "Pupil reference",
      ]);
      expect(section("The code word")).toEqual({ "Code word": "Set. It is never shown, and only changed in your 1:1 chat with the app." });
      expect(section("At the door")).toEqual({ "Parent not in at the arranged time": "Wait at most 15 minutes, then call the visit off", "Parent running late": "No limit" });
      expect(section("Missed check-ins")).toMatchObject({ "Grace before the ladder starts": "10 minutes", "Step 1": expect.stringMatching(/^At once: /) as unknown });
      expect(section("Who approves")).toMatchObject({ "Approves visits": "The headteacher", "Staff on a visit by default": "Two" });
      expect(section("How long data is kept")).toMatchObject({ "Visits, from their last activity": "6 years", "Log lines": "30 days" });
      expect(section("Pupil reference")).toEqual({ "Written as": "Initials and year group, e.g. J.S. Y4 or JS Y4" });
      expect(section("Purposes")).toEqual({ Purposes: trust.tab.school.policy.purposes.map((p) => p.label) });
    });

    it("says plainly when no alert channel is chosen, and where alerts go meanwhile", async () => {
      const school = await settings(HEAD, trust.hunsbury);
      expect(school).toMatchObject({ name: "Hunsbury Park Primary School", alertChannel: null, alertChannelChosenBy: "the headteacher, the DSL or the admin" });
      const ladder = school.summary!.find((s) => s.title.startsWith("Missed check-ins"))!.settings.find((s) => s.label === "Step 3")!;
      expect(ladder.value).toBe("After 15 minutes: the headteacher, the DSL and deputy DSLs (no alert channel is chosen)");
    });

    it("flags every role nobody holds at a school being set up, with what the policy needs it for", async () => {
      const school = await settings({ objectId: WREN.aadObjectId }, trust.wrenfield);
      expect(school).toMatchObject({ state: "setting-up", shown: "everything", alertChannel: null, teamMembers: 1, policy: { version: 1, changedBy: WREN.displayName } });
      expect(school.roles!.filter((r) => r.neededFor).map((r) => [r.role, r.holders, r.neededFor])).toEqual([
        ["office", [], ["is alerted when a visitor asks for help", "is alerted at step 2 when a check-in is missed"]],
      ]);
      expect(school.roles!.find((r) => r.role === "dsl")).toEqual(expect.objectContaining({ holders: [] }));
      expect(school.roles!.find((r) => r.role === "dsl")).not.toHaveProperty("neededFor");
    });

    it("shows the DSL, who may choose where alerts go, that part alone", async () => {
      const school = await settings(DSL);
      expect(school).toEqual({
        id: thorns(),
        name: "Thorns Primary School",
        state: "running",
        shown: "alert-channel",
        howToChange: "To choose the alert channel, type “settings” in your 1:1 chat with Home Visits and choose Alert channel.",
        alertChannel: { name: "Safeguarding" },
        alertChannelChosenBy: "the headteacher, the DSL or the admin",
      });
    });

    it("refuses the school's settings to everyone else, the trust's safeguarding lead included", async () => {
      for (const who of [OFFICE, ALEX, TRUST_LEAD, { objectId: WREN.aadObjectId }]) {
        const res = await trust.tab.call(who, "/school");
        expect([res.status, await res.json()]).toEqual([403, { error: SETTINGS_ONLY }]);
      }
    });
  });

  describe("the policy file", () => {
    it("downloads as an attachment for the head and admin: the settings card's export, without the code word", async () => {
      const { card } = await trust.tab.school.person(HEAD).tap(Verbs.exportPolicy, { schoolId: thorns() });
      const exported = JSON.stringify(card).match(/"type":"TextRun","text":("(?:[^"\\]|\\.)*")/)![1]!;
      for (const who of [HEAD, ADMIN]) {
        const res = await trust.tab.call(who, "/school/policy.json");
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(res.headers.get("content-disposition")).toBe(`attachment; filename="home-visits-policy-${thorns()}-version-3.json"`);
        const file = await res.text();
        expect(file).toBe(JSON.parse(exported) as string);
        expect(file.toLowerCase()).not.toContain("bluebell");
        const policy = PolicyDraft.parse(JSON.parse(file));
        expect([policy.codeWord, policy.school.id, policy.people.length]).toEqual([null, thorns(), 7]);
      }
    });

    it("is refused to the DSL and everyone else who does not manage the school, with no file", async () => {
      for (const who of [DSL, OFFICE, ALEX, TRUST_LEAD]) {
        const res = await trust.tab.call(who, "/school/policy.json");
        expect([res.status, res.headers.get("content-disposition"), await res.json()]).toEqual([
          403,
          null,
          { error: "Only the headteacher or the admin can change the school's settings and roles." },
        ]);
      }
    });
  });

  describe("the trust's safeguarding lead", () => {
    const PERIOD = "from=2026-09-01&to=2026-11-30";

    it("gets the review figures of each running school, each its own", async () => {
      const figures = async (school: string) => json<Figures>(await trust.tab.call(TRUST_LEAD, `/review?${PERIOD}&school=${school}`));
      expect((await figures(thorns())).visits).toBe(1);
      expect((await figures(trust.hunsbury)).visits).toBe(0);
      const settingUp = await trust.tab.call(TRUST_LEAD, `/review?${PERIOD}&school=${trust.wrenfield}`);
      expect(settingUp.status).toBe(403);
    });

    it("is refused every other call about a school, with no data", async () => {
      const calls: [string, string][] = [
        ["GET", "/today"],
        ["GET", "/approvals"],
        ["GET", `/records?${PERIOD}`],
        ["GET", `/records.csv?${PERIOD}`],
        ["GET", "/staff"],
        ["GET", `/staff/${ALEX_ID}/export`],
        ["GET", "/school"],
        ["GET", "/school/policy.json"],
        ["POST", "/visits/x/alerts/A1/acknowledge"],
        ["POST", "/visits/x/alerts/A1/resolve"],
        ["POST", "/visits/x/decision"],
      ];
      for (const school of [thorns(), trust.hunsbury]) {
        for (const [method, path] of calls) {
          const res = await trust.tab.call(TRUST_LEAD, `${path}${path.includes("?") ? "&" : "?"}school=${school}`, { method });
          const body = await json<Record<string, unknown>>(res);
          expect([method, path, res.status, Object.keys(body)]).toEqual([method, path, 403, ["error"]]);
        }
      }
      const today = await trust.tab.call(TRUST_LEAD, "/today");
      expect(await today.json()).toEqual({ error: "As the trust's safeguarding lead you see this school's review figures, and nothing else unless the school gives you a role." });
    });

    it("sees what a role at the school gives, and nothing more, when the school gives one", async () => {
      expect((await trust.tab.call(ALEX, `/review?${PERIOD}`)).status).toBe(200);
      expect((await trust.tab.call(ALEX, "/today")).status).toBe(200);
      for (const path of [`/records?${PERIOD}`, "/school", "/staff"]) expect([path, (await trust.tab.call(ALEX, path)).status]).toEqual([path, 403]);
    });
  });
});
