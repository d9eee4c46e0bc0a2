import { Deadline, DeadlinePassed } from "../app/deadline";
import type { Clock, DueEntry, DueIndex, Logger } from "../app/ports";
import type { VisitService } from "../app/visit.service";

export interface SweeperOptions {
  /**
   * The longest the sweeper sleeps. It wakes sooner for what it knows falls due sooner: the entries this instance
   * scheduled (told as they are written) and those its last read of the index saw coming within this time. So this is
   * how late it may be for an entry only another instance knows of (one that stopped before taking it).
   */
  intervalMs: number;
  /** At most this many due visits per sweep; when more are due the next sweep starts at once. */
  batch: number;
  /** How long a claimed entry is left alone by other instances before it is tried again. */
  leaseMs: number;
  /** Visits handled side by side: enough to keep up with a morning's deadlines, few enough not to be throttled. */
  concurrency: number;
  /**
   * How long one sweep may take. Storage or the Bot Connector that stops answering must not hold the sweeper: at this
   * deadline the sweep ends, visits not yet woken are released for the next one, and the wakes under way stop their
   * storage calls. Shorter than the lease, so a visit this sweep gave up on is not taken by another sweep while it still works.
   */
  deadlineMs: number;
  /**
   * A sweep for what falls due begins no sooner than this after the previous one began, so deadlines that fall close
   * together (everyone due back around 15:30) are taken by one sweep, one read of the index and one claim for them
   * all, rather than a sweep each; unless the previous sweep left more due at once.
   */
  gatherMs?: number;
}

export const DEFAULT_SWEEPER: SweeperOptions = { intervalMs: 30_000, batch: 200, leaseMs: 60_000, concurrency: 8, deadlineMs: 30_000, gatherMs: 500 };

/** Whether sweeps run in the background, since when, and when one last completed (by the injected clock). */
export interface SweepProgress {
  running: boolean;
  startedAt?: Date;
  lastCompletedAt?: Date;
}

interface SweepResult {
  handled: number;
  /** How long to sleep before the next sweep. */
  nextInMs: number;
  /** More is due now: the next sweep need not wait to gather. */
  again: boolean;
}

/**
 * Wakes visits whose next deadline, ladder step or notification retry has come. Every instance may run one:
 * each due entry is claimed with an ETag-guarded write first (a sweep's claims are written a partition (a minute's
 * entries) at a time, in one transaction), and the visit's own ETag and event history make a step that was already
 * taken a no-op. Between sweeps it sleeps until the next entry it knows of, at most an interval; an entry
 * scheduled on this instance meanwhile wakes it sooner (wakeBy). Nothing lives in memory that a restart would lose:
 * the timer is only a hint, the index is the truth.
 */
export class Sweeper {
  private startedAt: Date | undefined;
  private lastCompletedAt: Date | undefined;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires, by the injected clock. */
  private timerAt: number | undefined;
  /** When the last background sweep began, by the injected clock. */
  private lastBegan: number | undefined;
  private running: Promise<void> | undefined;
  /** The earliest wake asked for while a sweep ran: the sweep's own plan may not know of it. */
  private asked: number | undefined;

  constructor(
    private readonly service: VisitService,
    private readonly due: DueIndex,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: SweeperOptions = DEFAULT_SWEEPER,
  ) {}

  /** One sweep: returns how many visits it handled. */
  async sweepOnce(): Promise<number> {
    return (await this.sweepWithin()).handled;
  }

  private async sweepWithin(): Promise<SweepResult> {
    const deadline = new Deadline(this.options.deadlineMs);
    try {
      return await this.sweep(deadline);
    } finally {
      deadline.finish();
    }
  }

