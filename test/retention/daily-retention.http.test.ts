/**
 * The daily retention job on Azurite, with the clock moved on by years: schools on one deployment, set up in Teams,
 * keep their visits for different periods, so the job removes one school's visits from a month's table on their own and
 * drops the whole table only once every visit in it has gone; a visit with a safeguarding concern stays for the
 * safeguarding period. Every run records what it removed, in counts. Fictional people and data only.
 */
import { odata, TableServiceClient } from "@azure/data-tables";
import { parseConfig } from "../../src/config/env";
import { Verbs } from "../../src/cards/verbs";
import { startApp, type RunningApp } from "../../src/main";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import { PolicyProfile, type PolicyProfileInput } from "../../src/policy/policy.schema";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { TableSchoolStore } from "../../src/storage/school.table-store";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { quietLog } from "../support/quiet-log";
import { retentionRecords } from "../support/retention-records";
import { visitForm } from "../support/safety-net-school";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { TeamsClient, TENANT_ID } from "../support/teams-client";

const connectionString = useAzurite();

/** January 2024: every visit of the test is in the table visits202401. London is on GMT, so times are UTC. */
const T0 = new Date("2024-01-15T08:00:00Z");
const MONTH = "202401";
const ALEX = "Alex Rivers";
/** A fictional member of staff who left St Mary's years ago: no role, last seen and last changed in January 2024. */
const FORMER = { aadObjectId: "00000000-0000-4000-8000-00000000c0de", name: "Robin Former" };

function profile(file: string, change: (input: PolicyProfileInput) => void = () => {}): PolicyProfile {
  const input = structuredClone(loadPolicyFile(file)) as PolicyProfileInput;
  change(input);
  return PolicyProfile.parse(input);
}

