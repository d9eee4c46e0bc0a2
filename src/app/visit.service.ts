import type { PolicyProfile } from "../policy/policy.schema";
import type { Refusal, VisitCommand } from "../domain/visit.decide";
import { decide } from "../domain/visit.decide";
import { evolve } from "../domain/visit.evolve";
import { londonDate } from "../domain/london-time";
import type { Actor, Visit, VisitDetails, VisitEvent } from "../domain/visit";
import { OUT_STATUSES, visitorsOf } from "../domain/visit";
import type { Clock, Logger, StoredVisit, VisitStore } from "./ports";
import type { Notifier } from "./notifications";
import { notificationsFor } from "./notifications";

export type ServiceRefusal = Refusal | { code: "storage-unavailable" | "stale"; message: string };

/** `unreachable`: people who should have been told but could not be (e.g. have not installed the app). */
export type Outcome = { ok: true; visit: Visit; events: VisitEvent[]; unreachable: string[] } | { ok: false; refusal: ServiceRefusal; visit?: Visit };

interface Deps {
  policy: PolicyProfile;
  store: VisitStore;
  notifier: Notifier;
  clock: Clock;
  newId: () => string;
  log: Logger;
}

/** Saving was refused by a concurrent writer this many times in a row: give up and say so. */
const MAX_CONFLICT_RETRIES = 3;

const UNAVAILABLE: ServiceRefusal = {
  code: "storage-unavailable",
  message: "This could not be saved just now, so it is NOT recorded. Please try again, or phone the school office.",
};

const STALE: ServiceRefusal = {
  code: "stale",
  message: "This visit changed since this card was shown. Here is the latest; please check it and try again.",
};

/**
 * The one path every entry point takes: load → decide → save atomically → notify.
 * A change is reported as done only after storage accepted it.
 */
export class VisitService {
  constructor(private readonly deps: Deps) {}

  get policy(): PolicyProfile {
    return this.deps.policy;
  }

  request(actor: Actor, details: VisitDetails): Promise<Outcome> {
    const visitId = this.deps.newId();
    return this.run(visitId, actor, { type: "request", visitId, details });
  }

  /**
   * `seenVersion` is the version on the card the actor tapped: a command the domain would accept on a visit
   * that changed since then (say, an approval of a request that was amended meanwhile) is refused as stale.
   * Check-ins are the exception: the domain checks the step against the current status, and a late check-in
   * wins, so a colleague's check-in on a paired visit never makes the other visitor's check-in bounce.
   */
  act(visitId: string, actor: Actor, command: Exclude<VisitCommand, { type: "request" }>, seenVersion?: number): Promise<Outcome> {
    return this.run(visitId, actor, command, seenVersion);
  }

  async find(visitId: string): Promise<Visit | undefined> {
    return (await this.deps.store.load(visitId))?.visit;
  }

  /**
   * The visit a free-text check-in ("arrived", "left") is about: today's visit this person is out on,
   * else their next approved one today.
   */
  async currentVisitFor(visitorId: string): Promise<Visit | undefined> {
    const { store, policy, clock } = this.deps;
    const today = await store.listForDay(policy.school.id, londonDate(clock.now()));
    const mine = today.filter((visit) => visitorsOf(visit).includes(visitorId));
    return mine.find((visit) => OUT_STATUSES.includes(visit.status)) ?? mine.find((visit) => visit.status === "approved");
  }

  private async run(visitId: string, actor: Actor, command: VisitCommand, seenVersion?: number): Promise<Outcome> {
    const { store, policy, clock, log } = this.deps;
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      let before: StoredVisit | undefined;
      try {
        before = await store.load(visitId);
      } catch (error) {
        log.error("visit load failed", { visitId, error: String(error) });
        return { ok: false, refusal: UNAVAILABLE };
      }
      const decided = decide(before?.visit, command, actor, policy, clock.now());
      if (!decided.ok) return { ok: false, refusal: decided.refusal, ...(before ? { visit: before.visit } : {}) };
      if (before && command.type !== "checkIn" && seenVersion !== undefined && seenVersion !== before.visit.version) {
        return { ok: false, refusal: STALE, visit: before.visit };
      }

      const after = decided.events.reduce<Visit | undefined>(evolve, before?.visit)!;
      let saved;
      try {
        saved = await store.save(before, after, decided.events);
      } catch (error) {
        log.error("visit save failed", { visitId, command: command.type, error: String(error) });
        return { ok: false, refusal: UNAVAILABLE, ...(before ? { visit: before.visit } : {}) };
      }
      if (!saved.ok) continue; // someone else changed the visit: decide again on what they saved
      log.info("visit changed", { visitId, events: decided.events.map((e) => e.type) });
      const unreachable = await this.notify(after, decided.events);
      return { ok: true, visit: after, events: decided.events, unreachable };
    }
    log.warn("visit save kept conflicting", { visitId });
    return { ok: false, refusal: { code: "storage-unavailable", message: "Several people changed this visit at once. Please try again." } };
  }

  private async notify(visit: Visit, events: VisitEvent[]): Promise<string[]> {
    const notifications = notificationsFor(visit, events, this.deps.policy);
    if (notifications.length === 0) return [];
    try {
      return (await this.deps.notifier.deliver(visit, notifications)).unreachable;
    } catch (error) {
      this.deps.log.error("notification delivery failed", { visitId: visit.id, error: String(error) });
      return [...new Set(notifications.flatMap((n) => n.to))];
    }
  }
}
