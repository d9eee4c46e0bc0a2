import type { Visit } from "../domain/visit";
import type { Notification, OutboxItem, Post } from "./notifications";
import type { Clock, Logger, Outbox, StoredOutboxItem } from "./ports";

/** What became of one delivery attempt. `unreachable`: the person has no chat with the bot yet. */
export type SendResult = { ok: true; posts: Post[] } | { ok: false; error: string; retryAfterMs?: number; unreachable?: boolean };

/** Sends one notification's card (src/teams), or updates the cards already posted about an alert. */
export interface Sender {
  send(visit: Visit, notification: Notification, earlierPosts: readonly Post[]): Promise<SendResult>;
}

export interface DeliveryReport {
  /** People a notification could not reach on this attempt (Entra object ids). */
  unreachable: string[];
  /** A post to the safeguarding channel did not go through on this attempt. */
  channelMissed?: boolean;
  /** When the earliest undelivered item should be tried again, if any is left. */
  retryAt?: string;
}

/**
 * An item being sent is held this long, so another instance does not send it too. Generous, because the
 * Bot Framework client retries a throttled send itself (sleeping Retry-After up to three times) before it
 * gives up and reports back here. It is also how soon an item held by an instance that died is sent again.
 */
export const SENDING_LEASE_MS = 5 * 60_000;
/** After this many failed attempts an item is flagged: logged as an error and shown to the office. */
const FAILING_AFTER = 5;
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Delivers a visit's pending notifications: one at a time (Teams throttles bursts), each claimed with an
 * ETag-guarded write before it is sent, retried after Retry-After on 429 and with growing back-off on other
 * failures, and never dropped: an item that keeps failing stays pending and is flagged.
 */
export class OutboxDispatcher {
  constructor(
    private readonly outbox: Outbox,
    private readonly sender: Sender,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * New items, held for sending by this instance as they are queued: the save that writes them is their claim,
   * so sending them costs no claim write of its own.
   */
  hold(items: readonly OutboxItem[]): OutboxItem[] {
    const until = new Date(this.clock.now().getTime() + SENDING_LEASE_MS).toISOString();
    return items.map((item) => ({ ...item, attempts: item.attempts + 1, nextAttemptAt: until }));
  }

  /**
   * `held`: the items a save has just written, held for this instance (`hold`), with their ETags; only those
   * are sent, unless `earlierToo`. Otherwise every pending item of the visit is read, earlier failures included,
   * and each is claimed when due (the held ones need no claim); oldest first.
   */
  async deliver(visit: Visit, held?: readonly StoredOutboxItem[], earlierToo = false): Promise<DeliveryReport> {
    const report: DeliveryReport = { unreachable: [] };
    const heldIds = new Set(held?.map((stored) => stored.item.id));
    const earlier = !held || earlierToo ? (await this.outbox.pending(visit.id)).filter((stored) => !heldIds.has(stored.item.id)) : [];
    for (const stored of earlier) {
      const claimed = await this.claim(stored, report);
      if (claimed) await this.send(visit, claimed, report);
    }
    for (const stored of held ?? []) {
      const kept = await this.keepHold(stored);
      if (kept) await this.send(visit, kept, report);
    }
    return report;
  }

  /** A due item, claimed with an ETag-guarded write; undefined if it is not due or another instance has it. */
  private async claim(stored: StoredOutboxItem, report: DeliveryReport): Promise<StoredOutboxItem | undefined> {
    const item = stored.item;
    // Read per item: the hold on each must run from its own claim, however long the ones before it took.
    const now = this.clock.now();
    if (Date.parse(item.nextAttemptAt) > now.getTime()) {
      report.retryAt = earliest(report.retryAt, item.nextAttemptAt);
      return undefined;
    }
    const attempt = { ...item, attempts: item.attempts + 1, nextAttemptAt: new Date(now.getTime() + SENDING_LEASE_MS).toISOString() };
    return this.outbox.update(stored, attempt);
  }

  /**
   * A held item whose hold has run half its time (the sends before it were slow) is held afresh before it is
   * sent, so it cannot lapse mid-send and be sent by another instance too.
   */
  private async keepHold(stored: StoredOutboxItem): Promise<StoredOutboxItem | undefined> {
    const now = this.clock.now().getTime();
    if (Date.parse(stored.item.nextAttemptAt) - now >= SENDING_LEASE_MS / 2) return stored;
    return this.outbox.update(stored, { ...stored.item, nextAttemptAt: new Date(now + SENDING_LEASE_MS).toISOString() });
  }

  private async send(visit: Visit, claimed: StoredOutboxItem, report: DeliveryReport): Promise<void> {
    const attempt = claimed.item;
    const notification = attempt.notification;
    const earlierPosts = notification.kind === "alert-changed" ? await this.outbox.posts(visit.id, notification.alertId) : [];
    let result: SendResult;
    try {
      result = await this.sender.send(visit, notification, earlierPosts);
    } catch (error) {
      result = { ok: false, error: String(error) };
    }
    const done = result.ok ? this.delivered(attempt, result.posts) : this.failed(attempt, result);
    await this.outbox.update(claimed, done);
    if (!result.ok) {
      report.retryAt = earliest(report.retryAt, done.nextAttemptAt);
      if ("to" in notification && "person" in notification.to) report.unreachable.push(notification.to.person);
      if ("to" in notification && "channel" in notification.to) report.channelMissed = true;
    }
  }

  private delivered(item: OutboxItem, posts: Post[]): OutboxItem {
    const { failing: _failing, lastError: _lastError, ...rest } = item;
    return { ...rest, status: "delivered", posts, deliveredAt: this.clock.now().toISOString() };
  }

  private failed(item: OutboxItem, result: Extract<SendResult, { ok: false }>): OutboxItem {
    const backoff = Math.min(MAX_BACKOFF_MS, 2_000 * 2 ** (item.attempts - 1));
    // Jitter spreads retries from several instances so they do not hit a throttled thread together.
    const delay = result.retryAfterMs ?? backoff * (0.8 + 0.4 * Math.random());
    const failing = item.attempts >= FAILING_AFTER;
    if (failing && !item.failing) {
      this.log.error("notification keeps failing", { visitId: item.visitId, itemId: item.id, kind: item.notification.kind, attempts: item.attempts, error: result.error });
    } else {
      this.log.warn("notification not delivered yet", { visitId: item.visitId, itemId: item.id, kind: item.notification.kind, attempts: item.attempts, error: result.error });
    }
    return { ...item, nextAttemptAt: new Date(this.clock.now().getTime() + delay).toISOString(), lastError: result.error, ...(failing ? { failing } : {}) };
  }
}

const earliest = (a: string | undefined, b: string): string => (a === undefined || b < a ? b : a);
