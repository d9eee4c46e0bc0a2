import type { PolicyProfile } from "../policy/policy.schema";
import { SYSTEM } from "../domain/alert";
import { nextWakeUp } from "../domain/escalation";
import type { PrerequisiteGap } from "../domain/staff-prerequisites";
import { staffGapsOf } from "./staff-gaps";
import { londonDate } from "../domain/london-time";
import type { Actor, Visit, VisitDetails, VisitEvent } from "../domain/visit";
import { OUT_STATUSES } from "../domain/visit";
import type { Refusal, VisitCommand } from "../domain/visit.decide";
import { decide } from "../domain/visit.decide";
import { evolve } from "../domain/visit.evolve";
import { type OutboxItem, outboxFor } from "./notifications";
import type { DeliveryReport, OutboxDispatcher } from "./outbox.dispatcher";
import { Deadline } from "./deadline";
import type { Clock, DueIndex, Logger, StaffDirectory, StoredOutboxItem, StoredVisit, VisitStore } from "./ports";
import type { ActiveSchool, Schools } from "./schools";
import { SnapshotCache } from "./snapshot-cache";

export type ServiceRefusal = Refusal | { code: "storage-unavailable" | "stale"; message: string };

/**
 * `unreachable`: people who should have been told but were not reached yet; `channelMissed`: nor was the
 * safeguarding channel. The outbox keeps trying either way; the person acting is told to follow up.
 */
export type Outcome = { ok: true; visit: Visit; events: VisitEvent[]; unreachable: string[]; channelMissed: boolean } | { ok: false; refusal: ServiceRefusal; visit?: Visit };

interface Deps {
  schools: Schools;
  store: VisitStore;
  due: DueIndex;
  staff: StaffDirectory;
  dispatcher: OutboxDispatcher;
  clock: Clock;
  newId: () => string;
  log: Logger;
}

/** Saving was refused by a concurrent writer this many times in a row: give up and say so. */
const MAX_CONFLICT_RETRIES = 3;
/**
 * After a person's change queued notifications the sweeper looks at the visit again this soon, in case delivering
 * them at once failed or met earlier failures, or the process died (its held items are sent when their hold ends).
 * A wake needs none: the entry its sweep claimed stays until the wake has delivered, and comes back when its lease
 * runs out if the instance died first.
 */
const OUTBOX_RECOVERY_MS = 30_000;
/**
 * How long a person's change may take to be saved. Teams gives up on a card action after about ten seconds, and the
 * card that answers must still be built and sent: past this the person is told plainly that it is NOT recorded, and
 * the storage calls still under way send no more tries.
 */
export const PERSON_DEADLINE_MS = 6_000;
/** How long a person's tap waits for its notifications to go out before answering anyway (never past the deadline). */
const INLINE_DELIVERY_MS = 4_000;

const UNAVAILABLE: ServiceRefusal = {
  code: "storage-unavailable",
  message: "This could not be saved just now, so it is NOT recorded. Please try again, or phone the school office.",
};

const MISSING: ServiceRefusal = { code: "invalid-request", message: "That visit does not exist." };

const NOT_RUNNING: ServiceRefusal = {
  code: "not-allowed",
  message: "This school is not using Home Visits at the moment: ask the school's admin.",
};

const STALE: ServiceRefusal = {
  code: "stale",
  message: "This visit changed since this card was shown. Here is the latest; please check it and try again.",
};

/** For the sweeper only: the wake's change is saved, but what the visit's outbox holds was neither sent nor rescheduled. */
const UNDELIVERED: ServiceRefusal = {
  code: "storage-unavailable",
  message: "Saved, but its notifications could not be sent or their retry scheduled; the sweeper tries again.",
};

type Mode = "person" | "sweeper";

/**
 * How a change is run. `deadline`: a person's is always set; a wake has its sweep's, or none when called outside
 * a sweep. `seenVersion`: see act. `schoolId`: the school a new request is for.
 */
