/**
 * A school's staff team of 2,000 people, over real HTTP: when the app is added to the team, the bot reads the roster
 * from the Bot Connector 500 at a time and stores everyone in entity-group transactions of 100, within the one turn.
 * Everyone is fictional. RESILIENCE_REPORT=1 prints how long the turn took.
 */
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables, type ObservedRequest } from "../../src/storage/tables";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { FakeConnector } from "../support/fake-connector";
import { testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { rosterOf, setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { TeamsClient, TENANT_ID } from "../support/teams-client";

jest.setTimeout(60_000);

const TEAM_SIZE = 2_000;
const TEAM = staffTeam("roster");

const connectionString = useAzurite();
const connector = new FakeConnector();
const requests: ObservedRequest[] = [];
const prefix = uniqueTablePrefix();
let app: RunningApp;
let schoolId: string;

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, MICROSOFT_APP_TENANT_ID: TENANT_ID });
  app = await startApp({ ...config, port: 0 }, { log: quietLog(), sweeper: false, onStorageRequest: (r) => requests.push(r) });
  schoolId = await setUpSchoolInTeams(app.url, connector, testPolicy(), TEAM);
});
afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

/** The school's people, then fictional colleagues up to `size`. */
function teamOf(size: number): FakeConnector["members"] {
  const known = rosterOf(testPolicy().people);
  const others = Array.from({ length: size - known.length }, (_, i) => {
    const aadObjectId = `00000000-0000-4000-9000-${String(i + 1).padStart(12, "0")}`;
    return { id: `29:${aadObjectId}`, name: `Colleague ${i + 1}`, aadObjectId };
  });
  return [...known, ...others];
}

describe("a staff team of 2,000", () => {
  it("is read 500 at a time and stored whole, 100 to a transaction, when the app is added to the team", async () => {
    connector.members = teamOf(TEAM_SIZE);
    connector.reset();
    requests.length = 0;
    const head = testPolicy().people.find((p) => p.roles.includes("headteacher"))!;

    const started = performance.now();
    const added = await new TeamsClient(app.url, connector, { aadObjectId: head.aadObjectId, name: head.displayName }).addAppToTeam(TEAM);
    const turnMs = Math.round(performance.now() - started);
    expect(added.status).toBe(200);

    const pages = connector.calls.filter((call) => call.path.endsWith("/pagedmembers"));
    expect(pages.map((call) => (call.answer?.body as { members: unknown[] }).members.length)).toEqual([500, 500, 500, 500]);
    expect(requests.filter((r) => r.url.includes("$batch"))).toHaveLength(TEAM_SIZE / 100);

    const staff = await new TableStaffDirectory(await openTables(connectionString(), { prefix })).list(schoolId);
    expect(staff).toHaveLength(TEAM_SIZE);
    expect(staff.find((m) => m.aadObjectId === "00000000-0000-4000-9000-000000001995")).toMatchObject({ name: "Colleague 1995", teamsUserId: "29:00000000-0000-4000-9000-000000001995" });

    if (process.env.RESILIENCE_REPORT) process.stdout.write(`roster: ${JSON.stringify({ members: TEAM_SIZE, pages: pages.length, transactions: TEAM_SIZE / 100, turnMs })}\n`);
  });
});
