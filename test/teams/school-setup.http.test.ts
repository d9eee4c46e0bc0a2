/**
 * A school sets itself up in Teams, over real HTTP with the fake Bot Connector and Azurite, as its head would: the
 * app added to the staff team posts the setup card; the head names the school and picks a starting policy; roles go
 * to members of the team picked from its roster; the alert channel is chosen from the team's channels; the policy's
 * settings are changed on cards, each change a new version; and the school can be taken off again. Everyone is
 * fictional.
 */
import type { SchoolRecord } from "../../src/app/ports";
import { Verbs } from "../../src/cards/verbs";
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { loadTemplates } from "../../src/policy/policy.templates";
import { STAFF_CSV_HEADER } from "../../src/cards/staff-record.data";
import { TableSchoolStore } from "../../src/storage/school.table-store";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables } from "../../src/storage/tables";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { button, buttonsOf, inputsOf, textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { quietLog } from "../support/quiet-log";
import { requestForm } from "../support/request-form";
import { staffTeam } from "../support/school-setup";
import { TeamsClient, TENANT_ID } from "../support/teams-client";

const connectionString = useAzurite();
const connector = new FakeConnector();
const TEAM = staffTeam("rowan");
const general = { id: TEAM.general, teamId: TEAM.id };
const now = new Date("2026-11-23T08:00:00Z");
const prefix = uniqueTablePrefix();
let app: RunningApp;
let schoolId: string;
let schoolStore: TableSchoolStore;
let staffDirectory: TableStaffDirectory;

/** The staff team of Rowan Primary (fictional): its head, an office manager, a DSL, two teachers who visit. */
const STAFF = {
  head: { aadObjectId: "00000000-0000-4000-8000-00000000c001", name: "Morwenna Tregear" },
  office: { aadObjectId: "00000000-0000-4000-8000-00000000c002", name: "Idris Penhale" },
  dsl: { aadObjectId: "00000000-0000-4000-8000-00000000c003", name: "Nadia Osei" },
  alice: { aadObjectId: "00000000-0000-4000-8000-00000000c004", name: "Alys Carrow" },
  ben: { aadObjectId: "00000000-0000-4000-8000-00000000c005", name: "Bryn Hollis" },
};
const client = (who: keyof typeof STAFF) => new TeamsClient(app.url, connector, STAFF[who]);
const school = async (): Promise<SchoolRecord> => (await app.schools.get(schoolId))!;

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
  app = await startApp({ ...config, port: 0 }, { clock: { now: () => now }, log: quietLog(), sweeper: false });
  connector.members = Object.values(STAFF).map((p) => ({ id: `29:${p.aadObjectId}`, name: p.name, aadObjectId: p.aadObjectId }));
  connector.channels = [{ id: TEAM.general }, { id: TEAM.safeguarding, name: "DSL alerts" }];
  const tables = await openTables(connectionString(), { prefix });
  schoolStore = new TableSchoolStore(tables);
  staffDirectory = new TableStaffDirectory(tables);
});
afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

