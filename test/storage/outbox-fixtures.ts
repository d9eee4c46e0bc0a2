import type { Notification, OutboxItem, Post } from "../../src/app/notifications";
import { people } from "../support/policy-fixture";

/** The school the stored visits of these tests belong to. */
export const SCHOOL = "test-school";

/** Outbox items as the use cases queue them: pending, untried, due at once. */
export function queued(visitId: string, id: string, notification: Notification, createdAt = "2026-06-15T09:00:00.000Z", schoolId = SCHOOL): OutboxItem {
  return { id, visitId, schoolId, notification, createdAt, status: "pending", attempts: 0, nextAttemptAt: createdAt };
}

export const toHead: Notification = { kind: "approval-requested", to: { person: people.head.aadObjectId } };
export const alertTo = (alertId: string, person: string = people.office.aadObjectId): Notification => ({ kind: "alert", to: { person }, alertId });
export const alertChanged = (alertId: string): Notification => ({ kind: "alert-changed", alertId });

export const post = (key: string, activityId: string): Post => ({ conversation: { kind: "personal", key }, activityId });

/** The item after an attempt that failed: failing once it has failed `attempts` times (five, say). */
export function failed(item: OutboxItem, failing = true): OutboxItem {
  return { ...item, attempts: item.attempts + 1, lastError: "Bot Connector said 502", nextAttemptAt: "2026-06-15T09:05:00.000Z", ...(failing ? { failing } : {}) };
}

export function delivered(item: OutboxItem, posts: Post[]): OutboxItem {
  const { failing: _failing, lastError: _lastError, ...rest } = item;
  return { ...rest, attempts: item.attempts + 1, status: "delivered", posts, deliveredAt: "2026-06-15T09:10:00.000Z" };
}
