import { Deadline, DeadlinePassed } from "../app/deadline";
import type { Clock, DueEntry, DueIndex, Logger } from "../app/ports";
import type { VisitService } from "../app/visit.service";
import { Repeating } from "../timers/repeating";

export interface SweeperOptions {
  /** How often to look for what has fallen due. */
  intervalMs: number;
  /** At most this many due visits per sweep; the rest wait for the next one. */
  batch: number;
  /** How long a claimed entry is left alone by other instances before it is tried again. */
  leaseMs: number;
  /** Visits handled side by side: enough to keep up with a morning's deadlines, few enough not to be throttled. */
  concurrency: number;
  /**
   * How long one sweep may take. Storage or the Bot Connector that stops answering must not hold the sweeper: at this
   * deadline the sweep ends, visits not yet woken wait for the next one, and the wakes under way stop their storage
   * calls. Shorter than the lease, so a visit this sweep gave up on is not taken by another sweep while it still works.
   */
  deadlineMs: number;
}

export const DEFAULT_SWEEPER: SweeperOptions = { intervalMs: 2_000, batch: 200, leaseMs: 60_000, concurrency: 8, deadlineMs: 30_000 };

/** Whether sweeps run in the background, since when, and when one last completed (by the injected clock). */
export interface SweepProgress {
  running: boolean;
  startedAt?: Date;
  lastCompletedAt?: Date;
}

/**
 * Wakes visits whose next deadline, ladder step or notification retry has come. Every instance may run one:
 * each due entry is claimed with an ETag-guarded write first, and the visit's own ETag and event history
 * make a step that was already taken a no-op. Nothing lives in memory between sweeps.
 */
export class Sweeper {
  private readonly repeating: Repeating;
  private startedAt: Date | undefined;
  private lastCompletedAt: Date | undefined;

  constructor(
    private readonly service: VisitService,
    private readonly due: DueIndex,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: SweeperOptions = DEFAULT_SWEEPER,
  ) {
    this.repeating = new Repeating(() => this.sweepInBackground(), options.intervalMs);
  }

  /** One sweep: returns how many visits it handled. */
  async sweepOnce(): Promise<number> {
    const deadline = new Deadline(this.options.deadlineMs);
    try {
      return await this.sweep(deadline);
    } finally {
      deadline.finish();
    }
  }

  private async sweep(deadline: Deadline): Promise<number> {
    const now = this.clock.now();
    // A visit can have several due entries (a deadline and a delivery retry): one wake serves them all.
    const byVisit = new Map<string, DueEntry[]>();
    for (const entry of await deadline.within(this.due.due(now, this.options.batch))) byVisit.set(entry.visitId, [...(byVisit.get(entry.visitId) ?? []), entry]);
    const visits = [...byVisit.entries()];
    let handled = 0;
    let next = 0;
    const worker = async () => {
      while (next < visits.length && !deadline.passed) {
        const [visitId, entries] = visits[next++]!;
        try {
          if (await this.handle(visitId, entries, new Date(now.getTime() + this.options.leaseMs), deadline)) handled++;
        } catch (error) {
          // The entries stay claimed until their lease runs out, then another sweep tries again.
          this.log.error("sweep of a visit failed", { visitId, error: String(error) });
        }
      }
    };
    try {
      await deadline.within(Promise.all(Array.from({ length: Math.min(this.options.concurrency, visits.length) }, worker)));
    } catch (error) {
      if (!(error instanceof DeadlinePassed)) throw error;
      this.log.warn("sweep stopped at its deadline", { handled, notWoken: visits.length - next });
      return handled;
    }
    this.lastCompletedAt = this.clock.now();
    return handled;
  }

  /** What the safety net's watchdog reads: a sweep that fails or hangs never counts as completed. */
  progress(): SweepProgress {
    return { running: this.startedAt !== undefined, ...(this.startedAt ? { startedAt: this.startedAt } : {}), ...(this.lastCompletedAt ? { lastCompletedAt: this.lastCompletedAt } : {}) };
  }

  private async handle(visitId: string, entries: DueEntry[], leaseUntil: Date, deadline: Deadline): Promise<boolean> {
    const claimed = (await Promise.all(entries.map((entry) => this.due.claim(entry, leaseUntil)))).filter((e): e is DueEntry => e !== undefined);
    if (claimed.length === 0) return false;
    const outcome = await this.service.wake(visitId, deadline);
    // Storage trouble: keep the entries; when their lease runs out another sweep tries again.
    if (!outcome.ok && outcome.refusal.code === "storage-unavailable") return false;
    await Promise.all(claimed.map((entry) => this.due.complete(entry)));
    return true;
  }

  start(): void {
    this.startedAt ??= this.clock.now();
    this.repeating.start();
  }

  async stop(): Promise<void> {
    this.startedAt = undefined;
    await this.repeating.stop();
  }

  private async sweepInBackground(): Promise<void> {
    try {
      const handled = await this.sweepOnce();
      if (handled > 0) this.log.info("sweep handled due visits", { handled });
    } catch (error) {
      this.log.error("sweep failed", { error: String(error) });
    }
  }
}
