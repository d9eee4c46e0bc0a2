import { CachedConversationStore, CONVERSATION_CACHE_MS } from "../../src/app/conversation-cache";
import type { ConversationKind, ConversationStore, StoredConversation } from "../../src/app/ports";
import { FixedClock } from "./support/memory-ports";

const NOW = "2026-11-23T10:00:00.000Z";

const personal = (key: string, conversationId = `a:${key}`): StoredConversation => ({ kind: "personal", key, reference: { conversation: { id: conversationId } }, savedAt: NOW });
const channel = (key: string, teamId: string): StoredConversation => ({ kind: "channel", key, teamId, name: "Safeguarding", reference: { conversation: { id: key } }, savedAt: NOW });

/** The rows as storage holds them, and how often each was read. */
class CountingStore implements ConversationStore {
  readonly rows = new Map<string, StoredConversation>();
  reads = 0;

  async save(conversation: StoredConversation): Promise<void> {
    this.rows.set(`${conversation.kind}|${conversation.key}`, conversation);
  }
  async get(kind: ConversationKind, key: string): Promise<StoredConversation | undefined> {
    this.reads++;
    return this.rows.get(`${kind}|${key}`);
  }
  async list(kind: ConversationKind): Promise<StoredConversation[]> {
    return [...this.rows.values()].filter((c) => c.kind === kind);
  }
  async remove(kind: ConversationKind, key: string): Promise<void> {
    this.rows.delete(`${kind}|${key}`);
  }
  async removeTeam(teamId: string): Promise<void> {
    for (const [k, c] of this.rows) if (c.teamId === teamId) this.rows.delete(k);
  }
}

function setUp() {
  const store = new CountingStore();
  const clock = new FixedClock(NOW);
  return { store, clock, cache: new CachedConversationStore(store, clock) };
}

describe("CachedConversationStore", () => {
  it("reads a recipient's reference once and serves it from memory until the cache time is up", async () => {
    const { store, clock, cache } = setUp();
    await store.save(personal("visitor"));
    expect(await cache.get("personal", "visitor")).toEqual(personal("visitor"));
    expect(await cache.get("personal", "visitor")).toEqual(personal("visitor"));
    expect(store.reads).toBe(1);

    clock.set(new Date(Date.parse(NOW) + CONVERSATION_CACHE_MS));
    await cache.get("personal", "visitor");
    expect(store.reads).toBe(2);
  });

  it("shows another instance's change once the cache time is up", async () => {
    const { store, clock, cache } = setUp();
    await store.save(personal("visitor", "a:old"));
    await cache.get("personal", "visitor");
    await store.save(personal("visitor", "a:new")); // reinstalled, through another instance

    clock.set(new Date(Date.parse(NOW) + CONVERSATION_CACHE_MS - 1));
    expect((await cache.get("personal", "visitor"))?.reference).toEqual({ conversation: { id: "a:old" } });
    clock.set(new Date(Date.parse(NOW) + CONVERSATION_CACHE_MS));
    expect((await cache.get("personal", "visitor"))?.reference).toEqual({ conversation: { id: "a:new" } });
  });

  it("does not keep a miss: someone who installs the app is found on the next read", async () => {
    const { store, cache } = setUp();
    expect(await cache.get("personal", "visitor")).toBeUndefined();
    await store.save(personal("visitor"));
    expect(await cache.get("personal", "visitor")).toEqual(personal("visitor"));
  });

  it("this instance's own save, removal and team removal take effect at once", async () => {
    const { store, cache } = setUp();
    await cache.save(personal("visitor", "a:old"));
    await cache.get("personal", "visitor");
    await cache.save(personal("visitor", "a:new"));
    expect((await cache.get("personal", "visitor"))?.reference).toEqual({ conversation: { id: "a:new" } });

    await cache.remove("personal", "visitor");
    expect(await cache.get("personal", "visitor")).toBeUndefined();

    await cache.save(channel("19:safeguarding", "team-1"));
    await cache.save(channel("19:other-team", "team-2"));
    await cache.get("channel", "19:safeguarding");
    await cache.get("channel", "19:other-team");
    const reads = store.reads;
    await cache.removeTeam("team-1");
    expect(await cache.get("channel", "19:safeguarding")).toBeUndefined();
    expect(await cache.get("channel", "19:other-team")).toEqual(channel("19:other-team", "team-2"));
    expect(store.reads).toBe(reads + 1);
  });

  it("a save that fails leaves nothing stale behind", async () => {
    const { store, cache } = setUp();
    await cache.save(personal("visitor", "a:old"));
    await cache.get("personal", "visitor");
    jest.spyOn(store, "save").mockRejectedValueOnce(new Error("ETIMEDOUT"));
    await expect(cache.save(personal("visitor", "a:new"))).rejects.toThrow("ETIMEDOUT");
    await store.save(personal("visitor", "a:new"));
    expect((await cache.get("personal", "visitor"))?.reference).toEqual({ conversation: { id: "a:new" } });
  });

  it("reads a reference once for sends side by side: one read serves every delivery waiting for it", async () => {
    const env = setUp();
    await env.store.save(personal("alex"));
    const found = await Promise.all(Array.from({ length: 8 }, () => env.cache.get("personal", "alex")));
    expect(found.every((c) => c?.reference.conversation)).toBe(true);
    expect(env.store.reads).toBe(1);
  });

  it("does not cache what a read found when this instance saved a newer reference meanwhile", async () => {
    const env = setUp();
    await env.store.save(personal("alex", "a:old"));
    let release: () => void = () => {};
    const slowGet = env.store.get.bind(env.store);
    env.store.get = async (kind, key) => {
      const row = await slowGet(kind, key);
      await new Promise<void>((resolve) => (release = resolve));
      return row;
    };
    const reading = env.cache.get("personal", "alex");
    await env.cache.save(personal("alex", "a:new"));
    release();
    await reading;
    env.store.get = slowGet;
    expect((await env.cache.get("personal", "alex"))?.reference).toEqual({ conversation: { id: "a:new" } });
  });

  it("lists straight from storage", async () => {
    const { store, cache } = setUp();
    await store.save(channel("19:safeguarding", "team-1"));
    expect(await cache.list("channel")).toEqual([channel("19:safeguarding", "team-1")]);
  });
});
