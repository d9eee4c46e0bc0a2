import type { StoredConversation } from "../../src/app/ports";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { openTables } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { people } from "../support/policy-fixture";

const connectionString = useAzurite();
let store: TableConversationStore;

beforeEach(async () => {
  store = new TableConversationStore(await openTables(connectionString(), { prefix: uniqueTablePrefix() }));
});

const TEAM = "19:Kx7s0aBcDeFgHiJkLmNoPqRsTuVwXyZ@thread.tacv2";
const reference = (conversationId: string) => ({
  activityId: "1718437200000",
  bot: { id: "28:00000000-0000-4000-8000-0000000000b0", name: "Home Visits" },
  channelId: "msteams",
  conversation: { id: conversationId, tenantId: "00000000-0000-4000-8000-0000000000aa" },
  serviceUrl: "https://smba.trafficmanager.net/uk/",
});

const channel = (key: string, teamId = TEAM): StoredConversation => ({
  kind: "channel",
  key,
  teamId,
  name: "Safeguarding",
  reference: reference(key),
  savedAt: "2026-06-15T08:00:00.000Z",
});

const personal: StoredConversation = {
  kind: "personal",
  key: people.visitor.aadObjectId,
  reference: reference("a:1XyZaBcDeF-gHiJkLmNoPqRsTuVwXyZ_0123456789AbCdEfGhIjKlMnOpQrStUv"),
  savedAt: "2026-06-15T08:00:00.000Z",
};

describe("TableConversationStore", () => {
  it("returns a channel and a personal chat as saved", async () => {
    await store.save(channel(TEAM));
    await store.save(personal);
    expect(await store.get("channel", TEAM)).toEqual(channel(TEAM));
    expect(await store.get("personal", personal.key)).toEqual(personal);
    expect(await store.get("groupChat", TEAM)).toBeUndefined();
  });

  it("keeps keys holding characters Table keys forbid", async () => {
    const awkward = ["19:abc123@thread.tacv2;messageid=1718437200000", "a/b\\c#d?e%f~g", "tab\there", "zoë 💬"];
    for (const key of awkward) await store.save(channel(key));
    const listed = await store.list("channel");
    expect(listed.map((c) => c.key).sort()).toEqual([...awkward].sort());
    for (const key of awkward) expect(await store.get("channel", key)).toEqual(channel(key));
  });

  it("replaces a conversation saved again, dropping what the new one lacks", async () => {
    await store.save(channel(TEAM));
    const { name: _dropped, ...renamed } = { ...channel(TEAM), savedAt: "2026-06-16T08:00:00.000Z" };
    await store.save(renamed);
    expect(await store.get("channel", TEAM)).toEqual(renamed);
  });

  it("lists the conversations of one kind", async () => {
    await store.save(channel(TEAM));
    await store.save(personal);
    expect(await store.list("channel")).toEqual([channel(TEAM)]);
    expect(await store.list("personal")).toEqual([personal]);
    expect(await store.list("groupChat")).toEqual([]);
  });

  it("removes one conversation, and shrugs at one already gone", async () => {
    await store.save(personal);
    await store.remove("personal", personal.key);
    await store.remove("personal", personal.key);
    expect(await store.get("personal", personal.key)).toBeUndefined();
  });

  it("forgets every channel of a team that removed the app, and nothing else", async () => {
    const otherTeam = "19:0therTeamGeneral@thread.tacv2";
    await store.save(channel(TEAM));
    await store.save(channel("19:dslChannel42@thread.tacv2"));
    await store.save(channel(otherTeam, otherTeam));
    await store.save(personal);

    await store.removeTeam(TEAM);

    expect(await store.list("channel")).toEqual([channel(otherTeam, otherTeam)]);
    expect(await store.list("personal")).toEqual([personal]);
  });
});