describe("a school sets itself up in its staff team", () => {
  it("posts the setup card in the team when the app is added there, and nothing about anyone is kept yet", async () => {
    const mark = connector.calls.length;
    expect((await client("head").addAppToTeam(TEAM)).status).toBeLessThan(300);
    const [posted] = connector.cardsTo(TEAM.general).slice(-1);
    expect(textOf(posted!)).toContain("Set up Home Visits for your school");
    expect(buttonsOf(posted!).map((b) => b.verb)).toEqual([Verbs.createSchool]);
    expect(connector.calls.slice(mark).some((c) => c.path.endsWith("/pagedmembers"))).toBe(false);
    expect(await app.schools.list()).toEqual([]);
  });

  it("sets the school up from a template, with the person setting it up as headteacher and admin, and its staff from the team", async () => {
    const { card } = await client("head").tapInChannel(general, Verbs.createSchool, { schoolName: "  Rowan   Primary School ", templateId: "hunsbury-park-primary", creatorRole: "headteacher" });
    expect(textOf(card)).toContain("Rowan Primary School is set up. Next: give people their roles and choose the alert channel.");
    expect(textOf(card)).toContain("Being set up: staff cannot ask for visits until every role below is held.");
    expect(textOf(card)).toMatch(/The office, who .*is alerted when a visitor asks for help/);
    schoolId = String(button(card, /^roles$/i).data!.schoolId);
    expect(schoolId).toBe("rowan-primary-school");
    const stored = await school();
    expect(stored).toMatchObject({ name: "Rowan Primary School", teamId: TEAM.id, state: "setting-up", version: 1 });
    expect(stored.policy.people).toEqual([{ aadObjectId: STAFF.head.aadObjectId, displayName: STAFF.head.name, roles: ["headteacher", "admin"] }]);
    expect(stored.policy.escalation).toEqual(loadTemplates().find((t) => t.id === "hunsbury-park-primary")!.draft.escalation);
    // The team's roster is the school's staff now (read at setup, in batches).
    expect((await staffDirectory.list(schoolId)).map((m) => m.name).sort()).toEqual(Object.values(STAFF).map((p) => p.name).sort());
  });

  it("refuses a second school in the same team, and another setup card tap changes nothing", async () => {
    const { card } = await client("office").tapInChannel(general, Verbs.createSchool, { schoolName: "Another School", templateId: "product-defaults", creatorRole: "admin" });
    expect(textOf(card)).toContain('This team already has a school set up. Type "settings" to see it.');
    expect((await app.schools.list()).map((s) => s.id)).toEqual([schoolId]);
  });

  it("does not let a visitor ask for a visit while the school is being set up", async () => {
    await client("alice").install();
    await client("alice").say("new visit");
    expect(connector.sentTo(client("alice").conversationId).at(-1)!.text).toMatch(/not on the staff of a school/);
  });

  it("gives roles to members of the staff team picked from its roster, each change a version of its own", async () => {
    const head = client("head");
    const opened = await head.tapInChannel(general, Verbs.schoolRoles, { schoolId, editRole: "visitor" });
    const picker = JSON.stringify(opened.card);
    for (const person of Object.values(STAFF)) expect(picker).toContain(`"value":"${person.aadObjectId}"`);
    const save = async (role: string, ...who: (keyof typeof STAFF)[]) =>
      textOf((await head.tapInChannel(general, Verbs.saveRole, { schoolId, role, holders: who.map((w) => STAFF[w].aadObjectId).join(",") })).card);
    expect(await save("visitor", "alice", "ben")).toMatch(/Saved \(policy version 2\)/);
    expect(await save("office", "office")).toMatch(/Saved \(policy version 3\)/);
    expect(await save("dsl", "dsl")).toMatch(/Saved/);
    expect(await save("slt", "head", "dsl")).toMatch(/Saved/);
    expect(await save("deputy-dsl", "dsl")).toMatch(/Saved/);
    expect((await historyOf()).slice(1, 3)).toEqual(["A home visitor: added Alys Carrow, Bryn Hollis.", "The office: added Idris Penhale."]);
    expect(await school()).toMatchObject({ state: "active" });
  });

  it("refuses to take the last holder of a role the policy needs, saying what to fix, and refuses someone outside the team", async () => {
    const head = client("head");
    const { card } = await head.tapInChannel(general, Verbs.saveRole, { schoolId, role: "office", holders: "" });
    expect(textOf(card)).toContain("Not saved: someone must hold the office, who is told about each visit. Give the role to someone first.");
    const stranger = await head.tapInChannel(general, Verbs.saveRole, { schoolId, role: "visitor", holders: `${STAFF.alice.aadObjectId},00000000-0000-4000-8000-00000000c0ff` });
    expect(textOf(stranger.card)).toContain("Roles go to members of the school's staff team: add them to the team first.");
    expect((await school()).policy.people.find((p) => p.roles.includes("office"))?.displayName).toBe(STAFF.office.name);
  });

  it("refuses a visitor who taps a forged settings action, and changes nothing", async () => {
    const before = (await school()).version;
    const { card } = await client("alice").tapInChannel(general, Verbs.saveRole, { schoolId, role: "headteacher", holders: STAFF.alice.aadObjectId });
    expect(textOf(card)).toContain("Only the headteacher or the school admin can change roles.");
    expect(textOf((await client("alice").tap(Verbs.savePolicy, { schoolId, group: "door", parentAbsentMode: "off" })).card)).toContain("Only the headteacher or the school admin");
    expect((await school()).version).toBe(before);
  });

  it("pins the alert channel by its ids, chosen from the team's channels, and refuses another team's channel", async () => {
    const dsl = client("dsl");
    const offered = await dsl.tapInChannel(general, Verbs.alertChannel, { schoolId });
    expect(JSON.stringify(offered.card)).toContain(`{"title":"DSL alerts","value":"${TEAM.safeguarding}"}`);
    const chosen = await dsl.tapInChannel(general, Verbs.saveAlertChannel, { schoolId, channelId: TEAM.safeguarding });
    expect(textOf(chosen.card)).toContain('Safeguarding alerts now go to "DSL alerts".');
    expect((await school()).policy.alertChannel).toEqual({ teamId: TEAM.id, channelId: TEAM.safeguarding, name: "DSL alerts" });
    const foreign = await dsl.tapInChannel(general, Verbs.saveAlertChannel, { schoolId, channelId: "19:another-team-safeguarding@thread.tacv2" });
    expect(textOf(foreign.card)).toContain("Choose one of the staff team's channels.");
    expect((await school()).policy.alertChannel?.channelId).toBe(TEAM.safeguarding);
  });
});

