/**
 * Hostile input costs no more than it must. People on no school's staff, sending the fuzz suite's requests (messages,
 * installs, card actions with every verb, broken envelopes) over real HTTP, leave no staff row and no personal chat
 * behind; and card actions naming forged visit ids make no storage request at all. Everyone is fictional.
 */
import { generateKeyPairSync } from "node:crypto";
import { Verbs } from "../../src/cards/verbs";
import { parseConfig } from "../../src/config/env";
import { visitIdAt } from "../../src/domain/visit-id";
import { startApp, type RunningApp } from "../../src/main";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { openTables, type ObservedRequest, type Tables } from "../../src/storage/tables";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { TeamsClient, TENANT_ID } from "../support/teams-client";
import { fuzzRequest, type FuzzWorld } from "../fuzz/fuzz-requests";

const FUZZED_REQUESTS = 200;
const STRANGERS = [
  { aadObjectId: "00000000-0000-4000-8000-00000000a001", name: "Robin Stranger" },
  { aadObjectId: "00000000-0000-4000-8000-00000000a002", name: "Kit Passerby" },
];

const connectionString = useAzurite();
const connector = new FakeConnector();
const requests: ObservedRequest[] = [];
const prefix = uniqueTablePrefix();
let app: RunningApp;
let tables: Tables;

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, MICROSOFT_APP_TENANT_ID: TENANT_ID });
  app = await startApp({ ...config, port: 0 }, { clock: { now: () => new Date("2026-11-24T09:45:00Z") }, log: quietLog(), sweeper: false, onStorageRequest: (r) => requests.push(r) });
  await setUpSchoolInTeams(app.url, connector, testPolicy(), staffTeam("strangers"));
  tables = await openTables(connectionString(), { prefix });
});
afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

/** Every row of the staff table, and every personal chat kept, by key. */
async function peopleKept(): Promise<{ staff: string[]; chats: string[] }> {
  const staff: string[] = [];
  for await (const row of tables.staff.listEntities()) staff.push(`${row.partitionKey}/${row.rowKey}`);
  const chats = (await new TableConversationStore(tables).list("personal")).map((chat) => chat.key);
  return { staff: staff.sort(), chats: chats.sort() };
}

describe("people on no school's staff", () => {
  it("leave no staff row and no personal chat, whatever they send", async () => {
    const before = await peopleKept();
    expect(before.staff.length).toBeGreaterThan(0); // the school's own staff, from its team's roster

    const world: FuzzWorld = { seed: 9_119, connectorUrl: connector.url, appId: "", appPassword: "", people: STRANGERS, visitIds: [] };
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const statuses = new Set<number>();
    const send = async (index: number) => {
      const request = fuzzRequest(world, privateKey, index);
      const res = await fetch(`${app.url}/api/messages`, { method: "POST", headers: request.headers, body: request.body });
      await res.arrayBuffer();
      statuses.add(res.status);
    };
    for (let index = 0; index < FUZZED_REQUESTS; index += 10) await Promise.all(Array.from({ length: 10 }, (_, i) => send(index + i)));
    expect([...statuses].filter((status) => status >= 500)).toEqual([]);
    // And the plain way in: a stranger who opens the app and says hello.
    const stranger = new TeamsClient(app.url, connector, STRANGERS[0]!);
    await stranger.install();
    await stranger.say("hello");

    expect(await peopleKept()).toEqual(before);
  });
});

describe("card actions naming forged visit ids", () => {
  const forged = [
    "3f2a9c4e-0000-4000-8000-00000000abcd", // a UUID, but not version 7
    visitIdAt(new Date("2023-12-31T23:00:00Z"), new Uint8Array(10)), // before 2024
    visitIdAt(new Date("2300-06-01T10:00:00Z"), new Uint8Array(10)), // centuries ahead
  ];
  const verbs = [Verbs.refresh, Verbs.checkIn, Verbs.help, Verbs.approve, Verbs.openRecord, Verbs.refreshAlert];

  it("are refused as out of date without a single storage request", async () => {
    const staffMember = new TeamsClient(app.url, connector, { aadObjectId: testPolicy().people[0]!.aadObjectId, name: testPolicy().people[0]!.displayName });
    requests.length = 0;
    for (const visitId of forged) {
      for (const verb of verbs) {
        const { status, card } = await staffMember.tap(verb, { visitId, step: "arrived", version: 1, alertId: "A1" });
        expect(status).toBe(200);
        expect(textOf(card)).toMatch(/out of date/);
      }
    }
    expect(requests).toEqual([]);
  });
});
