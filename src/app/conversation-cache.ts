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

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
  ) {}

  async get(kind: ConversationKind, key: string): Promise<StoredConversation | undefined> {
    const cacheKey = keyOf(kind, key);
    const now = this.clock.now().getTime();
    const hit = this.found.get(cacheKey);
    if (hit && hit.until > now) return hit.conversation;
    const conversation = await this.store.get(kind, key);
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
    this.found.delete(keyOf(conversation.kind, conversation.key));
    await this.store.save(conversation);
  }

  list(kind: ConversationKind): Promise<StoredConversation[]> {
    return this.store.list(kind);
  }

  async remove(kind: ConversationKind, key: string): Promise<void> {
    this.found.delete(keyOf(kind, key));
    await this.store.remove(kind, key);
  }

  async removeTeam(teamId: string): Promise<void> {
    for (const [cacheKey, { conversation }] of this.found) if (conversation.teamId === teamId) this.found.delete(cacheKey);
    await this.store.removeTeam(teamId);
  }
}

const keyOf = (kind: ConversationKind, key: string) => `${kind}|${key}`;
