import { randomBytes } from "node:crypto";
import { outboxFor, type OutboxItem } from "../../src/app/notifications";
import type { Actor, Visit, VisitDetails, VisitEvent } from "../../src/domain/visit";
import { decide, type VisitCommand } from "../../src/domain/visit.decide";
import { evolve } from "../../src/domain/visit.evolve";
import { visitIdAt } from "../../src/domain/visit-id";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import type { TableVisitStore } from "../../src/storage/visit.table-store";

/**
 * An approved visit as the app leaves one after its request and approval (their cards delivered), built by the domain
 * and written through TableVisitStore.save: snapshot, events and delivered outbox rows in one transaction, its day
 * row's mark and copy. It has no wake-up yet: the check-in the benchmark makes over HTTP schedules its deadline.
 */
export async function seedApprovedVisit(
  store: TableVisitStore,
  school: { policy: PolicyProfile; version: number },
  visitor: Actor,
  head: Actor,
  details: VisitDetails,
  now: Date,
): Promise<string> {
  const visitId = visitIdAt(now, randomBytes(10));
  const steps: [Actor, VisitCommand][] = [
    [visitor, { type: "request", visitId, details, policyVersion: school.version }],
    [head, { type: "approve", staffGaps: [], policyVersion: school.version }],
  ];
  let visit: Visit | undefined;
  const events: VisitEvent[] = [];
  const outbox: OutboxItem[] = [];
  for (const [who, command] of steps) {
    const decided = decide(visit, command, who, school.policy, now);
    if (!decided.ok) throw new Error(`seeding a visit: ${command.type} refused: ${decided.refusal.message}`);
    visit = decided.events.reduce<Visit | undefined>(evolve, visit)!;
    events.push(...decided.events);
    for (const item of outboxFor(visit, decided.events, school.policy, now)) {
      const at = now.toISOString();
      outbox.push({ ...item, status: "delivered", attempts: 1, posts: [], deliveredAt: at });
    }
  }
  const saved = await store.save(undefined, visit!, events, outbox);
  if (!saved.ok) throw new Error("seeding: a new visit's save conflicted");
  return visitId;
}