interface RunOptions {
  mode: Mode;
  deadline?: Deadline;
  seenVersion?: number;
  schoolId?: string;
  /** A wake that queues notifications also sends the visit's earlier ones still pending (see wake). */
  earlier?: boolean;
}

/**
 * The one path every entry point takes: load → decide → save atomically (with the notifications it causes
 * and the next time the sweeper must look) → deliver. A change is reported as done only after storage
 * accepted it.
 */
export class VisitService {
  private readonly cache = new SnapshotCache();

  constructor(private readonly deps: Deps) {}

  /** Asks for a visit at one of the schools where the actor is a home visitor. */
  request(actor: Actor, schoolId: string, details: VisitDetails): Promise<Outcome> {
    const visitId = this.deps.newId();
    return this.forPerson((deadline) => this.run(visitId, actor, { type: "request", visitId, details }, { mode: "person", deadline, schoolId }));
  }

  /**
   * `seenVersion` is the version on the card the actor tapped: a command the domain would accept on a visit
   * that changed since then (say, an approval of a request that was amended meanwhile) is refused as stale.
   * Check-ins are the exception: the domain checks the step against the current status, and a late check-in
   * wins, so a colleague's check-in on a paired visit never makes the other visitor's check-in bounce.
   */
  act(visitId: string, actor: Actor, command: Exclude<VisitCommand, { type: "request" | "sweep" }>, seenVersion?: number): Promise<Outcome> {
    return this.forPerson((deadline) => this.run(visitId, actor, command, { mode: "person", deadline, ...(seenVersion === undefined ? {} : { seenVersion }) }));
  }

  /** The gaps in the records of the staff on a visit, as the approver must see them (R06). */
  staffGaps(visit: Visit, policy: PolicyProfile): Promise<PrerequisiteGap[]> {
    return staffGapsOf(visit, this.deps.staff, policy, londonDate(this.deps.clock.now()));
  }

  /**
   * The sweeper's visit: escalate whatever has fallen due, retry undelivered notifications, reschedule. At the sweep's
   * `deadline` its storage calls stop, and the visit's due entries stay for a later sweep. A wake that queues nothing
   * reads the visit's pending notifications; one that queues an alert reads them too (a query) only when `earlier`:
   * when its entries were not all for a deadline alone (ScheduleOptions.deadlineOnly).
   */
  wake(visitId: string, deadline?: Deadline, earlier = true): Promise<Outcome> {
    return this.run(visitId, SYSTEM, { type: "sweep" }, { mode: "sweeper", earlier, ...(deadline ? { deadline } : {}) });
  }

  async find(visitId: string): Promise<Visit | undefined> {
    return (await this.deps.store.load(visitId))?.visit;
  }

  /** The visit "record" is about: the one this person left most recently today and has not recorded yet. */
  async visitToRecordFor(visitorId: string): Promise<Visit | undefined> {
    const left = (await this.visitsTodayOf(visitorId)).filter((visit) => visit.status === "left");
    return left.sort((a, b) => (a.leftAt ?? "").localeCompare(b.leftAt ?? "")).at(-1);
  }

  /**
   * The visit a free-text check-in ("arrived", "left") is about: today's visit this person is out on,
   * else their next approved one today. A call for help (`anyStatus`) falls back to their latest visit
   * today whatever its state, so it always reaches someone.
   */
  async currentVisitFor(visitorId: string, anyStatus = false): Promise<Visit | undefined> {
    const mine = await this.visitsTodayOf(visitorId);
    const current = mine.find((visit) => OUT_STATUSES.includes(visit.status)) ?? mine.find((visit) => visit.status === "approved");
    return current ?? (anyStatus ? mine.at(-1) : undefined);
  }

  /** Today's visits of this member of staff, at every school where they are a home visitor. */
  private async visitsTodayOf(visitorId: string): Promise<Visit[]> {
    const { store, schools, clock } = this.deps;
    const today = londonDate(clock.now());
    const mine = await schools.of(visitorId, ["visitor"]);
    const visits = (await Promise.all(mine.map(({ school }) => store.listForVisitor(school.id, today, visitorId)))).flat();
    return visits.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  }