describe("the daily retention job, three schools with different retention on one deployment", () => {
  const time = { now: T0 };
  const connector = new FakeConnector();
  const log = quietLog();
  const prefix = uniqueTablePrefix();
  let app: RunningApp;
  let tables: Tables;
  const stMarys = profile("policies/st-mary-of-the-angels.json");
  // Hunsbury keeps ordinary visits three years and notifications six months; concerns the default 25 years.
  const hunsbury = profile("policies/hunsbury-park-primary.json", (input) => void (input.retention = { visits: "P3Y", alerts: "P6M" }));
  // Priory keeps everything for a year, and is taken off the deployment.
  const year = { visits: "P1Y", safeguardingVisits: "P1Y", alerts: "P1Y", staffRecords: "P1Y", conversationReferences: "P1Y" };
  const priory = profile("policies/priory-junior.json", (input) => void (input.retention = year));
  const teams = { stMarys: staffTeam("stmarys"), hunsbury: staffTeam("hunsbury"), priory: staffTeam("priory") };
  const ids = { stMarys: "", hunsbury: "", priory: "" };
  /** The URLs of the storage requests the app made: to see which tables a run read. */
  const requests: string[] = [];
  const visits = { ordinary: "", concern: "", shorter: "" };

  const client = (policy: PolicyProfile, name: string) => {
    const person = policy.people.find((p) => p.displayName === name)!;
    return new TeamsClient(app.url, connector, { aadObjectId: person.aadObjectId, name });
  };

  /** Alex asks for a lone doorstep visit at the school; resolves its id. */
  async function request(schoolId: string, policy: PolicyProfile, pupilReference: string): Promise<string> {
    const form = visitForm(policy, { date: "2024-01-15", pupilReference });
    const { card } = await client(policy, ALEX).tap(Verbs.submitRequest, { ...form, schoolId });
    const mine = (await app.store.listForDay(schoolId, "2024-01-15")).filter((v) => v.details.pupilReference === pupilReference);
    if (mine.length !== 1) throw new Error(`the request was not stored: ${textOf(card)}`);
    return mine[0]!.id;
  }

  const notificationRows = async (visitId: string) => {
    let rows = 0;
    const filter = odata`PartitionKey eq ${visitId} and RowKey ge ${"outbox-"} and RowKey lt ${"outbox."}`;
    for await (const _row of tables.visits.of(visitId).listEntities({ queryOptions: { filter } })) rows++;
    return rows;
  };
  const dayIndexed = async (schoolId: string) => (await app.store.listForDay(schoolId, "2024-01-15")).map((v) => v.id).sort();
  const runAt = async (at: string) => {
    time.now = new Date(at);
    const record = await app.retainOnce();
    if (!record) throw new Error(`no retention run at ${at}`);
    return record;
  };

  beforeAll(async () => {
    await connector.start();
    const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    app = await startApp({ ...config, port: 0 }, { clock: { now: () => time.now }, log, sweeper: false, retention: false, onStorageRequest: (r) => requests.push(r.url) });
    tables = await openTables(connectionString(), { prefix });
    ids.stMarys = await setUpSchoolInTeams(app.url, connector, stMarys, teams.stMarys);
    ids.hunsbury = await setUpSchoolInTeams(app.url, connector, hunsbury, teams.hunsbury);
    ids.priory = await setUpSchoolInTeams(app.url, connector, priory, teams.priory);
    // No card takes a school off the deployment yet: the store does what SchoolService.remove would.
    const schoolStore = new TableSchoolStore(tables);
    expect(await schoolStore.remove((await schoolStore.get(ids.priory))!)).toMatchObject({ ok: true });

    visits.ordinary = await request(ids.stMarys, stMarys, "A.B. Y3");
    visits.concern = await request(ids.stMarys, stMarys, "C.D. Y4");
    visits.shorter = await request(ids.hunsbury, hunsbury, "E.F. Y5");
    // The concern visit goes ahead: approved, Alex arrives, and raises a safeguarding concern.
    const version = (await app.store.load(visits.concern))!.visit.version;
    await client(stMarys, "Priya Lane").tap(Verbs.approve, { visitId: visits.concern, version });
    time.now = new Date("2024-01-15T10:00:00Z");
    await client(stMarys, ALEX).tap(Verbs.checkIn, { visitId: visits.concern, step: "arrived" });
    const { card } = await client(stMarys, ALEX).tap(Verbs.concern, { visitId: visits.concern, kind: "concern", concernNote: "Fictional concern for the test." });
    if ((await app.store.load(visits.concern))!.visit.alerts.length !== 1) throw new Error(`the concern was not raised: ${textOf(card)}`);

    // A former member of staff at St Mary's, and their chat with the bot, both last touched in January 2024.
    const directory = new TableStaffDirectory(tables);
    await directory.upsert(ids.stMarys, [{ ...FORMER, teamsUserId: `29:${FORMER.aadObjectId}`, lastSeenAt: T0.toISOString() }]);
    await directory.saveRecord(ids.stMarys, FORMER.aadObjectId, { mobile: "07700 900999" }, { by: "seeded by the test", at: T0.toISOString() });
    await new TableConversationStore(tables).save({ kind: "personal", key: FORMER.aadObjectId, reference: { conversation: { id: "a:former" } }, savedAt: T0.toISOString() });
  });
  afterAll(async () => {
    await app?.stop();
    await connector.stop();
  });

  it("holds every visit and its notifications to begin with", async () => {
    expect(await app.store.load(visits.ordinary)).toBeDefined();
    expect(await notificationRows(visits.ordinary)).toBeGreaterThan(0);
    expect(await notificationRows(visits.shorter)).toBeGreaterThan(0);
  });

  it("runs once a day, on one instance: a second instance on the same tables, asked at the same moment, does nothing", async () => {
    time.now = new Date("2024-09-01T03:00:00Z");
    const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    const other = await startApp({ ...config, port: 0 }, { clock: { now: () => time.now }, log: quietLog(), sweeper: false, retention: false });
    try {
      const records = await Promise.all([app.retainOnce(), other.retainOnce()]);
      expect(records.filter((record) => record !== undefined)).toHaveLength(1);
      expect(await app.retainOnce()).toBeUndefined();
    } finally {
      await other.stop();
    }
    // Six months on, Hunsbury's notifications have gone; St Mary's keeps its for a year.
    expect(await notificationRows(visits.shorter)).toBe(0);
    expect(await notificationRows(visits.ordinary)).toBeGreaterThan(0);
    expect(await app.store.load(visits.shorter)).toBeDefined();
    const [run] = await retentionRecords(tables);
    expect(run!.bySchool[ids.hunsbury]).toEqual({ visits: 0, safeguardingVisits: 0, notifications: expect.any(Number), staffRecords: 0 });
    expect(run!.bySchool[ids.hunsbury]!.notifications).toBeGreaterThan(0);
    expect(run!.periods[ids.hunsbury]).toMatchObject({ visits: "P3Y", alerts: "P6M", safeguardingVisits: "P25Y" });
    expect(run!.periods[ids.stMarys]).toEqual({ visits: "P6Y", safeguardingVisits: "P25Y", alerts: "P1Y", staffRecords: "P6Y", conversationReferences: "P1Y", logs: "P30D" });
  });

  it("does not read a month again until something in it comes due", async () => {
    requests.length = 0;
    await runAt("2024-09-02T03:00:00Z");
    expect(requests.filter((url) => url.includes(`${prefix}visits${MONTH}`))).toEqual([]);
  });

  it("removes St Mary's notifications after a year, and keeps the visits; a chat nobody with a role needs goes after a year", async () => {
    const record = await runAt("2025-03-01T03:00:00Z");
    expect(record.bySchool[ids.stMarys]!.notifications).toBeGreaterThan(0);
    expect(record.removed.conversationReferences).toBe(1);
    expect(await new TableConversationStore(tables).get("personal", FORMER.aadObjectId)).toBeUndefined();
    expect(await notificationRows(visits.ordinary)).toBe(0);
    expect(await notificationRows(visits.concern)).toBe(0);
    expect(await dayIndexed(ids.stMarys)).toEqual([visits.ordinary, visits.concern].sort());
  });

  it("removes a gone school's policy versions once its longest period has passed since it was found gone", async () => {
    expect(await new TableSchoolStore(tables).history(ids.priory)).not.toEqual([]);
    const record = await runAt("2025-09-02T03:00:00Z");
    expect(record.removed.policyVersions).toBeGreaterThan(0);
    expect(await new TableSchoolStore(tables).history(ids.priory)).toEqual([]);
  });

  it("looks at a month again when a school changes its retention, and removes Hunsbury's visit on its own after the two years it then keeps visits for", async () => {
    const head = hunsbury.people.find((p) => p.roles.includes("headteacher"))!;
    time.now = new Date("2025-09-03T09:00:00Z");
    const shorter = { ...hunsbury, retention: { ...hunsbury.retention, visits: "P2Y" } };
    const { card } = await new TeamsClient(app.url, connector, { aadObjectId: head.aadObjectId, name: head.displayName }).tapInChannel(
      { id: teams.hunsbury.general, teamId: teams.hunsbury.id },
      Verbs.importPolicy,
      { schoolId: ids.hunsbury, profileJson: JSON.stringify(shorter) },
    );
    expect(textOf(card)).toMatch(/Imported/);
    const record = await runAt("2026-02-01T03:00:00Z");
    expect(record.removed).toMatchObject({ visits: 1, safeguardingVisits: 0, monthTables: [] });
    expect(record.periods[ids.hunsbury]).toMatchObject({ visits: "P2Y" });
    expect(record.bySchool[ids.hunsbury]).toMatchObject({ visits: 1 });
    expect(await app.store.load(visits.shorter)).toBeUndefined();
    expect(await app.store.events(visits.shorter)).toEqual([]);
    expect(await dayIndexed(ids.hunsbury)).toEqual([]);
    expect(await app.store.load(visits.ordinary)).toBeDefined();
  });

  it("removes St Mary's ordinary visit after six years, and keeps the one with a safeguarding concern; and the former member of staff's record", async () => {
    const record = await runAt("2030-03-01T03:00:00Z");
    expect(record.removed).toMatchObject({ visits: 1, safeguardingVisits: 0, monthTables: [], staffRecords: 1 });
    const directory = new TableStaffDirectory(tables);
    expect(await directory.get(ids.stMarys, FORMER.aadObjectId)).toBeUndefined();
    expect(await directory.history(ids.stMarys, FORMER.aadObjectId)).toEqual([]);
    // Role holders keep their rows: Alex is still a visitor at both schools.
    expect(await directory.get(ids.stMarys, stMarys.people.find((p) => p.displayName === ALEX)!.aadObjectId)).toBeDefined();
    expect(await app.store.load(visits.ordinary)).toBeUndefined();
    expect((await app.store.load(visits.concern))!.visit.alerts[0]).toMatchObject({ kind: "concern" });
    expect(await dayIndexed(ids.stMarys)).toEqual([visits.concern]);
  });

  it("drops the month's whole table once the concern's 25 years have passed", async () => {
    const record = await runAt("2049-03-01T03:00:00Z");
    expect(record.removed).toMatchObject({ visits: 1, safeguardingVisits: 1, monthTables: [MONTH] });
    expect(record.bySchool[ids.stMarys]).toMatchObject({ visits: 1, safeguardingVisits: 1 });
    expect(await app.store.load(visits.concern)).toBeUndefined();
    const names: string[] = [];
    for await (const table of TableServiceClient.fromConnectionString(connectionString(), { allowInsecureConnection: true }).listTables()) names.push(table.name ?? "");
    // The day index's table of that month goes with it: every visit planned in it was requested in a month now gone.
    expect(names.filter((name) => name.startsWith(prefix))).not.toContain(`${prefix}visits${MONTH}`);
    expect(names.filter((name) => name.startsWith(prefix))).not.toContain(`${prefix}visitsbyday${MONTH}`);
    expect(await dayIndexed(ids.stMarys)).toEqual([]);
  });

  it("records every run: counts and periods, never a pupil, an address, a note or a name", async () => {
    const runs = await retentionRecords(tables);
    expect(runs.map((run) => run.day)).toEqual(["2024-09-01", "2024-09-02", "2025-03-01", "2025-09-02", "2026-02-01", "2030-03-01", "2049-03-01"]);
    const text = JSON.stringify(runs);
    for (const secret of ["A.B. Y3", "C.D. Y4", "E.F. Y5", "Larch Close", "Fictional concern", ALEX, FORMER.name, FORMER.aadObjectId, "07700"]) expect(text).not.toContain(secret);
    expect(log.lines).toContainEqual({ level: "info", message: "retention run finished", fields: expect.objectContaining({ visits: 1, tables: 1 }) });
  });
});