describe("the school's policy settings in Teams", () => {
  it("changes the wait at the door on a card, saved as a version that says what changed", async () => {
    const head = client("head");
    const opened = await head.tap(Verbs.policySettings, { schoolId, settingsGroup: "door" });
    expect(inputsOf(opened.card)).toMatchObject({ parentAbsentMode: "wait", waitLimit: "20 minutes" });
    const saved = await head.tap(Verbs.savePolicy, { schoolId, group: "door", ...inputsOf(opened.card), waitLimit: "25 min" });
    expect(textOf(saved.card)).toMatch(/Saved as policy version \d+\./);
    expect((await school()).policy.parentAbsent).toEqual({ mode: "wait", waitLimit: "PT25M" });
    expect((await historyOf()).at(-1)).toBe("At the door: parent not in or late: Wait at most: 25 min (was 20 minutes).");
  });

  it("sends a wrong value back on the card with what to fix, and saves nothing", async () => {
    const before = (await school()).version;
    const { card } = await client("head").tap(Verbs.savePolicy, { schoolId, group: "school-day", dayStart: "16:00", dayEnd: "08:30", responsibleContactRequired: "false" });
    expect(textOf(card)).toContain("The school day ends after it starts.");
    expect((await school()).version).toBe(before);
  });

  it("sets the code word in the 1:1 chat only, never shows it, and never writes it into the audit trail", async () => {
    const head = client("head");
    const inChannel = await head.tapInChannel(general, Verbs.savePolicy, { schoolId, group: "code-word", codeWord: "kestrel", codeWordAgain: "kestrel" });
    expect(textOf(inChannel.card)).toContain("The code word is never shown or changed in a channel");
    expect((await school()).policy.codeWord?.word).not.toBe("kestrel");
    const set = await head.tap(Verbs.savePolicy, { schoolId, group: "code-word", codeWord: "kestrel", codeWordAgain: "kestrel" });
    expect(textOf(set.card)).toMatch(/Saved as policy version/);
    expect((await school()).policy.codeWord).toEqual({ word: "kestrel" });
    expect(JSON.stringify(set.card)).not.toContain("kestrel");
    expect((await historyOf()).at(-1)).toBe("The code word was changed.");
    const exported = await head.tap(Verbs.exportPolicy, { schoolId });
    expect(JSON.stringify(exported.card)).not.toContain("kestrel");
  });

  it("keeps an approved visit on the rules it was approved under, while a new request follows the change", async () => {
    const alice = client("alice");
    const head = client("head");
    await alice.install();
    await head.install();
    // The admin (the head here) keeps the visitors' records complete, as the school's policy requires before approval (R06).
    const rows = [STAFF.alice, STAFF.ben].map((p, i) => `${p.aadObjectId},07700 90040${i},,,,,,2025-09-01,2025-09-01,Lone working 2025-09-01`);
    const imported = await head.tap(Verbs.importStaff, { schoolId, staffCsv: [STAFF_CSV_HEADER.join(","), ...rows].join("\r\n") });
    expect(textOf(imported.card)).toContain("Imported 2 staff records.");
    const requested = await alice.tap(Verbs.submitRequest, requestForm({ staffing: "pair", secondStaffId: STAFF.ben.aadObjectId, date: "2026-11-24" }));
    const visitId = String(button(requested.card, /cancel|change/i).data!.visitId);
    const approve = button(head.lastCardWithButton(/approve/i), /approve/i);
    expect(textOf((await head.tap(Verbs.approve, approve.data!)).card)).toMatch(/Approved/);
    const approvedUnder = (await app.store.load(visitId))!.visit.policyVersion;
    await head.tap(Verbs.savePolicy, { schoolId, group: "door", parentAbsentMode: "wait", waitLimit: "5 min", enquireGuidance: "", lateLimit: "" });
    const current = await school();
    expect(current.version).toBeGreaterThan(approvedUnder!);
    const visit = (await app.store.load(visitId))!.visit;
    expect((await app.schools.policyFor(visit))!.parentAbsent).toEqual({ mode: "wait", waitLimit: "PT25M" });
    expect((await app.schools.policyFor({ ...visit, decision: undefined }))!.parentAbsent).toEqual({ mode: "wait", waitLimit: "PT5M" });
  });

  it("round-trips the policy file: what is exported imports back, and a file that is not a profile is refused with its problems", async () => {
    const head = client("head");
    const exported = await head.tap(Verbs.exportPolicy, { schoolId });
    const file = JSON.parse(String((JSON.parse(JSON.stringify(exported.card)).body as { type: string; inlines?: { text: string }[] }[]).find((e) => e.type === "RichTextBlock")!.inlines![0]!.text));
    const imported = await head.tap(Verbs.importPolicy, { schoolId, profileJson: JSON.stringify(file) });
    expect(textOf(imported.card)).toMatch(/Imported: the school now runs on policy version/);
    expect((await school()).policy.codeWord).toEqual({ word: "kestrel" });
    const broken = await head.tap(Verbs.importPolicy, { schoolId, profileJson: JSON.stringify({ ...file, escalation: { grace: "ten minutes" } }) });
    expect(textOf(broken.card)).toContain("Nothing was imported:");
    expect(textOf(broken.card)).toMatch(/escalation\.grace: must be an ISO 8601 duration/);
  });
});

