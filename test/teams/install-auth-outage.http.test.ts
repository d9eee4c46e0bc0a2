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

const connectionString = useAzurite();
const connector = new FakeConnector();
const clock = { now: () => new Date("2026-11-24T08:00:00Z") };
const policy = testPolicy();
const person = (who: keyof typeof people) => ({ aadObjectId: people[who].aadObjectId, name: people[who].displayName });

beforeAll(() => connector.start());
afterAll(() => connector.stop());

async function start(env: Record<string, string>, storage = connectionString()): Promise<{ app: RunningApp; prefix: string }> {
  const prefix = uniqueTablePrefix();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: storage, TABLE_PREFIX: prefix, ...env });
  return { app: await startApp({ ...config, port: 0 }, { clock, policy, log: quietLog() }), prefix };
}

function teamActivity(type: string, extra: Record<string, unknown>) {
  return {
    type,
    id: `team-${Math.random()}`,
    channelId: "msteams",
    serviceUrl: connector.url,
    from: { id: "29:installer", name: "Installer", aadObjectId: people.head.aadObjectId },
    recipient: BOT,
    conversation: { id: "19:general-channel@thread.tacv2", conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
    channelData: { tenant: { id: TENANT_ID }, team: { id: "19:team-id@thread.tacv2", name: "Staff" }, channel: { id: "19:general-channel@thread.tacv2" } },
    ...extra,
  };
}

describe("conversation references", () => {
  let app: RunningApp;
  let conversations: TableConversationStore;
  let staff: TableStaffDirectory;

  beforeAll(async () => {
    const started = await start({});
    app = started.app;
    const tables = await openTables(connectionString(), { prefix: started.prefix });
    conversations = new TableConversationStore(tables);
    staff = new TableStaffDirectory(tables);
  });
  afterAll(() => app.stop());

  const post = (activity: object) =>
    fetch(`${app.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });

  it("are stored when the app is installed in a personal chat, and removed when it is uninstalled", async () => {
    const visitor = new TeamsClient(app.url, connector, person("visitor"));
    await visitor.install();
    const stored = await conversations.get("personal", people.visitor.aadObjectId);
    expect(stored?.reference).toMatchObject({ conversation: { id: visitor.conversationId }, serviceUrl: connector.url });

    await post({ ...teamActivity("installationUpdate", { action: "remove" }), conversation: { id: visitor.conversationId, conversationType: "personal" }, channelData: {}, from: { id: visitor.teamsUserId, aadObjectId: people.visitor.aadObjectId } });
    expect(await conversations.get("personal", people.visitor.aadObjectId)).toBeUndefined();
  });

  it("are stored for a team's channel on install, with the team's roster, and all removed on uninstall", async () => {
    connector.members = [{ id: "29:office-user", name: people.office.displayName, aadObjectId: people.office.aadObjectId }];
    connector.channels = [{ id: "19:general-channel@thread.tacv2" }, { id: "19:safeguarding@thread.tacv2", name: "Safeguarding" }];
    const res = await post(teamActivity("conversationUpdate", { membersAdded: [BOT] }));
    expect(res.status).toBeLessThan(300);
    const channel = await conversations.get("channel", "19:general-channel@thread.tacv2");
    expect(channel).toMatchObject({ teamId: "19:team-id@thread.tacv2", name: "General" });
    const safeguarding = await conversations.get("channel", "19:safeguarding@thread.tacv2");
    expect(safeguarding).toMatchObject({ name: "Safeguarding", reference: { conversation: { id: "19:safeguarding@thread.tacv2" }, serviceUrl: connector.url } });
    expect(await staff.get(people.office.aadObjectId)).toMatchObject({ teamsUserId: "29:office-user" });

    await post(teamActivity("installationUpdate", { action: "remove" }));
    expect(await conversations.get("channel", "19:general-channel@thread.tacv2")).toBeUndefined();
    expect(await conversations.get("channel", "19:safeguarding@thread.tacv2")).toBeUndefined();
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