  private async forPerson(change: (deadline: Deadline) => Promise<Outcome>): Promise<Outcome> {
    const deadline = new Deadline(PERSON_DEADLINE_MS);
    try {
      return await change(deadline);
    } finally {
      deadline.finish();
    }
  }

  private async run(visitId: string, actor: Actor, command: VisitCommand, { mode, deadline, seenVersion, schoolId, earlier = true }: RunOptions): Promise<Outcome> {
    const { store, schools, clock, log } = this.deps;
    // Everything up to the save is bounded by the deadline: past it, nothing is recorded and the person is told so.
    const inTime = <T>(work: Promise<T>): Promise<T> => (deadline ? deadline.within(work) : work);
    const signal = deadline?.signal;
    // The sweeper reads the stored visit: a sweep that finds nothing to do saves nothing, so no ETag would catch
    // a cached copy that is behind (another instance approved the visit) and its deadline would never be scheduled.
    let useCache = mode === "person";
    // The stored visit, read beside a save decided on a cached snapshot: another instance may have changed the visit
    // since, and then the ETag refuses the save with the read already under way, so the retry waits for no more
    // than one round trip (two in all, where reading only after the refusal made three).
    let reading: Promise<StoredVisit | undefined> | undefined;
    let freshSchools = false;
    let conflicts = 0;
    while (conflicts <= MAX_CONFLICT_RETRIES) {
      const now = clock.now();
      // A cached snapshot saves waiting for a read; its ETag still guards the write, and a refusal is re-checked fresh.
      const cached = useCache ? this.cache.get(visitId) : undefined;
      const stored = reading;
      reading = cached ? quietly(store.load(visitId, signal)) : undefined;
      let before: StoredVisit | undefined;
      let policy: PolicyProfile | undefined;
      let effective = command;
      try {
        before = cached ?? (await inTime(stored ?? store.load(visitId, signal)));
        const running = await inTime(this.schoolOf(before?.visit, schoolId));
        policy = running?.policy;
        if (running) effective = await inTime(this.withServerFacts(command, before?.visit, running));
      } catch (error) {
        log.error("visit load failed", { visitId, error: String(error) });
        return { ok: false, refusal: UNAVAILABLE, ...(before ? { visit: before.visit } : {}) };
      }
      if (!before && command.type !== "request") return { ok: false, refusal: MISSING };
      if (!policy) {
        // A visit of a school taken off the deployment (which is refused while visits are under way): nothing to do.
        if (mode === "sweeper" && before) log.warn("due visit of a school that is not running", { visitId, schoolId: before.visit.schoolId });
        return mode === "sweeper" && before ? this.delivered(before.visit, [], { unreachable: [] }, mode) : { ok: false, refusal: NOT_RUNNING, ...(before ? { visit: before.visit } : {}) };
      }
      const decided = decide(before?.visit, effective, actor, policy, now);
      const stale = before !== undefined && seenVersion !== undefined && command.type !== "checkIn" && seenVersion !== before.visit.version;
      if (!decided.ok || stale) {
        if (cached) {
          useCache = false;
          continue;
        }
        // Roles are read from a list of schools up to half a minute old: a role just given on another instance counts.
        if (!decided.ok && decided.refusal.code === "not-allowed" && !freshSchools) {
          freshSchools = true;
          try {
            await inTime(schools.refresh());
          } catch (error) {
            log.error("school list refresh failed", { visitId, error: String(error) });
            return { ok: false, refusal: UNAVAILABLE, ...(before ? { visit: before.visit } : {}) };
          }
          continue;
        }
        return { ok: false, refusal: decided.ok ? STALE : decided.refusal, ...(before ? { visit: before.visit } : {}) };
      }

      const changed = decided.events.reduce<Visit | undefined>(evolve, before?.visit)!;
      // Held for this instance as they are saved, so sending them needs no claim of its own.
      const outbox = this.deps.dispatcher.hold(outboxFor(changed, decided.events, policy, now));
      let after: Visit;
      try {
        after = await inTime(this.scheduleWake(before?.visit, changed, policy, outbox.length > 0, mode, now, signal));
      } catch (error) {
        log.error("due index write failed", { visitId, error: String(error) });
        return { ok: false, refusal: UNAVAILABLE, ...(before ? { visit: before.visit } : {}) };
      }
      if (before && decided.events.length === 0 && after.wakeAt === before.visit.wakeAt) {
        return this.delivered(before.visit, [], await this.retryPending(before.visit, [], mode, deadline), mode);
      }

      let saved;
      try {
        saved = await inTime(store.save(before, after, decided.events, outbox, signal));
      } catch (error) {
        this.cache.forget(visitId);
        log.error("visit save failed", { visitId, command: command.type, error: String(error) });
        return { ok: false, refusal: UNAVAILABLE, ...(before ? { visit: before.visit } : {}) };
      }
      if (!saved.ok) {
        // Someone else changed the visit: decide again on what they saved.
        this.cache.forget(visitId);
        useCache = false;
        conflicts++;
        continue;
      }
      this.cache.set(visitId, { visit: after, etag: saved.etag });
      log.info("visit changed", { visitId, events: decided.events.map((e) => e.type), queued: outbox.length });
      return this.delivered(after, decided.events, await this.retryPending(after, outbox, mode, deadline, saved.queued, earlier), mode);
    }
    log.warn("visit save kept conflicting", { visitId });
    return { ok: false, refusal: { code: "storage-unavailable", message: "Several people changed this visit at once. Please try again." } };
  }

