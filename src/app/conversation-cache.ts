import type { Clock, ConversationKind, ConversationStore, StoredConversation } from "./ports";

/**
 * How long a conversation reference read from storage is used before it is read again. References change only
 * when the app is installed or removed; this instance's own saves and removals update the cache at once, and
 * another instance's show within this time. A reference that went stale meanwhile fails its send, and the
 * outbox retries it after the cache has let go.
 */
export const CONVERSATION_CACHE_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Every delivery needs its recipient's conversation reference, and an approval or a sweep sends several to
 * the same few people: this keeps the ones found, so a delivery costs no read for a known recipient.
 */
export class CachedConversationStore implements ConversationStore {
  private readonly found = new Map<string, { conversation: StoredConversation; until: number }>();
  /** Reads under way: a sweep sends to the same few people side by side, and one read serves them all. */
  private readonly reading = new Map<string, Promise<StoredConversation | undefined>>();
  /** Saves and removals this instance made: a read that started before one must not cache what it found. */
  private changes = 0;

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
  ) {}

  async get(kind: ConversationKind, key: string): Promise<StoredConversation | undefined> {
    const cacheKey = keyOf(kind, key);
    const now = this.clock.now().getTime();
    const hit = this.found.get(cacheKey);
    if (hit && hit.until > now) return hit.conversation;
    const pending = this.reading.get(cacheKey);
    if (pending) return pending;
    const changesBefore = this.changes;
    const read = this.store.get(kind, key).finally(() => this.reading.delete(cacheKey));
    this.reading.set(cacheKey, read);
    const conversation = await read;
    if (this.changes !== changesBefore) return conversation;
    if (!conversation) {
      this.found.delete(cacheKey);
      return undefined;
    }
    if (this.found.size >= MAX_ENTRIES) this.found.clear();
    this.found.set(cacheKey, { conversation, until: now + CONVERSATION_CACHE_MS });
    return conversation;
  }

  async save(conversation: StoredConversation): Promise<void> {
    // Forgotten before the write, so a failed write cannot leave the old reference cached either.
    this.forget(keyOf(conversation.kind, conversation.key));
    await this.store.save(conversation);
  }

  list(kind: ConversationKind): Promise<StoredConversation[]> {
    return this.store.list(kind);
  }

  async remove(kind: ConversationKind, key: string): Promise<void> {
    this.forget(keyOf(kind, key));
    await this.store.remove(kind, key);
  }

  private forget(cacheKey: string): void {
    this.changes++;
    this.found.delete(cacheKey);
    this.reading.delete(cacheKey);
  }

  async removeTeam(teamId: string): Promise<void> {
    this.changes++;
    for (const [cacheKey, { conversation }] of this.found) if (conversation.teamId === teamId) this.found.delete(cacheKey);
    await this.store.removeTeam(teamId);
  }
}

const keyOf = (kind: ConversationKind, key: string) => `${kind}|${key}`;
