/**
 * Two schools on one deployment, each set up through Teams in its own staff team, over real HTTP with the fake Bot
 * Connector and Azurite: nothing of one school can be seen, approved, checked in on, resolved, exported or changed
 * by the other's staff, even with the other's ids in a forged action; each school's alerts go to its own chosen
 * channel (never to a class team's channel of the same name); a change to one school's policy leaves the other's
 * alone; a visitor on both staffs chooses which school a visit is for; and the trust's safeguarding lead sees both
 * schools' review figures and nothing else. Everyone is fictional.
 */
import { STAFF_CSV_HEADER } from "../../src/cards/staff-record.data";
import { Verbs } from "../../src/cards/verbs";
import { parseConfig } from "../../src/config/env";
import type { Visit } from "../../src/domain/visit";
import { startApp, type RunningApp } from "../../src/main";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { button, buttonsOf, textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { quietLog } from "../support/quiet-log";
import { visitForm } from "../support/safety-net-school";
import { rosterOf, setUpSchoolInTeams, type StaffTeam, staffTeam } from "../support/school-setup";
import { TRUST_LEAD } from "../support/tab-trust";
import { TeamsClient, TENANT_ID } from "../support/teams-client";

const connectionString = useAzurite();
const connector = new FakeConnector();
const DAY = "2026-11-24";
const now = new Date(`${DAY}T08:00:00Z`);
let app: RunningApp;

/** Thorns Primary as its profile file has it. */
const thorns = loadPolicyFile("policies/thorns-primary.json");
/** St Mary's rules, with a staff of its own (new fictional people), but for Alex Rivers, who visits for both schools. */
const ALEX = thorns.people.find((p) => p.displayName === "Alex Rivers")!;
const stMarys: PolicyProfile = (() => {
  const file = loadPolicyFile("policies/st-mary-of-the-angels.json");
  const names = ["Gwen Tallis", "Dara Quill", "Oona Brecken", "Tam Ferrow", "Lior Ashby", "Cass Mirren", "Jem Harlow"];
  const people = file.people.map((p, i) => (p.aadObjectId === ALEX.aadObjectId ? p : { ...p, aadObjectId: `00000000-0000-4000-8000-0000000b${String(i).padStart(4, "0")}`, displayName: names[i]! }));
  return { ...file, people };
})();

const TEAMS: Record<"thorns" | "stMarys" | "classTeam", StaffTeam> = { thorns: staffTeam("thorns"), stMarys: staffTeam("stmarys"), classTeam: staffTeam("class-5") };
const ids: Record<"thorns" | "stMarys", string> = { thorns: "", stMarys: "" };

const personIn = (policy: PolicyProfile, role: string, not?: string) => policy.people.find((p) => p.roles.includes(role as never) && p.aadObjectId !== not)!;
const client = (person: { aadObjectId: string; displayName?: string; name?: string }) =>
  new TeamsClient(app.url, connector, { aadObjectId: person.aadObjectId, name: person.displayName ?? person.name ?? "" });

const thornsOffice = personIn(thorns, "office");
const thornsHead = personIn(thorns, "headteacher");
const stMarysVisitor = personIn(stMarys, "visitor", ALEX.aadObjectId);
let thornsVisit: string;
let stMarysVisit: string;

/** A lone doorstep visit on the test day (safety-net-school.ts's form), at this school. */
const form = (policy: PolicyProfile, change: Record<string, string> = {}) => visitForm(policy, { pupilReference: "T.W. Y2", address: "7 Fictional Walk, Exampleton EX9 1ZZ", ...change });

/** Each visitor's staff record, complete, as the school's admin keeps it (R06). */
async function completeRecords(policy: PolicyProfile, schoolId: string): Promise<void> {
  const admin = client(personIn(policy, "admin"));
  const rows = policy.people
    .filter((p) => p.roles.includes("visitor"))
    .map((p, i) => `${p.aadObjectId},07700 90060${i},Ford,Ka,EX1${i} ABC,Red,2027-08-31,2025-09-01,2025-09-01,Lone working 2025-09-01`);
  const { card } = await admin.tap(Verbs.importStaff, { schoolId, staffCsv: [STAFF_CSV_HEADER.join(","), ...rows].join("\r\n") });
  if (!/Imported/.test(textOf(card))) throw new Error(textOf(card));
}

async function requestAndApprove(policy: PolicyProfile, visitor: { aadObjectId: string; displayName: string }, schoolId: string): Promise<string> {
  const requested = await client(visitor).tap(Verbs.submitRequest, { ...form(policy), schoolId });
  const visitId = String(buttonsOf(requested.card).find((b) => b.data?.visitId)?.data?.visitId);
  const stored = (await app.store.load(visitId))!.visit;
  const deciders = policy.people.filter((p) => p.roles.some((r) => policy.loneWorking.loneVisitDecidedBy.includes(r)) && p.aadObjectId !== visitor.aadObjectId);
  const { card } = await client(deciders[0]!).tap(Verbs.approve, { visitId, version: stored.version });
  if (!/Approved/.test(textOf(card))) throw new Error(textOf(card));
  return visitId;
}

const visit = async (visitId: string): Promise<Visit> => (await app.store.load(visitId))!.visit;

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({
    STORAGE_CONNECTION_STRING: connectionString(),
    TABLE_PREFIX: uniqueTablePrefix(),
    PORT: "1",
    MICROSOFT_APP_TENANT_ID: TENANT_ID,
    TRUST_SAFEGUARDING_LEADS: TRUST_LEAD.objectId,
  });
  app = await startApp({ ...config, port: 0 }, { clock: { now: () => now }, log: quietLog(), sweeper: false });
  for (const [key, policy] of [["thorns", thorns], ["stMarys", stMarys]] as const) {
    const team = TEAMS[key];
    connector.teams[team.id] = { channels: [{ id: team.general }, { id: team.safeguarding, name: "Safeguarding" }], members: rosterOf(policy.people) };
    ids[key] = await setUpSchoolInTeams(app.url, connector, policy, team);
    await completeRecords(policy, ids[key]);
  }
  // A class team in the same tenant adds the app too; it has a channel called "Safeguarding" but no school.
  const classTeam = TEAMS.classTeam;
  connector.teams[classTeam.id] = { channels: [{ id: classTeam.general }, { id: classTeam.safeguarding, name: "Safeguarding" }], members: rosterOf(thorns.people) };
  await client(thornsHead).addAppToTeam(classTeam);
  for (const person of [...thorns.people, ...stMarys.people]) await client(person).install();
  thornsVisit = await requestAndApprove(thorns, ALEX, ids.thorns);
  stMarysVisit = await requestAndApprove(stMarys, stMarysVisitor, ids.stMarys);
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

describe("two schools on one deployment", () => {
  it("gives each school its own id, team and alert channel", async () => {
    expect(ids.thorns).not.toBe(ids.stMarys);
    expect((await app.schools.get(ids.thorns))!.policy.alertChannel?.channelId).toBe(TEAMS.thorns.safeguarding);
    expect((await app.schools.get(ids.stMarys))!.policy.alertChannel?.channelId).toBe(TEAMS.stMarys.safeguarding);
    expect(await app.schools.forTeam(TEAMS.classTeam.id)).toBeUndefined();
  });

  it("shows one school's office only its own day", async () => {
    const office = client(thornsOffice);
    await office.say("today");
    const day = textOf(office.lastCard());
    expect(day).toContain("Thorns Primary School");
    expect(day).toContain(thornsVisit.replace(/-/g, "").slice(-6).toUpperCase());
    expect(day).not.toContain(stMarysVisit.replace(/-/g, "").slice(-6).toUpperCase());
  });

  it("refuses the other school's staff on the server, whatever ids they forge, and changes nothing", async () => {
    const office = client(thornsOffice);
    const head = client(thornsHead);
    const before = await visit(stMarysVisit);
    const forged = [
      await head.tap(Verbs.cancel, { visitId: stMarysVisit, cancelReason: "Forged." }),
      await office.tap(Verbs.checkIn, { visitId: stMarysVisit, step: "left-school" }),
      await head.tap(Verbs.refresh, { visitId: stMarysVisit }),
      await office.tap(Verbs.openStaff, { schoolId: ids.stMarys }),
      await head.tap(Verbs.schoolSettings, { schoolId: ids.stMarys }),
      await head.tap(Verbs.saveRole, { schoolId: ids.stMarys, role: "headteacher", holders: thornsHead.aadObjectId }),
      await head.tap(Verbs.savePolicy, { schoolId: ids.stMarys, group: "door", parentAbsentMode: "off" }),
      await head.tap(Verbs.exportPolicy, { schoolId: ids.stMarys }),
      await head.tap(Verbs.importPolicy, { schoolId: ids.stMarys, profileJson: JSON.stringify(thorns) }),
      await head.tap(Verbs.removeSchool, { schoolId: ids.stMarys, confirmName: "St Mary of the Angels Catholic Primary School" }),
    ];
    for (const { card } of forged) {
      expect(textOf(card)).not.toMatch(/T\.W\. Y2|Fictional Walk|Saved|Imported|Recorded|recorded at/);
      expect(buttonsOf(card).filter((b) => b.verb === Verbs.approve || b.verb === Verbs.saveRole)).toEqual([]);
    }
    expect(await visit(stMarysVisit)).toEqual(before);
    expect((await app.schools.get(ids.stMarys))!.version).toBe(3);
  });

  it("refuses a forged approval and a forged alert resolution on the other school's visit", async () => {
    const requested = await client(stMarysVisitor).tap(Verbs.submitRequest, { ...form(stMarys, { start: "13:00", end: "14:00" }), schoolId: ids.stMarys });
    const visitId = String(buttonsOf(requested.card).find((b) => b.data?.visitId)?.data?.visitId);
    const approve = await client(thornsHead).tap(Verbs.approve, { visitId, version: 1 });
    expect(textOf(approve.card)).toMatch(/Only the DSL or the senior leadership team can decide/);
    expect((await visit(visitId)).status).toBe("requested");

    await client(stMarysVisitor).tap(Verbs.help, { visitId: stMarysVisit });
    const resolve = await client(thornsOffice).tap(Verbs.resolveAlert, { visitId: stMarysVisit, alertId: "A1", resolveNote: "Forged." });
    expect(textOf(resolve.card)).toMatch(/Only the office, the headteacher/);
    expect((await visit(stMarysVisit)).alerts[0]!.resolved).toBeUndefined();
  });

  it("posts each school's alerts in its own channel only: never the other school's, never a class team's of the same name", async () => {
    const posted = (channel: string) => connector.cardsTo(channel).filter((card) => /Help requested|Safeguarding concern|Missed check-in/.test(textOf(card)));
    expect(posted(TEAMS.stMarys.safeguarding).length).toBeGreaterThanOrEqual(1);
    expect(posted(TEAMS.thorns.safeguarding)).toEqual([]);
    expect(posted(TEAMS.classTeam.safeguarding)).toEqual([]);
    const mark = connector.calls.length;
    await client(ALEX).tap(Verbs.concern, { visitId: thornsVisit, kind: "concern", concernNote: "Fictional: a worrying remark at the door." });
    const since = connector.calls.slice(mark).filter((c) => c.method === "POST" && c.conversationId?.startsWith("19:")).map((c) => c.conversationId);
    expect(since).toEqual([TEAMS.thorns.safeguarding]);
  });

  it("leaves one school's policy alone when the other's changes", async () => {
    const before = await app.schools.get(ids.stMarys);
    const saved = await client(thornsHead).tap(Verbs.savePolicy, { schoolId: ids.thorns, group: "door", parentAbsentMode: "wait", waitLimit: "12 min", enquireGuidance: "", lateLimit: "" });
    expect(textOf(saved.card)).toMatch(/Saved as policy version/);
    expect((await app.schools.get(ids.thorns))!.policy.parentAbsent).toEqual({ mode: "wait", waitLimit: "PT12M" });
    expect(await app.schools.get(ids.stMarys)).toEqual(before);
  });

  it("lets a visitor on both staffs choose which school a new visit is for", async () => {
    const alex = client(ALEX);
    await alex.say("new visit");
    const choice = alex.lastCard();
    expect(buttonsOf(choice).map((b) => [b.title, b.data])).toEqual([
      ["St Mary of the Angels Catholic Primary School", { schoolId: ids.stMarys }],
      ["Thorns Primary School", { schoolId: ids.thorns }],
    ]);
    const opened = await alex.tap(Verbs.openForm, button(choice, /St Mary/).data!);
    expect(button(opened.card, /send for approval/i).data).toEqual({ schoolId: ids.stMarys });
    const sent = await alex.tap(Verbs.submitRequest, { ...form(stMarys, { start: "15:00", end: "15:30" }), schoolId: ids.stMarys });
    const visitId = String(buttonsOf(sent.card).find((b) => b.data?.visitId)?.data?.visitId);
    expect((await visit(visitId)).schoolId).toBe(ids.stMarys);
    const forged = await alex.tap(Verbs.submitRequest, { ...form(stMarys), schoolId: "a-school-alex-is-not-at" });
    expect(textOf(forged.card)).toMatch(/Which school is this visit for\?/);
  });

  it("shows the trust's safeguarding lead every school's review figures, and nothing else", async () => {
    const lead = client({ aadObjectId: TRUST_LEAD.objectId, name: TRUST_LEAD.name });
    const mark = connector.calls.length;
    await lead.say("review");
    const said = connector.sentTo(lead.conversationId).slice(-4);
    expect(said.filter((a) => typeof a.text === "string" && a.text.startsWith("Review figures at")).map((a) => String(a.text).split(",")[0])).toEqual([
      "Review figures at St Mary of the Angels Catholic Primary School",
      "Review figures at Thorns Primary School",
    ]);
    expect(connector.calls.slice(mark).some((c) => JSON.stringify(c.body).includes("T.W. Y2"))).toBe(false);
    for (const command of ["today", "records", "new visit"]) {
      await lead.say(command);
      expect(String(connector.sentTo(lead.conversationId).at(-1)!.text)).toMatch(/not on the staff of a school/);
    }
  });
});