  /** The running school a new request is for, or the visit's own school with the policy it runs on. */
  private async schoolOf(visit: Visit | undefined, schoolId: string | undefined): Promise<{ policy: PolicyProfile; version: number } | undefined> {
    if (!visit) {
      const active: ActiveSchool | undefined = schoolId ? await this.deps.schools.active(schoolId) : undefined;
      return active && { policy: active.policy, version: active.school.version };
    }
    const [policy, active] = await Promise.all([this.deps.schools.policyFor(visit), this.deps.schools.active(visit.schoolId)]);
    return policy && active && { policy, version: active.school.version };
  }

  /**
   * What only the server knows goes with the command: the policy version a request, change or approval is decided
   * under, and for an approval what is missing from the visitors' records (R06), whose blocking gaps refuse it.
   */
  private async withServerFacts(command: VisitCommand, visit: Visit | undefined, school: { policy: PolicyProfile; version: number }): Promise<VisitCommand> {
    if (command.type === "request" || command.type === "amend") return { ...command, policyVersion: school.version };
    if (command.type === "approve" && visit) return { ...command, staffGaps: await this.staffGaps(visit, school.policy), policyVersion: school.version };
    return command;
  }

  private delivered(visit: Visit, events: VisitEvent[], report: DeliveryReport | undefined, mode: Mode): Outcome {
    // Delivery failed and no retry could be scheduled. A person's change queued its items with a recovery entry
    // written before the save, so it is done; the sweeper may be holding the only entry that brings it back to
    // items queued earlier, so it must keep that entry (its lease runs out and another sweep tries again).
    if (!report && mode === "sweeper") return { ok: false, refusal: UNDELIVERED, visit };
    // Each person once: an approval queues a decision and a briefing for each visitor.
    return { ok: true, visit, events, unreachable: [...new Set(report?.unreachable ?? [])], channelMissed: report?.channelMissed === true };
  }

