/**
 * The edges of the Teams surface over real HTTP: conversation references captured on install and removed on
 * uninstall, and a check-in refused plainly when storage is down. Token checks are in test/http/activity-edge.http.test.ts.
 */
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { Verbs } from "../../src/cards/verbs";
import { startEmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables } from "../../src/storage/tables";
import { approvedVisit } from "../support/approved-visit";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { button, textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { requestForm } from "../support/request-form";
import { BOT, TeamsClient, TENANT_ID } from "../support/teams-client";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";

const connectionString = useAzurite();
const connector = new FakeConnector();
const clock = { now: () => new Date("2026-11-24T08:00:00Z") };
const policy = testPolicy();
const person = (who: keyof typeof people) => ({ aadObjectId: people[who].aadObjectId, name: people[who].displayName });

beforeAll(() => connector.start());
afterAll(() => connector.stop());

/** The test school's staff team, where it is set up through Teams. */
const TEAM = staffTeam("test");

/** The app on its own tables, with the test school set up in its staff team (school-setup.ts) unless told not to. */
async function start(env: Record<string, string>, storage = connectionString(), setUp = true): Promise<{ app: RunningApp; prefix: string; schoolId: string }> {
  const prefix = uniqueTablePrefix();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: storage, TABLE_PREFIX: prefix, MICROSOFT_APP_TENANT_ID: TENANT_ID, ...env });
  const app = await startApp({ ...config, port: 0 }, { clock, log: quietLog() });
  const schoolId = setUp ? await setUpSchoolInTeams(app.url, connector, policy, TEAM) : "";
  return { app, prefix, schoolId };
}

function teamActivity(type: string, extra: Record<string, unknown>) {
  return {
    type,
    id: `team-${Math.random()}`,
    channelId: "msteams",
    serviceUrl: connector.url,
    from: { id: "29:installer", name: "Installer", aadObjectId: people.head.aadObjectId },
    recipient: BOT,
    conversation: { id: TEAM.general, conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
    channelData: { tenant: { id: TENANT_ID }, team: { id: TEAM.id, name: "Staff" }, channel: { id: TEAM.general } },
    ...extra,
  };
}

describe("conversation references", () => {
  let app: RunningApp;
  let schoolId: string;
  let conversations: TableConversationStore;
  let staff: TableStaffDirectory;

  beforeAll(async () => {
    const started = await start({});
    app = started.app;
    schoolId = started.schoolId;
    const tables = await openTables(connectionString(), { prefix: started.prefix });
    conversations = new TableConversationStore(tables);
    staff = new TableStaffDirectory(tables);
  });
  afterAll(() => app.stop());

  const post = (activity: object) =>
    fetch(`${app.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });

  it("are stored when a member of the school's staff installs the app in a personal chat, and removed when it is uninstalled", async () => {
    const visitor = new TeamsClient(app.url, connector, person("visitor"));
    await visitor.install();
    const stored = await conversations.get("personal", people.visitor.aadObjectId);
    expect(stored?.reference).toMatchObject({ conversation: { id: visitor.conversationId }, serviceUrl: connector.url });

    await post({
      ...teamActivity("installationUpdate", { action: "remove" }),
      conversation: { id: visitor.conversationId, conversationType: "personal", tenantId: TENANT_ID },
      channelData: { tenant: { id: TENANT_ID } },
      from: { id: visitor.teamsUserId, aadObjectId: people.visitor.aadObjectId },
    });
    expect(await conversations.get("personal", people.visitor.aadObjectId)).toBeUndefined();
  });

  it("are not kept for someone on no school's staff, who is told so and stored nowhere", async () => {
    const stranger = new TeamsClient(app.url, connector, person("outsider"));
    await stranger.install();
    await stranger.say("new visit");
    expect(await conversations.get("personal", people.outsider.aadObjectId)).toBeUndefined();
    expect(await staff.get(schoolId, people.outsider.aadObjectId)).toBeUndefined();
    expect(connector.sentTo(stranger.conversationId).map((a) => a.text)).toEqual([expect.stringMatching(/not on the staff of a school/), expect.stringMatching(/not on the staff of a school/)]);
  });

  it("are stored for a team's channels on install, with the school's roster, and all removed on uninstall", async () => {
    connector.members = [{ id: "29:office-user", name: people.office.displayName, aadObjectId: people.office.aadObjectId }];
    connector.channels = [{ id: TEAM.general }, { id: TEAM.safeguarding, name: "Safeguarding" }];
    const res = await post(teamActivity("conversationUpdate", { membersAdded: [BOT] }));
    expect(res.status).toBeLessThan(300);
    const channel = await conversations.get("channel", TEAM.general);
    expect(channel).toMatchObject({ teamId: TEAM.id, name: "General" });
    const safeguarding = await conversations.get("channel", TEAM.safeguarding);
    expect(safeguarding).toMatchObject({ name: "Safeguarding", reference: { conversation: { id: TEAM.safeguarding }, serviceUrl: connector.url } });
    expect(await staff.get(schoolId, people.office.aadObjectId)).toMatchObject({ teamsUserId: "29:office-user" });

    await post(teamActivity("installationUpdate", { action: "remove" }));
    expect(await conversations.get("channel", TEAM.general)).toBeUndefined();
    expect(await conversations.get("channel", TEAM.safeguarding)).toBeUndefined();
  });
});

describe("when storage is down", () => {
  it("refuses a check-in plainly and never says it was recorded", async () => {
    const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    const { app } = await start({}, azurite.connectionString);
    try {
      const visitor = new TeamsClient(app.url, connector, person("visitor"));
      const head = new TeamsClient(app.url, connector, person("head"));
      await approvedVisit(
        visitor,
        head,
        requestForm({ pupilReference: "K.L. Y2", address: "3 Sample Street, Testville", purposeId: "welfare", end: "10:30", entry: "doorstep", knownRisks: "" }),
      );
      const leave = button(visitor.lastCardWithButton(/leaving school/i), /leaving school/i);

      await azurite.stop();
      const { status, card } = await visitor.tap(Verbs.checkIn, leave.data!);
      expect(status).toBe(200);
      expect(textOf(card)).toMatch(/NOT recorded/);
      expect(textOf(card)).not.toMatch(/: recorded/);

      await visitor.say("arrived");
      expect(textOf(visitor.lastCard()) + JSON.stringify(connector.sentTo(visitor.conversationId).at(-1))).toMatch(/nothing is recorded|NOT recorded/);
    } finally {
      await app.stop();
      await azurite.stop();
    }
  });
});