  private async sweep(deadline: Deadline): Promise<SweepResult> {
    const now = this.clock.now();
    const found = await deadline.within(this.due.due(now, this.options.batch, this.options.intervalMs));
    const claimed = found.entries.length > 0 ? await deadline.within(this.due.claimAll(found.entries, new Date(now.getTime() + this.options.leaseMs))) : [];
    // A visit can have several due entries (a deadline and a delivery retry): one wake serves them all.
    const byVisit = new Map<string, DueEntry[]>();
    for (const entry of claimed) byVisit.set(entry.visitId, [...(byVisit.get(entry.visitId) ?? []), entry]);
    const visits = [...byVisit.entries()];
    // Read before this sweep's claim: an entry claimed before and still here belongs to a wake that stopped half way.
    const heldBefore = new Set(found.entries.filter((entry) => entry.leaseUntil !== undefined).map((entry) => entry.visitId));
    let handled = 0;
    let next = 0;
    const worker = async () => {
      while (next < visits.length && !deadline.passed) {
        const [visitId, entries] = visits[next++]!;
        try {
          if (!(await this.handle(visitId, entries.some((entry) => !entry.deadlineOnly) || heldBefore.has(visitId), deadline))) continue;
          handled++;
          await this.due.completeAll(entries);
        } catch (error) {
          // The entries stay claimed until their lease runs out, then another sweep tries again.
          this.log.error("sweep of a visit failed", { visitId, error: String(error) });
        }
      }
    };
    let finished = true;
    try {
      await deadline.within(Promise.all(Array.from({ length: Math.min(this.options.concurrency, visits.length) }, worker)));
    } catch (error) {
      if (!(error instanceof DeadlinePassed)) throw error;
      finished = false;
    }
    if (!finished) {
      // Released, so the next sweep (by any instance) takes them rather than waiting for their lease to run out.
      const notWoken = visits.slice(next).flatMap(([, entries]) => entries);
      if (notWoken.length > 0) await this.due.releaseAll(notWoken);
      this.log.warn("sweep stopped at its deadline", { handled, notWoken: visits.length - next });
      return { handled, nextInMs: 0, again: true };
    }
    this.lastCompletedAt = this.clock.now();
    // Entries another instance took first are leased now, so a fresh read at once finds only the rest.
    const again = found.more || claimed.length < found.entries.length;
    const nextInMs = again ? 0 : found.upcoming ? Date.parse(found.upcoming) - this.clock.now().getTime() : this.options.intervalMs;
    return { handled, nextInMs, again };
  }

  /** What the safety net's watchdog reads: a sweep that fails or hangs never counts as completed. */
  progress(): SweepProgress {
    return { running: this.startedAt !== undefined, ...(this.startedAt ? { startedAt: this.startedAt } : {}), ...(this.lastCompletedAt ? { lastCompletedAt: this.lastCompletedAt } : {}) };
  }

  /** Whether the visit was dealt with, so its entries can go; storage trouble keeps them for another sweep. */
  /** `earlier`: the wake also sends the visit's notifications queued before it (see VisitService.wake). */
  private async handle(visitId: string, earlier: boolean, deadline: Deadline): Promise<boolean> {
    const outcome = await this.service.wake(visitId, deadline, earlier);
    return outcome.ok || outcome.refusal.code !== "storage-unavailable";
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.startedAt ??= this.clock.now();
    this.plan(0, true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.startedAt = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    await this.running;
  }

  /** Something falls due at `at` (an instant): sweep by then, if no sweep was planned sooner. */
  wakeBy(at: string): void {
    const when = Date.parse(at);
    if (this.stopped || Number.isNaN(when)) return;
    if (this.running) this.asked = Math.min(this.asked ?? when, when);
    else if (this.timerAt === undefined || when < this.timerAt) this.plan(when - this.clock.now().getTime());
  }

  /**
   * The next sweep in `delayMs` (or, unless `atOnce`, once gatherMs has passed since the last began), never later than an
   * interval; the timer never keeps the process alive on its own.
   */
  private plan(delayMs: number, atOnce = false): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = this.clock.now().getTime();
    const gathered = !atOnce && this.options.gatherMs && this.lastBegan !== undefined ? this.lastBegan + this.options.gatherMs - now : 0;
    const delay = Math.min(Math.max(0, delayMs, gathered), this.options.intervalMs);
    this.timerAt = now + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.running = this.sweepInBackground();
    }, delay);
    this.timer.unref();
  }

  private async sweepInBackground(): Promise<void> {
    let nextInMs = this.options.intervalMs;
    let again = false;
    this.lastBegan = this.clock.now().getTime();
    try {
      const result = await this.sweepWithin();
      nextInMs = result.nextInMs;
      again = result.again;
      if (result.handled > 0) this.log.info("sweep handled due visits", { handled: result.handled });
    } catch (error) {
      this.log.error("sweep failed", { error: String(error) });
    }
    this.running = undefined;
    const asked = this.asked;
    this.asked = undefined;
    this.plan(asked === undefined ? nextInMs : Math.min(nextInMs, asked - this.clock.now().getTime()), again);
  }
}