  /**
   * Sends what is waiting in the visit's outbox now, rather than at the next sweep. What is still not
   * delivered gets a due-index entry for its retry; the change itself is already safe in storage.
   */
  private async retryPending(
    visit: Visit,
    queued: readonly OutboxItem[],
    mode: Mode,
    deadline: Deadline | undefined,
    stored?: StoredOutboxItem[],
    earlier = true,
  ): Promise<DeliveryReport | undefined> {
    if (queued.length === 0 && mode === "person") return { unreachable: [] };
    // Just-queued items are sent as the save returned them, with no read and no claim. A person's change leaves earlier
    // failures to the recovery wake it scheduled, 30 s on; a wake reads them too (one query), since it schedules none,
    // unless its entries say none can be waiting for it.
    const delivery = this.deliverNow(visit, queued.length > 0 ? stored : undefined, mode === "sweeper" && earlier);
    if (mode === "sweeper") return delivery;
    // Someone is waiting on a card, and Teams gives up after about ten seconds: answer in time and let a
    // slow (throttled) delivery finish behind the answer. Who it was for is not confirmed yet.
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<DeliveryReport>((resolve) => {
      const unconfirmed = (): DeliveryReport => ({
        unreachable: queued.flatMap((i) => ("to" in i.notification && "person" in i.notification.to ? [i.notification.to.person] : [])),
        channelMissed: queued.some((i) => "to" in i.notification && "channel" in i.notification.to),
      });
      timer = setTimeout(() => resolve(unconfirmed()), Math.min(INLINE_DELIVERY_MS, deadline?.remainingMs() ?? INLINE_DELIVERY_MS));
      timer.unref();
    });
    const report = await Promise.race([delivery, patience]);
    clearTimeout(timer);
    return report;
  }

  private async deliverNow(visit: Visit, stored: StoredOutboxItem[] | undefined, earlierToo: boolean): Promise<DeliveryReport | undefined> {
    try {
      const report = await this.deps.dispatcher.deliver(visit, stored, earlierToo);
      // Always an entry of its own: the visit's next wake may be for a deadline only, which does not read these.
      if (report.retryAt) await this.deps.due.schedule(visit.id, report.retryAt);
      return report;
    } catch (error) {
      // The items stay pending: a person's recovery entry, written before the save, or the entry a wake's sweep
      // keeps (the wake answers storage-unavailable) brings the sweeper back to them.
      this.deps.log.error("notification delivery failed", { visitId: visit.id, error: String(error) });
      return undefined;
    }
  }

  /**
   * Makes sure the due index will wake the sweeper by the visit's next deadline (and soon, if a person's change
   * just queued notifications). A person's change only writes an entry when none fires early enough already, so an
   * ordinary check-in costs no index write; the sweeper always writes the next one, since it is about to
   * remove the entry it claimed. An entry is for the deadline only unless a person's change queued notifications:
   * then it is their recovery, and an earlier entry, which may be for a deadline only, does not serve.
   */
  private async scheduleWake(
    before: Visit | undefined,
    after: Visit,
    policy: PolicyProfile,
    queued: boolean,
    mode: Mode,
    now: Date,
    signal: AbortSignal | undefined,
  ): Promise<Visit> {
    const { wakeAt: _previous, ...visit } = after;
    const recovery = queued && mode === "person" ? new Date(now.getTime() + OUTBOX_RECOVERY_MS).toISOString() : undefined;
    const candidates = [nextWakeUp(after, policy), recovery];
    const next = candidates.filter((at): at is string => at !== undefined).sort()[0];
    const current = before?.wakeAt;
    if (next === undefined) return mode === "sweeper" || !current ? visit : { ...visit, wakeAt: current };
    // The index is read by day from a cursor that only moves forward: never schedule in the past.
    const at = next < now.toISOString() ? now.toISOString() : next;
    if (mode === "person" && !recovery && current && current > now.toISOString() && current <= at) return { ...visit, wakeAt: current };
    await this.deps.due.schedule(after.id, at, { signal, deadlineOnly: recovery === undefined });
    return { ...visit, wakeAt: at };
  }
}

/** The same promise, its failure marked as handled: a read that is not needed in the end must not fail the process. */
function quietly<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}