describe("taking a school off Home Visits", () => {
  it("is refused while a visit is planned, and needs the school's name typed", async () => {
    const head = client("head");
    const refused = await head.tap(Verbs.removeSchool, { schoolId, confirmName: "Rowan Primary School" });
    expect(textOf(refused.card)).toContain("visit(s) are under way or planned: cancel or finish them first.");
    const mistyped = await head.tap(Verbs.removeSchool, { schoolId, confirmName: "Rowan" });
    expect(textOf(mistyped.card)).toContain("Nothing was removed: type the school's name exactly to confirm.");
    expect(await app.schools.get(schoolId)).toBeDefined();
  });

  it("takes the school off once nothing is planned, and the team can set a school up again", async () => {
    const [planned] = await app.store.listForDay(schoolId, "2026-11-24");
    await client("alice").tap(Verbs.cancel, { visitId: planned!.id, cancelReason: "Family moved away." });
    const { card } = await client("head").tap(Verbs.removeSchool, { schoolId, confirmName: "rowan primary school" });
    expect(textOf(card)).toContain("Rowan Primary School no longer uses Home Visits");
    expect(await app.schools.list()).toEqual([]);
    const again = await client("head").tapInChannel(general, Verbs.createSchool, { schoolName: "Rowan Primary School", templateId: "product-defaults", creatorRole: "headteacher" });
    expect(textOf(again.card)).toContain("Rowan Primary School is set up.");
  });
});

/** What each version of the school's policy changed, oldest first: its audit trail. */
async function historyOf(): Promise<string[]> {
  return (await schoolStore.history(schoolId)).map((v) => v.change);
}
